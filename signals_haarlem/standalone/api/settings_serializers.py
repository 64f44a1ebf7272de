"""Serializers of the settings endpoints, in the shapes the Signalen backoffice reads.

Every object carries HAL `_links` (absolute URLs from the request's host) and `_display`.
Validation errors are Dutch field errors; nothing is written before everything is valid.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.validators import EmailValidator
from django.db.models import Q
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import workflow
from ..models import (
    Area, Category, CategoryDepartment, CategoryNote, Department, Profile, Question, ServiceLevelObjective,
    SettingsLog, Source, StatusMessageTemplate, StoredSignalFilter,
)
from .settings_common import (
    absolute, category_private_url, category_public_url, curies, log_change, status_message_templates_url,
)

User = get_user_model()

# The app labels whose permissions roles can hold: Signalen's and the Haarlem apps', plus the
# user and role permissions of django.contrib.auth (the backoffice's user management needs them).
PERMISSION_APP_LABELS = ('signals', 'haarlem_triage', 'haarlem_complaints', 'haarlem_partners',
                         'haarlem_monitoring', 'haarlem_core')


def relevant_permissions():
    return Permission.objects.filter(
        Q(content_type__app_label__in=PERMISSION_APP_LABELS) | Q(content_type__app_label__startswith='haarlem_')
        | Q(content_type__app_label='auth', content_type__model__in=('user', 'group'))
    ).select_related('content_type').order_by('content_type__app_label', 'codename')


# -- fields ---------------------------------------------------------------------------------------

LINKS_SCHEMA = {
    'type': 'object',
    'properties': {
        'curies': {'type': 'object', 'properties': {'name': {'type': 'string'}, 'href': {'type': 'string'}}},
        'self': {'type': 'object', 'properties': {'href': {'type': 'string', 'format': 'uri'},
                                                  'public': {'type': 'string', 'format': 'uri'}}},
    },
    'additionalProperties': {'type': 'object'},
}


@extend_schema_field(LINKS_SCHEMA)
class LinksField(serializers.Field):
    """`_links` built by `builder(request, obj)`."""

    def __init__(self, builder, **kwargs):
        kwargs.update(read_only=True, source='*')
        super().__init__(**kwargs)
        self.builder = builder

    def to_representation(self, obj):
        return self.builder(self.context['request'], obj)


@extend_schema_field(OpenApiTypes.STR)
class DisplayField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.update(read_only=True, source='*')
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return str(obj)


def self_links(path_for):
    def build(request, obj):
        return {'curies': curies(request), 'self': {'href': absolute(request, path_for(obj))}}
    return build


def _nonblank(value, field_label):
    if value is not None and not str(value).strip():
        raise serializers.ValidationError(f'{field_label} mag niet leeg zijn.')
    return value


# -- permissions and roles ------------------------------------------------------------------------

class PermissionSerializer(serializers.ModelSerializer):
    _links = LinksField(self_links(lambda p: f'v1/private/permissions/{p.pk}'))
    _display = DisplayField()

    class Meta:
        model = Permission
        fields = ('_links', '_display', 'id', 'name', 'codename')
        read_only_fields = fields


class RoleSerializer(serializers.ModelSerializer):
    _links = LinksField(self_links(lambda g: f'v1/private/roles/{g.pk}'))
    _display = DisplayField()
    permissions = PermissionSerializer(many=True, read_only=True)
    permission_ids = serializers.PrimaryKeyRelatedField(
        many=True, required=False, write_only=True, source='permissions', queryset=Permission.objects.none())

    class Meta:
        model = Group
        fields = ('_links', '_display', 'id', 'name', 'permissions', 'permission_ids')

    def get_fields(self):
        fields = super().get_fields()
        fields['permission_ids'].child_relation.queryset = relevant_permissions()
        return fields

    def validate_name(self, value):
        value = (value or '').strip()
        if not value:
            raise serializers.ValidationError('Geef de rol een naam.')
        qs = Group.objects.filter(name__iexact=value)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise serializers.ValidationError('Er bestaat al een rol met deze naam.')
        return value

    def create(self, validated_data):
        permissions = validated_data.pop('permissions', [])
        group = Group.objects.create(**validated_data)
        group.permissions.set(permissions)
        log_change(self.context['request'], 'role', group,
                   {'name': group.name, 'permissions': sorted(p.codename for p in permissions)}, action='create')
        return group

    def update(self, instance, validated_data):
        changes = {}
        if 'name' in validated_data and validated_data['name'] != instance.name:
            instance.name = changes['name'] = validated_data['name']
            instance.save()
        if 'permissions' in validated_data:
            before = set(instance.permissions.values_list('pk', flat=True))
            after = {p.pk for p in validated_data['permissions']}
            if before != after:
                instance.permissions.set(validated_data['permissions'])
                changes['permissions'] = sorted(p.codename for p in validated_data['permissions'])
        log_change(self.context['request'], 'role', instance, changes)
        return instance


# -- users and profiles ---------------------------------------------------------------------------

class ProfileInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=3000)
    department_ids = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Department.objects.all())
    notification_on_user_assignment = serializers.BooleanField(required=False)
    notification_on_department_assignment = serializers.BooleanField(required=False)


class ProfileListSerializer(serializers.Serializer):
    """The shape of `profile` in a list of users (`departments` are names, as upstream)."""
    note = serializers.CharField(allow_null=True)
    departments = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class ProfileDetailSerializer(ProfileListSerializer):
    """The shape of `profile` in one user: the list's, with the notification settings."""
    notification_on_user_assignment = serializers.BooleanField()
    notification_on_department_assignment = serializers.BooleanField()


