"""Werkplek pages of the triage app: lane queues, a signal's triage history with the re-triage form,
and the rule dry-run. Included at /werkplek/triage/."""
from django.urls import path

from . import views

app_name = 'triage_pages'
urlpatterns = [
    path('', views.OverviewView.as_view(), name='overview'),
    path('baan/<slug:code>/', views.QueueView.as_view(), name='queue'),
    path('melding/<int:pk>/', views.SignalView.as_view(), name='signal'),
    path('melding/<int:pk>/herindelen/', views.RetriageView.as_view(), name='retriage'),
    path('melding/<int:pk>/loslaten/', views.ReleaseView.as_view(), name='release'),
    path('melding/<int:pk>/afspraak/', views.AgreedDateView.as_view(), name='agreed_date'),
    path('regels/', views.RulesView.as_view(), name='rules'),
]
