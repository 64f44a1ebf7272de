"""Werkplek pages of the complaints app."""
app_name = 'complaints_pages'
urlpatterns = []
