"""Realistic demo signals for demos and benchmarks (``manage.py seed_demo N``).

A `Planner` decides everything about N signals from one random generator (deterministic for a seed
and a moment "now"): when they came in (the last months, more on weekdays and in the day), which
category (weighted like a city's real traffic, with seasons), where in Haarlem (streets, stadsdeel,
area code), who reported them (some reporters report a lot), repeat spots (several signals of one
category within 30 m within a few weeks), about 1% complaints (type COM), a state mix by age and a
status history with plausible timestamps.

Two writers turn the plans into rows:
- `ActionsWriter` goes through `Signal.actions` (hooks fire, so the Haarlem apps' receivers do their
  work) and then dates the new records back to the planned moments;
- `BulkWriter` (standalone core only) writes exactly the rows the actions would write (Signal,
  Location, Status history, CategoryAssignment with deadlines from signals_haarlem.workdays,
  Reporter, Priority, Type, Note, History lines) with bulk_create, in one transaction per batch.
After each batch every Haarlem app with a `seed.py` gets `seed_demo(signals, rng, stdout)`.
"""
import bisect
import importlib
import logging
import math
import random
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from signals_haarlem import signalen, workdays

from . import demo_data as data

logger = logging.getLogger(__name__)

TZ = ZoneInfo('Europe/Amsterdam')
ACTIONS_MAX_DEFAULT = 2000  # above this, seed_demo writes in bulk unless told otherwise
CLOSED = {'o', 'a'}
HAARLEM_TEAMS = ('EEN', 'CPX', 'MTW')
DANGEROUS = {'gladheid-olie', 'verkeerslicht', 'boom-stormschade', 'lantaarnpaal-straatverlichting',
             'verkeersbord-verkeersafzetting', 'put-riool-kapot', 'blokkade-van-de-vaarweg', 'olie-op-het-water'}
M_PER_DEG_LAT = 111_320.0
HOUR_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.5, 2.5, 3, 3, 2.8, 2.5, 2.5, 2.4, 2.3, 2.2, 2.2, 2.5, 2.6,
                2.3, 1.8, 1.0, 0.5]
WEEKDAY_WEIGHTS = [1.0, 1.0, 0.95, 0.95, 0.9, 0.6, 0.5]


class SeedError(Exception):
    """The demo data cannot be written (no categories yet, fast mode inside upstream, ...)."""


@dataclass
class Event:
    kind: str  # 'status' or 'note'
    when: datetime
    user: str | None
    text: str | None
    state: str | None = None


@dataclass
class SignalPlan:
    signal_id: uuid.UUID
    created_at: datetime
    incident_date_start: datetime
    text: str
    source: str
    creator: str | None
    category: object
    lon: float
    lat: float
    location: dict
    reporter: dict
    priority: str
    type_code: str
    events: list = field(default_factory=list)  # after the initial 'm', in time order
    hotspot: int | None = None

    @property
    def statuses(self):
        return [e for e in self.events if e.kind == 'status']

    @property
    def final_state(self):
        statuses = self.statuses
        return statuses[-1].state if statuses else 'm'

    @property
    def last_change(self):
        return self.events[-1].when if self.events else self.created_at


@dataclass
class _Hotspot:
    category: object
    wijk: tuple
    street: tuple
    lon: float
    lat: float
    start: datetime
    count: int


# -- planning -------------------------------------------------------------------------------------

