"""URLs inside upstream Signalen: upstream's own, plus the Haarlem API and werkplek."""
from django.urls import include, path

from config.urls_haarlem import urlpatterns as haarlem_urlpatterns

urlpatterns = [
    *haarlem_urlpatterns,
    path('', include('signals.urls')),
]
