"""The monitoring team's figures, computed in the database (no HTTP here).

Each figure is one or a few aggregate queries (GROUP BY with conditional counts); no rows are loaded
into Python, only the aggregated ones. They run on SQLite and PostgreSQL, and inside upstream
Signalen (Signalen's models are reached through signals_haarlem.signalen only).

    filters = Filters.default()                       # the last 12 months, everything
    figure = signals_per_week(filters)                # a Figure: title, columns, rows, chart
    everything = dashboard(filters)                   # {key: Figure} of every figure

The filters (period, lane, category, area) apply to every figure the same way:
- period: the moment the figure is about falls within [start 00:00, end + 1 day 00:00) Europe/Amsterdam:
  a signal's report (creation), a reopen request's status change, a complaint's receipt, a forward to
  a partner. "Open work by age" is a snapshot of now; the period does not apply to it.
- lane: the signal's current lane (triage); category: the signal's current category (a main category
  includes its sub categories); area: the stadsdeel of the signal's current location (area code or name).
- complaints and forwards to partners: with a lane, category or area filter, only those about a signal
  that matches it count (complaints and forwards without a signal then drop out).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.workdays import TIME_ZONE

MONTHS = ('jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec')
MAX_DAYS = 366 * 5  # the longest period the figures accept
REOPEN_REQUESTED, REOPENED = 'reopen requested', 'reopened'
NO_LANE = 'Niet getrieerd'
NO_TEAM = 'Geen team'

#: Age buckets of open work: (days up to, not including; label). None: no upper bound.
AGE_BUCKETS = (
    (7, 'minder dan 1 week'),
    (14, '1 tot 2 weken'),
    (28, '2 tot 4 weken'),
    (61, '4 weken tot 2 maanden'),
    (91, '2 tot 3 maanden'),
    (None, '3 maanden of ouder'),
)


FIGURE_TITLES = {
    'signals_per_week': 'Meldingen per baan per week',
    'on_time_by_lane': 'Op tijd per baan',
    'on_time_by_team': 'Op tijd per team',
    'retriage_rate': 'Hertriage',
    'reopen_requests': 'Verzoeken tot heropenen',
    'satisfaction': 'Tevredenheid van melders (KTO)',
    'open_by_age': 'Openstaand werk naar leeftijd',
    'complaints_per_month': 'Klachten per maand en tijdigheid',
    'complaints_by_outcome': 'Klachten naar uitkomst',
    'complaints_by_norm': 'Klachten naar geschonden norm (Behoorlijkheidswijzer)',
    'partner_on_time': 'Partners: reactie op tijd',
}


def on_time_target():
    """The share of signals that should be handled within the norm (settings.HAARLEM
    ['MONITORING_ON_TIME_TARGET'], default 0.9), drawn as the norm line in the on-time figures."""
    value = getattr(settings, 'HAARLEM', {}).get('MONITORING_ON_TIME_TARGET', 0.9)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.9
    return value if 0 < value <= 1 else 0.9


# -- filters --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    lane: object = None  # a triage Lane
    category: object = None  # a Signalen Category, main or sub
    area: str = ''  # a stadsdeel: area code (or name)
    area_name: str = ''

    @classmethod
    def default(cls, today=None, **kwargs):
        """The last 12 months up to and including today."""
        today = today or timezone.localdate()
        try:
            start = today.replace(year=today.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28) + timedelta(days=1)
        return cls(start=start, end=today, **kwargs)

    @property
    def since(self):
        return datetime.combine(self.start, time(0), tzinfo=TIME_ZONE)

    @property
    def until(self):
        """Exclusive end: 00:00 on the day after `end`."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=TIME_ZONE)

    @property
    def on_signals(self):
        """Whether a lane, category or area filter is set (they apply to signals)."""
        return bool(self.lane or self.category or self.area)

    def signal_q(self, prefix=''):
        """Q for the lane, category and area filters, on the Signal reached by `prefix` (e.g. 'signal__')."""
        q = Q()
        if self.lane is not None:
            q &= Q(**{f'{prefix}haarlem_triage__lane': self.lane})
        if self.category is not None:
            path = f'{prefix}category_assignment__category'
            if self.category.parent_id:
                q &= Q(**{path: self.category})
            else:
                q &= Q(**{path: self.category}) | Q(**{f'{path}__parent': self.category})
        if self.area:
            names = {self.area, self.area_name} - {''}
            q &= Q(**{f'{prefix}location__area_code__in': sorted(names)}) | \
                Q(**{f'{prefix}location__stadsdeel__in': sorted(names)})
        return q

    def describe(self):
        """The filters in words (Dutch), for captions and exports."""
        parts = [f'{self.start:%d-%m-%Y} t/m {self.end:%d-%m-%Y}']
        if self.lane is not None:
            parts.append(f'baan {self.lane.name}')
        if self.category is not None:
            parent = self.category.parent if self.category.parent_id else None
            parts.append(f'categorie {parent.name + " / " if parent else ""}{self.category.name}')
        if self.area:
            parts.append(f'stadsdeel {self.area_name or self.area}')
        return ', '.join(parts)

    def as_dict(self):
        category = None
        if self.category is not None:
            parent = self.category.parent if self.category.parent_id else None
            category = f'{parent.slug}/{self.category.slug}' if parent else self.category.slug
        return {'from': self.start.isoformat(), 'to': self.end.isoformat(),
                'lane': self.lane.code if self.lane is not None else None, 'category': category,
                'area': self.area or None}


