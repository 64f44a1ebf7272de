"""The partners API: the register, forwards, figures, reviews and actions (staff, bearer JWT with
Django permissions), and the partner's own endpoints (PartnerToken, only its own items).

Every write runs in one transaction; bad input is a 400 with field errors and writes nothing.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from signals_haarlem.api import ARRAY_OF_OBJECTS, OBJECT, OBJECT_OR_OBJECTS, SignalenAPI
from signals_haarlem.parsers import SafeFormParser, SafeJSONParser, SafeMultiPartParser

from .. import figures, reviews, services
from ..models import FigureReport, Forward, ForwardAnswer, Partner, PartnerLog, PartnerToken, Review, ReviewAction
from ..overview import overview_rows
from . import serializers as s
from .authentication import PartnerTokenAuthentication
from .permissions import IsPartner, ModelPermissions, require


try:
    from drf_spectacular.utils import extend_schema
except ImportError:  # inside upstream Signalen the schema is someone else's concern
    def extend_schema(*args, **kwargs):
        return lambda func: func


class DjangoErrors:
    """Django ValidationErrors from the services become 400s with field errors (in either way of running)."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, 'error_dict') else {'non_field_errors': exc.messages}
            exc = exceptions.ValidationError(detail)
        elif isinstance(exc, figures.FiguresRejected):
            return Response({'detail': 'De cijfers zijn niet opgeslagen: het bestand bevat fouten.',
                             'regels': exc.lines}, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


def _who(request):
    return getattr(request.user, 'email', '') or getattr(request.user, 'username', '') or str(request.user)


class PartnerViewSet(SignalenAPI, DjangoErrors, viewsets.ModelViewSet):
    """The partner register (admins write, account holders and monitoring read)."""
    serializer_class = s.PartnerSerializer
    permission_classes = [ModelPermissions]
    queryset = Partner.objects.select_related('department', 'account_holder') \
        .prefetch_related('categories', 'contacts').order_by('name')

    @transaction.atomic
    def perform_destroy(self, instance):
        if instance.forwards.exists() or instance.reviews.exists() or instance.figures.exists():
            raise exceptions.ValidationError({'partner': ['Deze partner heeft al doorzettingen, cijfers of '
                                                          'overleggen; zet hem op niet actief.']})
        instance.delete()

    @extend_schema(responses={200: ARRAY_OF_OBJECTS})
    @action(detail=False, methods=['get'], url_path='overview')
    def overview(self, request):
        """One row per partner: on-time share (last 90 days), open forwards, late actions, next review."""
        rows = overview_rows()
        return Response([{
            'id': row['partner'].pk, 'code': row['partner'].code, 'name': row['partner'].name,
            'is_active': row['partner'].is_active,
            'on_time_share': round(row['on_time_share'], 3) if row['on_time_share'] is not None else None,
            'measured': row['measured'], 'open_forwards': row['open_forwards'], 'open_late': row['open_late'],
            'late_actions': row['late_actions'],
            'next_review': row['next_review'].isoformat() if row['next_review'] else None,
        } for row in rows])

    @extend_schema(methods=['GET'], responses={200: s.TokenSerializer(many=True)})
    @extend_schema(methods=['POST'], request=s.TokenSerializer, responses={201: s.TokenSerializer})
    @action(detail=True, methods=['get', 'post'], url_path='tokens', pagination_class=None,
            permission_classes=[require('haarlem_partners.manage_partner_tokens')])
    def tokens(self, request, pk=None):
        partner = self.get_object()
        if request.method == 'GET':
            return Response(s.TokenSerializer(partner.tokens.all(), many=True).data)
        serializer = s.TokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            token, plaintext = PartnerToken.issue(partner, serializer.validated_data['name'], created_by=_who(request),
                                                  expires_at=serializer.validated_data.get('expires_at'))
            PartnerLog.objects.create(partner=partner, kind=PartnerLog.TOKEN_ISSUED, who=_who(request),
                                      detail=f'{token.key_id}: {token.name}')
        data = s.TokenSerializer(token).data
        data['token'] = plaintext  # shown once; only its hash is stored
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.TokenSerializer})
    @action(detail=True, methods=['post'], url_path=r'tokens/(?P<token_id>\d+)/revoke',
            permission_classes=[require('haarlem_partners.manage_partner_tokens')])
    def revoke_token(self, request, pk=None, token_id=None):
        partner = self.get_object()
        with transaction.atomic():
            token = get_object_or_404(PartnerToken.objects.select_for_update(), partner=partner, pk=token_id)
            if token.revoked_at is None:
                token.revoked_at, token.revoked_by = timezone.now(), _who(request)
                token.save(update_fields=['revoked_at', 'revoked_by'])
                PartnerLog.objects.create(partner=partner, kind=PartnerLog.TOKEN_REVOKED, who=_who(request),
                                          detail=token.key_id)
        return Response(s.TokenSerializer(token).data)


