"""Werkplek pages of the partners app."""
app_name = 'partners_pages'
urlpatterns = []