def _local(dt):
    return dt.astimezone(TZ)


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng, items, cumulative):
    return items[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


class Planner:
    """Plans `n` signals. Everything random comes from `random.Random(seed)`, in a fixed order."""

    def __init__(self, n, seed=0, months=12, now=None, categories=None, uuid_salt=0):
        if n < 0:
            raise ValueError('n must be >= 0')
        self.n = n
        self.seed = seed
        self.uuid_salt = uuid_salt  # signal ids differ between runs on a non-empty database
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=round(months * 30.44))
        self.categories = categories if categories is not None else load_categories()
        if not self.categories:
            raise SeedError('There are no active sub categories: run `manage.py load_haarlem_fixtures` first.')
        self._by_slug = {}
        for cat in self.categories:
            self._by_slug.setdefault(cat.slug, cat)
        self._cat_weights = {}
        for month in range(1, 13):
            weights = []
            for cat in self.categories:
                w = data.CATEGORY_WEIGHTS.get(cat.slug, data.DEFAULT_WEIGHT)
                if cat.slug in data.SEASONAL and month not in data.SEASONAL[cat.slug]:
                    w *= 0.03
                weights.append(w)
            self._cat_weights[month] = _cumulative(weights)
        self._wijk_cum = _cumulative([w[4] for w in data.WIJKEN])
        self._source_names = [s for s, _ in data.SOURCES]
        self._source_cum = _cumulative([w for _, w in data.SOURCES])
        self._hour_cum = _cumulative(HOUR_WEIGHTS)
        self.staff = {}
        for email, _first, _last, dept, role in data.STAFF:
            self.staff.setdefault(dept, []).append(email)

    # -- the skeleton: moments, repeat spots, frequent reporters, complaints --------------------

    def _random_moment(self):
        rng, span = self.rng, (self.now - self.start).total_seconds()
        latest = self.now - timedelta(minutes=10)
        while True:
            t = _local(self.start + timedelta(seconds=rng.random() * span))
            if rng.random() > WEEKDAY_WEIGHTS[t.weekday()]:
                continue
            hour = _pick(rng, list(range(24)), self._hour_cum)
            t = datetime.combine(t.date(), time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=TZ)
            if self.start <= t <= latest:
                return t

    def _random_place(self, wijk=None, street=None, radius=150.0):
        rng = self.rng
        wijk = wijk or _pick(rng, data.WIJKEN, self._wijk_cum)
        street = street or rng.choice(wijk[5])
        lon, lat = self._jitter(street[1], street[2], radius)
        return wijk, street, lon, lat

    def _jitter(self, lon, lat, radius):
        rng = self.rng
        r, angle = radius * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        dlat = r * math.sin(angle) / M_PER_DEG_LAT
        dlon = r * math.cos(angle) / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
        min_lon, min_lat, max_lon, max_lat = data.BBOX
        return (round(min(max(lon + dlon, min_lon), max_lon), 6), round(min(max(lat + dlat, min_lat), max_lat), 6))

    def skeleton(self):
        """[(created_at, hotspot index or None)] sorted by time, and the reporter and type roles."""
        rng, n = self.rng, self.n
        self.hotspots = []
        if n >= 6:
            wanted = max(1, round(n * 0.012))
            prone = [self._by_slug[s] for s in data.REPEAT_PRONE if s in self._by_slug] or self.categories
            budget = n // 3
            for _ in range(wanted):
                count = rng.randint(3, 6)
                if count > budget:
                    break
                budget -= count
                wijk, street, lon, lat = self._random_place()
                start = self._random_moment() - timedelta(days=rng.randint(0, 20))
                start = max(start, self.start)
                self.hotspots.append(_Hotspot(rng.choice(prone), wijk, street, lon, lat, start, count))
        moments = []
        for index, spot in enumerate(self.hotspots):
            latest = self.now - timedelta(minutes=10)
            for _ in range(spot.count):
                t = spot.start + timedelta(seconds=rng.random() * 21 * 86400)
                moments.append((min(t, latest - timedelta(seconds=rng.randrange(3600))), index))
        while len(moments) < n:
            moments.append((self._random_moment(), None))
        moments.sort(key=lambda m: m[0])
        # Frequent reporters: a few people behind ~8% of the signals (at least 3 when n >= 6).
        self.frequent = []
        frequent_slots = {}
        if n >= 6:
            people = max(1, n // 150)
            for i in range(people):
                first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
                self.frequent.append({'email': f'{first}.{last}.{i}@{rng.choice(data.MAIL_DOMAINS)}',
                                      'phone': f'0612345{rng.randrange(1000):03d}', 'sharing_allowed': True,
                                      'allows_contact': True})
            slots = rng.sample(range(n), max(3, round(n * 0.08)))
            weights = _cumulative([1 / (i + 1) for i in range(people)])
            for k, slot in enumerate(slots):
                frequent_slots[slot] = 0 if k < 3 else _pick(rng, list(range(people)), weights)
        self.frequent_slots = frequent_slots
        complaints = max(1, round(n * 0.01)) if n >= 6 else 0
        self.complaint_slots = set(rng.sample(range(n), complaints)) if complaints else set()
        return moments

    # -- one signal ------------------------------------------------------------------------------

    def plans(self):
        """Yield the n SignalPlans, oldest first."""
        moments = self.skeleton()
        uuid_rng = random.Random(f'{self.seed}:uuid:{self.uuid_salt}')
        for index, (created_at, hotspot) in enumerate(moments):
            yield self._plan(index, created_at, hotspot, uuid_rng)

    def _category(self, created_at):
        return _pick(self.rng, self.categories, self._cat_weights[_local(created_at).month])

    def _plan(self, index, created_at, hotspot_index, uuid_rng):
        rng = self.rng
        if hotspot_index is not None:
            spot = self.hotspots[hotspot_index]
            category = spot.category
            wijk, street = spot.wijk, spot.street
            lon, lat = self._jitter(spot.lon, spot.lat, 20.0)
        else:
            category = self._category(created_at)
            wijk, street, lon, lat = self._random_place()
        is_complaint = index in self.complaint_slots
        source = _pick(rng, self._source_names, self._source_cum)
        creator = None if source in ('online', 'Spaarnelanden') else rng.choice(
            self.staff['KCC'] if source != 'Interne melding' else self.staff[self.team_of(category)])
        number = rng.randint(1, 180)
        postcode = f'{wijk[3]}{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}'
        location = {
            **signalen.stadsdeel_fields(wijk[2], data.STADSDELEN[wijk[2]]), 'buurt_code': wijk[0], 'postcode': postcode,
            'address': {'openbare_ruimte': street[0], 'huisnummer': number, 'huisletter': '',
                        'huisnummer_toevoeging': '', 'postcode': postcode, 'woonplaats': 'Haarlem'},
            'address_text': f'{street[0]} {number}, {postcode} Haarlem',
        }
        reporter = self._reporter(index, source, is_complaint)
        text = self._text(category, street[0], number, hotspot_index is not None, is_complaint)
        roll = rng.random()
        high = 0.12 if category.slug in DANGEROUS else 0.03
        priority = 'high' if roll < high else ('low' if roll > 0.98 else 'normal')
        if is_complaint:
            type_code = 'COM'
        else:
            roll = rng.random()
            type_code = 'REQ' if roll < 0.015 else ('QUE' if roll < 0.025 else 'SIG')
        incident = created_at - timedelta(minutes=rng.choice([5, 30, 60, 180, 600, 1440, 2880]) * rng.random())
        plan = SignalPlan(
            signal_id=uuid.UUID(int=uuid_rng.getrandbits(128), version=4), created_at=created_at,
            incident_date_start=incident, text=text, source=source, creator=creator, category=category,
            lon=lon, lat=lat, location=location, reporter=reporter, priority=priority, type_code=type_code,
            hotspot=hotspot_index)
        plan.events = self._events(plan)
        return plan

    def team_of(self, category):
        codes = getattr(category, 'demo_departments', None) or []
        for code in codes:
            if code in HAARLEM_TEAMS:
                return code
        return 'EEN'

    def _reporter(self, index, source, is_complaint):
        rng = self.rng
        if index in self.frequent_slots:
            return dict(self.frequent[self.frequent_slots[index]])
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        email = f'{first}.{last}{rng.randrange(10000)}@{rng.choice(data.MAIL_DOMAINS)}'
        phone = f'0612345{rng.randrange(1000):03d}'
        has_email = is_complaint or rng.random() < (0.5 if source == 'Telefoon' else 0.7)
        has_phone = source == 'Telefoon' or rng.random() < 0.45
        return {'email': email if has_email else '', 'phone': phone if has_phone else '',
                'sharing_allowed': rng.random() < 0.3, 'allows_contact': rng.random() < 0.95}

    def _text(self, category, street, number, repeat, is_complaint):
        rng = self.rng
        values = {'street': street, 'number': number, 'days': rng.randint(2, 14), 'when': rng.choice(data.WHEN),
                  'what': rng.choice(data.WHAT), 'problem': rng.choice(data.COMPLAINT_PROBLEMS)}
        if is_complaint:
            return rng.choice(data.COMPLAINT_TEXTS).format(**values)
        main_slug = category.parent.slug if category.parent_id else ''
        templates = data.TEXTS.get(category.slug) or data.MAIN_TEXTS.get(main_slug) or [
            f'Melding over {category.name.lower()} bij de {{street}}.']
        text = rng.choice(templates).format(**values)
        extra = rng.choice(data.REPEAT_SENTENCES) if repeat and rng.random() < 0.5 else rng.choice(
            data.EXTRA_SENTENCES)
        return f'{text} {extra}'.strip()

    # -- the status history ----------------------------------------------------------------------

    def _final_state(self, age_days, is_complaint):
        rng = self.rng
        if age_days < 1:
            table = [('m', 70), ('i', 15), ('b', 10), ('o', 5)]
        elif age_days < 5:
            table = [('m', 20), ('i', 20), ('b', 25), ('ingepland', 15), ('o', 18), ('a', 2)]
        elif age_days < 30:
            table = [('m', 5), ('i', 8), ('b', 17), ('ingepland', 15), ('o', 50), ('a', 4),
                     ('reaction requested', 1)]
        elif age_days < 90:
            table = [('m', 1.5), ('i', 2), ('b', 5), ('ingepland', 5), ('o', 80), ('a', 6.5)]
        else:
            table = [('b', 1.5), ('ingepland', 1.5), ('o', 88), ('a', 9)]
        if is_complaint and age_days < 60:
            table = [(s, w * (4 if s == 'b' else 1)) for s, w in table]
        states = [s for s, _ in table]
        return _pick(rng, states, _cumulative([w for _, w in table]))

    def _path(self, final, age_days):
        rng = self.rng
        if final == 'm':
            return []
        if final == 'i':
            return ['i']
        if final == 'b':
            return (['i'] if rng.random() < 0.4 else []) + ['b']
        if final == 'ingepland':
            return (['i'] if rng.random() < 0.3 else []) + (['b'] if rng.random() < 0.4 else []) + ['ingepland']
        if final == 'reaction requested':
            return (['i'] if rng.random() < 0.5 else []) + ['reaction requested']
        if final == 'a':
            return (['i'] if rng.random() < 0.3 else []) + ['a']
        prefix = rng.choice([[], ['i'], ['b'], ['i', 'b'], ['ingepland'], ['b', 'ingepland'], ['i', 'ingepland'],
                             ['reaction requested', 'reaction received', 'b']])
        path = prefix + ['o']
        if age_days > 14 and rng.random() < 0.03:
            path += ['reopened', 'b', 'o']
        return path

    def _closing_texts(self, category):
        main_slug = category.parent.slug if category.parent_id else ''
        texts = data.STATUS_TEXTS['o'] + data.CLOSING_TEXTS.get(main_slug, [])
        codes = getattr(category, 'demo_departments', None) or []
        if codes and codes[0] in data.PARTNERS:
            texts = texts + [data.PARTNER_CLOSING.format(partner=data.PARTNERS[codes[0]])] * 2
        return texts

    def _sla_calendar_days(self, category):
        sla = getattr(category, 'demo_sla', None)
        if not sla:
            return 7.0
        n, calendar = sla
        return float(n) if calendar else n * 7 / 5

    def _events(self, plan):
        rng = self.rng
        age_days = (self.now - plan.created_at).total_seconds() / 86400
        final = self._final_state(age_days, plan.type_code == 'COM')
        path = self._path(final, age_days)
        team = self.team_of(plan.category)
        handler = rng.choice(self.staff[team])
        if not path:
            durations = []
        else:
            if final == 'a':
                total = rng.uniform(0.05, 3)
            elif final == 'o':
                total = self._sla_calendar_days(plan.category) * rng.lognormvariate(-0.6, 0.7)
            else:
                total = age_days * rng.uniform(0.05, 0.9)
            if total > age_days * 0.98:
                total = age_days * rng.uniform(0.3, 0.95)
            durations = sorted(rng.uniform(0.02, 0.9) * total for _ in path[:-1]) + [total]
        latest = self.now - timedelta(minutes=1)
        events, prev = [], plan.created_at
        for state, days in zip(path, durations):
            t = plan.created_at + timedelta(days=days)
            office = t.replace(hour=rng.randint(8, 16), minute=rng.randrange(60))
            if not 7 <= _local(t).hour < 19 and prev < office <= latest:
                t = office
            t = max(t, prev + timedelta(minutes=rng.randint(1, 30)))
            if t > latest:
                t = prev + (latest - prev) / 2
            texts = self._closing_texts(plan.category) if state == 'o' else data.STATUS_TEXTS.get(state, [None])
            user = None if state in ('i', 'reaction received') else handler
            events.append(Event('status', t, user, rng.choice(texts), state))
            prev = t
        # Notes by the handler, between the first and the last change.
        notes = 1 if rng.random() < 0.12 else 0
        notes += 1 if rng.random() < 0.03 else 0
        end = events[-1].when if events else latest
        for _ in range(notes):
            if end <= plan.created_at:
                break
            t = plan.created_at + (end - plan.created_at) * rng.uniform(0.1, 0.9)
            events.append(Event('note', t, handler, rng.choice(data.NOTES)))
        events.sort(key=lambda e: (e.when, e.kind == 'note'))
        return events


def load_categories():
    """Active sub categories (ordered, so plans are deterministic) with their newest SLO and departments
    attached as `demo_sla` ((n_days, use_calendar_days) or None) and `demo_departments` (codes,
    responsible first)."""
    Category = signalen.get_model('Category')
    SLO = signalen.get_model('ServiceLevelObjective')
    CategoryDepartment = signalen.get_model('CategoryDepartment')
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True)
                      .select_related('parent').order_by('parent__slug', 'slug', 'pk'))
    slas = {}
    for slo in SLO.objects.order_by('category_id', 'created_at', 'pk'):
        slas[slo.category_id] = (slo.n_days, slo.use_calendar_days)  # the newest wins
    departments = {}
    for link in (CategoryDepartment.objects.select_related('department')
                 .order_by('category_id', '-is_responsible', 'pk')):
        departments.setdefault(link.category_id, []).append(link.department.code)
    for category in categories:
        category.demo_sla = slas.get(category.pk)
        category.demo_departments = departments.get(category.pk, [])
    return categories


