"""The boundary to Signalen: the only module of a Haarlem app that knows where Signalen lives.

Inside upstream Signalen (`signals.apps.signals` installed) it uses upstream's models, hooks and
`Signal.actions`; otherwise the standalone core (`signals_haarlem.standalone`, also app label
`signals`). Haarlem apps import hooks, models and the few actions they need from here only.

    from signals_haarlem import signalen
    signalen.hooks.update_status.connect(receiver, dispatch_uid='...')
    Signal = signalen.get_model('Signal')
    signalen.set_status(signal, 'b', 'Opgepakt door Team Complex', user='x@haarlem.nl')
"""
import importlib
import math
from collections import namedtuple
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings

from signals_haarlem.ids import parse_id

UPSTREAM = 'signals.apps.signals' in settings.INSTALLED_APPS

_HOOK_NAMES = ('create_initial', 'create_child', 'add_attachment', 'update_location', 'update_status',
               'update_category_assignment', 'update_reporter', 'update_priority', 'create_note', 'update_type',
               'update_user_assignment', 'update_signal_departments')

_managers = importlib.import_module(
    'signals.apps.signals.managers' if UPSTREAM else 'signals_haarlem.standalone.managers')

#: The Signalen hooks (Django signals): hooks.update_status.connect(...)
hooks = SimpleNamespace(**{name: getattr(_managers, name) for name in _HOOK_NAMES})

#: The state codes and labels of the status workflow.
workflow = importlib.import_module('signals.apps.signals.workflow' if UPSTREAM
                                   else 'signals_haarlem.standalone.workflow')

if UPSTREAM:
    from django.db import OperationalError as _OperationalError

    class ConcurrentUpdate(_OperationalError):
        """Another change holds the signal's lock. Upstream's actions lock the signal with
        select_for_update(nowait=True) and let PostgreSQL's refusal through as an OperationalError;
        is_concurrent_update() recognises both."""
else:
    #: Raised by the standalone core when another change to the same signal holds its lock.
    ConcurrentUpdate = _managers.ConcurrentUpdate

_LOCK_NOT_AVAILABLE = '55P03'  # PostgreSQL's SQLSTATE for a NOWAIT lock that another transaction holds


def is_concurrent_update(exc):
    """Whether `exc` means that someone else is changing the same signal right now (tell the user to try
    again: a 409), as opposed to any other database failure."""
    if isinstance(exc, ConcurrentUpdate):
        return True
    from django.db import OperationalError
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, 'pgcode', None) == _LOCK_NOT_AVAILABLE

def lock_signal(signal):
    """Lock the signal's row until the transaction ends, waiting for another holder (for changes of a
    Haarlem app that must not run twice at once for one signal; a no-op on SQLite)."""
    list(get_model('Signal').objects.select_for_update().filter(pk=getattr(signal, 'pk', signal))
         .values_list('pk', flat=True))


#: The Signal field with its public UUID (the `signal_id` of the public API).
UUID_FIELD = 'uuid' if UPSTREAM else 'signal_id'

#: {state: states it may move to}: Signalen's status workflow.
TRANSITIONS = workflow.ALLOWED_STATUS_CHANGES if UPSTREAM else workflow.TRANSITIONS

# The open/closed split Haarlem's figures use.
CLOSED_STATES = frozenset({'o', 'a', 's'})


#: Models upstream Signalen keeps in other apps than `signals` (the standalone core has them all there).
_UPSTREAM_APPS = {'Profile': 'users', 'Feedback': 'feedback', 'StandardAnswer': 'feedback',
                  'StandardAnswerTopic': 'feedback'}


def get_model(name):
    """A Signalen model by name: 'Signal', 'Category', 'Department', 'Status', 'Type', 'Note', ..."""
    if UPSTREAM and name in _UPSTREAM_APPS:
        return apps.get_model(_UPSTREAM_APPS[name], name)
    return apps.get_model('signals', name)


def api_authentication_classes():
    """The authentication classes of Signalen's API, for the Haarlem API views: upstream's bearer-token
    check (its views name it one by one), or the standalone core's default."""
    if UPSTREAM:
        return [_upstream_jwt_authentication()]
    from rest_framework.settings import api_settings
    return list(api_settings.DEFAULT_AUTHENTICATION_CLASSES)


_upstream_jwt = None


def _upstream_jwt_authentication():
    """Upstream's JWTAuthBackend, except that a request without a bearer token is anonymous (a Haarlem
    view then answers 401 with its WWW-Authenticate header), where upstream's class fails with a
    TypeError (a 500 on its own endpoints). Tokens are checked by upstream's code, unchanged."""
    global _upstream_jwt
    if _upstream_jwt is None:
        from django.utils.module_loading import import_string
        backend = import_string('signals.auth.backend.JWTAuthBackend')

        class HaarlemJWTAuthentication(backend):
            def authenticate(self, request):
                if not settings.SIGNALS_AUTH.get('ALWAYS_OK', False) and not self.get_access_token(request):
                    return None
                return super().authenticate(request)
        _upstream_jwt = HaarlemJWTAuthentication
    return _upstream_jwt