def profile_of(user):
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def profile_data(user, detail=True):
    profile = profile_of(user)
    if profile is None:
        data = {'note': None, 'departments': [], 'created_at': None, 'updated_at': None}
        flags = {'notification_on_user_assignment': False, 'notification_on_department_assignment': False}
    else:
        data = {'note': profile.note,
                'departments': [d.name for d in sorted(profile.departments.all(), key=lambda d: d.name)],
                'created_at': serializers.DateTimeField().to_representation(profile.created_at),
                'updated_at': serializers.DateTimeField().to_representation(profile.updated_at)}
        flags = {'notification_on_user_assignment': profile.notification_on_user_assignment,
                 'notification_on_department_assignment': profile.notification_on_department_assignment}
    if detail:
        data.update(flags)
    return data


class ProfileField(serializers.Field):
    """Reads as the profile (department names); writes `department_ids`, `note`, `notification_on_*`."""

    def __init__(self, detail=True, **kwargs):
        kwargs.update(source='*', required=False)
        super().__init__(**kwargs)
        self.detail = detail

    def to_representation(self, user):
        return profile_data(user, detail=self.detail)

    def to_internal_value(self, data):
        serializer = ProfileInputSerializer(data=data)
        if not serializer.is_valid():
            raise serializers.ValidationError(serializer.errors)
        return {'profile': serializer.validated_data}


class ProfileFieldSchema(OpenApiSerializerFieldExtension):
    """In the schema, `profile` is ProfileInput in requests, ProfileList or ProfileDetail in responses."""
    target_class = 'signals_haarlem.standalone.api.settings_serializers.ProfileField'

    def map_serializer_field(self, auto_schema, direction):
        if direction == 'request':
            serializer = ProfileInputSerializer
        else:
            serializer = ProfileDetailSerializer if self.target.detail else ProfileListSerializer
        return auto_schema.resolve_serializer(serializer, direction).ref


def user_links(request, user):
    return {'curies': curies(request), 'self': {'href': absolute(request, f'v1/private/users/{user.pk}')}}


