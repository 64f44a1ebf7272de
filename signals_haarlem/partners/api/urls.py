"""/signals/v1/haarlem/partners/: staff endpoints (bearer JWT + Django permissions) and, under
partner/, the partner's own endpoints (PartnerToken)."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = 'partners_api'

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # no '<route>.json' twins: the custom actions take no format argument (500)
router.include_root_view = False
router.register('register', views.PartnerViewSet, basename='partner')
router.register('forwards', views.ForwardViewSet, basename='forward')
router.register('figures', views.FiguresViewSet, basename='figures')
router.register('reviews', views.ReviewViewSet, basename='review')
router.register('actions', views.ActionViewSet, basename='action')

urlpatterns = [
    path('partner/forwards/', views.PartnerForwardList.as_view(), name='partner-forwards'),
    path('partner/forwards/<uuid:uuid>/', views.PartnerForwardDetail.as_view(), name='partner-forward'),
    path('partner/forwards/<uuid:uuid>/answer/', views.PartnerForwardAnswer.as_view(), name='partner-forward-answer'),
    path('partner/figures/', views.PartnerFigures.as_view(), name='partner-figures'),
    path('', include(router.urls)),
]
