"""/signals/v1/haarlem/complaints/: the complaints API (authentication from settings; Django
permissions of the complaint roles). A coordinator sees every complaint, a handler their own, anyone
else nothing. Each request is one transaction; bad input is a 400 with field errors and writes nothing."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import exceptions, generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from signals_haarlem.api import SignalenAPI
from signals_haarlem.downloads import CSV, PDF, XLSX, file_response

from .. import letters, reports, services
from ..models import Cause, Complaint, ImprovementMeasure, Letter, Norm, OmbudsmanCase
from . import serializers as s
from .schema import YEAR, OpenApiTypes, export_param, extend_schema


def run(fn, *args, **kwargs):
    """Call a service; its Django ValidationError becomes a 400 with field errors."""
    try:
        return fn(*args, **kwargs)
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, 'error_dict') else {'non_field_errors': exc.messages}
        raise exceptions.ValidationError(detail)


class HasComplaintRole(permissions.BasePermission):
    """A complaint handler or coordinator; registering (POST to the list) also for intake staff."""
    message = 'U heeft geen rol in de klachtbehandeling.'

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(view, 'action', None) == 'create':
            return user.has_perm(services.PERM_REGISTER)
        return services.is_coordinator(user) or services.is_handler(user)


class HasPerm(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(view.required_perm))


class ComplaintViewSet(SignalenAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    permission_classes = (HasComplaintRole,)
    serializer_class = s.ComplaintSerializer

    def get_queryset(self):
        if getattr(self, 'swagger_fake_view', False):  # schema generation
            return Complaint.objects.none()
        qs = services.visible_complaints(self.request.user).select_related('handler', 'department_concerned', 'employee',
                                                                           'cause', 'signal')
        if self.action == 'list':
            params = self.request.query_params
            if params.get('state'):
                qs = qs.filter(state__in=params.getlist('state'))
            if params.get('year'):
                qs = qs.filter(received_on__year=_year(self.request))
            if params.get('mine'):
                qs = qs.filter(handler=self.request.user)
            if params.get('running'):
                qs = qs.filter(state__in=services.workflow.RUNNING)
        else:
            qs = qs.prefetch_related('norms', 'letters', 'term_changes', 'measures__owner', 'ombudsman_cases')
        return qs

    def get_serializer_class(self):
        return s.ComplaintListSerializer if self.action == 'list' else s.ComplaintSerializer

    def _locked_object(self):
        complaint = self.get_object()
        if not services.can_act(self.request.user, complaint):
            raise exceptions.PermissionDenied()
        return complaint

    def _detail(self, complaint, code=status.HTTP_200_OK):
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(s.ComplaintSerializer(complaint, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.IntakeSerializer, responses={201: s.ComplaintSerializer})
    @transaction.atomic
    def create(self, request, *args, **kwargs):
        data = self._input(s.IntakeSerializer)
        acknowledge = data.pop('acknowledge', False)
        complaint = run(services.register_complaint, data, user=request.user, acknowledge=acknowledge)
        if services.can_view(request.user, complaint):
            return self._detail(complaint, status.HTTP_201_CREATED)
        # intake staff: a receipt, not the contents
        return Response({'id': complaint.pk, 'reference': complaint.reference, 'state': complaint.state},
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.UpdateSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        complaint = self._locked_object()
        serializer = s.UpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop('reason', '')
        run(services.update_details, complaint, data, user=request.user, reason=reason)
        return self._detail(complaint)

    @action(detail=True, methods=['post'])
    @extend_schema(request=s.TransitionSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def transition(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.TransitionSerializer)
        run(services.transition, complaint, data['to'], request.user, reason=data['reason'], data=data['data'])
        return self._detail(complaint)

    @action(detail=True, methods=['post'])
    @extend_schema(request=s.AssignSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def assign(self, request, pk=None):
        complaint = self.get_object()
        if not services.is_coordinator(request.user):
            raise exceptions.PermissionDenied('Alleen de klachtcoördinator wijst klachten toe.')
        data = self._input(s.AssignSerializer)
        run(services.assign, complaint, data['handler'], request.user, reason=data['reason'])
        return self._detail(complaint)

    @action(detail=True, methods=['post'], url_path='copy-sent')
    @extend_schema(request=s.CopySerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def copy_sent(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.CopySerializer)
        run(services.record_copy_sent, complaint, request.user, sent_on=data.get('sent_on'), how=data['how'],
            send_letter=data['send_letter'])
        return self._detail(complaint)

    @action(detail=True, methods=['post'])
    @extend_schema(request=s.ExtendSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def extend(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.ExtendSerializer)
        run(services.extend_term, complaint, data['weeks'], data['reason'], request.user)
        return self._detail(complaint)

    @action(detail=True, methods=['post'])
    @extend_schema(request=s.PostponeSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def postpone(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.PostponeSerializer)
        run(services.postpone_with_consent, complaint, data['until'], data['consent_received_on'], data['consent_how'],
            data['reason'], request.user)
        return self._detail(complaint)

    @action(detail=True, methods=['post'], url_path='advice-committee')
    @extend_schema(request=s.CommitteeSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def advice_committee(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.CommitteeSerializer)
        run(services.set_advice_committee, complaint, data['advice_committee'], data['reason'], request.user)
        return self._detail(complaint)

    @action(detail=True, methods=['post', 'put'])
    @extend_schema(request=s.LearningSerializer, responses=s.ComplaintSerializer)
    @transaction.atomic
    def learning(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.LearningSerializer)
        run(services.set_learning, complaint, norms=data.get('norms'), cause=data.get('cause'),
            cause_note=data.get('cause_note'), user=request.user)
        return self._detail(complaint)

    @extend_schema(methods=['GET'], operation_id='haarlem_complaints_measures_of_complaint_list',
                   responses=s.MeasureSerializer(many=True))
    @extend_schema(methods=['POST'], operation_id='haarlem_complaints_measures_of_complaint_create',
                   request=s.NewMeasureSerializer, responses={201: s.MeasureSerializer})
    @action(detail=True, methods=['get', 'post'], pagination_class=None)  # (the whole list: a complaint has few)
    def measures(self, request, pk=None):
        if request.method == 'GET':
            complaint = self.get_object()
            return Response(s.MeasureSerializer(complaint.measures.select_related('owner'), many=True).data)
        with transaction.atomic():
            complaint = self._locked_object()
            data = self._input(s.NewMeasureSerializer)
            measure = run(services.add_measure, complaint, data['description'], data['due_date'], owner=data.get('owner'),
                          owner_name=data['owner_name'], department=data.get('department'), user=request.user)
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NoteSerializer, responses=s.EventSerializer)
    @action(detail=True, methods=['post'])
    @transaction.atomic
    def notes(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.NoteSerializer)
        event = run(services.add_note, complaint, data['text'], request.user)
        return Response(s.EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.EventSerializer(many=True))
    @action(detail=True, methods=['get'], pagination_class=None)
    def events(self, request, pk=None):
        complaint = self.get_object()
        return Response(s.EventSerializer(complaint.events.all(), many=True).data)

    @extend_schema(request=s.NewOmbudsmanSerializer, responses=s.OmbudsmanSerializer)
    @action(detail=True, methods=['post'])
    @transaction.atomic
    def ombudsman(self, request, pk=None):
        complaint = self._locked_object()
        data = self._input(s.NewOmbudsmanSerializer)
        case = run(services.register_ombudsman_case, complaint, data['received_on'], reference=data['reference'],
                   ombudsman=data['ombudsman'], user=request.user)
        return Response(s.OmbudsmanSerializer(case).data, status=status.HTTP_201_CREATED)


class OmbudsmanUpdate(SignalenAPI, APIView):
    permission_classes = (HasComplaintRole,)

    @extend_schema(request=s.OmbudsmanUpdateSerializer, responses=s.OmbudsmanSerializer)
    @transaction.atomic
    def patch(self, request, pk):
        case = get_object_or_404(OmbudsmanCase.objects.select_related('complaint'), pk=pk)
        if not services.can_act(request.user, case.complaint):
            raise Http404
        serializer = s.OmbudsmanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run(services.update_ombudsman_case, case, data['status'], data['outcome'], data.get('closed_on'), request.user)
        return Response(s.OmbudsmanSerializer(case).data)


class MeasureViewSet(SignalenAPI, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Improvement measures: a coordinator sees all, a handler those of their own complaints."""
    permission_classes = (HasComplaintRole,)
    serializer_class = s.MeasureSerializer

    def get_queryset(self):
        if getattr(self, 'swagger_fake_view', False):
            return ImprovementMeasure.objects.none()
        qs = ImprovementMeasure.objects.select_related('owner', 'complaint')
        if not services.is_coordinator(self.request.user):
            qs = qs.filter(complaint__handler=self.request.user)
        if self.request.query_params.get('open'):
            qs = qs.exclude(status__in=ImprovementMeasure.FINISHED)
        return qs

    @extend_schema(request=s.MeasureStatusSerializer, responses=s.MeasureSerializer)
    @transaction.atomic
    def partial_update(self, request, pk=None):
        measure = self.get_object()
        serializer = s.MeasureStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run(services.set_measure_status, measure, data['status'], note=data['note'], user=request.user,
            done_on=data.get('done_on'))
        return Response(s.MeasureSerializer(measure).data)


