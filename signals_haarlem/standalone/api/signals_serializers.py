"""Signalen v1 API shapes for signals: output as plain dicts (fast, exactly upstream's keys), input
checked by DRF serializers (field errors in the usual DRF form).

Output functions take a `Ctx` (request host for absolute HAL links, the user's right to see
reporter contact details) and model instances loaded with `signal_queryset()`, so rendering a page of
signals runs no per-row queries.
"""
import json
import re
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from signals_haarlem import datetimes

from .. import workflow
from ..models import Attachment, Category, CategoryDepartment, Signal, SignalDepartments, Source, Type
from .signals_access import MASK, can_view_contact_details

SYSTEM_WHO = 'Signalen systeem'
PUBLIC_CLOSED_STATES = frozenset({workflow.AFGEHANDELD, workflow.GEANNULEERD, workflow.GESPLITST})


@lru_cache(maxsize=1)
def api_prefix():
    """'/signals/v1' (wherever the urlconf mounts the v1 API)."""
    return re.sub(r'/public/terms/categories/?$', '', reverse('signals-v1-public-categories'))


class Ctx:
    """What rendering needs from the request: the absolute base URL and the user's rights."""

    def __init__(self, request):
        self.request = request
        self.base = request.build_absolute_uri('/')[:-1]
        self.user = getattr(request, 'user', None)
        self.show_contact = can_view_contact_details(self.user)
        self.v1 = self.base + api_prefix()

    def absolute(self, url):
        return self.base + url if url.startswith('/') else url

    def signal_url(self, pk):
        return f'{self.v1}/private/signals/{pk}'

    def category_url(self, category):
        if category.parent_id:
            return f'{self.v1}/public/terms/categories/{category.parent.slug}/sub_categories/{category.slug}'
        return f'{self.v1}/public/terms/categories/{category.slug}'

    def curies(self):
        return {'name': 'sia', 'href': f'{self.v1}/relations'}


