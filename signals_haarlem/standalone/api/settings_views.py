"""The settings side of the Signalen v1 API: me, saved filters, categories, departments, sources,
users, roles, permissions, username autocomplete, areas, standard texts, public questions and the
category prediction.

Reading is open to every staff member; changing needs the model permission (as upstream):
categories `signals.change_category`, departments `signals.add/change_department`, users
`auth.add/change_user`, roles `auth.add/change_group`, standard texts
`signals.sia_statusmessagetemplate_write`. Superusers may do everything.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from signals_haarlem.parsers import SafeFormParser, SafeJSONParser, SafeMultiPartParser
from signals_haarlem.uploads import check_upload, safe_filename

from ..models import (
    Area, Category, CategoryDepartment, Department, Question, SettingsLog, Source,
    StoredSignalFilter,
)
from . import settings_serializers as s
from .pagination import LinkHeaderPagination
from .settings_common import AtomicMixin, IsStaff, StaffReadModelWrite, log_change, public_category_url_for, who

User = get_user_model()

ICON_MAX_BYTES = 256 * 1024


class LargePages(LinkHeaderPagination):
    """For short lists the frontend reads without asking for a page size (roles, permissions)."""
    page_size = 1000


def _bool_param(request, name):
    """A true/false query parameter: True, False, or None when absent; 400 when not a boolean."""
    value = request.query_params.get(name)
    if value in (None, ''):
        return None
    lowered = value.lower()
    if lowered in ('true', '1', 'yes', 'on'):
        return True
    if lowered in ('false', '0', 'no', 'off'):
        return False
    raise exceptions.ValidationError({name: ['Kies true of false.']})


BOOL_PARAM = OpenApiTypes.BOOL


# -- me ------------------------------------------------------------------------------------------

@extend_schema(tags=['private: me'])
class MeView(generics.RetrieveAPIView):
    """`GET /private/me/`: who is logged in, with roles, permissions and departments."""
    serializer_class = s.UserDetailSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_object(self):
        return (User.objects.select_related('profile')
                .prefetch_related('groups__permissions__content_type', 'user_permissions__content_type',
                                  'profile__departments')
                .get(pk=self.request.user.pk))


@extend_schema(tags=['private: me'])
class StoredFilterListView(AtomicMixin, generics.ListCreateAPIView):
    """`/private/me/filters/`: the filters the user saved on the signals list."""
    serializer_class = s.StoredSignalFilterSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return StoredSignalFilter.objects.filter(created_by=self.request.user)

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


@extend_schema(tags=['private: me'])
class StoredFilterDetailView(AtomicMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = s.StoredSignalFilterSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ['get', 'patch', 'put', 'delete', 'head', 'options']

    def get_queryset(self):
        return StoredSignalFilter.objects.filter(created_by=self.request.user)


# -- categories -----------------------------------------------------------------------------------

def _categories():
    return (Category.objects.select_related('parent', 'settings_note')
            .prefetch_related('slo', Prefetch('categorydepartment_set',
                                              queryset=CategoryDepartment.objects.select_related('department')
                                              .order_by('department__code'))))


@extend_schema(tags=['private: categories'])
class CategoryListView(generics.ListAPIView):
    """`GET /private/categories/`: every category, main and sub (`page_size=1000` for all)."""
    serializer_class = s.PrivateCategorySerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        return _categories().order_by('pk')


@extend_schema(tags=['private: categories'])
class CategoryDetailView(AtomicMixin, generics.RetrieveUpdateAPIView):
    """`GET/PATCH /private/categories/{id}`: PATCH sends only changed fields; `new_sla` adds a norm."""
    serializer_class = s.PrivateCategorySerializer
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'PATCH': ['signals.change_category'], 'PUT': ['signals.change_category']}
    http_method_names = ['get', 'patch', 'head', 'options']

    def get_queryset(self):
        return _categories()

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_object()  # fresh: the new norm, the note


@extend_schema(tags=['private: categories'], responses=s.CategoryHistorySerializer(many=True))
class CategoryHistoryView(generics.ListAPIView):
    """`GET /private/categories/{id}/history`: every change to the category, newest first."""
    serializer_class = s.CategoryHistorySerializer
    permission_classes = [IsStaff]
    pagination_class = None

    def get_queryset(self):
        category = get_object_or_404(Category, pk=self.kwargs['pk'])
        return SettingsLog.objects.filter(kind='category', object_pk=category.pk)


def _check_svg(uploaded):
    """An SVG icon: XML text with an <svg> root and nothing active in it (no scripts, handlers,
    external references), since it is served from our own domain."""
    uploaded.seek(0)
    raw = uploaded.read(ICON_MAX_BYTES + 1)
    uploaded.seek(0)
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError:
        return False
    lowered = text.lower()
    head = lowered.lstrip()
    if not (head.startswith('<svg') or head.startswith('<?xml') or head.startswith('<!--')):
        return False
    if '<svg' not in lowered or '</svg>' not in lowered and '/>' not in lowered:
        return False
    forbidden = ('<script', 'javascript:', '<foreignobject', '<!entity', '<!doctype', '<iframe', '<embed',
                 '<object', 'xlink:href="http', "xlink:href='http", 'href="http', "href='http", 'data:text/html')
    if any(token in lowered for token in forbidden):
        return False
    import re
    if re.search(r'\son[a-z]+\s*=', lowered):
        return False
    return True


@extend_schema(tags=['private: categories'])
class CategoryIconView(AtomicMixin, APIView):
    """`PUT /private/categories/{id}/icon` (multipart `icon`: PNG, JPEG, GIF, WEBP or SVG) and `DELETE`."""
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'PUT': ['signals.change_category'], 'DELETE': ['signals.change_category']}
    parser_classes = [SafeMultiPartParser, SafeFormParser]

    def _category(self, pk):
        return get_object_or_404(_categories(), pk=pk)

    def _answer(self, request, category):
        category = self._category(category.pk)
        return Response(s.PrivateCategorySerializer(category, context={'request': request}).data)

    @extend_schema(request={'multipart/form-data': inline_serializer(
        'CategoryIconUpload', {'icon': serializers.FileField()})}, responses=s.PrivateCategorySerializer)
    def put(self, request, pk):
        category = self._category(pk)
        icon = request.FILES.get('icon')
        if icon is None:
            raise exceptions.ValidationError({'icon': ['Kies een bestand.']})
        name = safe_filename(icon.name, default='icoon')
        try:
            check_upload(icon, ICON_MAX_BYTES, allowed={'image/png', 'image/jpeg', 'image/gif', 'image/webp'},
                         field='icon')
        except DjangoValidationError:
            if icon.size == 0 or icon.size > ICON_MAX_BYTES or not _check_svg(icon):
                raise exceptions.ValidationError({'icon': [
                    'Kies een PNG-, JPEG-, GIF-, WEBP- of (veilig) SVG-bestand van hoogstens 256 KB.']})
            if not name.lower().endswith('.svg'):
                name = name.rsplit('.', 1)[0] + '.svg'
        old = category.icon.name if category.icon else None
        category.icon.save(name, icon, save=True)
        log_change(request, 'category', category, {'icon': category.icon.name})
        if old:
            storage = category.icon.storage
            transaction.on_commit(lambda: storage.delete(old))
        return self._answer(request, category)

    @extend_schema(request=None, responses=s.PrivateCategorySerializer)
    def delete(self, request, pk):
        category = self._category(pk)
        if category.icon:
            old, storage = category.icon.name, category.icon.storage
            category.icon = None
            category.save(update_fields=['icon'])
            log_change(request, 'category', category, {'icon': ''})
            transaction.on_commit(lambda: storage.delete(old))
        return self._answer(request, category)


# -- standard texts -------------------------------------------------------------------------------

@extend_schema(tags=['private: standard texts'])
class StatusMessageTemplatesView(AtomicMixin, APIView):
    """`GET/POST /private/terms/categories/{slug}[/sub_categories/{sub_slug}]/status-message-templates`:
    the standard texts per status of a category. POST replaces the category's whole set."""
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'POST': ['signals.sia_statusmessagetemplate_write']}
    parser_classes = [SafeJSONParser]  # (a list of states with their texts: JSON only, as upstream)

    def _category(self):
        if 'sub_slug' in self.kwargs:
            return get_object_or_404(Category, parent__slug=self.kwargs['slug'], slug=self.kwargs['sub_slug'])
        return get_object_or_404(Category, parent__isnull=True, slug=self.kwargs['slug'])

    @extend_schema(responses=s.StateTemplatesSerializer(many=True))
    def get(self, request, **kwargs):
        return Response(s.templates_by_state(self._category()))

    @extend_schema(request=s.StateTemplatesSerializer(many=True), responses=s.StateTemplatesSerializer(many=True))
    def post(self, request, **kwargs):
        category = self._category()
        serializer = s.StateTemplatesListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        s.replace_templates(category, serializer.validated_data, who(request))
        return Response(s.templates_by_state(category), status=status.HTTP_200_OK)