def _who(user):
    if user is None or isinstance(user, str):
        return user
    return getattr(user, 'email', None) or getattr(user, 'username', None)


def actions():
    return get_model('Signal').actions


def _act(method, data, signal):
    """Signal.actions.<method>(data, signal), leaving the caller's `signal` up to date. Upstream's
    update_priority, update_type and update_reporter save the whole signal object they are given, so a
    stale one would undo changes made since it was loaded (a status, a category): upstream gets the
    row as it is now, and the caller's object is refreshed afterwards, as the standalone core does."""
    if not UPSTREAM:
        return getattr(actions(), method)(data, signal)
    result = getattr(actions(), method)(data, get_model('Signal').objects.get(pk=signal.pk))
    signal.refresh_from_db()
    return result


def set_status(signal, state, text, user=None, send_email=False):
    """Change the signal's status (checked against the workflow); returns the new Status."""
    return _act('update_status', {'state': state, 'text': text, 'user': _who(user), 'send_email': send_email}, signal)


def add_note(signal, text, user=None):
    """Add a note to the signal's Signalen history, so the backoffice shows it."""
    return _act('create_note', {'text': text, 'created_by': _who(user)}, signal)


def set_category(signal, category, user=None):
    """Move the signal to another (sub) category; returns the new CategoryAssignment (None if unchanged)."""
    return _act('update_category_assignment', {'category': category, 'created_by': _who(user)}, signal)


def set_priority(signal, priority, user=None):
    """'low', 'normal' or 'high'; returns the new Priority."""
    return _act('update_priority', {'priority': priority, 'created_by': _who(user)}, signal)


def set_location(signal, lon, lat, address_text='', user=None):
    """Move the signal to (lon, lat); returns the new Location."""
    data = {'geometrie': point(lon, lat), 'created_by': _who(user)}
    if address_text:
        data['address_text'] = address_text
    return _act('update_location', data, signal)


def set_reporter(signal, email='', phone='', user=None):
    """New contact details of the reporter (as staff enter them); returns the new Reporter."""
    data = {'email': email, 'phone': phone}
    if not UPSTREAM:  # upstream's Reporter records no author
        data['created_by'] = _who(user)
    return _act('update_reporter', data, signal)


def set_routing_departments(signal, departments, user=None):
    """Route the signal to these departments (Department objects or ids), as Signalen's own routing does:
    through update_multiple({'routing_assignment': ...}), whose hook carries the previous routing (the
    department mail of upstream needs it). Returns the new routing relation."""
    data = {'departments': [{'id': getattr(d, 'pk', d)} for d in departments], 'created_by': _who(user)}
    _act('update_multiple', {'routing_assignment': data}, signal)
    return _routing(signal)


def _routing(signal):
    """The signal's current routing relation (SignalDepartments), or None."""
    signal_id = getattr(signal, 'pk', signal)
    relations = get_model('SignalDepartments').objects
    if UPSTREAM:  # the signal points at its current routing; earlier ones stay as rows
        return relations.filter(routing_signal=signal_id).first()
    # one routing row per signal, changed in place (its history is in History)
    return relations.filter(_signal_id=signal_id, relation_type='routing').first()


def routing_departments(signal):
    """The departments the signal is routed to now (Signalen's routing), sorted by code."""
    relation = _routing(signal)
    return list(relation.departments.order_by('code')) if relation is not None else []


def with_routing_department(queryset, signal_path='', name='routing_department'):
    """`queryset` annotated with `name`: the id of a department that the signal at `signal_path` ('' for
    signals, 'signal__' for a model with a `signal` key) is routed to now. A signal routed to two
    departments gives two rows; one without routing gives None."""
    from django.db.models import F, FilteredRelation, Q
    if UPSTREAM:
        return queryset.annotate(**{name: F(f'{signal_path}routing_assignment__departments')})
    routing = FilteredRelation(f'{signal_path}signal_departments',
                               condition=Q(**{f'{signal_path}signal_departments__relation_type': 'routing'}))
    return queryset.annotate(_current_routing=routing).annotate(**{name: F('_current_routing__departments')})


def set_type(signal, code, user=None):
    """Set the signal's type: SIG, REQ, QUE, COM, MAI or PRJ."""
    return _act('update_type', {'name': code, 'created_by': _who(user)}, signal)


