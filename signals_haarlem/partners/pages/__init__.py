"""Werkplek pages of the partners app (/werkplek/partners/)."""
from django.urls import path

from . import views

app_name = 'partners_pages'
urlpatterns = [
    path('', views.OverviewView.as_view(), name='overview'),
    path('<int:pk>/', views.PartnerDetailView.as_view(), name='partner'),
    path('<int:pk>/doorzetten/', views.ForwardCreateView.as_view(), name='forward-create'),
    path('<int:pk>/cijfers/', views.FiguresUploadView.as_view(), name='figures-upload'),
    path('doorzettingen/<int:pk>/', views.ForwardDetailView.as_view(), name='forward'),
    path('doorzettingen/<int:pk>/intrekken/', views.ForwardWithdrawView.as_view(), name='forward-withdraw'),
    path('fotos/<int:pk>/', views.PhotoView.as_view(), name='photo'),
    path('overleg/<int:pk>/', views.ReviewView.as_view(), name='review'),
    path('overleg/<int:pk>/pdf/', views.ReviewPdfView.as_view(), name='review-pdf'),
    path('overleg/<int:pk>/dossier/', views.ReviewDossierView.as_view(), name='review-dossier'),
    path('overleg/<int:pk>/verslag/', views.ReviewRecordView.as_view(), name='review-record'),
    path('overleg/<int:pk>/afspraak/', views.ActionCreateView.as_view(), name='action-create'),
    path('afspraken/<int:pk>/status/', views.ActionStatusView.as_view(), name='action-status'),
]