# -- departments ----------------------------------------------------------------------------------

def _departments():
    return Department.objects.prefetch_related(
        Prefetch('categorydepartment_set', queryset=CategoryDepartment.objects.select_related('category__parent')
                 .prefetch_related(Prefetch('category__categorydepartment_set',
                                            queryset=CategoryDepartment.objects.select_related('department')))
                 .order_by('category__name')))


@extend_schema(tags=['private: departments'])
class DepartmentListView(AtomicMixin, generics.ListCreateAPIView):
    """`GET /private/departments/` and `POST` to add one."""
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'POST': ['signals.add_department']}

    def get_serializer_class(self):
        return s.PrivateDepartmentDetailSerializer if self.request.method == 'POST' \
            else s.PrivateDepartmentListSerializer

    def get_queryset(self):
        return _departments().order_by('name')

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = _departments().get(pk=serializer.instance.pk)


@extend_schema(tags=['private: departments'])
class DepartmentDetailView(AtomicMixin, generics.RetrieveUpdateAPIView):
    """`GET/PATCH /private/departments/{id}`; `categories` replaces the department's category rights."""
    serializer_class = s.PrivateDepartmentDetailSerializer
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'PATCH': ['signals.change_department'], 'PUT': ['signals.change_department']}
    http_method_names = ['get', 'patch', 'head', 'options']

    def get_queryset(self):
        return _departments()

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


