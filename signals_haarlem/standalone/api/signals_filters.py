"""Filters and ordering of the private signal list (and its geography, CSV export and search), with
upstream Signalen's parameter names and meanings. Repeated keys are OR-ed (`?status=m&status=b`).

Invalid values get a 400 with field errors, never a 500. Every filter is a plain `WHERE`: subqueries
with EXISTS instead of joins that would need DISTINCT, so counting and paging stay cheap.
"""
from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from signals_haarlem import datetimes

from .. import feedback as feedback_service
from .. import workflow
from ..models import Note, Signal, SignalDepartments, Type

PRIORITIES = ('low', 'normal', 'high')
TYPES = tuple(code for code, _ in Type.CHOICES)
CONTACT_DETAILS = ('email', 'phone', 'none')
KINDS = ('signal', 'parent_signal', 'child_signal', 'exclude_parent_signal')
BOOLEANS = ('true', 'false', 'True', 'False', '1', '0')
FEEDBACK = ('satisfied', 'not_satisfied', 'not_received')
PUNCTUALITY = ('on_time', 'late', 'late_factor_3', 'null')
STATES = tuple(code for code, _ in workflow.STATUS_CHOICES)

ORDERING = {
    'id': 'id',
    'created_at': 'created_at',
    'updated_at': 'updated_at',
    'priority': 'current_priority',
    'status': 'current_state',
    'sub_category': 'current_category__slug',
    'main_category': 'current_category__parent__slug',
    'address': 'location__address_text',
    'postcode': 'location__postcode',
    'stadsdeel': 'location__stadsdeel',
    'area_name': 'location__area_name',
    'assigned_user_email': 'user_assignment__user__email',
}
DEFAULT_ORDERING = ('-created_at',)

# Every parameter the list understands (for the OpenAPI description and for tests).
FILTER_PARAMETERS = (
    'id', 'status', 'stadsdeel', 'priority', 'type', 'contact_details', 'kind', 'source', 'maincategory_slug',
    'category_slug', 'category_id', 'directing_department', 'routing_department_code', 'area_code',
    'area_type_code', 'buurt_code', 'has_changed_children', 'feedback', 'punctuality', 'note_keyword',
    'address_text', 'created_after', 'created_before', 'updated_after', 'updated_before', 'assigned_user_email',
    'reporter_email', 'incident_date',
)


def _values(params, name):
    return [v for v in params.getlist(name) if v != '']


def _choices(params, name, allowed, errors):
    values = _values(params, name)
    bad = [v for v in values if v not in allowed]
    if bad:
        errors[name] = [f'Selecteer een geldige keuze. {bad[0]} is geen beschikbare keuze.']
        return []
    return values