# -- demo staff -----------------------------------------------------------------------------------

def ensure_staff():
    """The demo staff members (unusable passwords) in their departments and roles."""
    from django.contrib.auth.models import Group
    User = get_user_model()
    Department = signalen.get_model('Department')
    Profile = signalen.get_model('Profile')
    departments = {d.code: d for d in Department.objects.all()}
    groups = {g.name: g for g in Group.objects.all()}
    for email, first, last, dept, role in data.STAFF:
        user = User.objects.filter(username=email).first()
        if user is None:
            user = User(username=email, email=email, first_name=first, last_name=last, is_active=True)
            user.set_unusable_password()
            user.save()
            if role in groups:
                user.groups.add(groups[role])
            profile, _ = Profile.objects.get_or_create(user=user)
            if dept in departments:
                profile.departments.add(departments[dept])


# -- writers --------------------------------------------------------------------------------------

class ActionsWriter:
    """Through `Signal.actions`, one transaction per signal; hooks fire after it commits."""

    def __init__(self):
        self.Signal = signalen.get_model('Signal')
        # What this Signalen's Reporter records (upstream keeps no `allows_contact` on it).
        self.reporter_fields = {f.name for f in signalen.get_model('Reporter')._meta.concrete_fields}

    def write(self, plans):
        return [self._write(plan) for plan in plans]

    @transaction.atomic
    def _write(self, plan):
        actions = self.Signal.actions
        creator = plan.creator
        signal = actions.create_initial(
            {signalen.UUID_FIELD: plan.signal_id, 'text': plan.text, 'text_extra': '',
             'incident_date_start': plan.incident_date_start, 'source': plan.source, 'created_at': plan.created_at},
            {**plan.location, 'geometrie': signalen.point(plan.lon, plan.lat), 'created_by': creator},
            {'state': 'm', 'text': None, 'user': creator},
            {'category': plan.category, 'created_by': creator},
            {key: value for key, value in plan.reporter.items() if key in self.reporter_fields},
            {'priority': plan.priority, 'created_by': creator},
            {'name': plan.type_code, 'created_by': creator},
        )
        first_status, later = signal.status, []
        for event in plan.events:
            if event.kind == 'status':
                record = actions.update_status({'state': event.state, 'text': event.text, 'user': event.user,
                                                'send_email': False}, signal)
                later.append((record, event.when))
            else:
                record = actions.create_note({'text': event.text, 'created_by': event.user}, signal)
                later.append((record, event.when))
        self._backdate(signal, plan, first_status, later)
        return signal

    def _backdate(self, signal, plan, first_status, later):
        """Date the records back to the planned moments, in the database and on the objects the hooks
        will carry (they are sent after this transaction commits)."""
        created = plan.created_at
        initial = [signal.location, signal.category_assignment, signal.reporter, signal.priority,
                   signal.type_assignment]
        for record in [*initial, first_status]:
            type(record).objects.filter(pk=record.pk).update(created_at=created)
            record.created_at = created
        deadline, factor_3 = _deadlines(plan, workdays.get_calendar())
        if deadline is not None:  # counted from the planned moment (upstream counts from now, without holidays)
            type(signal.category_assignment).objects.filter(pk=signal.category_assignment_id).update(
                deadline=deadline, deadline_factor_3=factor_3)
        signalen.backdate_history(signal, created)
        for record, when in later:
            type(record).objects.filter(pk=record.pk).update(created_at=when)
            record.created_at = when
            signalen.backdate_history(signal, when, record)
        self.Signal.objects.filter(pk=signal.pk).update(created_at=created, updated_at=plan.last_change)
        signal.created_at, signal.updated_at = created, plan.last_change


