"""The monitoring figures under /signals/v1/haarlem/monitoring/ (read only).

Every endpoint needs `haarlem_monitoring.view_dashboard` and takes the same filters as query
parameters: `from`, `to` (dates, jjjj-mm-dd; default the last 12 months), `lane` (code), `category`
(id, "main" or "main/sub" slugs) and `area` (stadsdeel code). Bad filters give a 400 with field errors.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from signals_haarlem.api import SignalenAPI

from .. import services

try:  # the OpenAPI schema (drf-spectacular); optional
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, extend_schema
except ImportError:  # pragma: no cover
    OpenApiTypes = OpenApiParameter = None

    def extend_schema(*args, **kwargs):
        return lambda view: view


class CanViewDashboard(permissions.BasePermission):
    message = 'U heeft geen toestemming om de monitoringcijfers te bekijken.'

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm('haarlem_monitoring.view_dashboard'))


def _filter_parameters():
    if OpenApiParameter is None:  # pragma: no cover
        return []
    return [
        OpenApiParameter('from', OpenApiTypes.DATE, description='Begin van de periode (standaard: 12 maanden terug)'),
        OpenApiParameter('to', OpenApiTypes.DATE, description='Einde van de periode, inclusief (standaard: vandaag)'),
        OpenApiParameter('lane', str, description='Code van een baan (eenvoudig, complex, maatwerk, ...)'),
        OpenApiParameter('category', str, description='Categorie: id, "hoofd" of "hoofd/sub"'),
        OpenApiParameter('area', str, description='Code van een stadsdeel'),
    ]


def _key_parameter():
    if OpenApiParameter is None:  # pragma: no cover
        return []
    return [OpenApiParameter('key', str, OpenApiParameter.PATH, enum=list(services.FIGURES),
                             description='Welk cijfer')]


class MonitoringView(SignalenAPI, APIView):
    permission_classes = [CanViewDashboard]

    def filters(self, request):
        try:
            return services.parse_filters(request.query_params, names=services.API_NAMES)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None


class DashboardView(MonitoringView):
    """All figures for the filters, with the headline numbers."""

    @extend_schema(parameters=_filter_parameters(), responses={200: OpenApiTypes.OBJECT if OpenApiTypes else None},
                   summary='Alle monitoringcijfers', operation_id='haarlem_monitoring_dashboard')
    def get(self, request):
        filters = self.filters(request)
        figures = services.dashboard(filters)
        summary = services.summary(figures)
        if summary.get('on_time_share') is not None:
            summary['on_time_share'] = round(summary['on_time_share'], 4)
        return Response({'filters': filters.as_dict(), 'summary': summary,
                         'figures': {key: figure.as_dict() for key, figure in figures.items()}})


class FigureListView(MonitoringView):
    """The figures there are, with their URLs."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT if OpenApiTypes else None}, summary='Lijst van cijfers',
                   operation_id='haarlem_monitoring_figures')
    def get(self, request):
        return Response({'results': [
            {'key': key, 'title': services.FIGURE_TITLES[key],
             'url': request.build_absolute_uri(reverse('monitoring_api:figure', args=[key]))}
            for key in services.FIGURES]})


class FigureView(MonitoringView):
    """One figure for the filters: its columns and rows."""

    @extend_schema(parameters=_filter_parameters() + _key_parameter(),
                   responses={200: OpenApiTypes.OBJECT if OpenApiTypes else None}, summary='Eén monitoringcijfer',
                   operation_id='haarlem_monitoring_figure')
    def get(self, request, key):
        if key not in services.FIGURES:
            raise exceptions.NotFound('Dit cijfer bestaat niet.')
        filters = self.filters(request)
        return Response({'filters': filters.as_dict(), **services.figure(key, filters).as_dict()})
