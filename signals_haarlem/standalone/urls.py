"""URLs of the Signalen-compatible core, under /signals/."""
from django.urls import include, path

from .api import views

urlpatterns = [
    path('', views.HealthView.as_view(), name='signals-health'),
    path('v1/', include('signals_haarlem.standalone.api.urls_signals')),
    path('', include('signals_haarlem.standalone.api.urls_settings')),
]