def category_choices():
    """[(value, label)] of main categories and their sub categories, for a select."""
    choices = [('', 'Alle categorieën')]
    mains, subs = [], {}
    for category in signalen.categories().values():
        if category.parent_id:
            subs.setdefault(category.parent_id, []).append(category)
        else:
            mains.append(category)
    for main in mains:
        choices.append((main.slug, f'{main.name} (alle)'))
        choices += [(f'{main.slug}/{sub.slug}', f'{main.name} / {sub.name}') for sub in subs.get(main.pk, [])]
    return choices


def area_choices():
    """[(code, name)] of the stadsdelen Signalen knows (its areas of type 'stadsdeel')."""
    return signalen.areas_of_type('stadsdeel')


def area_name(code):
    return dict(area_choices()).get(code, '')


def lanes():
    from signals_haarlem.triage.models import Lane
    return list(Lane.objects.select_related('department').order_by('order', 'code'))


# -- figures --------------------------------------------------------------------------------------

@dataclass
class Column:
    key: str
    label: str
    kind: str = 'int'  # 'text', 'int', 'percent' (a share 0..1), 'date'


@dataclass
class Figure:
    """One figure: its table (columns, rows) and how to draw it (chart)."""
    key: str
    title: str
    description: str
    columns: list
    rows: list
    chart: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def as_dict(self):
        def value(column, v):
            if v is None:
                return None
            if column.kind == 'percent':
                return round(v, 4)
            if column.kind == 'date':
                return v.isoformat()
            return v
        return {'key': self.key, 'title': self.title, 'description': self.description,
                'columns': [{'key': c.key, 'label': c.label, 'kind': c.kind} for c in self.columns],
                'rows': [{c.key: value(c, row.get(c.key)) for c in self.columns} for row in self.rows],
                'notes': list(self.notes)}


def _share(part, whole):
    return part / whole if whole else None


def _signals(filters):
    """Signals reported in the period that match the filters."""
    return signalen.get_model('Signal').objects.filter(
        filters.signal_q(), created_at__gte=filters.since, created_at__lt=filters.until)


def _boundaries(days):
    """Local midnights (Europe/Amsterdam, daylight saving time included) at the given dates."""
    return [datetime.combine(day, time(0), tzinfo=TIME_ZONE) for day in days]


def bucket(field_name, bounds):
    """An integer expression: i where bounds[i] <= field < bounds[i + 1], for rows already limited to
    [bounds[0], bounds[-1]). A balanced tree of CASE expressions over moments computed here in local time:
    it runs in SQL on any database, without the per-row time zone conversion TruncWeek/TruncMonth cost
    on SQLite (a Python function per row there: about 1 s per 100k signals)."""
    def build(lo, hi):
        if hi - lo <= 1:
            return Value(lo)
        mid = (lo + hi) // 2
        return Case(When(**{f'{field_name}__lt': bounds[mid]}, then=build(lo, mid)), default=build(mid, hi),
                    output_field=IntegerField())
    return build(0, max(len(bounds) - 1, 1))


def _weeks(filters):
    """Mondays of every week the period touches."""
    monday = filters.start - timedelta(days=filters.start.weekday())
    result = []
    while monday <= filters.end:
        result.append(monday)
        monday += timedelta(days=7)
    return result


def _months(start, end):
    result, month = [], start.replace(day=1)
    while month <= end:
        result.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return result


def _month_bucket(field_name, filters, months):
    """The index in `months` of the month a moment falls in (local time)."""
    return bucket(field_name, _boundaries([filters.start] + months[1:] + [filters.end + timedelta(days=1)]))


def week_label(monday):
    year, week, _ = monday.isocalendar()
    return f'wk {week} {year}'


def month_label(first):
    return f'{MONTHS[first.month - 1]} {first.year}'


def _shown_lanes(filters, seen):
    """The lanes a figure shows: the filtered lane, or every active lane and any other with figures."""
    if filters.lane is not None:
        return [filters.lane]
    return [lane for lane in lanes() if lane.is_active or lane.pk in seen]


def _on_time_counts(prefix, now):
    """Conditional counts of resolution and response measured / on time, on the SignalLane reached by
    `prefix` ('' from SignalLane, 'haarlem_triage__' from Signal). Deadlines are exclusive ends."""
    def q(**kwargs):
        return Q(**{f'{prefix}{key}': value for key, value in kwargs.items()})
    resolution_due, response_due = F(f'{prefix}decision__resolution_due'), F(f'{prefix}decision__response_due')
    return {
        'res_measured': Count('pk', filter=q(decision__resolution_due__isnull=False) & (
            q(resolved_at__isnull=False) | q(is_open=True, decision__resolution_due__lte=now))),
        'res_on_time': Count('pk', filter=q(resolved_at__isnull=False, resolved_at__lt=resolution_due)),
        'resp_measured': Count('pk', filter=q(decision__response_due__isnull=False) & (
            q(responded_at__isnull=False) | q(decision__response_due__lte=now))),
        'resp_on_time': Count('pk', filter=q(responded_at__isnull=False, responded_at__lt=response_due)),
        'open_late': Count('pk', filter=q(is_open=True, due_at__lte=now)),
    }