def id_display(signal):
    """The signal's number as staff and residents know it ('SIG-123'; upstream: its
    SIGNAL_ID_DISPLAY_PREFIX); `signal` may be an id."""
    prefix = getattr(settings, 'SIGNAL_ID_DISPLAY_PREFIX', 'SIG-') if UPSTREAM else 'SIG-'
    return f'{prefix or ""}{getattr(signal, "pk", signal)}'


def current_state(signal):
    return signal.status.state if signal.status_id else ''


def type_code(signal):
    return signal.type_assignment.name if signal.type_assignment_id else 'SIG'


def category_of(signal):
    return signal.category_assignment.category if signal.category_assignment_id else None


def point(lon, lat):
    """A location's `geometrie` for (lon, lat) in WGS84, as this Signalen stores it: a GEOS Point on
    upstream's PostGIS field, a GeoJSON Point on the standalone core."""
    if UPSTREAM:
        from django.contrib.gis.geos import Point
        return Point(float(lon), float(lat), srid=4326)
    return {'type': 'Point', 'coordinates': [float(lon), float(lat)]}


def point_of(signal):
    """(lon, lat) of the signal's current location, or None."""
    location = signal.location if signal.location_id else None
    if location is None:
        return None
    coordinates = (location.geometrie or {}).get('coordinates') if isinstance(location.geometrie, dict) \
        else getattr(location.geometrie, 'coords', None)
    return tuple(coordinates) if coordinates else None


def area_labels(signal):
    """The codes and names of the areas the signal's current location lies in, as this Signalen records
    them (area code and name; the stadsdeel column too, upstream's as its Amsterdam label)."""
    location = signal.location if signal.location_id else None
    if location is None:
        return []
    stadsdeel = location.get_stadsdeel_display() if UPSTREAM and location.stadsdeel else location.stadsdeel
    return [value for value in (location.area_code, location.area_name, stadsdeel) if value]


def reporter_contact(signal):
    """(email, phone) of the current reporter; empty strings if unknown."""
    reporter = signal.reporter if signal.reporter_id else None
    return (reporter.email or '', reporter.phone or '') if reporter else ('', '')


def user_departments(user):
    """The Department objects a staff member belongs to."""
    profile = getattr(user, 'profile', None)
    return list(profile.departments.all()) if profile is not None else []


def add_attachment(signal, file, user=None):
    """Attach an uploaded file to the signal (checked by content by the core); returns the Attachment."""
    if UPSTREAM:  # upstream's manager takes (file, signal) and has no creator argument
        attachment = actions().add_attachment(file, signal)
        if _who(user):
            attachment.created_by = _who(user)
            attachment.save(update_fields=['created_by'])
        return attachment
    return actions().add_attachment(file, signal, created_by=_who(user))


def refresh_current_values(signal_ids):
    """After pointing signals at records written in bulk (standalone core only; upstream keeps no
    copy): recompute the copy of their current values on the signal rows."""
    if not UPSTREAM:
        from signals_haarlem.standalone import current
        current.refresh_signals(get_model('Signal').objects.filter(pk__in=signal_ids))


#: One line of a signal's history as the backoffice shows it: what changed (e.g. 'CREATE_NOTE',
#: 'UPDATE_STATUS'), the action line ('Notitie toegevoegd:'), the description, who and when.
HistoryLine = namedtuple('HistoryLine', 'what action description who when')


def history(signal):
    """The signal's history, oldest first, as Signalen's history endpoint shows it. Standalone: its
    History records; upstream: its history log (signals.apps.history), read as upstream reads it."""
    signal_id = getattr(signal, 'pk', signal)
    if UPSTREAM:
        Log = apps.get_model('history', 'Log')
        rows = Log.objects.filter(_signal_id=signal_id).select_related('content_type').order_by('created_at', 'pk')
        return [HistoryLine(row.what, row.get_action(), row.get_description(), row.created_by, row.created_at)
                for row in rows]
    rows = get_model('History').objects.filter(_signal_id=signal_id).order_by('when', 'pk')
    return [HistoryLine(row.what, row.action, row.description, row.who, row.when) for row in rows]


_HISTORY_WHAT = {'Status': 'UPDATE_STATUS', 'Note': 'CREATE_NOTE', 'Location': 'UPDATE_LOCATION',
                 'CategoryAssignment': 'UPDATE_CATEGORY_ASSIGNMENT', 'Priority': 'UPDATE_PRIORITY',
                 'Type': 'UPDATE_TYPE_ASSIGNMENT'}


