"""Werkplek pages of the triage app."""
app_name = 'triage_pages'
urlpatterns = []