class _UserWriteMixin:
    """Create and update of users with their roles and profile; every change is logged."""

    def validate_username(self, value):
        value = value.strip()
        if self.instance is not None:
            return self.instance.username  # write once, as upstream: a sent username is ignored
        EmailValidator(message='Geef een geldig e-mailadres als gebruikersnaam.')(value)
        if User.objects.filter(Q(username__iexact=value) | Q(email__iexact=value)).exists():
            raise serializers.ValidationError('Er bestaat al een gebruiker met deze gebruikersnaam.')
        return value

    def validate_is_active(self, value):
        # (an administrator who switches themselves off cannot switch themselves on again)
        request = self.context.get('request')
        if not value and self.instance is not None and request is not None and self.instance.pk == request.user.pk:
            raise serializers.ValidationError('U kunt uw eigen account niet op inactief zetten.')
        return value

    def _save_profile(self, user, data):
        profile, _ = Profile.objects.get_or_create(user=user)
        changes = {}
        for key in ('note', 'notification_on_user_assignment', 'notification_on_department_assignment'):
            if key in data and getattr(profile, key) != data[key]:
                setattr(profile, key, data[key])
                changes[key] = data[key]
        profile.save()
        if 'department_ids' in data:
            before = set(profile.departments.values_list('pk', flat=True))
            if before != {d.pk for d in data['department_ids']}:
                profile.departments.set(data['department_ids'])
                changes['departments'] = sorted(d.code for d in data['department_ids'])
        return changes

    def create(self, validated_data):
        profile = validated_data.pop('profile', {})
        groups = validated_data.pop('groups', [])
        username = validated_data.pop('username')
        user = User(username=username, email=username, **validated_data)
        user.set_unusable_password()
        user.save()
        user.groups.set(groups)
        self._save_profile(user, profile)
        log_change(self.context['request'], 'user', user, {
            'username': username, 'is_active': user.is_active, 'groups': sorted(g.pk for g in groups)},
            action='create')
        return user

    def update(self, instance, validated_data):
        validated_data.pop('username', None)
        profile = validated_data.pop('profile', None)
        groups = validated_data.pop('groups', None)
        changes = {}
        for key, value in validated_data.items():
            if getattr(instance, key) != value:
                setattr(instance, key, value)
                changes[key] = value
        if changes:
            instance.save()
        if groups is not None and set(instance.groups.values_list('pk', flat=True)) != {g.pk for g in groups}:
            instance.groups.set(groups)
            changes['groups'] = sorted(g.pk for g in groups)
        if profile is not None:
            changes.update(self._save_profile(instance, profile))
        log_change(self.context['request'], 'user', instance, changes)
        return instance


class UserListSerializer(_UserWriteMixin, serializers.ModelSerializer):
    _links = LinksField(user_links)
    _display = DisplayField()
    roles = serializers.SerializerMethodField()
    role_ids = serializers.PrimaryKeyRelatedField(many=True, required=False, write_only=True, source='groups',
                                                  queryset=Group.objects.all())
    profile = ProfileField(detail=False)

    class Meta:
        model = User
        fields = ('_links', '_display', 'id', 'username', 'is_active', 'roles', 'role_ids', 'profile')
        extra_kwargs = {'username': {'validators': []}}

    def get_roles(self, obj) -> list[str]:
        return [g.name for g in obj.groups.all()]


class UserDetailSerializer(_UserWriteMixin, serializers.ModelSerializer):
    _links = LinksField(user_links)
    _display = DisplayField()
    roles = RoleSerializer(source='groups', many=True, read_only=True)
    role_ids = serializers.PrimaryKeyRelatedField(many=True, required=False, write_only=True, source='groups',
                                                  queryset=Group.objects.all())
    permissions = PermissionSerializer(source='user_permissions', many=True, read_only=True)
    profile = ProfileField(detail=True)
    email = serializers.CharField(read_only=True)  # ("" for an account made without one: no format email)

    class Meta:
        model = User
        fields = ('_links', '_display', 'id', 'username', 'email', 'first_name', 'last_name', 'is_active',
                  'is_staff', 'is_superuser', 'roles', 'role_ids', 'permissions', 'profile')
        read_only_fields = ('email', 'is_staff', 'is_superuser')
        extra_kwargs = {'username': {'validators': []}}


class UsernameSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ('username',)
        read_only_fields = fields


# -- history (categories, users, ...) -------------------------------------------------------------

CATEGORY_ACTIONS = {
    'name': lambda v: f'Naam gewijzigd naar:\n {v}',
    'description': lambda v: f'Omschrijving gewijzigd naar:\n {v}',
    'slo': lambda v: 'Afhandeltermijn gewijzigd naar:\n {} {}dagen'.format(
        v.get('n_days'), 'kalender' if v.get('use_calendar_days') else 'werk'),
    'is_active': lambda v: f'Status gewijzigd naar:\n {"Actief" if v else "Inactief"}',
    'handling_message': lambda v: f'Servicebelofte gewijzigd naar:\n {v}',
    'public_name': lambda v: f'Naam openbaar gewijzigd naar:\n {v}',
    'is_public_accessible': lambda v: f'Openbaar tonen gewijzigd naar:\n {"Aan" if v else "Uit"}',
    'icon': lambda v: f'Icoon gewijzigd naar:\n {v.rsplit("/", 1)[-1]}' if v else 'Icoon verwijderd',
    'note': lambda v: f'Notitie gewijzigd naar:\n {v or "-"}',
    'configuration': lambda v: 'Configuratie gewijzigd naar:\n ' + ', '.join(f'{k}: {w}' for k, w in v.items()),
}