ON_TIME_KEYS = ('n', 'res_measured', 'res_on_time', 'resp_measured', 'resp_on_time', 'open_late')


def signal_grid(filters, now=None):
    """One pass over the signals reported in the period, with their current lane and decision: per
    segment of the period (a stretch of days inside one week and one month) and current lane, the number
    of signals, how many were re-triaged or put in their lane by hand, and the on-time counts.

    Three figures (per week, on time per lane, re-triage per month) are sums of these rows, so the
    100k-signal scan is done once. Re-triaged: the signal entered its current lane after it was reported
    (the decision's clock start, which the triage resets only when the lane changes, is later than the
    report): it moved to another lane at least once after its first triage decision."""
    now = now or timezone.now()
    weeks, months = _weeks(filters), _months(filters.start, filters.end)
    days = sorted({filters.start, *weeks[1:], *months[1:], filters.end + timedelta(days=1)})
    rows = (_signals(filters).order_by().annotate(segment=bucket('created_at', _boundaries(days)))
            .values('segment', 'haarlem_triage__lane').annotate(
                n=Count('pk'),
                moved=Count('pk', filter=Q(haarlem_triage__decision__clock_start__gt=F('created_at'))),
                manual=Count('pk', filter=Q(haarlem_triage__is_manual=True)),
                **_on_time_counts('haarlem_triage__', now)))
    result = []
    for row in rows:
        day = days[row.pop('segment')]
        result.append({**row, 'lane_id': row.pop('haarlem_triage__lane'), 'day': day,
                       'week': day - timedelta(days=day.weekday()), 'month': day.replace(day=1)})
    return result


def signals_per_week(filters, grid=None):
    """Signals reported per week (Monday to Sunday, local time), per current lane."""
    grid = signal_grid(filters) if grid is None else grid
    weeks = _weeks(filters)
    counts, seen = {}, set()
    for row in grid:
        key = (row['week'], row['lane_id'])
        counts[key] = counts.get(key, 0) + row['n']
        seen.add(row['lane_id'])
    shown = _shown_lanes(filters, seen)
    series_keys = [(f'lane_{lane.code}', lane.name, lane.pk) for lane in shown]
    if None in seen:
        series_keys.append(('lane_none', NO_LANE, None))
    table = []
    for monday in weeks:
        row = {'week': monday, 'label': week_label(monday)}
        for key, _, lane_id in series_keys:
            row[key] = counts.get((monday, lane_id), 0)
        row['total'] = sum(row[key] for key, _, _ in series_keys)
        table.append(row)
    columns = [Column('label', 'Week', 'text'), Column('week', 'Week vanaf (maandag)', 'date')] + \
        [Column(key, name) for key, name, _ in series_keys] + [Column('total', 'Totaal')]
    return Figure(
        'signals_per_week', FIGURE_TITLES['signals_per_week'],
        'Aantal meldingen per week van melden (maandag tot en met zondag), per huidige baan.',
        columns, table,
        chart={'type': 'stacked_column', 'label': 'label', 'hide': ('week',),
               'series': [(key, name) for key, name, _ in series_keys]},
        notes=['De eerste en de laatste week kunnen buiten de periode vallende dagen hebben; die tellen niet mee.'])


ON_TIME_DESCRIPTION = (
    'Meldingen gemeld in de periode, tegen de termijnen van hun huidige triagebesluit. Afhandeling op tijd: '
    'afgehandeld vóór het einde van de afhandeltermijn. Meetbaar: afgehandeld, of nog open terwijl de termijn '
    'verstreken is (dan te laat); open meldingen waarvan de termijn nog loopt, en geannuleerde, tellen (nog) niet '
    'mee. Reactie op tijd: de eerste statuswijziging na "Gemeld" vóór het einde van de reactietermijn (alleen '
    'banen met een reactienorm). De stippellijn is de streefwaarde.')


def _on_time_columns(first):
    return [first, Column('n', 'Meldingen'), Column('res_measured', 'Afhandeling meetbaar'),
            Column('res_on_time', 'Afhandeling op tijd'), Column('res_share', 'Afhandeling op tijd (%)', 'percent'),
            Column('resp_measured', 'Reactie meetbaar'), Column('resp_on_time', 'Reactie op tijd'),
            Column('resp_share', 'Reactie op tijd (%)', 'percent'), Column('open_late', 'Nu open en te laat')]


def _on_time_row(label, row):
    return {'name': label, 'n': row['n'], 'res_measured': row['res_measured'], 'res_on_time': row['res_on_time'],
            'res_share': _share(row['res_on_time'], row['res_measured']), 'resp_measured': row['resp_measured'],
            'resp_on_time': row['resp_on_time'], 'resp_share': _share(row['resp_on_time'], row['resp_measured']),
            'open_late': row['open_late']}