class LetterPdf(SignalenAPI, APIView):
    permission_classes = (HasComplaintRole,)

    @extend_schema(responses={(200, 'application/pdf'): OpenApiTypes.BINARY})
    def get(self, request, pk):
        letter = get_object_or_404(Letter.objects.select_related('complaint'), pk=pk)
        if not services.can_view(request.user, letter.complaint):
            raise Http404
        file = letters.ensure_pdf(letter)
        file.open('rb')
        return FileResponse(file, content_type='application/pdf', as_attachment=False,
                            filename=f'{letter.complaint.reference}-{letter.kind}.pdf')


class NormList(SignalenAPI, generics.ListAPIView):
    permission_classes = (HasComplaintRole,)
    serializer_class = s.NormSerializer
    pagination_class = None
    queryset = Norm.objects.filter(is_active=True)


class CauseList(SignalenAPI, generics.ListAPIView):
    permission_classes = (HasComplaintRole,)
    serializer_class = s.CauseSerializer
    pagination_class = None
    queryset = Cause.objects.filter(is_active=True)


class Terms(SignalenAPI, APIView):
    """Every running term, soonest end first (coordinator)."""
    permission_classes = (HasPerm,)
    required_perm = services.PERM_COORDINATE

    @extend_schema(responses={200: {'type': 'array', 'items': {'type': 'object'}}})
    def get(self, request):
        rows = services.running_terms()
        return Response([{'id': c.pk, 'reference': c.reference, 'state': c.state, 'state_label': c.state_label,
                          'handler': s._user(c.handler), 'term_last_day': c.term_last_day, 'is_late': c.is_late,
                          'extension_weeks': c.extension_weeks} for c in rows])