def backdate_history(signal, when, record=None):
    """Date the signal's history lines back to `when`: all of them, or those of one record (a Status, a
    Note, ...). For demo data and imports, whose changes happened before they were written."""
    if UPSTREAM:
        from django.contrib.contenttypes.models import ContentType
        lines = apps.get_model('history', 'Log').objects.filter(_signal_id=signal.pk)
        if record is not None:
            lines = lines.filter(content_type=ContentType.objects.get_for_model(record), object_pk=str(record.pk))
        lines.update(created_at=when)
        return
    lines = get_model('History').objects.filter(_signal_id=signal.pk)
    if record is not None:
        lines = lines.filter(what=_HISTORY_WHAT[type(record).__name__], object_pk=record.pk)
    lines.update(when=when)


#: The reporter's feedback (KTO) on a signal: when it was asked and answered, and what was said.
FeedbackAnswer = namedtuple('FeedbackAnswer', 'asked_at answered_at is_satisfied reasons remark')


def feedback_of(signal):
    """The feedback requests of the signal (the closing mail asks for it), newest first; a request
    without an answer has answered_at None."""
    rows = get_model('Feedback').objects.filter(_signal_id=getattr(signal, 'pk', signal)) \
        .order_by('-created_at').values_list('created_at', 'submitted_at', 'is_satisfied', 'text_list', 'text_extra')
    return [FeedbackAnswer(asked, answered, satisfied, list(reasons or []), remark or '')
            for asked, answered, satisfied, reasons, remark in rows]


class CategoryInfo:
    """A category as plain values (what lists, choices and the triage need of it), its parent linked."""
    __slots__ = ('pk', 'parent_id', 'parent', 'slug', 'name', 'is_active')

    def __init__(self, pk, parent_id, slug, name, is_active):
        self.pk, self.parent_id, self.parent, self.slug, self.name, self.is_active = \
            pk, parent_id, None, slug, name, is_active

    @property
    def id(self):
        return self.pk

    @property
    def path(self):
        """'main/sub' for a sub category, 'main' for a main category."""
        return f'{self.parent.slug}/{self.slug}' if self.parent is not None else self.slug

    def __repr__(self):
        return f'<CategoryInfo {self.pk} {self.path}>'


def categories():
    """{id: CategoryInfo} of every category. Read as rows, not as Category objects: upstream's Category
    runs a query for each object it loads (its history tracking reads the service levels)."""
    rows = get_model('Category').objects.order_by('name', 'pk').values_list('pk', 'parent_id', 'slug', 'name',
                                                                           'is_active')
    found = {row[0]: CategoryInfo(*row) for row in rows}
    for info in found.values():
        info.parent = found.get(info.parent_id)
    return found


def find_category(value):
    """The Category `value` names: its id, "main" (a main category's slug) or "main/sub"; None if unknown."""
    value = str(value or '').strip()
    if not value:
        return None
    qs = get_model('Category').objects.select_related('parent')
    pk = parse_id(value)
    if pk is not None:
        return qs.filter(pk=pk).first()
    if '/' in value:
        main, sub = value.split('/', 1)
        return qs.filter(parent__slug=main, slug=sub).first()
    return qs.filter(parent__isnull=True, slug=value).first()


def main_category_of(signal):
    """The main (parent) category of the signal's current category, or None."""
    category = category_of(signal)
    if category is None:
        return None
    return category.parent if category.parent_id else category


# -- Queries several Haarlem apps share (triage first); thin, and written for both ways of running --

#: select_related() paths of a signal's current records (location, status, category, reporter, ...).
CURRENT_RECORDS = ('location', 'status', 'category_assignment__category__parent', 'reporter', 'priority',
                   'type_assignment')


def with_current_records(queryset=None):
    """Signals with their current location, status, category (and its parent), reporter, priority and
    type joined in, so reading them costs no further queries."""
    if queryset is None:
        queryset = get_model('Signal').objects.all()
    return queryset.select_related(*CURRENT_RECORDS)


#: What Haarlem apps read most of a signal's current records: the state code, the category id, the
#: priority, the type code and the point (lon, lat) or None.
Snapshot = namedtuple('Snapshot', 'state category_id priority type_code point')

# The fields snapshot() reads: the standalone core keeps a copy of them on the signal's row
# (Signal.current_*); upstream Signalen has them in the current records, to be joined.
_SNAPSHOT_FIELDS = ('current_state', 'current_category', 'current_priority', 'current_type', 'current_lon',
                    'current_lat')
_SNAPSHOT_RECORDS = ('location', 'status', 'category_assignment', 'priority', 'type_assignment')
_SNAPSHOT_PATHS = ('location__geometrie', 'status__state', 'category_assignment__category', 'priority__priority',
                   'type_assignment__name')


def snapshot(signal):
    """The signal's Snapshot. Standalone: from its own row, no joins; upstream: from its current records
    (load the signal with snapshot_queryset() or with_current_records() to have them joined in)."""
    if UPSTREAM:
        assignment = signal.category_assignment if signal.category_assignment_id else None
        return Snapshot(current_state(signal), assignment.category_id if assignment else None, priority_of(signal),
                        type_code(signal), point_of(signal))
    point = (signal.current_lon, signal.current_lat) if signal.current_lon is not None else None
    return Snapshot(signal.current_state, signal.current_category_id, signal.current_priority, signal.current_type,
                    point)


