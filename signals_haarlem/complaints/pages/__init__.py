"""Werkplek pages of the complaints app (/werkplek/klachten/)."""
from django.urls import path

from . import views

app_name = 'complaints_pages'
urlpatterns = [
    path('', views.MyComplaints.as_view(), name='mine'),
    path('registreren/', views.Intake.as_view(), name='intake'),
    path('overzicht/', views.Overview.as_view(), name='overview'),
    path('<int:pk>/', views.Detail.as_view(), name='detail'),
    path('<int:pk>/actie/<slug:name>/', views.Action.as_view(), name='action'),
    path('maatregel/<int:pk>/', views.MeasureStatus.as_view(), name='measure'),
    path('brief/<int:pk>/', views.LetterPdf.as_view(), name='letter'),
    path('register/', views.Register.as_view(), name='register'),
    path('register/export/<slug:kind>/', views.RegisterExport.as_view(), name='register-export'),
    path('rapportages/', views.Reports.as_view(), name='reports'),
    path('rapportages/<slug:kind>.pdf', views.ReportPdf.as_view(), name='report-pdf'),
]
