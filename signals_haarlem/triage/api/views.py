"""The triage API under /signals/v1/haarlem/triage/.

Configuration (lanes, category lanes, rules, areas) needs the model's Django permissions (view for
reading, add/change/delete for writing). A signal's triage and the queues need
`haarlem_triage.view_decision`; re-triage and release `haarlem_triage.retriage`; an agreed date
`haarlem_triage.set_agreed_date`; the rule dry-run `haarlem_triage.dryrun_rule`.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from signals_haarlem import signalen
from signals_haarlem.api import ARRAY_OF_OBJECTS, SignalenAPI

from .. import engine, rules as rule_kinds, services
from ..models import Area, CategoryLane, Decision, Lane, Rule, SignalLane, SlaEvent, fallback_lane_code
from . import serializers as s

try:  # the OpenAPI schema (drf-spectacular, present in both ways of running); optional
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, extend_schema
except ImportError:  # pragma: no cover
    OpenApiTypes = OpenApiParameter = None

    def extend_schema(*args, **kwargs):
        return lambda view: view


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, including view for reading."""
    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        'GET': ['%(app_label)s.view_%(model_name)s'],
        'HEAD': ['%(app_label)s.view_%(model_name)s'],
    }


def require(*perms):
    class HasPermissions(permissions.BasePermission):
        message = 'U heeft geen toestemming voor deze actie.'

        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))
    return HasPermissions


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = 'De melding wordt op dit moment door iemand anders gewijzigd. Probeer het opnieuw.'


def run_service(function, *args, **kwargs):
    """Call a service; Django ValidationErrors become 400s with field errors, a concurrent change a 409."""
    try:
        return function(*args, **kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, 'error_dict') else {'non_field_errors': exc.messages}
        raise exceptions.ValidationError(detail) from None
    except DatabaseError as exc:
        if signalen.is_concurrent_update(exc):
            raise Conflict() from exc
        raise
    except signalen.ConcurrentUpdate as exc:
        raise Conflict() from exc


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = 'page_size'
    max_page_size = 500

    def get_paginated_response(self, data):
        return Response({
            '_links': {'self': {'href': self.request.build_absolute_uri()}, 'next': {'href': self.get_next_link()},
                       'previous': {'href': self.get_previous_link()}},
            'count': self.page.paginator.count,
            'results': data,
        }, headers={'X-Total-Count': str(self.page.paginator.count)})

    def get_paginated_response_schema(self, schema):
        return {'type': 'object', 'required': ['_links', 'count', 'results'],
                'properties': {'_links': {'type': 'object'}, 'count': {'type': 'integer'}, 'results': schema}}


#: The dry run's answer.
DRY_RUN = {'type': 'object', 'properties': {
    'total': {'type': 'integer'}, 'changed': {'type': 'integer'}, 'unchanged': {'type': 'integer'},
    'manual': {'type': 'integer'}, 'moves': ARRAY_OF_OBJECTS, 'hits': ARRAY_OF_OBJECTS, 'changes': ARRAY_OF_OBJECTS},
    'required': ['total', 'changed', 'unchanged', 'manual', 'moves', 'hits', 'changes']}


def _who(request):
    return getattr(request.user, 'email', '') or request.user.get_username()


class ProtectedDestroyMixin:
    protected_message = 'Dit is nog in gebruik en kan niet verwijderd worden.'

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError:
            raise exceptions.ValidationError({'non_field_errors': [self.protected_message]}) from None


