app_name = 'triage_api'
urlpatterns = []
