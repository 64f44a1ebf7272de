from django.urls import path

from . import views

app_name = 'werkplek'
urlpatterns = [
    path('', views.HomeView.as_view(), name='home'),
    path('login/', views.LoginView.as_view(), name='login'),
    path('login/oidc/', views.OIDCLoginView.as_view(), name='oidc_login'),
    path('login/callback/', views.OIDCCallbackView.as_view(), name='oidc_callback'),
    path('logout/', views.LogoutView.as_view(), name='logout'),
    path('zoeken/', views.SearchView.as_view(), name='search'),
]