class ForwardViewSet(SignalenAPI, DjangoErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = s.ForwardSerializer
    permission_classes = [ModelPermissions]
    queryset = Forward.objects.select_related('partner', 'signal', 'complaint', 'answer') \
        .prefetch_related('events', 'answer__photos')

    def get_queryset(self):
        qs = services.visible_forwards(self.request.user, super().get_queryset())
        params = self.request.query_params
        if params.get('partner'):
            qs = qs.filter(partner__code__iexact=params['partner'])
        if params.get('status'):
            qs = qs.filter(status=params['status'])
        if params.get('signal'):
            qs = qs.filter(signal_id=params['signal'])
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get('complaint'):
            if not services.can_see_complaints(request.user, data['complaint']):
                raise exceptions.PermissionDenied('U heeft geen toegang tot deze klacht.')
            forward = services.forward_complaint(data['complaint'], data['partner'], data['instruction'],
                                                 user=request.user, via=Forward.VIA_API)
        else:
            forward = services.forward_signal(data['signal'], data['partner'], data['instruction'],
                                              user=request.user, via=Forward.VIA_API)
        return Response(self.get_serializer(forward).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=['post'], permission_classes=[require('haarlem_partners.withdraw_forward')])
    def withdraw(self, request, pk=None):
        serializer = s.WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        forward = services.withdraw_forward(self.get_object(), request.user, serializer.validated_data['reason'])
        return Response(self.get_serializer(forward).data)


class FiguresViewSet(SignalenAPI, DjangoErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.FigureReportSerializer
    permission_classes = [ModelPermissions]
    queryset = FigureReport.objects.select_related('partner')
    parser_classes = [SafeJSONParser, SafeMultiPartParser, SafeFormParser]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get('partner'):
            qs = qs.filter(partner__code__iexact=self.request.query_params['partner'])
        return qs

    def create(self, request, *args, **kwargs):
        """One delivery as JSON: {"partner": "SPL", "periode": "2025-K1", "ontvangen": 10, ...}."""
        report = figures.deliver(request.data, _who(request), FigureReport.VIA_API)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=['post'], url_path='upload', parser_classes=[SafeMultiPartParser, SafeFormParser])
    def upload(self, request):
        """A CSV file (field `file`): all lines stored, or none with the errors per line."""
        upload = request.FILES.get('file')
        if upload is None:
            raise exceptions.ValidationError({'file': ['Kies een CSV-bestand.']})
        reports = figures.import_csv(upload, _who(request))
        return Response(self.get_serializer(reports, many=True).data, status=status.HTTP_201_CREATED)




class ReviewViewSet(SignalenAPI, DjangoErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = s.ReviewSerializer
    permission_classes = [ModelPermissions]
    queryset = Review.objects.select_related('partner')

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get('partner'):
            qs = qs.filter(partner__code__iexact=self.request.query_params['partner'])
        return qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        with transaction.atomic():
            review, _ = reviews.plan_review(data['partner'], data['period'], user=self.request.user,
                                            planned_date=data.get('planned_date'))
        serializer.instance = review

    @action(detail=True, methods=['post'], permission_classes=[require('haarlem_partners.change_review')])
    def dossier(self, request, pk=None):
        review = reviews.generate_dossier(self.get_object(), request.user)
        return Response(self.get_serializer(review).data)

    @action(detail=True, methods=['post'], permission_classes=[require('haarlem_partners.record_review')])
    def record(self, request, pk=None):
        serializer = s.RecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = reviews.record_meeting(self.get_object(), user=request.user, **{
            'record': serializer.validated_data['meeting_record'], 'held_on': serializer.validated_data['held_on'],
            'attendees': serializer.validated_data['attendees']})
        return Response(self.get_serializer(review).data)

    @action(detail=True, methods=['get'])
    def pdf(self, request, pk=None):
        from ..pages.views import render_dossier_pdf
        review = self.get_object()
        return HttpResponse(render_dossier_pdf(review, request), content_type='application/pdf',
                            headers={'Content-Disposition': f'attachment; filename="{_pdf_name(review)}"'})


def _pdf_name(review):
    return f'overleg-{review.partner.code.lower()}-{review.period.code}.pdf'


class ActionViewSet(SignalenAPI, DjangoErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = s.ActionSerializer
    permission_classes = [ModelPermissions]
    queryset = ReviewAction.objects.select_related('partner', 'review').prefetch_related('events')

    def get_queryset(self):
        qs = super().get_queryset()
        params = self.request.query_params
        if params.get('partner'):
            qs = qs.filter(partner__code__iexact=params['partner'])
        if params.get('status'):
            qs = qs.filter(status=params['status'])
        if params.get('late') in ('1', 'true'):
            qs = qs.filter(status__in=ReviewAction.UNFINISHED, due_date__lt=timezone.localdate())
        return qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = reviews.add_action(data['review'], data['description'], data['owner'], data['due_date'],
                                                 owner_side=data.get('owner_side', ReviewAction.SIDE_PARTNER),
                                                 owner_email=data.get('owner_email', ''), user=self.request.user)

    @action(detail=True, methods=['post'], permission_classes=[require('haarlem_partners.change_reviewaction')])
    def status(self, request, pk=None):
        serializer = s.ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = reviews.set_action_status(self.get_object(), serializer.validated_data['status'], request.user,
                                            serializer.validated_data['note'])
        return Response(self.get_serializer(ReviewAction.objects.prefetch_related('events').get(pk=updated.pk)).data)


# --- the partner's own endpoints (PartnerToken) ---------------------------------------------

class PartnerAPIView(DjangoErrors, GenericAPIView):
    serializer_class = s.PartnerJobSerializer
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [IsPartner]
    pagination_class = None  # (whole lists: a partner's own, bounded)

    @property
    def partner(self):
        return self.request.user.partner

    def forwards(self):
        # Only this partner's forwards, ever.
        return Forward.objects.filter(partner=self.partner).select_related('partner', 'signal', 'complaint')

    def who(self):
        return f'{self.partner.name} (API-token {self.request.user.token.key_id})'


class PartnerForwardList(PartnerAPIView):
    @extend_schema(operation_id='partner_forwards_list', responses=s.PartnerJobSerializer(many=True))
    def get(self, request):
        qs = self.forwards()
        wanted = request.query_params.get('status', Forward.OPEN)
        if wanted != 'all':
            qs = qs.filter(status=wanted)
        return Response([s.PartnerJobSerializer(services.job_for_partner(f)).data for f in qs[:500]])


class PartnerForwardDetail(PartnerAPIView):
    @extend_schema(operation_id='partner_forwards_retrieve', responses=s.PartnerJobSerializer)
    def get(self, request, uuid):
        forward = get_object_or_404(self.forwards(), uuid=uuid)
        return Response(s.PartnerJobSerializer(services.job_for_partner(forward)).data)


class PartnerForwardAnswer(PartnerAPIView):
    serializer_class = s.AnswerSerializer
    parser_classes = [SafeMultiPartParser, SafeFormParser, SafeJSONParser]

    def post(self, request, uuid):
        forward = get_object_or_404(self.forwards(), uuid=uuid)
        serializer = s.AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        photos = request.FILES.getlist('photos') if hasattr(request.FILES, 'getlist') else data.get('photos', [])
        answer = services.answer_forward(forward, data['text'], photos, resolved=data['resolved'],
                                         answered_by=data.get('answered_by') or self.who(), via=ForwardAnswer.VIA_API)
        forward.refresh_from_db()
        body = s.PartnerJobSerializer(services.job_for_partner(forward)).data
        body['answer'] = {'text': answer.text, 'resolved': answer.resolved, 'photos': answer.photos.count(),
                          'on_time': answer.response_on_time}
        return Response(body, status=status.HTTP_201_CREATED)


class PartnerFigures(PartnerAPIView):
    serializer_class = s.FigureReportSerializer
    parser_classes = [SafeJSONParser, SafeMultiPartParser, SafeFormParser]

    @extend_schema(operation_id='partner_figures_list', responses=s.FigureReportSerializer(many=True))
    def get(self, request):
        return Response(s.FigureReportSerializer(FigureReport.objects.filter(partner=self.partner)
                                                 .select_related('partner'), many=True).data)

    @extend_schema(operation_id='partner_figures_create',
                   request={'application/json': OBJECT, 'multipart/form-data': OBJECT},
                   responses={201: OBJECT_OR_OBJECTS, 400: OBJECT})
    def post(self, request):
        """JSON for one quarter, or a CSV file in `file` (only this partner's own lines)."""
        upload = request.FILES.get('file') if hasattr(request, 'FILES') else None
        if upload is not None:
            reports = figures.import_csv(upload, self.who(), via=FigureReport.VIA_CSV, only_partner=self.partner)
            return Response(s.FigureReportSerializer(reports, many=True).data, status=status.HTTP_201_CREATED)
        data = dict(request.data.items()) if hasattr(request.data, 'items') else {}
        if data.get('partner') and str(data['partner']).strip().lower() not in (
                self.partner.code.lower(), self.partner.name.lower()):
            raise exceptions.ValidationError({'partner': ['U kunt alleen cijfers van uw eigen organisatie '
                                                          'aanleveren.']})
        report = figures.deliver(data, self.who(), FigureReport.VIA_API, partner=self.partner)
        return Response(s.FigureReportSerializer(report).data, status=status.HTTP_201_CREATED)