def _year(request):
    value = request.query_params.get('year') or str(timezone.localdate().year)
    if not (value.isascii() and value.isdigit() and 1900 <= int(value) <= 2999):
        raise exceptions.ValidationError({'year': ['Geef een jaartal (1900-2999).']})
    return int(value)


class Register(SignalenAPI, APIView):
    """The register (Awb 9:12a): ?year=2025; ?export=csv or xlsx for an export."""
    permission_classes = (HasPerm,)
    required_perm = services.PERM_REGISTER_VIEW

    @extend_schema(parameters=[YEAR, export_param('csv', 'xlsx')], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year = _year(request)
        fmt = request.query_params.get('export')
        if fmt == 'csv':
            return file_response(reports.register_csv(year), f'klachtenregister-{year}.csv', CSV)
        if fmt == 'xlsx':
            return file_response(reports.register_xlsx(year), f'klachtenregister-{year}.xlsx', XLSX)
        return Response({'year': year, 'results': reports.register_rows(year)})


class Publication(SignalenAPI, APIView):
    """Concluded judgements of a year with personal details removed (CSV), for active publication."""
    permission_classes = (HasPerm,)
    required_perm = services.PERM_REGISTER_VIEW

    @extend_schema(parameters=[YEAR, export_param('csv')], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year = _year(request)
        if request.query_params.get('export') == 'csv':
            return file_response(reports.publication_csv(year), f'klachtoordelen-{year}.csv', CSV)
        return Response({'year': year, 'results': reports.publication_rows(year)})


def _plain(report):
    return {k: v for k, v in report.items() if k not in ('charts', 'open_measures', 'late_measures')}


class AnnualReport(SignalenAPI, APIView):
    """The annual report's figures (JSON) or, with ?export=pdf, the report as PDF."""
    permission_classes = (HasPerm,)
    required_perm = services.PERM_REPORTS

    @extend_schema(parameters=[YEAR, export_param('pdf')], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year = _year(request)
        if request.query_params.get('export') == 'pdf':
            return file_response(reports.annual_report_pdf(year), f'jaarverslag-klachten-{year}.pdf', PDF, inline=True)
        return Response(_plain(reports.annual_report(year)))


class LearningReport(SignalenAPI, APIView):
    permission_classes = (HasPerm,)
    required_perm = services.PERM_REPORTS

    @extend_schema(parameters=[YEAR, export_param('pdf')], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        year = _year(request)
        if request.query_params.get('export') == 'pdf':
            return file_response(reports.learning_report_pdf(year), f'leerrapportage-klachten-{year}.pdf', PDF,
                                 inline=True)
        report = reports.learning_report(year)
        data = _plain(report)
        data['open_measures'] = s.MeasureSerializer(report['open_measures'], many=True).data
        return Response(data)
