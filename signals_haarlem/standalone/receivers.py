"""Receivers of the standalone core's own hooks (mail to the reporter lives in `mail.py`)."""