class LaneViewSet(SignalenAPI, ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Lane.objects.select_related('department').order_by('order', 'code')
    serializer_class = s.LaneSerializer
    permission_classes = [ModelPermissions]
    lookup_field = 'code'
    pagination_class = None
    protected_message = 'Deze baan heeft besluiten, regels of categorieën; zet hem op niet actief.'


class RuleViewSet(SignalenAPI, ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Rule.objects.select_related('lane').order_by('order', 'pk')
    serializer_class = s.RuleSerializer
    permission_classes = [ModelPermissions]
    pagination_class = None
    protected_message = 'Deze regel heeft besluiten genomen; zet hem op niet actief.'

    def perform_create(self, serializer):
        serializer.save(updated_by=_who(self.request))

    def perform_update(self, serializer):
        serializer.save(updated_by=_who(self.request))

    @extend_schema(responses={200: ARRAY_OF_OBJECTS})
    @action(detail=False, methods=['get'], permission_classes=[require('haarlem_triage.view_rule')])
    def kinds(self, request):
        """The registered rule kinds and their parameters."""
        return Response([{'code': kind.code, 'label': kind.label, 'description': kind.description,
                          'uses_database': kind.uses_database, 'params': kind.schema()}
                         for kind in rule_kinds.all_kinds()])

    @extend_schema(request=s.DryRunSerializer, responses={200: DRY_RUN})
    @action(detail=False, methods=['post'], url_path='dry-run',
            permission_classes=[require('haarlem_triage.dryrun_rule')])
    def dry_run(self, request):
        """Which of the last N signals would change lane under the proposed rules (nothing is saved)."""
        serializer = s.DryRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.dry_run(serializer.proposed_rules(), limit=serializer.validated_data['limit'],
                                  only_open=serializer.validated_data['only_open'])
        return Response(dry_run_data(result))


def dry_run_data(result, max_changes=500):
    return {
        'total': result.total, 'changed': len(result.changes), 'unchanged': result.unchanged, 'manual': result.manual,
        'moves': [{'from': a or None, 'to': b, 'count': n} for (a, b), n in result.moves.most_common()],
        'hits': [{'label': label, 'count': n} for label, n in result.hits.most_common()],
        'changes': [{'signal': c.signal.pk, 'id_display': signalen.id_display(c.signal),
                     'category': signalen.category_of(c.signal).name if signalen.category_of(c.signal) else None,
                     'from': c.before.code if c.before else None, 'to': c.after.code, 'reason': c.reason}
                    for c in result.changes[:max_changes]],
    }


class AreaViewSet(SignalenAPI, ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Area.objects.order_by('name')
    serializer_class = s.AreaSerializer
    permission_classes = [ModelPermissions]
    lookup_field = 'code'
    pagination_class = None


class CategoryLaneViewSet(SignalenAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every category with its own default lane (or none) and the lane that applies.
    PUT {"lane": code} sets a category's default lane; DELETE removes it (the main category's or the
    fallback lane applies)."""
    serializer_class = s.CategoryLaneSerializer
    pagination_class = None
    lookup_value_regex = r'\d+'  # a category id; anything else is a 404, not a failed lookup

    def get_permissions(self):
        # The permissions are those of the CategoryLane rows, not of the categories listed.
        needed = {'GET': 'view', 'HEAD': 'view', 'OPTIONS': 'view', 'PUT': 'change', 'PATCH': 'change',
                  'DELETE': 'delete'}.get(self.request.method, 'change')
        return [require(f'haarlem_triage.{needed}_categorylane')()]

    def get_queryset(self):
        return signalen.get_model('Category').objects.select_related('parent').order_by('parent__name', 'name')

    def get_serializer_context(self):
        lanes = {lane.pk: lane for lane in Lane.objects.all()}
        by_code = {lane.code: lane for lane in lanes.values()}
        return {**super().get_serializer_context(), 'lanes': lanes, 'fallback': by_code.get(fallback_lane_code()),
                'mapping': dict(CategoryLane.objects.values_list('category_id', 'lane_id'))}

    def update(self, request, pk=None, **kwargs):
        category = get_object_or_404(self.get_queryset(), pk=pk)
        write = s.CategoryLaneWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        CategoryLane.objects.update_or_create(category=category, defaults={'lane': write.validated_data['lane'],
                                                                           'updated_by': _who(request)})
        return Response(self.get_serializer(category).data)

    def destroy(self, request, pk=None, **kwargs):
        category = get_object_or_404(self.get_queryset(), pk=pk)
        for row in CategoryLane.objects.filter(category=category):
            row.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def _signal_or_404(request, pk):
    """The signal, if the user may see it in Signalen (its departments' categories, or routed to one of
    them); else 404, as Signalen's own API answers."""
    return get_object_or_404(signalen.visible_signals(request.user), pk=pk)


def signal_triage(signal_id):
    return {
        'signal_id': signal_id,
        'state': SignalLane.objects.select_related('lane', 'area').filter(signal_id=signal_id).first(),
        'decisions': list(Decision.objects.filter(signal_id=signal_id).select_related('lane')),
        'events': list(SlaEvent.objects.filter(signal_id=signal_id)),
    }


class SignalTriageView(SignalenAPI, APIView):
    """A signal's triage: current lane, deadlines and the full history of decisions."""
    permission_classes = [require('haarlem_triage.view_decision')]
    serializer_class = s.SignalTriageSerializer

    def get(self, request, pk):
        _signal_or_404(request, pk)
        return Response(s.SignalTriageSerializer(signal_triage(pk), context={'request': request}).data)


class _SignalAction(SignalenAPI, APIView):
    serializer_class = None

    def post(self, request, pk):
        signal = _signal_or_404(request, pk)
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            run_service(self.act, signal, serializer.validated_data, request.user)
        data = s.SignalTriageSerializer(signal_triage(signal.pk), context={'request': request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class RetriageView(_SignalAction):
    """Put the signal in another lane by hand, with a reason (sticks until released)."""
    permission_classes = [require('haarlem_triage.view_decision', 'haarlem_triage.retriage')]
    serializer_class = s.RetriageSerializer

    def act(self, signal, data, user):
        return services.retriage(signal, data['lane'], data['reason'], user)


class ReleaseView(_SignalAction):
    """Release a manual lane: the automatic triage decides again."""
    permission_classes = [require('haarlem_triage.view_decision', 'haarlem_triage.retriage')]
    serializer_class = s.ReasonSerializer

    def act(self, signal, data, user):
        return services.release(signal, data['reason'], user)


class AgreedDateView(_SignalAction):
    """Record the resolution date agreed with the reporter (maatwerk)."""
    permission_classes = [require('haarlem_triage.view_decision', 'haarlem_triage.set_agreed_date')]
    serializer_class = s.AgreedDateSerializer

    def act(self, signal, data, user):
        return services.set_agreed_date(signal, data['date'], data['reason'], user)


class QueuesView(SignalenAPI, APIView):
    """The lanes with their number of open, overdue and due-today signals."""
    permission_classes = [require('haarlem_triage.view_decision')]

    @extend_schema(operation_id='haarlem_triage_queues_list', responses={200: ARRAY_OF_OBJECTS})
    def get(self, request):
        counts = services.lane_counts(user=request.user)
        lanes = Lane.objects.filter(is_active=True).select_related('department').order_by('order', 'code')
        return Response([{
            'code': lane.code, 'name': lane.name, 'team': lane.department.name if lane.department_id else None,
            'formula': lane.formula_text(),
            'open': counts.get(lane.pk, {}).get('open', 0), 'overdue': counts.get(lane.pk, {}).get('overdue', 0),
            'due_today': counts.get(lane.pk, {}).get('soon', 0),
            '_links': {'self': {'href': request.build_absolute_uri(f'{lane.code}/')}},
        } for lane in lanes])


class QueueView(SignalenAPI, APIView):
    """Open signals of a lane, earliest due moment first. Filters: overdue=true, due_within=N (working
    days), category=<id | main | main/sub>, area=<code>, manual=true|false; page, page_size."""
    permission_classes = [require('haarlem_triage.view_decision')]
    serializer_class = s.QueueItemSerializer
    pagination_class = Pagination  # (what the schema shows: a page)

    @extend_schema(operation_id='haarlem_triage_queue_list', parameters=[
        OpenApiParameter('overdue', bool, description='Alleen te laat'),
        OpenApiParameter('due_within', int, description='Termijn binnen N werkdagen'),
        OpenApiParameter('category', str, description='Categorie: id, "hoofd" of "hoofd/sub"'),
        OpenApiParameter('area', str, description='Code van een gebied'),
        OpenApiParameter('manual', bool, description='Alleen handmatig (true) of automatisch (false)'),
        OpenApiParameter('page', int), OpenApiParameter('page_size', int),
    ] if OpenApiParameter else None, responses=s.QueueItemSerializer(many=True))
    def get(self, request, code):
        lane = get_object_or_404(Lane, code=code)
        filters = s.QueueFilterSerializer(data={k: v for k, v in request.query_params.items()})
        filters.is_valid(raise_exception=True)
        now = timezone.now()
        qs = services.queue(lane, filters.filters(), now=now, user=request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = s.QueueItemSerializer(page, many=True, context={'request': request, 'now': now}).data
        return paginator.get_paginated_response(data)


class RulesetStatusView(SignalenAPI, APIView):
    """How many signals lack a decision (what the reconcile task will pick up)."""
    permission_classes = [require('haarlem_triage.view_decision')]

    @extend_schema(operation_id='haarlem_triage_status', responses={200: OpenApiTypes.OBJECT if OpenApiTypes else None})
    def get(self, request):
        missing, stale = services.signals_needing_triage(limit=10000, grace_seconds=0)
        ruleset = engine.current()
        return Response({'active_rules': len(ruleset.rules), 'signals_without_decision': len(missing),
                         'signals_with_outdated_category': len(stale)})