class BulkWriter:
    """The same rows as ActionsWriter, written with bulk_create (standalone core only)."""

    def __init__(self):
        if signalen.UPSTREAM:
            raise SeedError('The fast (bulk) mode writes the standalone core\'s tables and cannot run inside '
                            'upstream Signalen; use --through-actions.')
        if not connection.features.can_return_rows_from_bulk_insert:
            raise SeedError(f'The fast mode needs a database that returns ids from bulk inserts '
                            f'({connection.vendor} does not); use --through-actions.')
        get = signalen.get_model
        self.Signal, self.Location, self.Status = get('Signal'), get('Location'), get('Status')
        self.CategoryAssignment, self.Reporter = get('CategoryAssignment'), get('Reporter')
        self.Priority, self.Type, self.Note, self.History = get('Priority'), get('Type'), get('Note'), get('History')
        self.priority_labels = dict(self.Priority.PRIORITY_CHOICES)
        self.type_labels = dict(self.Type.CHOICES)
        self.label = signalen.workflow.label
        self.calendar = workdays.get_calendar()

    def write(self, plans):
        with transaction.atomic():
            return self._write(plans)

    def _deadlines(self, plan):
        return _deadlines(plan, self.calendar)

    def _write(self, plans):
        updated_at = self.Signal._meta.get_field('updated_at')
        auto_now, updated_at.auto_now = updated_at.auto_now, False  # keep the planned updated_at
        try:
            signals = self.Signal.objects.bulk_create([
                self.Signal(signal_id=p.signal_id, text=p.text, text_extra='', source=p.source,
                            incident_date_start=p.incident_date_start, created_at=p.created_at,
                            updated_at=p.last_change) for p in plans])
        finally:
            updated_at.auto_now = auto_now
        locations, first_statuses, assignments, reporters, priorities, types = [], [], [], [], [], []
        later_statuses, notes = [], []
        for plan, signal in zip(plans, signals):
            c, who = plan.created_at, plan.creator
            locations.append(self.Location(
                _signal=signal, geometrie={'type': 'Point', 'coordinates': [plan.lon, plan.lat]}, lon=plan.lon,
                lat=plan.lat, created_by=who, created_at=c, **plan.location))
            first_statuses.append(self.Status(_signal=signal, state='m', text=None, user=who, created_by=who,
                                              created_at=c, send_email=False))
            deadline, deadline_factor_3 = self._deadlines(plan)
            assignments.append(self.CategoryAssignment(
                _signal=signal, category=plan.category, text=None, created_by=who, created_at=c, deadline=deadline,
                deadline_factor_3=deadline_factor_3, stored_handling_message=plan.category.handling_message))
            reporters.append(self.Reporter(_signal=signal, created_at=c, created_by=None, **plan.reporter))
            priorities.append(self.Priority(_signal=signal, priority=plan.priority, created_by=who, created_at=c))
            types.append(self.Type(_signal=signal, name=plan.type_code, created_by=who, created_at=c))
            for event in plan.events:
                if event.kind == 'status':
                    later_statuses.append(self.Status(
                        _signal=signal, state=event.state, text=event.text or None, user=event.user or None,
                        created_by=event.user or None, created_at=event.when, send_email=False))
                else:
                    notes.append(self.Note(_signal=signal, text=event.text, created_by=event.user or None,
                                           created_at=event.when))
        for model, rows in ((self.Location, locations), (self.Status, first_statuses),
                            (self.CategoryAssignment, assignments), (self.Reporter, reporters),
                            (self.Priority, priorities), (self.Type, types), (self.Status, later_statuses),
                            (self.Note, notes)):
            model.objects.bulk_create(rows)
        self.History.objects.bulk_create(self._history(plans, signals, locations, first_statuses, assignments,
                                                       priorities, types, iter(later_statuses), iter(notes)))
        self._point_to_current([s.pk for s in signals])
        return signals

    def _history(self, plans, signals, locations, first_statuses, assignments, priorities, types, later_statuses,
                 notes):
        """The History lines Signal.actions writes, in the order it writes them."""
        H = self.History
        rows = []
        for i, (plan, signal) in enumerate(zip(plans, signals)):
            c, who = plan.created_at, plan.creator
            loc, status, ca = locations[i], first_statuses[i], assignments[i]
            description = loc.address_text or f'Locatie is gepind op de kaart\n{plan.lon}, {plan.lat}'
            rows.append(H(_signal=signal, what='UPDATE_LOCATION', object_pk=loc.pk, action='Locatie gewijzigd naar:',
                          description=description, who=who, when=c))
            rows.append(H(_signal=signal, what='UPDATE_STATUS', object_pk=status.pk,
                          action=f'Status gewijzigd naar: {self.label("m")}', description=None, who=who, when=c))
            rows.append(H(_signal=signal, what='UPDATE_CATEGORY_ASSIGNMENT', object_pk=ca.pk,
                          action=f'Categorie gewijzigd naar: {plan.category.name}', description=None, who=who,
                          when=c))
            if plan.category.handling_message:
                rows.append(H(_signal=signal, what='UPDATE_SLA', object_pk=ca.pk, action='Servicebelofte:',
                              description=plan.category.handling_message, who=None, when=c))
            rows.append(H(_signal=signal, what='UPDATE_PRIORITY', object_pk=priorities[i].pk,
                          action=f'Urgentie gewijzigd naar: {self.priority_labels[plan.priority]}', description=None,
                          who=who, when=c))
            rows.append(H(_signal=signal, what='UPDATE_TYPE_ASSIGNMENT', object_pk=types[i].pk,
                          action=f'Type gewijzigd naar: {self.type_labels[plan.type_code]}', description=None,
                          who=who, when=c))
            for event in plan.events:
                if event.kind == 'status':
                    record = next(later_statuses)
                    rows.append(H(_signal=signal, what='UPDATE_STATUS', object_pk=record.pk,
                                  action=f'Status gewijzigd naar: {self.label(event.state)}',
                                  description=record.text, who=record.user, when=event.when))
                else:
                    record = next(notes)
                    rows.append(H(_signal=signal, what='CREATE_NOTE', object_pk=record.pk,
                                  action='Notitie toegevoegd:', description=record.text, who=record.created_by,
                                  when=event.when))
        return rows

    def _point_to_current(self, pks):
        """Point each signal at its newest record of every aspect (one UPDATE for the batch)."""
        def newest(model):
            return Subquery(model.objects.filter(_signal=OuterRef('pk')).order_by('-created_at', '-pk')
                            .values('pk')[:1])
        self.Signal.objects.filter(pk__in=pks).update(
            location=newest(self.Location), status=newest(self.Status),
            category_assignment=newest(self.CategoryAssignment), reporter=newest(self.Reporter),
            priority=newest(self.Priority), type_assignment=newest(self.Type))
        signalen.refresh_current_values(pks)