def _on_time_chart(target):
    return {'type': 'grouped_bar', 'label': 'name', 'percent': True, 'target': target, 'target_label': 'Streefwaarde',
            'series': [('res_share', 'Afhandeling op tijd'), ('resp_share', 'Reactie op tijd')]}


def on_time_by_lane(filters, now=None, grid=None):
    """Share handled within the norm per current lane (resolution and response)."""
    grid = signal_grid(filters, now) if grid is None else grid
    counts = {}
    for row in grid:
        if row['lane_id'] is not None:
            total = counts.setdefault(row['lane_id'], dict.fromkeys(ON_TIME_KEYS, 0))
            for key in ON_TIME_KEYS:
                total[key] += row[key]
    rows = []
    for lane in _shown_lanes(filters, counts):
        rows.append({**_on_time_row(lane.name, counts.get(lane.pk) or dict.fromkeys(ON_TIME_KEYS, 0)),
                     'code': lane.code})
    target = on_time_target()
    return Figure('on_time_by_lane', FIGURE_TITLES['on_time_by_lane'], ON_TIME_DESCRIPTION,
                  _on_time_columns(Column('name', 'Baan', 'text')), rows, chart=_on_time_chart(target),
                  notes=[f'Streefwaarde: {round(target * 100)}% op tijd.'])


def on_time_by_team(filters, now=None):
    """Share handled within the norm per team: the department the signal is routed to in Signalen, or
    else the team of its current lane. A signal routed to two departments counts for both."""
    from signals_haarlem.triage.models import SignalLane
    now = now or timezone.now()
    Department = signalen.get_model('Department')
    rows = signalen.with_routing_department(
        SignalLane.objects.filter(filters.signal_q('signal__'), signal__created_at__gte=filters.since,
                                  signal__created_at__lt=filters.until).order_by(), 'signal__')
    rows = (rows.annotate(team=Coalesce('routing_department', 'lane__department'))
            .values('team').annotate(n=Count('pk'), **_on_time_counts('', now)))
    names = dict(Department.objects.values_list('pk', 'name'))
    rows = sorted((_on_time_row(names.get(row['team'], NO_TEAM), row) for row in rows),
                  key=lambda r: (r['name'] == NO_TEAM, r['name']))
    target = on_time_target()
    return Figure('on_time_by_team', FIGURE_TITLES['on_time_by_team'],
                  'Als bij "Op tijd per baan", maar per team: de afdeling waarnaar de melding in Signalen is '
                  'gerouteerd, anders het team van de huidige baan. Een melding die naar twee afdelingen is '
                  'gerouteerd, telt bij beide.',
                  _on_time_columns(Column('name', 'Team', 'text')), rows, chart=_on_time_chart(target),
                  notes=[f'Streefwaarde: {round(target * 100)}% op tijd.'])


def retriage_rate(filters, grid=None):
    """Per month of report: signals, signals that moved to another lane after their first triage
    decision (re-triaged), and signals whose current lane a staff member chose by hand."""
    grid = signal_grid(filters) if grid is None else grid
    months = _months(filters.start, filters.end)
    counts = {month: {'n': 0, 'moved': 0, 'manual': 0} for month in months}
    for row in grid:
        for key in ('n', 'moved', 'manual'):
            counts[row['month']][key] += row[key]
    table = []
    for month in months:
        row = counts[month]
        table.append({'month': month, 'label': month_label(month), 'n': row['n'], 'moved': row['moved'],
                      'manual': row['manual'], 'share': _share(row['moved'], row['n']),
                      'manual_share': _share(row['manual'], row['n'])})
    return Figure(
        'retriage_rate', FIGURE_TITLES['retriage_rate'],
        'Per maand van melden: het aandeel meldingen dat na het eerste triagebesluit naar een andere baan ging '
        '(door een regel of een medewerker), en het aandeel waarvan een medewerker de huidige baan met de hand '
        'koos.',
        [Column('label', 'Maand', 'text'), Column('month', 'Eerste dag van de maand', 'date'), Column('n', 'Meldingen'),
         Column('moved', 'Naar een andere baan'), Column('share', 'Hertriage (%)', 'percent'),
         Column('manual', 'Baan met de hand gekozen'), Column('manual_share', 'Met de hand (%)', 'percent')],
        table, chart={'type': 'line', 'label': 'label', 'percent': True, 'decimals': 1, 'hide': ('month',),
                      'series': [('share', 'Hertriage'), ('manual_share', 'Baan met de hand gekozen')]})