def _datetime(params, name, errors):
    raw = params.get(name)
    if not raw:
        return None
    value = None
    try:
        value = parse_datetime(raw.replace(' ', '+') if 'T' in raw else raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = datetime.combine(day, time.min)
    except ValueError:
        value = None
    if value is None:
        errors[name] = ['Geef een geldige datum/tijd (bijv. 2024-01-31T12:00:00).']
        return None
    if not datetimes.in_range(value):
        errors[name] = [datetimes.OUT_OF_RANGE]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _integers(params, name, errors):
    values = _values(params, name)
    try:
        numbers = [int(v) for v in values]
    except ValueError:
        errors[name] = ['Geef een geheel getal.']
        return []
    if any(abs(n) > 2 ** 62 for n in numbers):
        errors[name] = ['Getal te groot.']
        return []
    return numbers


def _is_parent():
    return Q(parent__isnull=True) & Exists(Signal.objects.filter(parent=OuterRef('pk')))


def _departments_exist(relation, **lookups):
    return Exists(SignalDepartments.objects.filter(_signal=OuterRef('pk'), relation_type=relation, **lookups))


def filter_signals(queryset, params):  # noqa: C901  (one flat list of independent filters)
    """Apply every list filter found in `params` (a QueryDict); ValidationError on bad values."""
    errors = {}
    q = Q()

    ids = _integers(params, 'id', errors)
    if ids:
        q &= Q(pk__in=ids)
    states = _choices(params, 'status', STATES, errors)
    if states:
        q &= Q(current_state__in=states)
    for name, field in (('stadsdeel', 'location__stadsdeel'), ('area_code', 'location__area_code'),
                        ('buurt_code', 'location__buurt_code'), ('source', 'source')):
        values = _values(params, name)
        if values:
            q &= Q(**{f'{field}__in': values})
    if params.get('area_type_code'):
        q &= Q(location__area_type_code=params.get('area_type_code'))
    priorities = _choices(params, 'priority', PRIORITIES, errors)
    if priorities:
        q &= Q(current_priority__in=priorities)
    types = _choices(params, 'type', TYPES, errors)
    if types:
        q &= Q(current_type__in=types)

    contact = set(_choices(params, 'contact_details', CONTACT_DETAILS, errors))
    if contact and contact != set(CONTACT_DETAILS):
        no_email = Q(reporter__email='') | Q(reporter__email__isnull=True)
        no_phone = Q(reporter__phone='') | Q(reporter__phone__isnull=True)
        options = {'email': ~no_email, 'phone': ~no_phone, 'none': no_email & no_phone}
        part = Q()
        for choice in contact:
            part |= options[choice]
        q &= part

    kinds = set(_choices(params, 'kind', KINDS, errors))
    if kinds and kinds not in ({'signal', 'parent_signal', 'child_signal'}, {'parent_signal', 'exclude_parent_signal'},
                               set(KINDS)):
        has_children = Exists(Signal.objects.filter(parent=OuterRef('pk')))
        options = {
            'signal': Q(parent__isnull=True) & ~has_children,
            'parent_signal': Q(parent__isnull=True) & has_children,
            'exclude_parent_signal': ~(Q(parent__isnull=True) & has_children),
            'child_signal': Q(parent__isnull=False),
        }
        part = Q()
        for choice in kinds:
            part |= options[choice]
        q &= part

    main_slugs = _values(params, 'maincategory_slug')
    sub_slugs = _values(params, 'category_slug')
    if main_slugs or sub_slugs:
        category = 'current_category'
        q &= (Q(**{f'{category}__parent__slug__in': main_slugs, f'{category}__parent__parent__isnull': True})
              | Q(**{f'{category}__slug__in': sub_slugs, f'{category}__parent__isnull': False}))
    category_ids = _integers(params, 'category_id', errors)
    if category_ids:
        q &= Q(current_category_id__in=category_ids)

    directing = _values(params, 'directing_department')
    if directing:
        codes = [c for c in directing if c != 'null']
        part = Q()
        if 'null' in directing:
            part |= ~_departments_exist(SignalDepartments.REL_DIRECTING, departments__isnull=False)
        if codes:
            part |= _departments_exist(SignalDepartments.REL_DIRECTING, departments__code__in=codes)
        q &= _is_parent() & part
    routing = _values(params, 'routing_department_code')
    if routing:
        codes = [c for c in routing if c != 'null']
        part = Q()
        if 'null' in routing:
            part |= ~_departments_exist(SignalDepartments.REL_ROUTING, departments__isnull=False)
        if codes:
            part |= _departments_exist(SignalDepartments.REL_ROUTING, departments__code__in=codes)
        q &= part

    changed = {v.lower() in ('true', '1') for v in _choices(params, 'has_changed_children', BOOLEANS, errors)}
    if changed:
        children = Signal.objects.filter(parent=OuterRef('pk'))
        part = Q(parent__isnull=True) & Exists(children)
        if changed == {True}:
            part &= Exists(children.filter(updated_at__gt=OuterRef('updated_at')))
        elif changed == {False}:
            part &= ~Exists(children.filter(updated_at__gte=OuterRef('updated_at')))
        q &= part

    feedback = _choices(params, 'feedback', FEEDBACK, errors)
    if feedback:  # by the signal's latest feedback request (KTO)
        part = Q()
        for kind in dict.fromkeys(feedback):
            part |= Q(pk__in=feedback_service.signal_ids(kind))
        q &= part

    punctuality = _choices(params, 'punctuality', PUNCTUALITY, errors)
    if punctuality:
        now = timezone.now()
        open_q = ~Q(current_state__in=[workflow.AFGEHANDELD, workflow.GEANNULEERD, workflow.GESPLITST])
        value = punctuality[-1]
        if value == 'null':
            q &= open_q & Q(current_deadline__isnull=True)
        elif value == 'on_time':
            q &= open_q & Q(current_deadline__gt=now)
        elif value == 'late':
            q &= open_q & Q(current_deadline__lt=now)
        else:
            q &= open_q & Q(current_deadline_factor_3__lt=now)

    keyword = params.get('note_keyword')
    if keyword:
        q &= Exists(Note.objects.filter(_signal=OuterRef('pk'), text__icontains=keyword))
    address = params.get('address_text')
    if address:
        q &= Q(location__address_text__icontains=address)
    for name, lookup in (('created_after', 'created_at__gte'), ('created_before', 'created_at__lte'),
                         ('updated_after', 'updated_at__gte'), ('updated_before', 'updated_at__lte')):
        value = _datetime(params, name, errors)
        if value is not None:
            q &= Q(**{lookup: value})
    incident_date = params.get('incident_date')
    if incident_date:
        day = parse_date(incident_date) if len(incident_date) == 10 else None
        if day is None:
            errors['incident_date'] = ['Geef een geldige datum (jjjj-mm-dd).']
        else:
            q &= Q(incident_date_start__date=day)

    assigned = params.get('assigned_user_email')
    if assigned:
        if assigned == 'null':
            q &= Q(user_assignment__isnull=True) | Q(user_assignment__user__isnull=True)
        else:
            q &= Q(user_assignment__user__email__iexact=assigned)
    reporter_email = params.get('reporter_email')
    if reporter_email:
        q &= Q(reporter__email__iexact=reporter_email)

    if errors:
        raise ValidationError(errors)
    return queryset.filter(q)


def order_signals(queryset, params):
    """Order by `?ordering=` (comma separated, `-` for descending); unknown fields are ignored."""
    fields = []
    for raw in (params.get('ordering') or '').split(','):
        raw = raw.strip()
        name = raw.lstrip('-')
        if name in ORDERING:
            fields.append(('-' if raw.startswith('-') else '') + ORDERING[name])
    if not fields:
        return queryset.order_by(*DEFAULT_ORDERING)
    if not any(f.lstrip('-') == 'id' for f in fields):
        fields.append('-id')  # a stable order for paging when many rows tie
    return queryset.order_by(*fields)
