"""/signals/v1/haarlem/monitoring/: the monitoring figures (read only)."""
from django.urls import path

from . import views

app_name = 'monitoring_api'
urlpatterns = [
    path('dashboard/', views.DashboardView.as_view(), name='dashboard'),
    path('figures/', views.FigureListView.as_view(), name='figures'),
    path('figures/<slug:key>/', views.FigureView.as_view(), name='figure'),
]