def reopen_requests(filters):
    """Per month: requests to reopen (status 'reopen requested') and reopened signals (status 'reopened')."""
    Status = signalen.get_model('Status')
    months = _months(filters.start, filters.end)
    rows = (Status.objects.filter(filters.signal_q('_signal__'), state__in=(REOPEN_REQUESTED, REOPENED),
                                  created_at__gte=filters.since, created_at__lt=filters.until)
            .order_by().annotate(month=_month_bucket('created_at', filters, months))
            .values('month', 'state').annotate(n=Count('pk')))
    counts = {}
    for row in rows:
        counts[(months[row['month']], row['state'])] = row['n']
    table = []
    for month in months:
        requested, reopened = counts.get((month, REOPEN_REQUESTED), 0), counts.get((month, REOPENED), 0)
        table.append({'month': month, 'label': month_label(month), 'requested': requested, 'reopened': reopened})
    return Figure(
        'reopen_requests', FIGURE_TITLES['reopen_requests'],
        'Per maand: hoe vaak een melder vroeg om de melding te heropenen (status "Verzoek tot heropenen") en hoe '
        'vaak een melding werd heropend (status "Heropend"), naar de datum van die status.',
        [Column('label', 'Maand', 'text'), Column('month', 'Eerste dag van de maand', 'date'),
         Column('requested', 'Verzoek tot heropenen'), Column('reopened', 'Heropend')],
        table, chart={'type': 'column', 'label': 'label', 'hide': ('month',),
                      'series': [('requested', 'Verzoek tot heropenen'), ('reopened', 'Heropend')]})


def satisfaction(filters):
    """Per current lane: the feedback asked of reporters in the period (with the closing mail), how much
    came back, and the share of satisfied reporters among the answers."""
    Feedback = signalen.get_model('Feedback')
    answered = Q(submitted_at__isnull=False)
    rows = (Feedback.objects.filter(filters.signal_q('_signal__'), created_at__gte=filters.since,
                                    created_at__lt=filters.until)
            .order_by().values('_signal__haarlem_triage__lane')
            .annotate(asked=Count('pk'), answered=Count('pk', filter=answered),
                      satisfied=Count('pk', filter=answered & Q(is_satisfied=True))))
    counts = {row.pop('_signal__haarlem_triage__lane'): row for row in rows}
    empty = {'asked': 0, 'answered': 0, 'satisfied': 0}

    def line(name, c):
        return {'name': name, **c, 'unsatisfied': c['answered'] - c['satisfied'],
                'response': _share(c['answered'], c['asked']), 'share': _share(c['satisfied'], c['answered'])}
    table = [{**line(lane.name, counts.get(lane.pk, empty)), 'code': lane.code}
             for lane in _shown_lanes(filters, counts)]
    if counts.get(None) and filters.lane is None:
        table.append({**line('(geen baan)', counts[None]), 'code': ''})
    return Figure(
        'satisfaction', FIGURE_TITLES['satisfaction'],
        'Per huidige baan: hoe vaak een melder bij het afhandelen (met e-mail) om zijn oordeel is gevraagd in de '
        'periode, hoe vaak hij antwoordde, en welk deel van de antwoorden tevreden was.',
        [Column('name', 'Baan', 'text'), Column('asked', 'Gevraagd'), Column('answered', 'Beantwoord'),
         Column('response', 'Respons (%)', 'percent'), Column('satisfied', 'Tevreden'),
         Column('unsatisfied', 'Ontevreden'), Column('share', 'Tevreden (%)', 'percent')],
        table, chart={'type': 'grouped_bar', 'label': 'name', 'percent': True,
                      'series': [('share', 'Tevreden'), ('response', 'Respons')]})


def open_by_age(filters, now=None):
    """Open signals now, per current lane and age bucket (days since the report); and how many are late."""
    from signals_haarlem.triage.models import SignalLane
    now = now or timezone.now()
    whens = []
    for i, (days, _) in enumerate(AGE_BUCKETS):
        if days is None:
            break
        whens.append(When(signal__created_at__gt=now - timedelta(days=days), then=Value(i)))
    bucket = Case(*whens, default=Value(len(AGE_BUCKETS) - 1), output_field=IntegerField())
    rows = (SignalLane.objects.filter(filters.signal_q('signal__'), is_open=True).order_by()
            .annotate(bucket=bucket).values('lane_id', 'bucket')
            .annotate(n=Count('pk'), late=Count('pk', filter=Q(due_at__lte=now))))
    counts, late, seen = {}, {}, set()
    for row in rows:
        counts[(row['lane_id'], row['bucket'])] = row['n']
        late[row['lane_id']] = late.get(row['lane_id'], 0) + row['late']
        seen.add(row['lane_id'])
    table = []
    for lane in _shown_lanes(filters, seen):
        row = {'name': lane.name, 'code': lane.code}
        for i, _ in enumerate(AGE_BUCKETS):
            row[f'age_{i}'] = counts.get((lane.pk, i), 0)
        row['total'] = sum(row[f'age_{i}'] for i in range(len(AGE_BUCKETS)))
        row['late'] = late.get(lane.pk, 0)
        table.append(row)
    columns = [Column('name', 'Baan', 'text')] \
        + [Column(f'age_{i}', label) for i, (_, label) in enumerate(AGE_BUCKETS)] \
        + [Column('total', 'Totaal open'), Column('late', 'Waarvan te laat')]
    return Figure(
        'open_by_age', FIGURE_TITLES['open_by_age'],
        'De meldingen die nu open zijn, per huidige baan, naar het aantal dagen sinds het melden. Stand van nu: de '
        'periode telt hier niet mee, de andere filters wel. Te laat: de eerstvolgende termijn is verstreken.',
        columns, table,
        chart={'type': 'stacked_bar', 'label': 'name', 'sequential': True,
               'series': [(f'age_{i}', label) for i, (_, label) in enumerate(AGE_BUCKETS)]})