# -- the whole run --------------------------------------------------------------------------------

def app_seeders(apps=None):
    """(app, seed_demo function) for every Haarlem app with a `seed.py` that defines one."""
    found = []
    for app in apps if apps is not None else getattr(settings, 'HAARLEM_APPS', []):
        if app == __package__:
            continue
        module_name = f'{app}.seed'
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        func = getattr(module, 'seed_demo', None)
        if callable(func):
            found.append((app, func))
    return found


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(n, seed=0, months=12, fast=None, now=None, batch_size=None, stdout=None, progress=None, apps=None,
        send_mail=False):
    """Write n demo signals; returns the number written. `fast=None` picks bulk mode above
    ACTIONS_MAX_DEFAULT (standalone core only). `progress(k)` is called after each batch with its size. `apps` restricts the
    app seeders (None: every HAARLEM_APP with a seed.py; []: none)."""
    fast = (n > ACTIONS_MAX_DEFAULT and not signalen.UPSTREAM) if fast is None else fast
    writer = BulkWriter() if fast else ActionsWriter()
    batch_size = batch_size or (1000 if fast else 100)
    ensure_staff()
    planner = Planner(n, seed=seed, months=months, now=now,
                      uuid_salt=signalen.get_model('Signal').objects.count())
    seeders = app_seeders(apps)
    written = 0
    context = _no_mail() if not send_mail else _nothing()
    with context:
        for number, plans in enumerate(_batches(planner.plans(), batch_size)):
            signals = writer.write(plans)
            written += len(signals)
            write_feedback(plans, signals, random.Random(f'{seed}:feedback:{number}'), now or timezone.now())
            if seeders:
                fresh = list(signalen.get_model('Signal').objects.filter(pk__in=[s.pk for s in signals])
                             .select_related('status', 'category_assignment__category__parent', 'location',
                                             'reporter', 'priority', 'type_assignment').order_by('created_at', 'pk'))
                for app, func in list(seeders):
                    try:
                        with transaction.atomic():
                            func(fresh, random.Random(f'{seed}:{app}:{number}'), stdout)
                    except Exception as exc:  # one app's demo data must not stop the rest
                        logger.exception('seed_demo of %s failed', app)
                        seeders.remove((app, func))
                        if stdout is not None:
                            stdout.write(f'warning: {app}.seed.seed_demo failed ({exc.__class__.__name__}: {exc}); '
                                         'no more demo data from it in this run')
            if progress is not None:
                progress(len(signals))
    return written


