"""Private (backoffice) signal endpoints of the Signalen v1 API.

Every view checks `SignalsPermission` (sia_read to read, sia_write to change) and only ever finds
signals the user may see (`filter_for_user`): another department's signal is a 404. Every change is
one `Signal.actions` call (or one transaction around several), so a refused request writes nothing.
"""
import math
import re
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from signals_haarlem.ids import MAX_ID
from signals_haarlem.parsers import SafeFormParser, SafeJSONParser, SafeMultiPartParser

from .. import feedback, mail, reporters, workflow
from ..models import Attachment, History, Reporter, Signal
from ..search import search_signals
from .pagination import LinkHeaderPagination
from .signals_access import SignalsPermission, SignalsReadPermission, filter_for_user, has_perm
from .signals_filters import filter_signals, order_signals
from .signals_public_views import geojson_page
from . import signals_schema as sc
from .signals_serializers import (
    AttachmentPatchSerializer, AttachmentUploadSerializer, Ctx, EmailPreviewSerializer,
    PrivateSignalCreateSerializer, ReporterSerializer, SignalPatchSerializer, attachment_dict, child_item, dt, history_item,
    private_signal_detail, private_signal_list_item, reporter_dict, signal_queryset,
)



def who(request):
    user = request.user
    return getattr(user, 'email', None) or getattr(user, 'username', None)


def require(request, codename):
    if not has_perm(request.user, codename):
        raise PermissionDenied('U heeft geen rechten voor deze actie.')


class PrivateView(APIView):
    permission_classes = (SignalsPermission,)

    def visible(self, queryset=None):
        return filter_for_user(Signal.objects.all() if queryset is None else queryset, self.request.user)

    def get_signal(self, pk, queryset=None):
        pk = int(pk)
        signal = self.visible(queryset).filter(pk=pk).first() if 0 < pk < MAX_ID else None
        if signal is None:
            raise Http404
        return signal

    def signal_detail_response(self, pk, status=http_status.HTTP_200_OK):
        signal = self.get_signal(pk, signal_queryset(detail=True))
        return Response(private_signal_detail(Ctx(self.request), signal), status=status)


def signal_page(view, request, queryset):
    """One page of the (filtered, ordered) `queryset` in the list shape.

    In two steps: the page's ids first (a narrow query that sorts only ids), then the full rows of
    just those ids. The wide columns and per-row subqueries are thus computed for one page, never
    for every matching signal, and the query count does not depend on the page size."""
    paginator = LinkHeaderPagination()
    ids = paginator.paginate_queryset(queryset.values_list('pk', flat=True), request, view=view)
    rows = signal_queryset().in_bulk(list(ids))
    ctx = Ctx(request)
    return paginator.get_paginated_response([private_signal_list_item(ctx, rows[pk]) for pk in ids if pk in rows])


# -- list, create ---------------------------------------------------------------------------------