def dt(value):
    """A datetime as DRF renders it: ISO 8601 in the current time zone."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + 'Z' if text.endswith('+00:00') else text


# -- querysets ------------------------------------------------------------------------------------

def _category_departments_prefetch(path):
    return Prefetch(path, queryset=CategoryDepartment.objects.select_related('department'),
                    to_attr='_category_departments')


def signal_queryset(detail=False):
    """Signals with everything the list and detail shapes read, in a constant number of queries."""
    qs = Signal.objects.select_related(
        'location', 'status', 'category_assignment__category__parent', 'reporter', 'priority',
        'type_assignment', 'user_assignment__user',
    ).prefetch_related(
        _category_departments_prefetch('category_assignment__category__categorydepartment_set'),
        'notes',
        Prefetch('signal_departments', queryset=SignalDepartments.objects.prefetch_related('departments')),
    ).annotate(
        _has_attachments=Exists(Attachment.objects.filter(_signal=OuterRef('pk'))),
        _has_children=Exists(Signal.objects.filter(parent=OuterRef('pk'))),
    )
    if detail:
        qs = qs.prefetch_related(
            Prefetch('attachments', queryset=Attachment.objects.only('id', '_signal_id', 'created_at')),
            Prefetch('children', queryset=Signal.objects.only('id', 'parent_id').order_by('id'),
                     to_attr='_children'),
        )
    return qs


# -- nested parts ---------------------------------------------------------------------------------

def _responsible_departments(category):
    links = getattr(category, '_category_departments', None)
    if links is None:
        links = list(CategoryDepartment.objects.filter(category=category).select_related('department'))
    return sorted((link.department for link in links if link.is_responsible), key=lambda d: (d.name, d.pk))


def status_dict(status):
    if status is None:
        return None
    return {
        'text': status.text,
        'user': status.user,
        'state': status.state,
        'state_display': workflow.label(status.state),
        'target_api': status.target_api,
        'extra_properties': status.extra_properties,
        'send_email': status.send_email,
        'created_at': dt(status.created_at),
        'email_override': status.email_override,
    }


def location_dict(location):
    if location is None:
        return None
    return {
        'id': location.pk,
        'stadsdeel': location.stadsdeel,
        'buurt_code': location.buurt_code,
        'area_type_code': location.area_type_code,
        'area_code': location.area_code,
        'area_name': location.area_name,
        'address': location.address,
        'address_text': location.address_text,
        'postcode': location.postcode,
        'geometrie': location.geometrie,
        'extra_properties': location.extra_properties,
        'created_by': location.created_by,
        'bag_validated': location.bag_validated,
    }


def category_dict(ctx, assignment):
    if assignment is None:
        return None
    category = assignment.category
    parent = category.parent
    return {
        'sub': category.name,
        'sub_slug': category.slug,
        'main': parent.name if parent else None,
        'main_slug': parent.slug if parent else None,
        'category_url': ctx.category_url(category),
        'departments': ', '.join(d.code for d in _responsible_departments(category)),
        'created_by': assignment.created_by,
        'text': assignment.text,
        'deadline': dt(assignment.deadline),
        'deadline_factor_3': dt(assignment.deadline_factor_3),
    }


def reporter_dict(ctx, reporter):
    if reporter is None:
        return {'email': '', 'phone': '', 'sharing_allowed': False, 'allows_contact': False}
    email, phone = reporter.email or '', reporter.phone or ''
    if not ctx.show_contact:
        email, phone = (MASK if email else ''), (MASK if phone else '')
    return {'email': email, 'phone': phone, 'sharing_allowed': reporter.sharing_allowed,
            'allows_contact': reporter.allows_contact}


def priority_dict(priority):
    if priority is None:
        return None
    return {'priority': priority.priority, 'created_by': priority.created_by}


def type_dict(type_):
    if type_ is None:
        return None
    return {'code': type_.name, 'created_at': dt(type_.created_at), 'created_by': type_.created_by}


def notes_list(signal):
    notes = sorted(signal.notes.all(), key=lambda n: (n.created_at, n.pk), reverse=True)
    return [{'text': n.text, 'created_by': n.created_by} for n in notes]


def _department_dict(department):
    return {'id': department.pk, 'code': department.code, 'name': department.name,
            'is_intern': department.is_intern}


def _signal_departments(signal):
    """{relation_type: [departments]} for the relations the signal has."""
    result = {}
    for relation in signal.signal_departments.all():
        result[relation.relation_type] = sorted(relation.departments.all(), key=lambda d: (d.name, d.pk))
    return result


def _add_departments(data, signal):
    relations = _signal_departments(signal)
    if SignalDepartments.REL_DIRECTING in relations:
        data['directing_departments'] = [_department_dict(d) for d in relations[SignalDepartments.REL_DIRECTING]]
    routing = relations.get(SignalDepartments.REL_ROUTING)
    data['routing_departments'] = None if routing is None else [_department_dict(d) for d in routing]


def _assigned_email(signal):
    assignment = signal.user_assignment
    return assignment.user.email if assignment is not None and assignment.user is not None else None


def signal_display(signal):
    state = signal.status.state if signal.status is not None else None
    buurt = signal.location.buurt_code if signal.location is not None else None
    return f'{signal.pk} - {state} - {buurt} - {timezone.localtime(signal.created_at).isoformat()}'


def _has_attachments(signal):
    value = getattr(signal, '_has_attachments', None)
    return signal.attachments.exists() if value is None else bool(value)


def _has_children(signal):
    value = getattr(signal, '_has_children', None)
    return signal.children.exists() if value is None else bool(value)


# -- signals --------------------------------------------------------------------------------------

def private_signal_list_item(ctx, signal):
    data = {
        '_links': {'self': {'href': ctx.signal_url(signal.pk)}},
        '_display': signal_display(signal),
        'id': signal.pk,
        'id_display': signal.id_display,
        'signal_id': str(signal.signal_id),
        'source': signal.source,
        'text': signal.text,
        'text_extra': signal.text_extra,
        'status': status_dict(signal.status),
        'location': location_dict(signal.location),
        'category': category_dict(ctx, signal.category_assignment),
        'reporter': reporter_dict(ctx, signal.reporter),
        'priority': priority_dict(signal.priority),
        'type': type_dict(signal.type_assignment),
        'created_at': dt(signal.created_at),
        'updated_at': dt(signal.updated_at),
        'incident_date_start': dt(signal.incident_date_start),
        'incident_date_end': dt(signal.incident_date_end),
        'operational_date': dt(signal.operational_date),
        'has_attachments': _has_attachments(signal),
        'extra_properties': signal.extra_properties,
        'notes': notes_list(signal),
    }
    _add_departments(data, signal)
    data['has_parent'] = signal.parent_id is not None
    data['has_children'] = _has_children(signal)
    data['assigned_user_email'] = _assigned_email(signal)
    return data


def private_signal_detail(ctx, signal):
    url = ctx.signal_url(signal.pk)
    links = {
        'curies': ctx.curies(),
        'self': {'href': url},
        'archives': {'href': f'{url}/history'},
        'sia:attachments': {'href': f'{url}/attachments'},
        'sia:pdf': {'href': f'{url}/pdf'},
        'sia:context': {'href': f'{url}/context'},
    }
    children = getattr(signal, '_children', None)
    if children is None:
        children = list(signal.children.only('id').order_by('id'))
    if children:
        links['sia:children'] = [{'href': ctx.signal_url(child.pk)} for child in children]
    if signal.parent_id:
        links['sia:parent'] = {'href': ctx.signal_url(signal.parent_id)}
    attachments = sorted(signal.attachments.all(), key=lambda a: (a.created_at, a.pk))
    data = {
        '_links': links,
        '_display': signal_display(signal),
        'category': category_dict(ctx, signal.category_assignment),
        'id': signal.pk,
        'id_display': signal.id_display,
        'has_attachments': bool(attachments),
        'location': location_dict(signal.location),
        'status': status_dict(signal.status),
        'reporter': reporter_dict(ctx, signal.reporter),
        'priority': priority_dict(signal.priority),
        'notes': notes_list(signal),
        'type': type_dict(signal.type_assignment),
        'source': signal.source,
        'text': signal.text,
        'text_extra': signal.text_extra,
        'extra_properties': signal.extra_properties,
        'created_at': dt(signal.created_at),
        'updated_at': dt(signal.updated_at),
        'incident_date_start': dt(signal.incident_date_start),
        'incident_date_end': dt(signal.incident_date_end),
    }
    _add_departments(data, signal)
    data['attachments'] = [f'{url}/attachments/{a.pk}' for a in attachments]
    data['assigned_user_email'] = _assigned_email(signal)
    return data


def public_signal(signal):
    state = signal.status.state if signal.status is not None else workflow.GEMELD
    closed = state in PUBLIC_CLOSED_STATES
    return {
        '_display': signal.id_display,
        'id': signal.pk,
        'id_display': signal.id_display,
        'signal_id': str(signal.signal_id),
        'status': {'state': 'CLOSED' if closed else 'OPEN', 'state_display': 'Gesloten' if closed else 'Open'},
        'created_at': dt(signal.created_at),
        'updated_at': dt(signal.updated_at),
        'incident_date_start': dt(signal.incident_date_start),
        'incident_date_end': dt(signal.incident_date_end),
    }


def history_item(entry):
    return {
        'identifier': entry.identifier,
        'when': dt(entry.when),
        'what': entry.what,
        'action': entry.action,
        'description': entry.description,
        'who': entry.who or SYSTEM_WHO,
        '_signal': entry._signal_id,
    }


def attachment_dict(ctx, attachment, public=False):
    href = (f'{ctx.v1}/public/signals/{attachment._signal.signal_id}/attachments' if public
            else f'{ctx.signal_url(attachment._signal_id)}/attachments/{attachment.pk}')
    try:
        location = ctx.absolute(attachment.file.url)
    except Exception:  # a storage without URLs
        location = None
    data = {
        '_links': {'self': {'href': href}},
        '_display': attachment.file.name.rsplit('/', 1)[-1],
        'location': location,
        'is_image': attachment.is_image,
        'created_at': dt(attachment.created_at),
    }
    if not public:
        data.update({'created_by': attachment.created_by, 'public': attachment.public, 'caption': attachment.caption})
    return data


def child_item(ctx, child, can_view):
    category = child.category_assignment.category if child.category_assignment else None
    return {
        '_links': {'self': {'href': ctx.signal_url(child.pk)}},
        'id': child.pk,
        'status': {'state': child.status.state, 'state_display': workflow.label(child.status.state)}
        if child.status else None,
        'category': {
            'sub': category.name,
            'sub_slug': category.slug,
            'departments': ', '.join(d.code for d in _responsible_departments(category)),
            'main': category.parent.name if category.parent_id else None,
            'main_slug': category.parent.slug if category.parent_id else None,
        } if category else None,
        'updated_at': dt(child.updated_at),
        'can_view_signal': can_view,
    }


# -- public categories ----------------------------------------------------------------------------

def public_sub_category(ctx, category):
    return {
        '_links': {'curies': ctx.curies(), 'self': {'href': ctx.category_url(category)}},
        '_display': str(category),
        'name': category.name,
        'slug': category.slug,
        'handling': category.handling,
        'departments': [{'code': d.code, 'name': d.name, 'is_intern': d.is_intern}
                        for d in _responsible_departments(category)],
        'is_active': category.is_active,
        'description': category.description,
        'handling_message': category.handling_message,
        'public_name': category.public_name,
        'is_public_accessible': category.is_public_accessible,
    }


def public_main_category(ctx, category):
    return {
        '_links': {'curies': ctx.curies(), 'self': {'href': ctx.category_url(category)}},
        '_display': category.name,
        'name': category.name,
        'slug': category.slug,
        'public_name': category.public_name,
        'is_public_accessible': category.is_public_accessible,
        'sub_categories': [public_sub_category(ctx, sub)
                           for sub in sorted(category.children.all(), key=lambda c: (c.name, c.pk))],
        'configuration': category.configuration if category.configuration else None,
    }


def public_category_queryset():
    subs = Category.objects.select_related('parent').prefetch_related(
        _category_departments_prefetch('categorydepartment_set'))
    return Category.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch('children', queryset=subs)).order_by('name', 'pk')


# == input ========================================================================================

CATEGORY_PATH = re.compile(r'^(?:https?://[^/]+)?(?:/[\w.-]+)*?/v1/public/terms/categories/'
                           r'(?P<main>[-\w]+)/sub_categories/(?P<sub>[-\w]+)/?$')


def resolve_sub_category(value, field='sub_category'):
    """The Category a sub category path or URL names; a field error otherwise."""
    match = CATEGORY_PATH.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise serializers.ValidationError({field: ['Ongeldige categorie-URL.']})
    category = Category.objects.select_related('parent').filter(
        slug=match['sub'], parent__slug=match['main'], parent__parent__isnull=True).first()
    if category is None:
        raise serializers.ValidationError({field: ['Deze categorie bestaat niet.']})
    return category


def bounding_box():
    box = getattr(settings, 'SIGNALS_BOUNDING_BOX', None) or [3.3, 50.7, 7.3, 53.6]
    return [float(x) for x in box]


STATE_CODES = [code for code, _ in workflow.STATUS_CHOICES]


@extend_schema_field({'type': 'string', 'pattern': '^(' + '|'.join(re.escape(c) for c in STATE_CODES) + ')$',
                      'description': 'Statuscode: ' + ', '.join(STATE_CODES)})
class StateField(serializers.ChoiceField):
    """A status code. Described by a pattern in the schema: an enum would be merged with other apps'
    "state" enums into one badly named component."""

    def __init__(self, **kwargs):
        super().__init__(choices=STATE_CODES, **kwargs)


@extend_schema_field({'type': 'object', 'required': ['type', 'coordinates'], 'properties': {
    'type': {'type': 'string', 'enum': ['Point']},
    'coordinates': {'type': 'array', 'items': {'type': 'number'}, 'minItems': 2, 'maxItems': 2}}})
class PointField(serializers.Field):
    """A GeoJSON Point [lon, lat] inside settings.SIGNALS_BOUNDING_BOX."""
    default_error_messages = {
        'invalid': 'Geef een GeoJSON Point met coördinaten [lengtegraad, breedtegraad].',
        'outside': 'De locatie ligt buiten het gebied van de gemeente.',
    }

    def to_internal_value(self, data):
        try:
            if not isinstance(data, dict) or data.get('type') != 'Point':
                raise ValueError
            coordinates = data['coordinates']
            if not isinstance(coordinates, (list, tuple)) or len(coordinates) != 2 or any(
                    isinstance(c, bool) for c in coordinates):
                raise ValueError
            lon, lat = (float(c) for c in coordinates)
        except (KeyError, TypeError, ValueError):
            self.fail('invalid')
        if lon != lon or lat != lat:  # NaN
            self.fail('invalid')
        min_lon, min_lat, max_lon, max_lat = bounding_box()
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            self.fail('outside')
        return {'type': 'Point', 'coordinates': [lon, lat]}

    def to_representation(self, value):
        return value


class AddressSerializer(serializers.Serializer):
    openbare_ruimte = serializers.CharField(max_length=255, required=False, allow_blank=True)
    huisnummer = serializers.CharField(max_length=16, required=False, allow_blank=True)
    huisletter = serializers.CharField(max_length=8, required=False, allow_blank=True, allow_null=True)
    huisnummer_toevoeging = serializers.CharField(max_length=16, required=False, allow_blank=True, allow_null=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, allow_null=True)
    woonplaats = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        raw = data if isinstance(data, dict) else {}
        if 'huisnummer' in values and isinstance(raw.get('huisnummer'), int):
            values['huisnummer'] = raw['huisnummer']  # keep the number a number, as sent
        return values


def address_text(address):
    if not address:
        return ''
    number = f"{address.get('huisnummer') or ''}{address.get('huisletter') or ''}"
    if address.get('huisnummer_toevoeging'):
        number += f"-{address['huisnummer_toevoeging']}"
    parts = [address.get('openbare_ruimte') or '', number, address.get('postcode') or '',
             address.get('woonplaats') or '']
    return ' '.join(p for p in (str(x).strip() for x in parts) if p)


class LocationSerializer(serializers.Serializer):
    geometrie = PointField()
    address = AddressSerializer(required=False, allow_null=True)
    stadsdeel = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    buurt_code = serializers.CharField(max_length=10, required=False, allow_null=True, allow_blank=True)
    area_type_code = serializers.CharField(max_length=256, required=False, allow_null=True, allow_blank=True)
    area_code = serializers.CharField(max_length=256, required=False, allow_null=True, allow_blank=True)
    area_name = serializers.CharField(max_length=256, required=False, allow_null=True, allow_blank=True)
    extra_properties = serializers.JSONField(required=False, allow_null=True)

    def to_location_data(self, validated, created_by=None):
        data = {k: v for k, v in validated.items() if k != 'address'}
        address = validated.get('address')
        data['address'] = dict(address) if address else None
        data['address_text'] = address_text(address)[:256]
        data['postcode'] = (address or {}).get('postcode') or None
        data['created_by'] = created_by
        return data


class CategoryInSerializer(serializers.Serializer):
    sub_category = serializers.CharField(max_length=500, required=False)
    category_url = serializers.CharField(max_length=500, required=False)
    text = serializers.CharField(max_length=10000, required=False, allow_null=True, allow_blank=True)

    def validate(self, attrs):
        if ('sub_category' in attrs) == ('category_url' in attrs):
            raise serializers.ValidationError(
                {'sub_category': ['Geef "sub_category" of "category_url" (één van beide).']})
        key = 'sub_category' if 'sub_category' in attrs else 'category_url'
        category = resolve_sub_category(attrs[key], key)
        if category.parent_id is None:
            raise serializers.ValidationError({key: ['Kies een subcategorie.']})
        if not category.is_active:
            raise serializers.ValidationError({key: ['Deze categorie is niet actief.']})
        return {'category': category, 'text': attrs.get('text') or None}


PHONE = re.compile(r'^[0-9+\-() ]*$')


class ReporterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, allow_null=True)
    phone = serializers.CharField(max_length=17, required=False, allow_blank=True, allow_null=True)
    sharing_allowed = serializers.BooleanField(required=False, default=False)
    allows_contact = serializers.BooleanField(required=False, default=True)

    def validate_phone(self, value):
        if value and not PHONE.match(value):
            raise serializers.ValidationError('Ongeldig telefoonnummer.')
        return value

    def to_reporter_data(self, validated, created_by=None):
        return {'email': validated.get('email') or '', 'phone': validated.get('phone') or '',
                'sharing_allowed': validated.get('sharing_allowed', False),
                'allows_contact': validated.get('allows_contact', True), 'created_by': created_by}


class ExtraPropertiesField(serializers.JSONField):
    """Answers to the category's questions: a list of {id, label, answer, category_url?}, within bounds
    (a resident answers a few questions; the form is public)."""
    MAX_ANSWERS = 100
    MAX_BYTES = 64 * 1024

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if data is None:
            return None
        if not isinstance(data, list):
            raise serializers.ValidationError('Geef een lijst met antwoorden.')
        if len(data) > self.MAX_ANSWERS:
            raise serializers.ValidationError(f'Hoogstens {self.MAX_ANSWERS} antwoorden.')
        if len(json.dumps(data, ensure_ascii=False).encode()) > self.MAX_BYTES:
            raise serializers.ValidationError(f'De antwoorden zijn samen hoogstens {self.MAX_BYTES // 1024} kB.')
        for item in data:
            if not isinstance(item, dict) or 'id' not in item or 'answer' not in item:
                raise serializers.ValidationError('Elk antwoord heeft minstens "id" en "answer".')
        return data


class SignalCreateSerializer(serializers.Serializer):
    """The body of a public POST (and the common part of a private one)."""
    text = serializers.CharField(max_length=3000)
    text_extra = serializers.CharField(max_length=10000, required=False, allow_blank=True, default='')
    location = LocationSerializer()
    category = CategoryInSerializer()
    reporter = ReporterSerializer()
    incident_date_start = datetimes.DateTimeField()
    incident_date_end = datetimes.DateTimeField(required=False, allow_null=True)
    extra_properties = ExtraPropertiesField(required=False, allow_null=True)
    source = serializers.CharField(max_length=128, required=False)
    session = serializers.UUIDField(required=False, allow_null=True)

    reject_extra_keys = True  # the public endpoint refuses unknown keys, as upstream

    def validate(self, attrs):
        extra = set(self.initial_data) - set(self.fields) if isinstance(self.initial_data, dict) else set()
        if extra and self.reject_extra_keys:
            raise serializers.ValidationError(f'Extra properties present: {", ".join(sorted(extra))}')
        end = attrs.get('incident_date_end')
        if end is not None and end < attrs['incident_date_start']:
            raise serializers.ValidationError({'incident_date_end': ['Mag niet vóór incident_date_start liggen.']})
        return attrs

    def validate_source(self, value):
        if value.lower() == 'online':
            return 'online'
        source = Source.objects.filter(name__iexact=value, is_active=True, is_public=True).first()
        if source is None:
            raise serializers.ValidationError('Ongeldige bron.')
        return source.name

    def create_arguments(self, created_by=None):
        """The arguments of Signal.actions.create_initial for the validated data."""
        v = self.validated_data
        signal_data = {'text': v['text'], 'text_extra': v.get('text_extra') or '',
                       'incident_date_start': v['incident_date_start'],
                       'incident_date_end': v.get('incident_date_end'),
                       'extra_properties': v.get('extra_properties'),
                       'source': v.get('source') or 'online'}
        location = LocationSerializer().to_location_data(v['location'], created_by)
        category = {**v['category'], 'created_by': created_by}
        reporter = ReporterSerializer().to_reporter_data(v.get('reporter') or {})
        return signal_data, location, category, reporter


class PriorityInSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(choices=['low', 'normal', 'high'])


class TypeInSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[code for code, _ in Type.CHOICES])


class NoteInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=3000)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2 ** 62)


class PrivateSignalCreateSerializer(SignalCreateSerializer):
    """A private POST: also priority, type, notes, a parent (split) and attachments of the parent."""
    priority = PriorityInSerializer(required=False)
    type = TypeInSerializer(required=False)
    notes = NoteInSerializer(many=True, required=False)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2 ** 62)
    attachments = serializers.ListField(child=serializers.CharField(max_length=1000), required=False)
    reporter__allows_contact = serializers.BooleanField(required=False)
    status = serializers.JSONField(required=False)
    directing_departments = serializers.JSONField(required=False)
    routing_departments = serializers.JSONField(required=False)
    source = serializers.CharField(max_length=128, required=False)
    reporter = ReporterSerializer(required=False)

    reject_extra_keys = False

    def to_internal_value(self, data):
        if isinstance(data, dict) and data.get('parent'):
            # A child signal has its parent's reporter (the backoffice may only see masked details).
            data = {k: v for k, v in data.items() if k != 'reporter'}
        return super().to_internal_value(data)

    def validate(self, attrs):
        errors = {}
        for key in ('status', 'directing_departments', 'routing_departments'):
            if attrs.get(key) is not None:
                errors[key] = ['Kan niet worden gezet bij het aanmaken van een melding.']
        if errors:
            raise serializers.ValidationError(errors)
        if not attrs.get('parent'):
            for key in ('source', 'reporter'):
                if not attrs.get(key) and key not in attrs:
                    errors[key] = ['Dit veld is vereist.']
            if not attrs.get('source'):
                errors.setdefault('source', ['Dit veld is vereist.'])
        if errors:
            raise serializers.ValidationError(errors)
        return super().validate(attrs)

    def validate_source(self, value):
        source = Source.objects.filter(name__iexact=value, is_active=True).first()
        has_parent = isinstance(self.initial_data, dict) and self.initial_data.get('parent')
        if has_parent:
            return source.name if source else value  # a child keeps (or names) its parent's source
        if source is None:
            raise serializers.ValidationError('Onbekende of niet-actieve bron.')
        if source.is_public:
            raise serializers.ValidationError('Deze bron is alleen voor meldingen van bewoners.')
        return source.name

    def create_arguments(self, created_by=None):
        signal_data, location, category, reporter = super().create_arguments(created_by)
        v = self.validated_data
        if 'reporter__allows_contact' in v:
            reporter['allows_contact'] = v['reporter__allows_contact']
        priority = {'priority': v['priority']['priority'] if 'priority' in v else 'normal', 'created_by': created_by}
        type_ = {'name': v['type']['code'] if 'type' in v else 'SIG', 'created_by': created_by}
        return signal_data, location, category, reporter, priority, type_


class StatusInSerializer(serializers.Serializer):
    state = StateField()
    text = serializers.CharField(max_length=10000, required=False, allow_null=True, allow_blank=True)
    send_email = serializers.BooleanField(required=False, default=False)
    target_api = serializers.ChoiceField(choices=['sigmax'], required=False, allow_null=True, allow_blank=True)
    email_override = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    extra_properties = serializers.JSONField(required=False, allow_null=True)

    def validate(self, attrs):
        state = attrs['state']
        if state in workflow.APPLICATION_ONLY:
            raise serializers.ValidationError({'state': ['Deze status wordt alleen door het systeem gezet.']})
        if state == workflow.DOORGEZET_NAAR_EXTERN and not (
                attrs.get('email_override') and attrs.get('send_email') and attrs.get('text')):
            raise serializers.ValidationError(
                {'text': ['email_override, send_email en text zijn alle nodig bij "Doorgezet naar extern".']})
        if state == workflow.REACTIE_GEVRAAGD and len(attrs.get('text') or '') > 1000:
            raise serializers.ValidationError({'text': ['Maximaal 1000 tekens bij "Reactie gevraagd".']})
        return attrs


class SignalPatchSerializer(serializers.Serializer):
    """Every PATCH body the backoffice sends; mapped onto one Signal.actions.update_multiple call."""
    status = StatusInSerializer(required=False)
    priority = PriorityInSerializer(required=False)
    type = TypeInSerializer(required=False)
    category = CategoryInSerializer(required=False)
    notes = NoteInSerializer(many=True, required=False)
    location = LocationSerializer(required=False)
    assigned_user_email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    routing_departments = DepartmentRefSerializer(many=True, required=False, allow_null=True)
    directing_departments = DepartmentRefSerializer(many=True, required=False, allow_null=True)

    def update_data(self, signal, user_email):
        """The data dict for Signal.actions.update_multiple."""
        v = self.validated_data
        data = {}
        if 'status' in v:
            status = v['status']
            data['status'] = {**status, 'user': user_email}
        if 'priority' in v:
            data['priority'] = {'priority': v['priority']['priority'], 'created_by': user_email}
        if 'type' in v:
            data['type'] = {'name': v['type']['code'], 'created_by': user_email}
        if 'category' in v:
            data['category_assignment'] = {**v['category'], 'created_by': user_email}
        if v.get('notes'):
            data['notes'] = [{'text': n['text'], 'created_by': user_email} for n in v['notes']]
        if 'location' in v:
            data['location'] = LocationSerializer().to_location_data(v['location'], user_email)
        if 'assigned_user_email' in v:
            email = v['assigned_user_email']
            data['user_assignment'] = {'user': {'email': email} if email else None, 'created_by': user_email}
        if 'routing_departments' in v:
            data['routing_assignment'] = {'departments': [{'id': d['id']} for d in v['routing_departments'] or []],
                                          'created_by': user_email}
        if 'directing_departments' in v:
            data['directing_departments_assignment'] = {
                'departments': [{'id': d['id']} for d in v['directing_departments'] or []], 'created_by': user_email}
        return data


class AttachmentPatchSerializer(serializers.Serializer):
    public = serializers.BooleanField(required=False)
    caption = serializers.CharField(max_length=1000, required=False, allow_null=True, allow_blank=True)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    signal_id = serializers.CharField(required=False, allow_blank=True)


class EmailPreviewSerializer(serializers.Serializer):
    status = StateField()
    text = serializers.CharField(max_length=10000, required=False, allow_null=True, allow_blank=True)
    email_override = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