def write_feedback(plans, signals, rng, now):
    """The reporters' feedback (KTO) the closing mails asked for: for a closed demo signal whose reporter
    gave an e-mail address, a request at the closing moment; most reporters answer within days, most of
    them satisfied, some with an answer that asked to reopen (the demo's status history has those)."""
    Feedback = signalen.get_model('Feedback')
    answers = {True: [], False: []}
    for text, satisfied in signalen.get_model('StandardAnswer').objects.filter(is_visible=True) \
            .values_list('text', 'is_satisfied'):
        answers[satisfied].append(text)
    rows = []
    for plan, signal in zip(plans, signals):
        closed = [e for e in plan.events if e.kind == 'status' and e.state == 'o']
        if not closed or not plan.reporter.get('email') or rng.random() < 0.25:
            continue
        asked = closed[-1].when
        row = Feedback(_signal_id=signal.pk, created_at=asked)
        answered = asked + timedelta(hours=rng.uniform(2, 24 * 10))
        if rng.random() < 0.55 and answered < now:
            satisfied = rng.random() < 0.7
            row.submitted_at, row.is_satisfied = answered, satisfied
            row.text_list = [rng.choice(answers[satisfied])] if answers[satisfied] else ['Geen reden gegeven']
            row.allows_contact = not satisfied and rng.random() < 0.5
        rows.append(row)
    with _as_given(Feedback, 'created_at'):
        Feedback.objects.bulk_create(rows, batch_size=500)


def _deadlines(plan, calendar):
    """(deadline, deadline_factor_3) of the plan's category assignment, counted on the working-day
    calendar from the planned moment, or (None, None) for a category without a service level."""
    sla = getattr(plan.category, 'demo_sla', None)
    if sla is None:
        return None, None
    n, calendar_days = sla
    return (calendar.deadline(plan.created_at, n, calendar_days),
            calendar.deadline(plan.created_at, 3 * n, calendar_days))


@contextmanager
def _as_given(model, name):
    """Write the value given for a field that sets itself (auto_now, auto_now_add): demo data is dated
    back (upstream's Feedback.created_at sets itself)."""
    field = model._meta.get_field(name)
    saved = field.auto_now, field.auto_now_add
    field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now, field.auto_now_add = saved


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _no_mail():
    """Demo signals carry made-up addresses: mail nobody while seeding."""
    from django.test.utils import override_settings
    return override_settings(EMAIL_BACKEND='django.core.mail.backends.dummy.EmailBackend')