def snapshot_queryset(fields=(), related=()):
    """Signals loaded with just what snapshot() reads, plus `fields` (field paths as for
    QuerySet.only(); paths this Signalen lacks are left out) and the `related` records joined in."""
    records = (*_SNAPSHOT_RECORDS, *related) if UPSTREAM else related
    paths = (*(_SNAPSHOT_PATHS if UPSTREAM else _SNAPSHOT_FIELDS), *fields)
    return get_model('Signal').objects.select_related(*records).only(*[p for p in paths if has_field_path(p)])


_field_paths = {}


def has_field_path(path):
    """Whether a field path like 'reporter__allows_contact' exists on Signal in this Signalen."""
    if path not in _field_paths:
        from django.core.exceptions import FieldDoesNotExist
        model, found = get_model('Signal'), True
        for part in path.split('__'):
            if model is None:  # a path that goes on past a plain field
                found = False
                break
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                found = False
                break
            model = field.related_model if field.is_relation else None
        _field_paths[path] = found
    return _field_paths[path]


def priority_of(signal):
    """'low', 'normal' or 'high'."""
    return signal.priority.priority if signal.priority_id else 'normal'


def reporter_allows_contact(signal):
    """Whether the current reporter may be contacted. Standalone: the reporter record says so; upstream:
    the reporter's latest submitted feedback form (Signal.allows_contact; True without one)."""
    reporter = signal.reporter if signal.reporter_id else None
    if reporter is None:
        return False
    return bool(signal.allows_contact) if UPSTREAM else bool(reporter.allows_contact)


def status_history(signal_ids):
    """{signal id: [(state, created_at), ...] oldest first} for the given signals (ids or objects)."""
    ids = [getattr(s, 'pk', s) for s in signal_ids]
    result = {pk: [] for pk in ids}
    rows = get_model('Status').objects.filter(_signal_id__in=ids).order_by('created_at', 'pk') \
        .values_list('_signal_id', 'state', 'created_at')
    for signal_id, state, created_at in rows:
        result[signal_id].append((state, created_at))
    return result


def service_level_objectives():
    """{category id: (n_days, use_calendar_days)}: the newest service-level objective of each category."""
    result = {}
    rows = get_model('ServiceLevelObjective').objects.order_by('created_at', 'pk') \
        .values_list('category_id', 'n_days', 'use_calendar_days')
    for category_id, n_days, calendar_days in rows:
        result[category_id] = (n_days, calendar_days)  # newest wins
    return result


def department_users(department):
    """Active users who belong to the department (through their profile)."""
    Profile = get_model('Profile')
    from django.contrib.auth import get_user_model
    user_ids = Profile.objects.filter(departments=department).values_list('user_id', flat=True)
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


#: A signal near another one: id, distance in metres, created_at, category id and current state.
NearbySignal = namedtuple('NearbySignal', 'id metres created_at category_id state')


