"""The werkplek shell: home, login and logout. The apps' pages extend `werkplek/base.html`."""
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = 'werkplek/home.html'


class LoginView(auth_views.LoginView):
    template_name = 'werkplek/login.html'
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = 'werkplek:login'
