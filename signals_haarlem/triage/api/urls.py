"""/signals/v1/haarlem/triage/: lanes, category lanes, rules (kinds, dry-run), areas, signals' triage,
re-triage, queues."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False  # no '<route>.json' twins: the custom actions take no format argument (500)
router.include_root_view = False
router.register('lanes', views.LaneViewSet, basename='lane')
router.register('rules', views.RuleViewSet, basename='rule')
router.register('areas', views.AreaViewSet, basename='area')
router.register('categories', views.CategoryLaneViewSet, basename='category')

app_name = 'triage_api'
urlpatterns = [
    path('', include(router.urls)),
    path('signals/<int:pk>/', views.SignalTriageView.as_view(), name='signal'),
    path('signals/<int:pk>/retriage/', views.RetriageView.as_view(), name='retriage'),
    path('signals/<int:pk>/release/', views.ReleaseView.as_view(), name='release'),
    path('signals/<int:pk>/agreed-date/', views.AgreedDateView.as_view(), name='agreed-date'),
    path('queues/', views.QueuesView.as_view(), name='queues'),
    path('queues/<slug:code>/', views.QueueView.as_view(), name='queue'),
    path('status/', views.RulesetStatusView.as_view(), name='status'),
]