def nearby_signals(signal, metres, days, same_category=True, open_only=True, details=False):
    """Ids of *other* signals within `metres` of this signal's location, created at most `days` days
    before it (or after it), nearest first; optionally only of the same category and only open ones.
    With details=True: NearbySignal tuples instead of ids (to filter further in Python).

    Standalone: a bounding box on the signal rows' indexed copy of their current point, then the
    exact distance in Python. Upstream: PostGIS `dwithin` on the location geometry (indexed), then the exact distance.
    Plain SQL in the standalone branch: this runs for many triage decisions and the ORM's query
    building cost more than the (indexed) queries themselves."""
    from datetime import timedelta
    snap = snapshot(signal)
    if snap.point is None:
        return []
    lon, lat = float(snap.point[0]), float(snap.point[1])
    since = signal.created_at - timedelta(days=days)
    category_id = None
    if same_category:
        if snap.category_id is None:
            return []
        category_id = snap.category_id
    dlat = metres / _METRES_PER_DEGREE
    dlon = metres / (_METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 1e-6))
    if UPSTREAM:  # PostGIS
        from django.contrib.gis.geos import Point
        from django.contrib.gis.measure import D
        qs = get_model('Signal').objects.filter(created_at__gte=since).exclude(pk=signal.pk)
        if category_id is not None:
            qs = qs.filter(category_assignment__category_id=category_id)
        if open_only:
            qs = qs.exclude(status__state__in=CLOSED_STATES)
        centre = Point(lon, lat, srid=4326)
        # dwithin in degrees uses the spatial index; distance_lte makes it exact (on the sphere).
        qs = qs.filter(location__geometrie__dwithin=(centre, max(dlat, dlon)),
                       location__geometrie__distance_lte=(centre, D(m=metres)))
        rows = qs.order_by().values_list('pk', 'location__geometrie', 'created_at',
                                         'category_assignment__category_id', 'status__state')
        found = [NearbySignal(pk, _metres_between(lon, lat, g.x, g.y), created, cat, state)
                 for pk, g, created, cat, state in rows]
    else:
        # One table: the copy of the current point, category and state on the signal rows, through the
        # (lat, lon, created_at) index.
        t = _schema()
        where = [f'{t.sig_lat} BETWEEN %s AND %s', f'{t.sig_lon} BETWEEN %s AND %s', f'{t.sig_created} >= %s',
                 f'{t.sig_id} <> %s']
        params = [lat - dlat, lat + dlat, lon - dlon, lon + dlon, _db_datetime(since), signal.pk]
        if category_id is not None:
            # "+ 0": not a way in for the planner (SQLite would walk every signal of the category).
            where.append(f'{t.sig_category} + 0 = %s')
            params.append(category_id)
        if open_only:
            where.append(f'{t.sig_state} NOT IN ({", ".join(["%s"] * len(CLOSED_STATES))})')
            params.extend(sorted(CLOSED_STATES))
        rows = _sql(f'SELECT {t.sig_id}, {t.sig_lon}, {t.sig_lat}, {t.sig_created}, {t.sig_category}, {t.sig_state} '
                    f'FROM {t.signal} WHERE {" AND ".join(where)}', params)
        found = [NearbySignal(pk, _metres_between(lon, lat, x, y), _from_db_datetime(created), cat, state)
                 for pk, x, y, created, cat, state in rows]
    found = sorted((item for item in found if item.metres <= metres), key=lambda item: (item.metres, item.id))
    return found if details else [item.id for item in found]


_METRES_PER_DEGREE = 111_320.0


def _metres_between(lon1, lat1, lon2, lat2):
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


_schema_cache = None


def _schema():
    """Quoted table and column names of the models the plain-SQL helpers read (same in both ways of
    running, except the standalone core's copy of the current values on the signal row)."""
    global _schema_cache
    if _schema_cache is None:
        from django.db import connection
        qn = connection.ops.quote_name

        def table(name):
            return qn(get_model(name)._meta.db_table)

        def col(name, field):
            return qn(get_model(name)._meta.get_field(field).column)
        names = dict(
            signal=table('Signal'), sig_id=col('Signal', 'id'), sig_created=col('Signal', 'created_at'),
            sig_location=col('Signal', 'location'), sig_status=col('Signal', 'status'),
            sig_assignment=col('Signal', 'category_assignment'), sig_reporter=col('Signal', 'reporter'),
            sig_parent=col('Signal', 'parent'),
            assignment=table('CategoryAssignment'), ca_id=col('CategoryAssignment', 'id'),
            ca_category=col('CategoryAssignment', 'category'),
            status=table('Status'), st_id=col('Status', 'id'), st_state=col('Status', 'state'),
            st_signal=col('Status', '_signal'),
            reporter=table('Reporter'), rep_id=col('Reporter', 'id'), rep_email=col('Reporter', 'email'),
            rep_phone=col('Reporter', 'phone'),
        )
        if not UPSTREAM:
            names.update(sig_lat=col('Signal', 'current_lat'), sig_lon=col('Signal', 'current_lon'),
                         sig_category=col('Signal', 'current_category'), sig_state=col('Signal', 'current_state'))
        _schema_cache = SimpleNamespace(**names)
    return _schema_cache


def _sql(sql, params):
    from django.db import connections, router
    with connections[router.db_for_read(get_model('Signal'))].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _from_db_datetime(value):
    """A datetime read with plain SQL (SQLite gives text in UTC) as an aware datetime."""
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime
        value = parse_datetime(value)
    if value is not None and value.tzinfo is None:
        from datetime import timezone as dt_timezone
        value = value.replace(tzinfo=dt_timezone.utc)
    return value


def _db_datetime(value):
    from django.db import connections, router
    return connections[router.db_for_read(get_model('Signal'))].ops.adapt_datetimefield_value(value)