# -- sources --------------------------------------------------------------------------------------

@extend_schema(tags=['private: sources'], parameters=[
    OpenApiParameter('is_active', BOOL_PARAM), OpenApiParameter('is_public', BOOL_PARAM)])
class SourceListView(generics.ListAPIView):
    """`GET /private/sources/?is_active=true`."""
    serializer_class = s.PrivateSourceSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        qs = Source.objects.all()
        for name in ('is_active', 'is_public', 'can_be_selected'):
            value = _bool_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{name: value})
        return qs


@extend_schema(tags=['private: sources'])
class SourceDetailView(generics.RetrieveAPIView):
    serializer_class = s.PrivateSourceSerializer
    permission_classes = [IsStaff]
    queryset = Source.objects.all()


# -- users ----------------------------------------------------------------------------------------

def _users():
    return User.objects.select_related('profile').prefetch_related(
        'groups__permissions__content_type', 'user_permissions__content_type', 'profile__departments')


USER_ORDERING = {'id', 'username', 'is_active', 'date_joined', 'last_login'}


@extend_schema(tags=['private: users'], parameters=[
    OpenApiParameter('profile_department_code', str, many=True), OpenApiParameter('role', str, many=True),
    OpenApiParameter('is_active', BOOL_PARAM), OpenApiParameter('username', str),
    OpenApiParameter('ordering', str, description='id, username, is_active (- for descending)')])