class SignalList(PrivateView):
    """`GET /private/signals/` (filters and ordering, see signals_filters) and `POST` (one signal, or
    an array: child signals of one parent (a split) or several signals)."""
    parser_classes = (SafeJSONParser,)
    serializer_class = PrivateSignalCreateSerializer

    @extend_schema(tags=['private: signals'], operation_id='v1_private_signals_list', parameters=sc.LIST_PARAMETERS,
                   responses={200: sc.obj('Gepagineerde lijst {_links, count, results}'), 400: sc.BAD})
    def get(self, request):
        qs = filter_signals(self.visible(), request.query_params)
        return signal_page(self, request, order_signals(qs, request.query_params))

    @extend_schema(tags=['private: signals'], request=PrivateSignalCreateSerializer,
                   responses={201: sc.object_or_objects('De nieuwe melding (een lijst bij een array)'),
                              400: sc.object_or_objects('Veldfouten (per melding bij een array); niets opgeslagen'),
                              403: sc.obj('Geen recht')})
    def post(self, request):
        require(request, 'sia_signal_create_initial')
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        max_items = getattr(settings, 'SIGNAL_MAX_NUMBER_OF_CHILDREN', 10)
        if many and not 1 <= len(items) <= max_items:
            raise ValidationError({'non_field_errors': [f'Geef 1 tot {max_items} meldingen.']})
        serializers_ = [PrivateSignalCreateSerializer(data=item) for item in items]
        valid = [s.is_valid() for s in serializers_]
        if not all(valid):
            errors = [s.errors if not ok else {} for s, ok in zip(serializers_, valid)]
            raise ValidationError(errors if many else errors[0])
        parents = {s.validated_data.get('parent') for s in serializers_}
        if len(parents) > 1:
            raise ValidationError({'parent': ['Maak alleen meldingen óf deelmeldingen van één hoofdmelding.']})
        parent_pk = parents.pop()
        email = who(request)
        if parent_pk:
            signals = self._split(request, serializers_, parent_pk, email, max_items)
        else:
            signals = self._create(serializers_, email)
        ctx = Ctx(request)
        by_pk = {s.pk: s for s in signal_queryset().filter(pk__in=[s.pk for s in signals])}
        data = [private_signal_list_item(ctx, by_pk[s.pk]) for s in signals]
        return Response(data if many else data[0], status=http_status.HTTP_201_CREATED)

    def _create(self, serializers_, email):
        created = []
        with transaction.atomic():
            for serializer in serializers_:
                signal_data, location, category, reporter, priority, type_ = serializer.create_arguments(email)
                signal = Signal.actions.create_initial(signal_data, location, {'state': workflow.GEMELD, 'user': email},
                                                       category, reporter, priority, type_)
                for note in serializer.validated_data.get('notes') or []:
                    Signal.actions.create_note({'text': note['text'], 'created_by': email}, signal)
                created.append(signal)
        return created

    def _split(self, request, serializers_, parent_pk, email, max_items):
        require(request, 'sia_split')
        parent = self.visible().select_related('reporter').filter(pk=parent_pk).first()
        if parent is None:
            raise ValidationError({'parent': ['Onbekende hoofdmelding.']})
        if parent.parent_id is not None:
            raise ValidationError({'parent': ['Een deelmelding kan niet opnieuw gesplitst worden.']})
        existing = Signal.objects.filter(parent=parent).count()
        if existing + len(serializers_) > max_items:
            raise ValidationError({'parent': [f'Een melding heeft hoogstens {max_items} deelmeldingen.']})
        reporter = parent.reporter
        reporter_data = {'email': reporter.email, 'phone': reporter.phone, 'sharing_allowed': reporter.sharing_allowed,
                         'allows_contact': reporter.allows_contact} if reporter else {}
        items, copies = [], []
        for serializer in serializers_:
            signal_data, location, category, _, priority, type_ = serializer.create_arguments(email)
            if not serializer.validated_data.get('source'):
                signal_data['source'] = parent.source
            items.append({'signal_data': signal_data, 'location_data': location,
                          'category_assignment_data': category, 'reporter_data': dict(reporter_data),
                          'priority_data': priority, 'type_data': type_})
            copies.append(self._parent_attachments(parent, serializer.validated_data.get('attachments') or []))
        with transaction.atomic():
            children = Signal.actions.split(items, parent, user=email)
            for child, attachments, serializer in zip(children, copies, serializers_):
                for note in serializer.validated_data.get('notes') or []:
                    Signal.actions.create_note({'text': note['text'], 'created_by': email}, child)
                for attachment in attachments:
                    with attachment.file.open('rb') as source:
                        copy = File(source, name=attachment.file.name.rsplit('/', 1)[-1])
                        copy.size = attachment.file.size
                        Signal.actions.add_attachment(copy, child, created_by=email)
        return children

    @staticmethod
    def _parent_attachments(parent, hrefs):
        ids = []
        for href in hrefs:
            match = re.search(r'/signals/(\d+)/attachments/(\d+)/?$', href)
            if match is None or int(match.group(1)) != parent.pk:
                raise ValidationError(
                    {'attachments': ['Alleen bijlagen van de hoofdmelding kunnen worden gekopieerd.']})
            ids.append(int(match.group(2)))
        found = list(Attachment.objects.filter(_signal=parent, pk__in=ids))
        if len(found) != len(set(ids)):
            raise ValidationError({'attachments': ['Onbekende bijlage.']})
        return found


# -- detail, update -------------------------------------------------------------------------------