def same_reporter_signals(signal, days, details=False):
    """Ids of other signals whose current reporter has the same e-mail address or phone number,
    created at most `days` days before this signal (or after it). With details=True: (id, created_at)
    pairs instead of ids."""
    from datetime import timedelta
    email, phone = reporter_contact(signal)
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        return []
    t = _schema()
    since = _db_datetime(signal.created_at - timedelta(days=days))
    select = (f'SELECT s.{t.sig_id}, s.{t.sig_created} FROM {t.signal} s '
              f'JOIN {t.reporter} r ON r.{t.rep_id} = s.{t.sig_reporter} '
              f'WHERE s.{t.sig_created} >= %s AND s.{t.sig_id} <> %s AND ')
    parts, params = [], []
    if email:
        emails = sorted({email, email.lower()})
        parts.append(select + f'r.{t.rep_email} IN ({", ".join(["%s"] * len(emails))})')
        params += [since, signal.pk, *emails]
    if phone:
        parts.append(select + f'r.{t.rep_phone} = %s')
        params += [since, signal.pk, phone]
    rows = {pk: created for pk, created in _sql(' UNION '.join(parts), params)}
    if details:
        return sorted((pk, _from_db_datetime(created)) for pk, created in rows.items())
    return sorted(rows)


def child_count(signal):
    """Number of child signals (deelmeldingen) of the signal."""
    t = _schema()
    return _sql(f'SELECT COUNT(*) FROM {t.signal} WHERE {t.sig_parent} = %s', [signal.pk])[0][0]


def states_and_children(signal, states):
    """(whether the signal ever had one of these states, its number of child signals), in one query."""
    states = sorted(states)
    t = _schema()
    row = _sql(f'SELECT EXISTS (SELECT 1 FROM {t.status} WHERE {t.st_signal} = %s AND {t.st_state} IN '
               f'({", ".join(["%s"] * len(states))})), '
               f'(SELECT COUNT(*) FROM {t.signal} WHERE {t.sig_parent} = %s)', [signal.pk, *states, signal.pk])[0]
    return bool(row[0]), row[1]


def had_state(signal, states):
    """Whether the signal ever had one of these states (e.g. 'reopen requested')."""
    states = sorted(states)
    t = _schema()
    return bool(_sql(f'SELECT 1 FROM {t.status} WHERE {t.st_signal} = %s AND {t.st_state} IN '
                     f'({", ".join(["%s"] * len(states))}) LIMIT 1', [signal.pk, *states]))


def address_text(signal):
    """The current location's address as one line ('' if unknown)."""
    location = signal.location if signal.location_id else None
    return (getattr(location, 'address_text', '') or '') if location is not None else ''


def points_of(signal_ids):
    """{signal id: (lon, lat)} of the current locations of the given signals (ids or objects)."""
    ids = [getattr(s, 'pk', s) for s in signal_ids]
    qs = get_model('Signal').objects.filter(pk__in=ids, location__isnull=False)
    if UPSTREAM:
        return {pk: (g.x, g.y) for pk, g in qs.values_list('pk', 'location__geometrie')}
    return {pk: (lon, lat) for pk, lon, lat in qs.values_list('pk', 'location__lon', 'location__lat')}


# -- Areas (stadsdelen, wijken) of Signalen: its list filter and the area of a report's location ------

def save_area(type_code, type_name, code, name, geometry=None, type_description=''):
    """Create or update Signalen's area `code` of area type `type_code` (the type is made if needed).
    `geometry`: a GeoJSON Polygon or MultiPolygon in WGS84. Upstream keeps areas with their polygon
    only (a PostGIS MultiPolygon, its parts dissolved into one valid shape) and raises ValueError
    without one; the standalone core keeps codes and names. Returns 'created', 'updated' or 'unchanged'."""
    AreaType, Area = get_model('AreaType'), get_model('Area')
    area_type, _ = AreaType.objects.get_or_create(code=type_code, defaults={
        'name': type_name, 'description': type_description or type_name})
    values = {'name': name}
    if UPSTREAM:
        if not geometry:
            raise ValueError(f'area {type_code}/{code}: upstream Signalen needs its polygon')
        values['geometry'] = _multipolygon(geometry)
        area = Area.objects.filter(_type=area_type, code=code).first()
        if area is None:
            Area.objects.create(_type=area_type, code=code, **values)
            return 'created'
        same = area.name == name and area.geometry.equals_exact(values['geometry'], 1e-9)
    else:
        area = Area.objects.filter(area_type=area_type, code=code).first()
        if area is None:
            Area.objects.create(area_type=area_type, code=code, **values)
            return 'created'
        same = area.name == name
    if same:
        return 'unchanged'
    for field, value in values.items():
        setattr(area, field, value)
    area.save()
    return 'updated'


def _multipolygon(geometry):
    """A GeoJSON (Multi)Polygon as a valid GEOS MultiPolygon in WGS84 (touching parts dissolved)."""
    import json

    from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
    shape = GEOSGeometry(json.dumps(geometry), srid=4326)
    if shape.geom_type == 'MultiPolygon' and len(shape) > 1:
        shape = shape.unary_union
    if not shape.valid:
        shape = shape.buffer(0)
    if shape.geom_type == 'Polygon':
        shape = MultiPolygon(shape, srid=4326)
    return shape


