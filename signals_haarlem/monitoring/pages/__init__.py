"""Werkplek pages of the monitoring app, included at /werkplek/monitoring/: the dashboard and the
exports of its figures (CSV and XLSX)."""
from django.urls import path

from . import views

app_name = 'monitoring_pages'
urlpatterns = [
    path('', views.DashboardView.as_view(), name='dashboard'),
    path('export/alles.xlsx', views.ExportAllView.as_view(), name='export_all'),
    path('export/<slug:slug>.csv', views.ExportView.as_view(), {'ext': 'csv'}, name='export_csv'),
    path('export/<slug:slug>.xlsx', views.ExportView.as_view(), {'ext': 'xlsx'}, name='export_xlsx'),
]
