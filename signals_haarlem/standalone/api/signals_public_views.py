"""Public (no login) part of the Signalen v1 API: categories, reporting a signal, its public status,
uploading photos to it, and a map of open public signals."""
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from signals_haarlem.parsers import SafeFormParser, SafeMultiPartParser
from signals_haarlem.uploads import IMAGE_TYPES, check_upload

from .. import workflow
from ..models import Signal
from .pagination import LinkHeaderPagination
from . import signals_schema as sc
from .signals_serializers import (
    AttachmentUploadSerializer, Ctx, SignalCreateSerializer, attachment_dict, dt, public_category_queryset,
    public_main_category, public_signal, public_sub_category,
)


class PublicCreateThrottle(ScopedRateThrottle):
    """Throttles POSTs with the scope's rate in REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] (read at
    request time; no rate configured means no throttling). Reads are never throttled."""

    def allow_request(self, request, view):
        if request.method != 'POST':
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        rates = (getattr(settings, 'REST_FRAMEWORK', {}) or {}).get('DEFAULT_THROTTLE_RATES') or {}
        return rates.get(self.scope)


class PublicView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)


# -- categories -----------------------------------------------------------------------------------

@extend_schema(tags=['public: categories'], parameters=sc.PAGE,
               responses=sc.obj('Hoofdcategorieën met subcategorieën (gepagineerd)'))
class PublicCategoryList(PublicView):
    """`GET /signals/v1/public/terms/categories/`: main categories with their sub categories."""

    @extend_schema(operation_id='v1_public_terms_categories_list')
    def get(self, request):
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(public_category_queryset(), request, view=self)
        ctx = Ctx(request)
        return paginator.get_paginated_response([public_main_category(ctx, c) for c in page])


@extend_schema(tags=['public: categories'], parameters=[sc.SLUG],
               responses={200: sc.obj('Hoofdcategorie'), 404: sc.NOT_FOUND})
class PublicCategoryDetail(PublicView):
    def get(self, request, slug):
        category = public_category_queryset().filter(slug=slug).first()
        if category is None:
            raise Http404
        return Response(public_main_category(Ctx(request), category))


@extend_schema(tags=['public: categories'], parameters=[sc.SLUG, *sc.PAGE],
               responses={200: sc.obj('Subcategorieën (gepagineerd)'), 404: sc.NOT_FOUND})
class PublicSubCategoryList(PublicView):
    @extend_schema(operation_id='v1_public_terms_categories_sub_categories_list')
    def get(self, request, slug):
        main = public_category_queryset().filter(slug=slug).first()
        if main is None:
            raise Http404
        subs = sorted(main.children.all(), key=lambda c: (c.name, c.pk))
        paginator = LinkHeaderPagination()
        page = paginator.paginate_queryset(subs, request, view=self)
        ctx = Ctx(request)
        return paginator.get_paginated_response([public_sub_category(ctx, c) for c in page])


@extend_schema(tags=['public: categories'], parameters=[sc.SLUG, sc.SUB_SLUG],
               responses={200: sc.obj('Subcategorie'), 404: sc.NOT_FOUND})
class PublicSubCategoryDetail(PublicView):
    def get(self, request, slug, sub_slug):
        main = public_category_queryset().filter(slug=slug).first()
        sub = next((c for c in main.children.all() if c.slug == sub_slug), None) if main else None
        if sub is None:
            raise Http404
        return Response(public_sub_category(Ctx(request), sub))


# -- signals --------------------------------------------------------------------------------------

class PublicSignalCreate(PublicView):
    """`POST /signals/v1/public/signals/`: a resident reports a signal."""
    throttle_classes = (PublicCreateThrottle,)
    throttle_scope = 'public_create'
    serializer_class = SignalCreateSerializer

    @extend_schema(tags=['public: signals'], request=SignalCreateSerializer,
                   responses={201: sc.obj('De nieuwe melding (id, id_display, signal_id, status)'), 400: sc.BAD,
                              429: sc.obj('Te veel meldingen')})
    def post(self, request):
        serializer = SignalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        signal_data, location, category, reporter = serializer.create_arguments()
        with transaction.atomic():
            signal = Signal.actions.create_initial(signal_data, location, {'state': workflow.GEMELD}, category,
                                                   reporter)
        return Response(public_signal(signal), status=http_status.HTTP_201_CREATED)


def _public_signal(uuid):
    signal = Signal.objects.select_related('status').filter(signal_id=uuid).first()
    if signal is None:
        raise Http404
    return signal


@extend_schema(tags=['public: signals'], parameters=[sc.UUID],
               responses={200: sc.obj('Openbare status van de melding'), 404: sc.NOT_FOUND})
class PublicSignalDetail(PublicView):
    """`GET /signals/v1/public/signals/{uuid}`: the public status of a signal."""

    def get(self, request, uuid):
        return Response(public_signal(_public_signal(uuid)))


def public_upload_allowed(signal, now=None):
    """Residents may add photos to a fresh signal (status Gemeld, within the upload window) or when
    asked to react (status Reactie gevraagd)."""
    state = signal.status.state if signal.status_id else None
    if state == workflow.REACTIE_GEVRAAGD:
        return True
    hours = getattr(settings, 'SIGNALS_PUBLIC_UPLOAD_HOURS', 24)
    return state == workflow.GEMELD and signal.created_at >= (now or timezone.now()) - timedelta(hours=hours)