def stadsdeel_fields(code, name):
    """The Location fields that record the stadsdeel of a report: Signalen's area fields (type
    'stadsdeel', its code and name), and on the standalone core also its `stadsdeel` column, which
    upstream reserves for Amsterdam's one-letter stadsdeel codes."""
    fields = {'area_type_code': 'stadsdeel', 'area_code': code, 'area_name': name}
    if not UPSTREAM:
        fields['stadsdeel'] = name
    return fields


def areas_of_type(type_code):
    """[(code, name)] of Signalen's areas of one type (e.g. 'stadsdeel'), by name."""
    Area = get_model('Area')
    type_lookup = '_type__code' if UPSTREAM else 'area_type__code'
    return list(Area.objects.filter(**{type_lookup: type_code}).order_by('name', 'code').values_list('code', 'name'))


# -- Search and data protection (the search package, the werkplek search box, core.retention) --------

def visible_signals(user, queryset=None):
    """The signals (of `queryset`, default all) `user` may read: none without `signals.sia_read`, else
    those in categories one of the user's departments may see and those routed to one of them (all
    with sia_can_view_all_categories), as Signalen's own API decides."""
    Signal = get_model('Signal')
    queryset = Signal.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.has_perm('signals.sia_read'):
        return queryset.none()
    if UPSTREAM:  # upstream's SignalQuerySet
        return queryset.filter_for_user(user)
    from signals_haarlem.standalone.api.signals_access import filter_for_user
    return filter_for_user(queryset, user)


def sees_all_signals(user):
    """Whether visible_signals(user) leaves every signal in (then callers need not filter at all)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or (user.has_perm('signals.sia_read')
                                 and user.has_perm('signals.sia_can_view_all_categories'))


#: What the retention history line says (Dutch: the backoffice shows it).
ANONYMISED_ACTION = 'Contactgegevens melder geanonimiseerd'
ANONYMISED_DESCRIPTION = 'De bewaartermijn is verstreken: e-mailadres en telefoonnummer van de melder zijn verwijderd.'


def anonymise_reporters(before, batch_size=500):
    """Blank the e-mail address and phone number of every reporter record (current and earlier) of the
    signals closed (afgehandeld, geannuleerd or gesplitst) before `before`, set email_anonymized /
    phone_anonymized, and add one history line per signal. Returns the number of signals done.

    A deliberate, documented exception to the append-only reporter records: personal data must go
    once the retention period is over (AVG art. 5(1)(e)), so the rows are blanked in place with one
    UPDATE per batch rather than superseded by new records that would leave the old values behind.
    Records already anonymised are left alone, so running it again changes nothing."""
    from django.db import transaction
    from django.db.models import Q
    Reporter = get_model('Reporter')
    pending = Reporter.objects.filter(
        Q(email_anonymized=False) | Q(phone_anonymized=False),
        _signal__status__state__in=sorted(CLOSED_STATES), _signal__status__created_at__lt=before)
    signal_ids = sorted(set(pending.values_list('_signal_id', flat=True)))
    for start in range(0, len(signal_ids), batch_size):
        ids = signal_ids[start:start + batch_size]
        with transaction.atomic():
            Reporter.objects.filter(_signal_id__in=ids).filter(
                Q(email_anonymized=False) | Q(phone_anonymized=False)).update(
                email='', phone='', email_anonymized=True, phone_anonymized=True)
            _note_anonymised(ids)
    return len(signal_ids)


def _note_anonymised(signal_ids):
    from django.utils import timezone
    now = timezone.now()
    if UPSTREAM:
        # A note per signal, and the history-log line upstream writes for a saved note (its post_save
        # receiver does not see bulk inserts): as SignalLogService.log_create_note does.
        from django.contrib.contenttypes.models import ContentType
        Note, Log = get_model('Note'), apps.get_model('history', 'Log')
        text = f'{ANONYMISED_ACTION}. {ANONYMISED_DESCRIPTION}'
        notes = Note.objects.bulk_create([Note(_signal_id=pk, text=text, created_by=None, created_at=now)
                                          for pk in signal_ids])
        note_type = ContentType.objects.get_for_model(Note)
        Log.objects.bulk_create([Log(content_type=note_type, object_pk=str(note.pk), action='CREATE', description=text,
                                     extra='Notitie toegevoegd', created_by=None, created_at=now,
                                     _signal_id=note._signal_id) for note in notes])
        return
    History = get_model('History')
    reporters = dict(get_model('Signal').objects.filter(pk__in=signal_ids).values_list('pk', 'reporter_id'))
    History.objects.bulk_create([
        History(_signal_id=pk, what='UPDATE_REPORTER', object_pk=reporters.get(pk), action=ANONYMISED_ACTION,
                description=ANONYMISED_DESCRIPTION, who=None, when=now) for pk in signal_ids])