def _user_value(key, value):
    if key == 'groups':
        return ', '.join(Group.objects.filter(pk__in=value).order_by('name').values_list('name', flat=True)) or '-'
    if key == 'is_active':
        return 'Actief' if value else 'Inactief'
    if isinstance(value, list):
        return ', '.join(str(v) for v in value) or '-'
    return value if value not in (None, '') else '-'


USER_TITLES = {'first_name': 'Voornaam gewijzigd', 'last_name': 'Achternaam gewijzigd', 'is_active': 'Status wijziging',
               'groups': 'Rol wijziging', 'departments': 'Afdeling wijziging', 'note': 'Notitie gewijzigd',
               'username': 'Gebruikersnaam', 'notification_on_user_assignment': 'Melding bij toewijzing',
               'notification_on_department_assignment': 'Melding bij afdelingstoewijzing'}


class SettingsLogSerializer(serializers.ModelSerializer):
    """One line of a settings object's history, as the backoffice's history list shows it."""
    identifier = serializers.SerializerMethodField()
    what = serializers.SerializerMethodField()
    action = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = SettingsLog
        fields = ('identifier', 'when', 'what', 'action', 'description', 'who')

    def get_identifier(self, log) -> str:
        return f'{log.action.upper()}_{log.kind.upper()}_{log.pk}'

    def get_what(self, log) -> str:
        return f'{log.action.upper()}_{log.kind.upper()}'

    def get_action(self, log) -> str:
        if log.kind == 'category':
            lines = [CATEGORY_ACTIONS[k](v) for k, v in log.data.items() if k in CATEGORY_ACTIONS]
        elif log.kind == 'user':
            lines = [f'{USER_TITLES.get(k, k)}:\n {_user_value(k, v)}' for k, v in log.data.items()]
        else:
            lines = [f'{k} gewijzigd naar:\n {v}' for k, v in log.data.items()]
        if log.action == 'create':
            lines.insert(0, 'Aangemaakt')
        return '\n'.join(lines)

    def get_description(self, log) -> str | None:
        return None


class CategoryHistorySerializer(SettingsLogSerializer):
    _category = serializers.IntegerField(source='object_pk', read_only=True)

    class Meta(SettingsLogSerializer.Meta):
        fields = SettingsLogSerializer.Meta.fields + ('_category',)


class UserHistorySerializer(SettingsLogSerializer):
    _user = serializers.IntegerField(source='object_pk', read_only=True)

    class Meta(SettingsLogSerializer.Meta):
        fields = SettingsLogSerializer.Meta.fields + ('_user',)


# -- categories -----------------------------------------------------------------------------------

def category_links(request, category):
    links = {
        'curies': curies(request),
        'self': {'href': category_private_url(request, category), 'public': category_public_url(request, category)},
        'archives': {'href': category_private_url(request, category) + '/history'},
        'sia:status-message-templates': {'href': status_message_templates_url(request, category)},
    }
    if category.parent_id is not None:
        links['sia:parent'] = {'href': category_private_url(request, category.parent),
                               'public': category_public_url(request, category.parent)}
    return links


class SLASerializer(serializers.Serializer):
    n_days = serializers.IntegerField(min_value=1, max_value=365)
    use_calendar_days = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        # Also inside a PATCH (partial), a new norm is whole: n_days given, calendar days or not.
        if 'n_days' not in attrs:
            raise serializers.ValidationError({'n_days': ['Dit veld is vereist.']})
        return {'n_days': attrs['n_days'], 'use_calendar_days': attrs.get('use_calendar_days', False)}


class SLAOutSerializer(serializers.Serializer):
    n_days = serializers.IntegerField(allow_null=True)
    use_calendar_days = serializers.BooleanField()


class CategoryDepartmentOutSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source='department.id', read_only=True)
    code = serializers.CharField(source='department.code', read_only=True)
    name = serializers.CharField(source='department.name', read_only=True)
    is_intern = serializers.BooleanField(source='department.is_intern', read_only=True)

    class Meta:
        model = CategoryDepartment
        fields = ('id', 'code', 'name', 'is_intern', 'is_responsible', 'can_view')
        read_only_fields = fields