class SignalDetail(PrivateView):
    """`GET /private/signals/{id}` and `PATCH` (every backoffice change, in one update_multiple)."""
    parser_classes = (SafeJSONParser,)
    serializer_class = SignalPatchSerializer

    @extend_schema(tags=['private: signals'], parameters=[sc.PK],
                   responses={200: sc.obj('De melding'), 404: sc.NOT_FOUND})
    def get(self, request, pk):
        return self.signal_detail_response(pk)

    @extend_schema(tags=['private: signals'], parameters=[sc.PK], request=SignalPatchSerializer,
                   responses={200: sc.obj('De gewijzigde melding'), 400: sc.BAD, 403: sc.obj('Geen recht'),
                              404: sc.NOT_FOUND, 409: sc.obj('Tegelijk gewijzigd; probeer opnieuw')})
    def patch(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('reporter'))
        serializer = SignalPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        for key, codename in (('status', 'sia_signal_change_status'), ('category', 'sia_signal_change_category'),
                              ('notes', 'sia_signal_create_note')):
            if key in v:
                require(request, codename)
        errors = {}
        if v.get('directing_departments') and not Signal.objects.filter(parent=signal).exists():
            errors['directing_departments'] = ['Regie kan alleen op een hoofdmelding (met deelmeldingen) worden gezet.']
        if 'status' in v and v['status']['state'] == workflow.REACTIE_GEVRAAGD and not (
                signal.reporter_id and signal.reporter.email):
            errors['state'] = [f'Geen e-mailadres van de melder bekend voor {signal.id_display}.']
        if errors:
            raise ValidationError(errors)
        data = serializer.update_data(signal, who(request))
        if data:
            with transaction.atomic():
                Signal.actions.update_multiple(data, signal)
        # The answer shows the result even when the change (e.g. another category) moved it out of sight.
        signal = signal_queryset(detail=True).get(pk=signal.pk)
        return Response(private_signal_detail(Ctx(request), signal))


@extend_schema(tags=['private: signals'], parameters=[sc.PK, OpenApiParameter('what', str)],
               responses={200: sc.objects('Historie, nieuwste eerst'), 404: sc.NOT_FOUND})
class SignalHistory(PrivateView):
    """`GET /private/signals/{id}/history[?what=UPDATE_STATUS]`: newest first."""

    def get(self, request, pk):
        signal = self.get_signal(pk)
        entries = History.objects.filter(_signal=signal)
        if request.query_params.get('what'):
            entries = entries.filter(what=request.query_params['what'].upper())
        return Response([history_item(e) for e in entries.order_by('-when', '-pk')])


# -- attachments ----------------------------------------------------------------------------------