# -- complaints -----------------------------------------------------------------------------------

def _complaints(filters):
    from signals_haarlem.complaints.models import Complaint
    qs = Complaint.objects.filter(received_on__gte=filters.start, received_on__lte=filters.end)
    if filters.on_signals:
        qs = qs.filter(filters.signal_q('signal__'))
    return qs.order_by()


COMPLAINT_FILTER_NOTE = ('Met een filter op baan, categorie of stadsdeel tellen alleen klachten over een melding die '
                         'daaraan voldoet.')


def complaints_per_month(filters, today=None):
    """Complaints received per month, by timeliness (Awb 9:11 term)."""
    from signals_haarlem.complaints import workflow
    today = today or timezone.localdate()
    decided = Q(decided_on__isnull=False, term_last_day__isnull=False)
    running = Q(decided_on__isnull=True)
    past_term = Q(term_last_day__lt=today)
    # As complaints.services.with_timeliness counts, written out (conditions on annotations inside
    # aggregates are not portable).
    months = _months(filters.start, filters.end)
    bounds = [filters.start] + months[1:] + [filters.end + timedelta(days=1)]  # dates: no time zone
    rows = (_complaints(filters).annotate(month=bucket('received_on', bounds)).values('month').annotate(
        n=Count('pk'),
        on_time=Count('pk', filter=decided & Q(decided_on__lte=F('term_last_day'))),
        late=Count('pk', filter=decided & Q(decided_on__gt=F('term_last_day'))),
        running=Count('pk', filter=running & Q(state__in=workflow.RUNNING) & ~past_term),
        running_late=Count('pk', filter=running & past_term),
    ))
    counts = {months[row['month']]: row for row in rows}
    table = []
    for month in months:
        row = counts.get(month) or dict.fromkeys(('n', 'on_time', 'late', 'running', 'running_late'), 0)
        other = row['n'] - row['on_time'] - row['late'] - row['running'] - row['running_late']
        table.append({'month': month, 'label': month_label(month), 'n': row['n'], 'on_time': row['on_time'],
                      'late': row['late'], 'running': row['running'], 'running_late': row['running_late'],
                      'other': other, 'share': _share(row['on_time'], row['on_time'] + row['late'])})
    return Figure(
        'complaints_per_month', FIGURE_TITLES['complaints_per_month'],
        'Klachten per maand van ontvangst. Op tijd of te laat: afgehandeld binnen of na de termijn van de '
        'klachtenprocedure (Awb 9:11, met verdaging). Lopend: nog niet afgehandeld, binnen of na de termijn. '
        'Zonder termijn: bijvoorbeeld mondelinge of anonieme klachten buiten de formele procedure.',
        [Column('label', 'Maand', 'text'), Column('month', 'Eerste dag van de maand', 'date'), Column('n', 'Ontvangen'),
         Column('on_time', 'Op tijd afgehandeld'), Column('late', 'Te laat afgehandeld'),
         Column('running', 'Lopend, binnen termijn'), Column('running_late', 'Lopend, termijn verstreken'),
         Column('other', 'Zonder termijn'), Column('share', 'Op tijd (%)', 'percent')],
        table, chart={'type': 'stacked_column', 'label': 'label', 'hide': ('month',),
                      'series': [('on_time', 'Op tijd afgehandeld'), ('late', 'Te laat afgehandeld'),
                                 ('running', 'Lopend, binnen termijn'), ('running_late', 'Lopend, termijn verstreken'),
                                 ('other', 'Zonder termijn')],
                      'colours': ('#17663a', '#a4000f', '#7fa7d0', '#8a5a00', '#8a8a88')},
        notes=[COMPLAINT_FILTER_NOTE] if filters.on_signals else [])


def complaints_by_outcome(filters):
    """Complaints received in the period by outcome ('nog in behandeling' when not decided)."""
    from signals_haarlem.complaints import services as complaints
    from signals_haarlem.complaints import workflow
    counts = complaints.counts_by_outcome(_complaints(filters))
    rows = [{'outcome': key, 'name': label, 'n': counts.get(key, 0)} for key, label in workflow.OUTCOMES]
    rows.append({'outcome': '', 'name': 'Nog in behandeling', 'n': counts.get('', 0)})
    known = {key for key, _ in workflow.OUTCOMES} | {''}
    rows += [{'outcome': key, 'name': key, 'n': n} for key, n in sorted(counts.items()) if key not in known]
    return Figure('complaints_by_outcome', FIGURE_TITLES['complaints_by_outcome'],
                  'Klachten ontvangen in de periode, naar hun uitkomst.',
                  [Column('name', 'Uitkomst', 'text'), Column('n', 'Klachten')], rows,
                  chart={'type': 'bar', 'label': 'name', 'value': 'n'},
                  notes=[COMPLAINT_FILTER_NOTE] if filters.on_signals else [])