class PublicSignalAttachments(PublicView):
    """`POST /signals/v1/public/signals/{uuid}/attachments/` (multipart `file`): a photo of the signal."""
    parser_classes = (SafeMultiPartParser, SafeFormParser)
    throttle_classes = (PublicCreateThrottle,)
    throttle_scope = 'public_create'
    serializer_class = AttachmentUploadSerializer

    @extend_schema(tags=['public: signals'], parameters=[sc.UUID],
                   request={'multipart/form-data': AttachmentUploadSerializer},
                   responses={201: sc.obj('De bijlage'), 400: sc.BAD, 404: sc.NOT_FOUND})
    def post(self, request, uuid):
        signal = _public_signal(uuid)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not public_upload_allowed(signal):
            raise ValidationError({'non_field_errors': ["Bij deze melding kunnen geen foto's meer toegevoegd worden."]})
        upload = serializer.validated_data['file']
        limit = getattr(settings, 'SIGNALS_MAX_UPLOAD_BYTES', 20 * 1024 * 1024)
        check_upload(upload, limit, allowed=IMAGE_TYPES)
        with transaction.atomic():
            attachment = Signal.actions.add_attachment(upload, signal, created_by=None, public=True)
        return Response(attachment_dict(Ctx(request), attachment, public=True), status=http_status.HTTP_201_CREATED)


@extend_schema(tags=['public: signals'],
               parameters=[*sc.GEO_PAGE, OpenApiParameter('bbox', str),
                           OpenApiParameter('maincategory_slug', str, many=True, explode=True),
                           OpenApiParameter('category_slug', str, many=True, explode=True)],
               responses={200: sc.obj('GeoJSON FeatureCollection'), 400: sc.BAD})
class PublicSignalGeography(PublicView):
    """`GET/HEAD /signals/v1/public/signals/geography`: open signals in publicly shown categories as
    GeoJSON (no personal data). Filters: bbox=min_lon,min_lat,max_lon,max_lat, maincategory_slug,
    category_slug. Paged by `geopage` with `page_size` (X-Total-Count and Link headers)."""

    def get(self, request):
        params = request.query_params
        qs = Signal.objects.filter(
            current_category__is_public_accessible=True, parent__isnull=True,
        ).exclude(current_state__in=sorted(workflow.CLOSED_STATES))
        main = [v for v in params.getlist('maincategory_slug') if v]
        sub = [v for v in params.getlist('category_slug') if v]
        if main or sub:
            qs = qs.filter(Q(current_category__parent__slug__in=main) | Q(current_category__slug__in=sub))
        if params.get('bbox'):
            try:
                min_lon, min_lat, max_lon, max_lat = (float(x) for x in params['bbox'].split(','))
            except ValueError:
                raise ValidationError({'bbox': ['Geef bbox=min_lon,min_lat,max_lon,max_lat.']})
            qs = qs.filter(current_lon__gte=min_lon, current_lon__lte=max_lon,
                           current_lat__gte=min_lat, current_lat__lte=max_lat)
        rows = qs.order_by('-created_at').values_list(
            'created_at', 'current_lon', 'current_lat', 'current_category__name', 'current_category__public_name')
        return geojson_page(request, rows, lambda r: (r[1], r[2], {
            'category': {'name': r[4] or r[3]}, 'created_at': dt(r[0])}))

    def head(self, request):
        response = self.get(request)
        response.data = None
        return response


def geojson_page(request, rows, feature):
    """A GeoJSON FeatureCollection of one page of `rows`; `feature(row)` gives (lon, lat, properties)."""
    errors, numbers = {}, {}
    for name, default in (('geopage', 1), ('page_size', 4000)):
        try:
            numbers[name] = int(request.query_params.get(name) or default)
        except ValueError:
            errors[name] = ['Geef een geheel getal.']
    if errors:
        raise ValidationError(errors)
    page = max(1, numbers['geopage'])
    size = min(4000, max(1, numbers['page_size']))
    total = rows.count()
    features = []
    # (a page past the end is empty without asking the database: an offset beyond 64 bits breaks the query)
    for row in rows[(page - 1) * size: page * size] if (page - 1) * size < total else ():
        lon, lat, properties = feature(row)
        if lon is None or lat is None:
            continue
        features.append({'type': 'Feature', 'geometry': {'type': 'Point', 'coordinates': [lon, lat]},
                         'properties': properties})
    headers = {'X-Total-Count': str(total)}
    links = []
    if page * size < total:
        links.append(f'<{_page_url(request, page + 1)}>; rel="next"')
    if page > 1:
        links.append(f'<{_page_url(request, page - 1)}>; rel="prev"')
    if links:
        headers['Link'] = ', '.join(links)
    return Response({'type': 'FeatureCollection', 'features': features}, headers=headers)


def _page_url(request, page):
    from rest_framework.utils.urls import replace_query_param
    return replace_query_param(request.build_absolute_uri(), 'geopage', page)