class UserListView(AtomicMixin, generics.ListCreateAPIView):
    """`GET /private/users/` (filters profile_department_code, role, is_active, username) and `POST`."""
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'POST': ['auth.add_user']}

    def get_serializer_class(self):
        return s.UserDetailSerializer if self.request.method == 'POST' else s.UserListSerializer

    def get_queryset(self):
        return filter_users(self.request, _users())

    def perform_create(self, serializer):
        serializer.save()
        serializer.instance = _users().get(pk=serializer.instance.pk)


def filter_users(request, qs):
    params = request.query_params
    codes = [c for c in params.getlist('profile_department_code') if c]
    if codes:
        if 'null' in codes:
            qs = qs.filter(Q(profile__departments__code__in=codes) | Q(profile__departments__isnull=True))
        else:
            qs = qs.filter(profile__departments__code__in=codes)
    roles = [r for r in params.getlist('role') if r]
    if roles:
        qs = qs.filter(groups__name__in=roles)
    is_active = _bool_param(request, 'is_active')
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    username = params.get('username')
    if username:
        qs = qs.filter(username__icontains=username)
    ordering = params.get('ordering') or 'username'
    if ordering.lstrip('-') not in USER_ORDERING:
        raise exceptions.ValidationError({'ordering': [f'Kies uit: {", ".join(sorted(USER_ORDERING))}.']})
    return qs.distinct().order_by(ordering, 'pk')


@extend_schema(tags=['private: users'])
class UserDetailView(AtomicMixin, generics.RetrieveUpdateAPIView):
    """`GET/PATCH /private/users/{id}` (with `role_ids`, `profile.department_ids`, ...)."""
    serializer_class = s.UserDetailSerializer
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'PATCH': ['auth.change_user'], 'PUT': ['auth.change_user']}
    http_method_names = ['get', 'patch', 'head', 'options']

    def get_queryset(self):
        return _users()

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = _users().get(pk=serializer.instance.pk)


@extend_schema(tags=['private: users'], responses=s.UserHistorySerializer(many=True))
class UserHistoryView(generics.ListAPIView):
    """`GET /private/users/{id}/history`: every change to the user (roles, departments, status)."""
    serializer_class = s.UserHistorySerializer
    permission_classes = [IsStaff]
    pagination_class = None

    def get_queryset(self):
        user = get_object_or_404(User, pk=self.kwargs['pk'])
        return SettingsLog.objects.filter(kind='user', object_pk=user.pk)


@extend_schema(tags=['private: users'], parameters=[
    OpenApiParameter('profile_department_code', str, many=True), OpenApiParameter('is_active', BOOL_PARAM),
    OpenApiParameter('username', str)])
class UsernameAutocompleteView(generics.ListAPIView):
    """`GET /private/autocomplete/usernames/?profile_department_code=X&is_active=true` → `{results[]{username}}`."""
    serializer_class = s.UsernameSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        return filter_users(self.request, User.objects.all())


# -- roles and permissions ------------------------------------------------------------------------

def _roles():
    return Group.objects.prefetch_related('permissions__content_type').order_by('name')


@extend_schema(tags=['private: roles'])
class RoleListView(AtomicMixin, generics.ListCreateAPIView):
    """`GET /private/roles/` and `POST {name, permission_ids}`."""
    pagination_class = LargePages
    serializer_class = s.RoleSerializer
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'POST': ['auth.add_group']}

    def get_queryset(self):
        return _roles()


@extend_schema(tags=['private: roles'])
class RoleDetailView(AtomicMixin, generics.RetrieveUpdateAPIView):
    """`GET/PATCH /private/roles/{id}`."""
    serializer_class = s.RoleSerializer
    permission_classes = [StaffReadModelWrite]
    write_permissions = {'PATCH': ['auth.change_group'], 'PUT': ['auth.change_group']}
    http_method_names = ['get', 'patch', 'head', 'options']

    def get_queryset(self):
        return _roles()

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


