"""The Haarlem apps' URLs, the same in both ways of running."""
from django.urls import include, path

urlpatterns = [
    path('signals/v1/haarlem/triage/', include('signals_haarlem.triage.api.urls')),
    path('signals/v1/haarlem/complaints/', include('signals_haarlem.complaints.api.urls')),
    path('signals/v1/haarlem/partners/', include('signals_haarlem.partners.api.urls')),
    path('signals/v1/haarlem/monitoring/', include('signals_haarlem.monitoring.api.urls')),
    path('werkplek/triage/', include('signals_haarlem.triage.pages')),
    path('werkplek/klachten/', include('signals_haarlem.complaints.pages')),
    path('werkplek/partners/', include('signals_haarlem.partners.pages')),
    path('werkplek/monitoring/', include('signals_haarlem.monitoring.pages')),
    path('partner/', include('signals_haarlem.partners.partner_pages')),
    path('werkplek/', include('signals_haarlem.werkplek.urls')),
]
