"""A stand-in Haarlem app with fixtures.py and seed.py, to test that core calls them."""
CALLS = []