class CategoryConfigurationSerializer(serializers.Serializer):
    show_children_in_filter = serializers.BooleanField(required=False)


class PrivateCategorySerializer(serializers.ModelSerializer):
    """`/private/categories/`: a category as the backoffice reads and changes it.

    PATCH sends only the changed fields; `new_sla` adds a service-level objective (the newest counts).
    """
    _links = LinksField(category_links)
    _display = DisplayField()
    sla = serializers.SerializerMethodField()
    new_sla = SLASerializer(write_only=True, required=False)
    departments = CategoryDepartmentOutSerializer(source='categorydepartment_set', many=True, read_only=True)
    note = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=3000)
    configuration = CategoryConfigurationSerializer(required=False)
    icon = serializers.SerializerMethodField()
    name = serializers.CharField(max_length=255)
    public_name = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    description = serializers.CharField(max_length=3000, required=False, allow_null=True, allow_blank=True)
    handling_message = serializers.CharField(max_length=3000, required=False, allow_null=True, allow_blank=True)

    class Meta:
        model = Category
        fields = ('_links', '_display', 'id', 'name', 'slug', 'is_active', 'description', 'handling_message', 'sla',
                  'new_sla', 'departments', 'note', 'public_name', 'is_public_accessible', 'configuration', 'icon')
        read_only_fields = ('slug',)

    @extend_schema_field(SLAOutSerializer)
    def get_sla(self, obj):
        slo = obj.current_slo()
        if slo is None:
            return {'n_days': None, 'use_calendar_days': False}
        return {'n_days': slo.n_days, 'use_calendar_days': slo.use_calendar_days}

    def get_icon(self, obj) -> str | None:
        if not obj.icon:
            return None
        return self.context['request'].build_absolute_uri(obj.icon.url)

    def to_representation(self, obj):
        data = super().to_representation(obj)
        note = getattr(obj, 'settings_note', None) if _has_note(obj) else None
        data['note'] = note.text if note is not None else None
        data['configuration'] = {'show_children_in_filter': False, **(obj.configuration or {})}
        return data

    def validate_name(self, value):
        return _nonblank(value, 'De naam').strip()

    def update(self, instance, validated_data):
        changes = {}
        new_sla = validated_data.pop('new_sla', None)
        if new_sla is not None:
            current = instance.current_slo()
            if current is None or (current.n_days, current.use_calendar_days) != (
                    new_sla['n_days'], new_sla['use_calendar_days']):
                ServiceLevelObjective.objects.create(category=instance, **new_sla)
                changes['slo'] = dict(new_sla)
        if 'note' in validated_data:
            note_text = validated_data.pop('note')
            note, _ = CategoryNote.objects.get_or_create(category=instance)
            if note.text != note_text:
                note.text = note_text
                note.save()
                changes['note'] = note_text
        if 'configuration' in validated_data:
            config = {**(instance.configuration or {}), **validated_data.pop('configuration')}
            if config != (instance.configuration or {}):
                instance.configuration = config
                changes['configuration'] = config
        for key, value in validated_data.items():
            if getattr(instance, key) != value:
                setattr(instance, key, value)
                changes[key] = value
        instance.save()
        log_change(self.context['request'], 'category', instance, changes)
        # Fresh related data (the new norm, the note) for the response.
        if hasattr(instance, '_prefetched_objects_cache'):
            instance._prefetched_objects_cache.pop('slo', None)
        return instance


def _has_note(obj):
    try:
        obj.settings_note
    except CategoryNote.DoesNotExist:
        return False
    return True


# -- departments ----------------------------------------------------------------------------------

def department_links(request, department):
    return {'curies': curies(request),
            'self': {'href': absolute(request, f'v1/private/departments/{department.pk}')}}


class PrivateDepartmentListSerializer(serializers.ModelSerializer):
    _links = LinksField(department_links)
    _display = DisplayField()
    category_names = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = ('_links', '_display', 'id', 'name', 'code', 'is_intern', 'category_names', 'can_direct')

    def get_category_names(self, obj) -> list[str]:
        return [cd.category.name for cd in obj.categorydepartment_set.all() if cd.category.is_active]


class CategoryResponsibleDepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ('code', 'name', 'is_intern')


def public_category_links(request, category):
    return {'curies': curies(request), 'self': {'href': category_public_url(request, category)}}


