app_name = 'werkplek'
urlpatterns = []
