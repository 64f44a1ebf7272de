"""URLs of the Signalen-compatible core, under /signals/."""
from django.urls import path

from .api import views

urlpatterns = [
    path('', views.HealthView.as_view(), name='signals-health'),
]
