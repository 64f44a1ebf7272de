"""/signals/v1/haarlem/complaints/"""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = 'complaints_api'

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # no '<route>.json' twins: the custom actions take no format argument (500)
router.include_root_view = False
router.register('measures', views.MeasureViewSet, basename='measure')
router.register('', views.ComplaintViewSet, basename='complaint')

urlpatterns = [
    path('norms/', views.NormList.as_view(), name='norms'),
    path('causes/', views.CauseList.as_view(), name='causes'),
    path('terms/', views.Terms.as_view(), name='terms'),
    path('register/', views.Register.as_view(), name='register'),
    path('publication/', views.Publication.as_view(), name='publication'),
    path('reports/annual/', views.AnnualReport.as_view(), name='annual-report'),
    path('reports/learning/', views.LearningReport.as_view(), name='learning-report'),
    path('letters/<int:pk>/pdf/', views.LetterPdf.as_view(), name='letter-pdf'),
    path('ombudsman/<int:pk>/', views.OmbudsmanUpdate.as_view(), name='ombudsman-update'),
    path('', include(router.urls)),
]