@extend_schema(tags=['private: roles'])
class PermissionListView(generics.ListAPIView):
    """`GET /private/permissions/`: the permissions a role can hold (Signalen's and the Haarlem apps')."""
    pagination_class = LargePages
    serializer_class = s.PermissionSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        return s.relevant_permissions()


@extend_schema(tags=['private: roles'])
class PermissionDetailView(generics.RetrieveAPIView):
    serializer_class = s.PermissionSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        return s.relevant_permissions()


# -- areas ----------------------------------------------------------------------------------------

@extend_schema(tags=['private: areas'], parameters=[
    OpenApiParameter('type_code', str, many=True), OpenApiParameter('code', str, many=True)])
class AreaListView(generics.ListAPIView):
    """`GET /private/areas/?type_code=wijk` → `{results[]{code,name,type}}`."""
    serializer_class = s.PrivateAreaSerializer
    permission_classes = [IsStaff]

    def get_queryset(self):
        qs = Area.objects.select_related('area_type').order_by('name', 'pk')
        type_codes = [c for c in self.request.query_params.getlist('type_code') if c]
        if type_codes:
            qs = qs.filter(area_type__code__in=type_codes)
        codes = [c for c in self.request.query_params.getlist('code') if c]
        if codes:
            qs = qs.filter(code__in=codes)
        return qs


# -- public: questions and prediction -------------------------------------------------------------

@extend_schema(tags=['public'], parameters=[OpenApiParameter('main_slug', str), OpenApiParameter('sub_slug', str)])
class PublicQuestionListView(generics.ListAPIView):
    """`GET /public/questions/?main_slug=&sub_slug=`: the extra questions of a category (may be none)."""
    serializer_class = s.PublicQuestionSerializer
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        main_slug = self.request.query_params.get('main_slug')
        sub_slug = self.request.query_params.get('sub_slug')
        qs = Question.objects.all()
        if sub_slug:
            if not main_slug:
                raise exceptions.ValidationError({'main_slug': ['Geef ook de hoofdcategorie (main_slug).']})
            qs = qs.filter(categoryquestion__category__slug=sub_slug,
                           categoryquestion__category__parent__slug=main_slug)
        elif main_slug:
            qs = qs.filter(categoryquestion__category__slug=main_slug,
                           categoryquestion__category__parent__isnull=True)
        if main_slug:
            return qs.order_by('categoryquestion__order', 'key')
        return qs.order_by('key')


class PredictionRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=3000)


PREDICTION_RESPONSE = inline_serializer('CategoryPrediction', {
    'hoofdrubriek': serializers.ListField(child=serializers.ListField()),
    'subrubriek': serializers.ListField(child=serializers.ListField()),
})


@extend_schema(tags=['public'], request=PredictionRequestSerializer, responses={
    200: OpenApiResponse(PREDICTION_RESPONSE, description='`{"hoofdrubriek": [[url], [p]], "subrubriek": '
                                                          '[[url], [p]]}`'),
    400: OpenApiResponse(description='Geen tekst'), 503: OpenApiResponse(description='Geen categorieën')})
class CategoryPredictionView(APIView):
    """`POST /signals/category/prediction {"text"}`: the likely category of a resident's text."""
    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def post(self, request):
        from .. import prediction
        serializer = PredictionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = prediction.predict(serializer.validated_data['text'])
        if result is None:
            return Response({'detail': 'Er zijn geen categorieën ingesteld.'},
                            status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response({
            'hoofdrubriek': [[public_category_url_for(request, result.main_slug)], [result.main_probability]],
            'subrubriek': [[public_category_url_for(request, result.main_slug, result.sub_slug)],
                           [result.sub_probability]],
        })