def complaints_by_norm(filters):
    """How often each norm of the Behoorlijkheidswijzer was recorded as breached, over the complaints
    received in the period (a complaint may breach several norms)."""
    from signals_haarlem.complaints import services as complaints
    from signals_haarlem.complaints.models import Norm
    counts = {number: n for number, _, n in complaints.counts_by_norm(_complaints(filters))}
    rows = [{'number': number, 'group': group, 'name': f'{number}. {name}', 'n': counts.get(number, 0)}
            for number, group, name in Norm.objects.order_by('number').values_list('number', 'group', 'name')]
    groups = dict(Norm.GROUPS)
    for row in rows:
        row['group_name'] = f'{row["group"]}. {groups.get(row["group"], "")}'
    return Figure('complaints_by_norm', FIGURE_TITLES['complaints_by_norm'],
                  'Hoe vaak elke norm van de Behoorlijkheidswijzer van de Nationale ombudsman als geschonden is '
                  'vastgelegd, bij klachten ontvangen in de periode. Eén klacht kan meer normen raken.',
                  [Column('name', 'Norm', 'text'), Column('group_name', 'Groep', 'text'), Column('n', 'Klachten')],
                  rows, chart={'type': 'bar', 'label': 'name', 'value': 'n', 'skip_zero': True},
                  notes=[COMPLAINT_FILTER_NOTE] if filters.on_signals else [])


# -- partners -------------------------------------------------------------------------------------

def partner_on_time(filters, now=None):
    """Per partner: forwards in the period, answered, and the share answered within the response norm.
    Measured as the partners overview does: answered or expired, or open past the norm."""
    from signals_haarlem.partners.models import Forward, Partner
    now = now or timezone.now()
    qs = Forward.objects.filter(forwarded_at__gte=filters.since, forwarded_at__lt=filters.until)
    if filters.on_signals:
        qs = qs.filter(filters.signal_q('signal__'))
    counts = {row['partner_id']: row for row in qs.order_by().values('partner_id').annotate(
        n=Count('pk'),
        answered=Count('pk', filter=Q(status=Forward.ANSWERED)),
        on_time=Count('pk', filter=Q(answer__response_on_time=True)),
        resolved_on_time=Count('pk', filter=Q(answer__resolution_on_time=True)),
        measured=Count('pk', filter=Q(status__in=(Forward.ANSWERED, Forward.EXPIRED))
                       | Q(status=Forward.OPEN, response_due__lte=now)),
        open=Count('pk', filter=Q(status=Forward.OPEN)),
    )}
    rows = []
    empty = dict.fromkeys(('n', 'answered', 'on_time', 'resolved_on_time', 'measured', 'open'), 0)
    for partner in Partner.objects.order_by('name'):
        if partner.pk not in counts and not partner.is_active:
            continue
        row = counts.get(partner.pk, empty)
        rows.append({'code': partner.code, 'name': partner.name, 'n': row['n'], 'answered': row['answered'],
                     'measured': row['measured'], 'on_time': row['on_time'],
                     'share': _share(row['on_time'], row['measured']), 'resolved_on_time': row['resolved_on_time'],
                     'open': row['open']})
    target = on_time_target()
    return Figure(
        'partner_on_time', FIGURE_TITLES['partner_on_time'],
        'Per partner de opdrachten (doorzettingen) van de periode en het aandeel waarop de partner binnen de '
        'reactienorm antwoordde. Meetbaar: beantwoord of verlopen, of nog open na de reactienorm (dan te laat).',
        [Column('name', 'Partner', 'text'), Column('code', 'Code', 'text'), Column('n', 'Doorgezet'),
         Column('answered', 'Beantwoord'), Column('measured', 'Meetbaar'), Column('on_time', 'Reactie op tijd'),
         Column('share', 'Reactie op tijd (%)', 'percent'), Column('resolved_on_time', 'Opgelost binnen norm'),
         Column('open', 'Nu open')],
        rows, chart={'type': 'bar', 'label': 'name', 'value': 'share', 'percent': True, 'target': target,
                     'target_label': 'Streefwaarde'},
        notes=[f'Streefwaarde: {round(target * 100)}% op tijd.']
        + (['Met een filter op baan, categorie of stadsdeel tellen alleen doorzettingen van een melding die daaraan '
            'voldoet.'] if filters.on_signals else []))


# -- the dashboard --------------------------------------------------------------------------------

FIGURES = {
    'signals_per_week': signals_per_week,
    'on_time_by_lane': on_time_by_lane,
    'on_time_by_team': on_time_by_team,
    'retriage_rate': retriage_rate,
    'reopen_requests': reopen_requests,
    'satisfaction': satisfaction,
    'open_by_age': open_by_age,
    'complaints_per_month': complaints_per_month,
    'complaints_by_outcome': complaints_by_outcome,
    'complaints_by_norm': complaints_by_norm,
    'partner_on_time': partner_on_time,
}