class SignalAttachments(PrivateView):
    """`GET /private/signals/{id}/attachments` and `POST` (multipart `file`)."""
    parser_classes = (SafeMultiPartParser, SafeFormParser, SafeJSONParser)
    serializer_class = AttachmentUploadSerializer

    @extend_schema(tags=['private: signals'], operation_id='v1_private_signals_attachments_list',
                   parameters=[sc.PK, *sc.PAGE], responses={200: sc.obj('Gepagineerde bijlagen'), 404: sc.NOT_FOUND})
    def get(self, request, pk):
        signal = self.get_signal(pk)
        qs = Attachment.objects.filter(_signal=signal).select_related('_signal').order_by('created_at', 'pk')
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        ctx = Ctx(request)
        return paginator.get_paginated_response([attachment_dict(ctx, a) for a in page])

    @extend_schema(tags=['private: signals'], parameters=[sc.PK],
                   request={'multipart/form-data': AttachmentUploadSerializer},
                   responses={201: sc.obj('De bijlage'), 400: sc.BAD, 404: sc.NOT_FOUND})
    def post(self, request, pk):
        signal = self.get_signal(pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            attachment = Signal.actions.add_attachment(serializer.validated_data['file'], signal,
                                                       created_by=who(request))
        return Response(attachment_dict(Ctx(request), attachment), status=http_status.HTTP_201_CREATED)


@extend_schema(tags=['private: signals'], parameters=[sc.PK, sc.ATTACHMENT_PK],
               responses={200: sc.obj('De bijlage'), 204: None, 400: sc.BAD, 403: sc.obj('Geen recht'),
                          404: sc.NOT_FOUND})
class SignalAttachmentDetail(PrivateView):
    """`GET`, `PATCH {public?, caption?}` and `DELETE` of one attachment."""
    parser_classes = (SafeJSONParser,)
    serializer_class = AttachmentPatchSerializer

    def get_attachment(self, pk, attachment_pk):
        signal = self.get_signal(pk)
        attachment_pk = int(attachment_pk)
        attachment = Attachment.objects.select_related('_signal').filter(
            _signal=signal, pk=attachment_pk).first() if 0 < attachment_pk < MAX_ID else None
        if attachment is None:
            raise Http404
        return attachment

    def get(self, request, pk, attachment_pk):
        return Response(attachment_dict(Ctx(request), self.get_attachment(pk, attachment_pk)))

    def patch(self, request, pk, attachment_pk):
        attachment = self.get_attachment(pk, attachment_pk)
        serializer = AttachmentPatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.validated_data
        if changes:
            with transaction.atomic():
                for key, value in changes.items():
                    setattr(attachment, key, value)
                attachment.save(update_fields=[*changes, 'updated_at'])
                parts = []
                if 'public' in changes:
                    parts.append('openbaar' if changes['public'] else 'niet openbaar')
                if 'caption' in changes:
                    parts.append(f'onderschrift: {changes["caption"] or "(leeg)"}')
                History.objects.create(_signal=attachment._signal, what='UPDATE_ATTACHMENT', object_pk=attachment.pk,
                                       action='Bijlage gewijzigd:', who=who(request),
                                       description=f'{attachment.file.name.rsplit("/", 1)[-1]} ({", ".join(parts)})')
        return Response(attachment_dict(Ctx(request), attachment))

    def delete(self, request, pk, attachment_pk):
        attachment = self.get_attachment(pk, attachment_pk)
        email = who(request)
        if not (attachment.created_by and attachment.created_by == email) and not has_perm(
                request.user, 'delete_attachment'):
            raise PermissionDenied('Alleen wie de bijlage toevoegde (of met het recht bijlagen te verwijderen) '
                                   'mag haar verwijderen.')
        name = attachment.file.name
        with transaction.atomic():
            History.objects.create(_signal=attachment._signal, what='DELETE_ATTACHMENT', object_pk=attachment.pk,
                                   action='Bijlage verwijderd:', description=name.rsplit('/', 1)[-1], who=email)
            attachment.delete()
            storage = attachment.file.storage
            transaction.on_commit(lambda: storage.delete(name))
        return Response(status=http_status.HTTP_204_NO_CONTENT)


# -- related views --------------------------------------------------------------------------------

@extend_schema(tags=['private: signals'], parameters=[sc.PK, *sc.PAGE],
               responses={200: sc.obj('Gepagineerde deelmeldingen'), 404: sc.NOT_FOUND})
class SignalChildren(PrivateView):
    """`GET /private/signals/{id}/children/`: the child signals, abridged, with `can_view_signal`."""

    def get(self, request, pk):
        signal = self.get_signal(pk)
        if signal.parent_id is not None:
            raise Http404('Deze melding is zelf een deelmelding.')
        children = Signal.objects.filter(parent=signal).select_related(
            'status', 'category_assignment__category__parent').order_by('id')
        if not children.exists():
            raise Http404('Deze melding heeft geen deelmeldingen.')
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(children, request, view=self)
        visible = set(self.visible(Signal.objects.filter(pk__in=[c.pk for c in page])).values_list('pk', flat=True))
        ctx = Ctx(request)
        return paginator.get_paginated_response([child_item(ctx, c, c.pk in visible) for c in page])


def _distance_m(lon1, lat1, lon2, lat2):
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def nearby_count(signal, radius=None, weeks=None):
    """Signals of the same category within `radius` metres (default 50), created in the last `weeks`
    weeks (default 12), not counting parents: a box on the indexed lat/lon, then the exact distance."""
    if signal.location is None or not signal.category_assignment_id:
        return 0
    candidates, near = _nearby(signal, radius, weeks)
    return sum(1 for lon, lat in candidates.values_list('current_lon', 'current_lat') if near(lon, lat))


@extend_schema(tags=['private: signals'], parameters=[sc.PK],
               responses={200: sc.obj('near, reporter'), 404: sc.NOT_FOUND})
class SignalContext(PrivateView):
    """`GET /private/signals/{id}/context`: nearby signals and the reporter's other signals."""

    def get(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('location', 'reporter', 'category_assignment'))
        near = {'signal_count': nearby_count(signal)}
        reporter = None
        email = signal.reporter.email if signal.reporter_id else ''
        if email:
            same = Signal.objects.filter(reporter__email=email, parent__isnull=True)
            reporter = {
                'signal_count': same.count(),
                'open_count': same.exclude(current_state__in=sorted(workflow.CLOSED_STATES)).count(),
                # by the latest feedback (KTO) on each of the reporter's signals
                'positive_count': same.filter(pk__in=feedback.signal_ids('satisfied')).count(),
                'negative_count': same.filter(pk__in=feedback.signal_ids('not_satisfied')).count(),
            }
        url = Ctx(request).signal_url(signal.pk)
        return Response({'_links': {'self': {'href': f'{url}/context'}}, 'near': near, 'geography': near,
                         'reporter': reporter})


@extend_schema(tags=['private: signals'], parameters=sc.GEOGRAPHY_PARAMETERS,
               responses={200: sc.obj('GeoJSON FeatureCollection'), 400: sc.BAD})
class SignalGeography(PrivateView):
    """`GET /private/signals/geography`: the filtered list as GeoJSON (paged by geopage/page_size)."""

    def get(self, request):
        qs = filter_signals(self.visible(), request.query_params)
        rows = order_signals(qs, request.query_params).values_list(
            'id', 'created_at', 'location__lon', 'location__lat', 'status__state')
        return geojson_page(request, rows, lambda r: (r[2], r[3], {
            'id': r[0], 'created_at': dt(r[1]),
            'status': {'state': r[4], 'state_display': workflow.label(r[4])}}))


@extend_schema(tags=['private: signals'], parameters=[sc.PK], request=EmailPreviewSerializer,
               responses={200: sc.obj('subject, html'), 400: sc.BAD, 404: sc.NOT_FOUND})
class SignalEmailPreview(PrivateView):
    """`POST /private/signals/{id}/email/preview {status, text, email_override?}` → {subject, html}."""
    permission_classes = (SignalsReadPermission,)
    parser_classes = (SafeJSONParser,)
    serializer_class = EmailPreviewSerializer

    def post(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('category_assignment', 'location'))
        serializer = EmailPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        subject, html = mail.preview(signal, v['status'], v.get('text'), v.get('email_override'))
        return Response({'subject': subject, 'html': html})


@extend_schema(tags=['private: signals'], parameters=[OpenApiParameter('q', str), *sc.PAGE, sc.ORDERING_PARAM],
               responses={200: sc.obj('Gepagineerde lijst')})
class SignalSearch(PrivateView):
    """`GET /private/search?q=`: the list shape, for the header search box."""

    def get(self, request):
        qs = search_signals(self.visible(), request.query_params.get('q', ''))
        if request.query_params.get('ordering') or not qs.query.order_by:  # else: best match first
            qs = order_signals(qs, request.query_params)
        return signal_page(self, request, qs)



def _nearby(signal, radius=None, weeks=None):
    """(queryset of candidates, exact filter) of signals near `signal`; see nearby_count."""
    radius = radius or getattr(settings, 'SIGNAL_API_CONTEXT_GEOGRAPHY_RADIUS', 50)
    weeks = weeks or getattr(settings, 'SIGNAL_API_CONTEXT_GEOGRAPHY_CREATED_DELTA_WEEKS', 12)
    location = signal.location
    dlat = radius / 111320
    dlon = radius / (111320 * max(math.cos(math.radians(location.lat)), 0.01))
    candidates = Signal.objects.filter(
        Q(parent__isnull=False) | ~Exists(Signal.objects.filter(parent=OuterRef('pk'))),
        current_category_id=signal.current_category_id,
        created_at__gte=timezone.now() - timedelta(weeks=weeks),
        current_lat__range=(location.lat - dlat, location.lat + dlat),
        current_lon__range=(location.lon - dlon, location.lon + dlon),
    ).exclude(pk=signal.pk)
    return candidates, lambda lon, lat: _distance_m(location.lon, location.lat, lon, lat) <= radius


@extend_schema(tags=['private: signals'], parameters=[sc.PK],
               responses={200: sc.obj('GeoJSON FeatureCollection'), 404: sc.NOT_FOUND})
class SignalContextNearGeography(PrivateView):
    """`GET /private/signals/{id}/context/near/geography`: the nearby signals counted in the context."""

    def get(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('location', 'category_assignment'))
        features = []
        if signal.location_id and signal.category_assignment_id:
            candidates, near = _nearby(signal)
            for pk_, created_at, lon, lat, state in candidates.order_by('-created_at').values_list(
                    'id', 'created_at', 'current_lon', 'current_lat', 'current_state'):
                if near(lon, lat):
                    features.append({'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [lon, lat]},
                                     'properties': {'id': pk_, 'created_at': dt(created_at),
                                                    'status': {'state': state,
                                                               'state_display': workflow.label(state)}}})
        return Response({'type': 'FeatureCollection', 'features': features})


@extend_schema(tags=['private: signals'], parameters=[sc.PK, *sc.PAGE],
               responses={200: sc.obj('Gepagineerde meldingen van dezelfde melder'), 404: sc.NOT_FOUND})
class SignalContextReporter(PrivateView):
    """`GET /private/signals/{id}/context/reporter`: the signals of the same reporter (by e-mail)."""

    def get(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('reporter'))
        email = signal.reporter.email if signal.reporter_id else ''
        qs = Signal.objects.filter(reporter__email=email) if email else Signal.objects.none()
        qs = qs.select_related('status', 'category_assignment__category__parent').annotate(
            _has_children=Exists(Signal.objects.filter(parent=OuterRef('pk')))).order_by('-created_at')
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        ids = [s.pk for s in page]
        visible = set(self.visible(Signal.objects.filter(pk__in=ids)).values_list('pk', flat=True))
        answered = {row['_signal_id']: {'is_satisfied': row['is_satisfied'], 'submitted_at': dt(row['submitted_at'])}
                    for row in feedback.latest_requests().filter(_signal_id__in=ids, submitted_at__isnull=False)
                    .values('_signal_id', 'is_satisfied', 'submitted_at')}
        ctx = Ctx(request)
        results = []
        for other in page:
            item = child_item(ctx, other, other.pk in visible)
            results.append({'id': other.pk, 'created_at': dt(other.created_at), 'category': item['category'],
                            'status': item['status'], 'feedback': answered.get(other.pk),
                            'can_view_signal': item['can_view_signal'], 'has_children': bool(other._has_children)})
        return paginator.get_paginated_response(results)


def reporter_dict_full(ctx, reporter, state):
    data = reporter_dict(ctx, reporter)
    return {'id': reporter.pk, 'email': data['email'], 'phone': data['phone'],
            'allows_contact': reporter.allows_contact, 'sharing_allowed': reporter.sharing_allowed,
            'state': state, 'created_at': dt(reporter.created_at),
            'updated_at': dt(reporter.created_at)}


@extend_schema(tags=['private: signals'], parameters=[sc.PK, *sc.PAGE],
               responses={200: sc.obj('Gepagineerde melders (nieuwste eerst)'), 201: sc.obj('De nieuwe melder'),
                          400: sc.BAD, 403: sc.obj('Geen recht'), 404: sc.NOT_FOUND})
class SignalReporters(PrivateView):
    """`GET /private/signals/{id}/reporters` (every reporter record, newest first, with its state) and
    `POST {email, phone, sharing_allowed, allows_contact?}`: new contact details; a new e-mail address
    waits for the reporter's confirmation (see ..reporters)."""
    parser_classes = (SafeJSONParser,)
    serializer_class = ReporterSerializer

    def get(self, request, pk):
        signal = self.get_signal(pk)
        qs = Reporter.objects.filter(_signal=signal).order_by('-created_at', '-pk')
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        ctx, state = Ctx(request), reporters.states(page)
        return paginator.get_paginated_response([reporter_dict_full(ctx, r, state[r.pk]) for r in page])

    def post(self, request, pk):
        signal = self.get_signal(pk, Signal.objects.select_related('reporter'))
        require(request, 'sia_can_view_contact_details')
        serializer = ReporterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = ReporterSerializer().to_reporter_data(serializer.validated_data, who(request))
        reporter, state = reporters.change(signal, data, who=who(request))
        return Response(reporter_dict_full(Ctx(request), reporter, state), status=http_status.HTTP_201_CREATED)


@extend_schema(tags=['private: signals'], parameters=[sc.PK, OpenApiParameter('reporter_pk', int, 'path')],
               request=None, responses={400: sc.BAD, 404: sc.NOT_FOUND})
class SignalReporterCancel(PrivateView):
    """`POST /private/signals/{id}/reporters/{rid}/cancel`: cancel a change of the e-mail address that
    waits for the reporter's confirmation (400 if that record is not waiting)."""

    def post(self, request, pk, reporter_pk):
        signal = self.get_signal(pk)
        require(request, 'sia_can_view_contact_details')
        reporter_pk = int(reporter_pk)
        if not (0 < reporter_pk < MAX_ID and Reporter.objects.filter(_signal=signal, pk=reporter_pk).exists()):
            raise Http404
        reporter = reporters.cancel(signal, reporter_pk, who=who(request))  # ValidationError: a 400
        return Response(reporter_dict_full(Ctx(request), reporter, reporters.CANCELLED))