class DepartmentCategorySerializer(serializers.ModelSerializer):
    """A category as shown inside a department (its `_links.self.href` is the public URL)."""
    _links = LinksField(public_category_links)
    _display = DisplayField()
    departments = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ('_links', '_display', 'id', 'name', 'slug', 'handling', 'departments', 'is_active', 'description',
                  'handling_message')
        read_only_fields = fields

    @extend_schema_field(CategoryResponsibleDepartmentSerializer(many=True))
    def get_departments(self, obj):
        return [{'code': cd.department.code, 'name': cd.department.name, 'is_intern': cd.department.is_intern}
                for cd in obj.categorydepartment_set.all() if cd.is_responsible]


class CategoryDepartmentSerializer(serializers.ModelSerializer):
    category = DepartmentCategorySerializer(read_only=True)
    category_id = serializers.PrimaryKeyRelatedField(write_only=True, queryset=Category.objects.all(),
                                                     source='category')
    is_responsible = serializers.BooleanField(required=False, default=False)
    can_view = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = CategoryDepartment
        fields = ('id', 'category', 'category_id', 'is_responsible', 'can_view')

    def validate(self, attrs):
        # (a PATCH makes every field optional, the category of an entry too)
        if 'category' not in attrs:
            raise serializers.ValidationError({'category_id': ['Geef de categorie (category_id).']})
        return attrs


class PrivateDepartmentDetailSerializer(serializers.ModelSerializer):
    _links = LinksField(department_links)
    _display = DisplayField()
    categories = CategoryDepartmentSerializer(many=True, required=False, source='categorydepartment_set')
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=255)

    class Meta:
        model = Department
        fields = ('_links', '_display', 'id', 'name', 'code', 'is_intern', 'categories', 'can_direct')

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data['categories'] = [c for c in data['categories'] if c['category']['is_active']]
        return data

    def validate_code(self, value):
        value = value.strip().upper()
        if self.instance is not None and value == self.instance.code.upper():
            return self.instance.code
        if not value or len(value) > 3:
            raise serializers.ValidationError('Geef een code van 1 tot 3 tekens.')
        qs = Department.objects.filter(code__iexact=value)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise serializers.ValidationError('Er bestaat al een afdeling met deze code.')
        return value

    def validate_name(self, value):
        return _nonblank(value, 'De naam').strip()

    def validate_categories(self, items):
        seen = set()
        for item in items:
            if item['category'].pk in seen:
                raise serializers.ValidationError(f'Categorie {item["category"].pk} staat er meer dan eens in.')
            seen.add(item['category'].pk)
        return items

    def _set_categories(self, department, items):
        before = {(cd.category_id, cd.is_responsible, cd.can_view) for cd in department.categorydepartment_set.all()}
        after = {(i['category'].pk, i.get('is_responsible', False), i.get('can_view', True)) for i in items}
        if before == after:
            return None
        department.categorydepartment_set.all().delete()
        CategoryDepartment.objects.bulk_create([
            CategoryDepartment(department=department, category=i['category'],
                               is_responsible=i.get('is_responsible', False), can_view=i.get('can_view', True))
            for i in items])
        return [{'category_id': c, 'is_responsible': r, 'can_view': v} for c, r, v in sorted(after)]

    def create(self, validated_data):
        items = validated_data.pop('categorydepartment_set', [])
        department = Department.objects.create(**validated_data)
        self._set_categories(department, items)
        log_change(self.context['request'], 'department', department,
                   {'code': department.code, 'name': department.name}, action='create')
        return department

    def update(self, instance, validated_data):
        items = validated_data.pop('categorydepartment_set', None)
        changes = {}
        for key, value in validated_data.items():
            if getattr(instance, key) != value:
                setattr(instance, key, value)
                changes[key] = value
        instance.save()
        if items is not None:
            categories = self._set_categories(instance, items)
            if categories is not None:
                changes['categories'] = categories
        log_change(self.context['request'], 'department', instance, changes)
        if hasattr(instance, '_prefetched_objects_cache'):
            instance._prefetched_objects_cache.clear()
        return instance


# -- sources, areas, filters ----------------------------------------------------------------------

class PrivateSourceSerializer(serializers.ModelSerializer):
    _links = LinksField(self_links(lambda s: f'v1/private/sources/{s.pk}'))
    _display = DisplayField()

    class Meta:
        model = Source
        fields = ('_links', '_display', 'id', 'name', 'description', 'is_active', 'is_public', 'can_be_selected')
        read_only_fields = fields


class PrivateAreaTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()


class PrivateAreaSerializer(serializers.ModelSerializer):
    _links = LinksField(lambda request, area: {'curies': curies(request)})
    type = PrivateAreaTypeSerializer(source='area_type', read_only=True)

    class Meta:
        model = Area
        fields = ('_links', 'name', 'code', 'type')
        read_only_fields = fields


# The filters of the signals list a stored filter may hold (the list endpoint's parameter names).
SIGNAL_FILTER_NAMES = frozenset({
    'id', 'address_text', 'area_code', 'area_type_code', 'assigned_user_email', 'buurt_code', 'category_id',
    'category_slug', 'contact_details', 'created_after', 'created_before', 'directing_department', 'feedback',
    'has_changed_children', 'incident_date', 'incident_date_after', 'incident_date_before', 'kind',
    'maincategory_slug', 'note_keyword', 'priority', 'punctuality', 'reporter_email', 'routing_department_code',
    'source', 'stadsdeel', 'status', 'type', 'updated_after', 'updated_before', 'ordering',
})


def _scalar(value):
    return value is None or isinstance(value, (str, bool, int, float))


class StoredSignalFilterSerializer(serializers.ModelSerializer):
    _links = LinksField(self_links(lambda f: f'v1/private/me/filters/{f.pk}'))
    _display = DisplayField()
    name = serializers.CharField(max_length=255)
    options = serializers.JSONField(required=False)

    class Meta:
        model = StoredSignalFilter
        fields = ('_links', '_display', 'id', 'name', 'created_at', 'options', 'refresh', 'show_on_overview')
        read_only_fields = ('created_at',)

    def validate_name(self, value):
        return _nonblank(value, 'De naam').strip()

    def validate_options(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError('Geef de filters als een object.')
        unknown = sorted(set(value) - SIGNAL_FILTER_NAMES)
        if unknown:
            raise serializers.ValidationError(f'Onbekende filter(s): {", ".join(unknown)}.')
        for key, item in value.items():
            if isinstance(item, list):
                if not all(_scalar(v) and v is not None for v in item):
                    raise serializers.ValidationError(f'Filter {key}: alleen tekst of getallen.')
            elif not _scalar(item):
                raise serializers.ValidationError(f'Filter {key}: alleen tekst, getallen of een lijst daarvan.')
        return value

    def validate(self, attrs):
        if self.instance is None and 'options' not in attrs:
            raise serializers.ValidationError({'options': ['Dit veld is vereist.']})
        return attrs


# -- standard texts (status-message templates) ----------------------------------------------------

MAX_TEMPLATES_PER_STATE = 15


class StatusMessageTemplateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    text = serializers.CharField(max_length=3000)
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_title(self, value):
        return _nonblank(value, 'De titel')

    def validate_text(self, value):
        return _nonblank(value, 'De tekst')


class StateTemplatesSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[code for code, _ in workflow.STATUS_CHOICES])
    templates = StatusMessageTemplateSerializer(many=True, max_length=MAX_TEMPLATES_PER_STATE)


class StateTemplatesListSerializer(serializers.ListSerializer):
    child = StateTemplatesSerializer()

    def validate(self, attrs):
        states = [item['state'] for item in attrs]
        doubles = sorted({s for s in states if states.count(s) > 1})
        if doubles:
            raise serializers.ValidationError(
                f'Elke status mag maar een keer voorkomen (dubbel: {", ".join(doubles)}).')
        return attrs


def templates_by_state(category):
    grouped = {}
    for template in category.status_message_templates.order_by('state', 'order', 'pk'):
        grouped.setdefault(template.state, []).append(
            {'title': template.title, 'text': template.text, 'is_active': template.is_active})
    return [{'state': state, 'templates': templates} for state, templates in grouped.items()]


def replace_templates(category, items, user_email=None):
    StatusMessageTemplate.objects.filter(category=category).delete()
    StatusMessageTemplate.objects.bulk_create([
        StatusMessageTemplate(category=category, state=item['state'], order=order, title=t['title'], text=t['text'],
                              is_active=t.get('is_active', True), created_by=user_email)
        for item in items for order, t in enumerate(item['templates'])])


# -- public questions -----------------------------------------------------------------------------

class PublicQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ('key', 'field_type', 'meta', 'required')
        read_only_fields = fields