#: Dutch URL slugs of the figures (werkplek exports).
SLUGS = {
    'signals_per_week': 'meldingen-per-week',
    'on_time_by_lane': 'op-tijd-per-baan',
    'on_time_by_team': 'op-tijd-per-team',
    'retriage_rate': 'hertriage',
    'reopen_requests': 'heropenen',
    'satisfaction': 'tevredenheid',
    'open_by_age': 'openstaand-naar-leeftijd',
    'complaints_per_month': 'klachten-per-maand',
    'complaints_by_outcome': 'klachten-naar-uitkomst',
    'complaints_by_norm': 'klachten-naar-norm',
    'partner_on_time': 'partners-op-tijd',
}


def figure(key, filters):
    return FIGURES[key](filters)


#: Figures that are sums over signal_grid(): the dashboard computes the grid once for them.
GRID_FIGURES = ('signals_per_week', 'on_time_by_lane', 'retriage_rate')


def dashboard(filters, keys=None, now=None):
    """{key: Figure} of every figure (or of `keys`), in dashboard order."""
    keys = [key for key in FIGURES if key in keys] if keys else list(FIGURES)
    grid = signal_grid(filters, now) if any(key in GRID_FIGURES for key in keys) else None
    result = {}
    for key in keys:
        if key in GRID_FIGURES:
            result[key] = FIGURES[key](filters, grid=grid)
        elif key in ('on_time_by_team', 'open_by_age', 'partner_on_time'):
            result[key] = FIGURES[key](filters, now=now)
        else:
            result[key] = FIGURES[key](filters)
    return result


def summary(figures):
    """Headline numbers from the figures themselves (no further queries)."""
    result = {}
    if 'signals_per_week' in figures:
        result['signals'] = sum(row['total'] for row in figures['signals_per_week'].rows)
    if 'on_time_by_lane' in figures:
        rows = figures['on_time_by_lane'].rows
        measured, on_time = sum(r['res_measured'] for r in rows), sum(r['res_on_time'] for r in rows)
        result['on_time_share'] = _share(on_time, measured)
    if 'open_by_age' in figures:
        rows = figures['open_by_age'].rows
        result['open'] = sum(r['total'] for r in rows)
        result['open_late'] = sum(r['late'] for r in rows)
    if 'reopen_requests' in figures:
        result['reopen_requests'] = sum(r['requested'] for r in figures['reopen_requests'].rows)
        result['reopened'] = sum(r['reopened'] for r in figures['reopen_requests'].rows)
    if 'satisfaction' in figures:
        rows = figures['satisfaction'].rows
        result['satisfied_share'] = _share(sum(r['satisfied'] for r in rows), sum(r['answered'] for r in rows))
    if 'complaints_per_month' in figures:
        result['complaints'] = sum(r['n'] for r in figures['complaints_per_month'].rows)
    return result


# -- reading filters from a request's parameters --------------------------------------------------

#: Parameter names: the API's (English, as the other Haarlem APIs) and the werkplek's (Dutch).
API_NAMES = {'from': 'from', 'to': 'to', 'lane': 'lane', 'category': 'category', 'area': 'area'}
PAGE_NAMES = {'from': 'van', 'to': 'tot', 'lane': 'baan', 'category': 'categorie', 'area': 'gebied'}


def _parse_date(text):
    text = (text or '').strip()
    for fmt in ('%Y-%m-%d', '%d-%m-%Y'):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_filters(params, names=API_NAMES, today=None):
    """Filters from request parameters (a dict or QueryDict). Raises django ValidationError with
    field errors (keyed by the parameter names) for bad input; missing values get the defaults."""
    from django.core.exceptions import ValidationError

    from signals_haarlem.triage.models import Lane
    today = today or timezone.localdate()
    errors = {}

    def get(name):
        value = params.get(names[name])
        return value.strip() if isinstance(value, str) else ''

    start = end = None
    for name in ('from', 'to'):
        if get(name):
            value = _parse_date(get(name))
            if value is None:
                errors[names[name]] = ['Geef een datum als jjjj-mm-dd.']
            elif name == 'from':
                start = value
            else:
                end = value
    default = Filters.default(today=end or today)
    end = end or (today if start is None or start <= today else start)
    start = start or default.start
    if not errors:
        if start > end:
            errors[names['to']] = ['De einddatum ligt vóór de begindatum.']
        elif (end - start).days + 1 > MAX_DAYS:
            errors[names['from']] = [f'Kies een periode van hoogstens {MAX_DAYS // 366} jaar.']

    lane = None
    if get('lane'):
        lane = Lane.objects.select_related('department').filter(code=get('lane')).first()
        if lane is None:
            errors[names['lane']] = ['Onbekende baan.']
    category = None
    if get('category'):
        category = signalen.find_category(get('category'))
        if category is None:
            errors[names['category']] = ['Onbekende categorie.']
    area, name = get('area'), ''
    if area:
        known = dict(area_choices())
        if known and area not in known:
            match = next((code for code, label in known.items() if label.lower() == area.lower()), None)
            if match is None:
                errors[names['area']] = ['Onbekend stadsdeel.']
            area = match or area
        name = known.get(area, '')
        if len(area) > 100:
            errors[names['area']] = ['Onbekend stadsdeel.']
    if errors:
        raise ValidationError(errors)
    return Filters(start=start, end=end, lane=lane, category=category, area=area, area_name=name)

