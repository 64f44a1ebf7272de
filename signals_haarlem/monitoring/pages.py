"""Werkplek pages of the monitoring app."""
app_name = 'monitoring_pages'
urlpatterns = []
