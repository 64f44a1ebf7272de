"""Every figure of the dashboard equals a straightforward count over the same data, written here in
plain Python (loops over the rows), with and without filters."""
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import CaptureQueriesContext

from signals_haarlem import signalen
from signals_haarlem.monitoring import services
from signals_haarlem.monitoring.services import AGE_BUCKETS, Filters
from signals_haarlem.triage.models import Decision, SignalLane
from signals_haarlem.workdays import TIME_ZONE

from .conftest import build

pytestmark = pytest.mark.django_db


def local_date(moment):
    return moment.astimezone(TIME_ZONE).date()


def month_of(day):
    return day.replace(day=1)


class Expected:
    """The figures counted by hand from the rows, for the signals that `match`."""

    def __init__(self, filters, now, today, match=lambda signal: True, signal_filter=False):
        self.filters, self.now, self.today = filters, now, today
        self.signal_filter = signal_filter
        Signal = signalen.get_model('Signal')
        self.all = list(signalen.with_current_records(Signal.objects.all()))
        self.matching = [s for s in self.all if match(s)]
        self.ids = {s.pk for s in self.matching}
        self.in_period = [s for s in self.matching if filters.start <= local_date(s.created_at) <= filters.end]
        self.lanes = {sl.signal_id: sl for sl in SignalLane.objects.select_related('lane__department', 'decision')}

    def per_week(self):
        counts = Counter()
        for s in self.in_period:
            day = local_date(s.created_at)
            lane = self.lanes.get(s.pk)
            counts[(day - timedelta(days=day.weekday()), lane.lane.code if lane else None)] += 1
        return counts

    def _on_time(self, group_of):
        result = defaultdict(Counter)
        for s in self.in_period:
            sl = self.lanes.get(s.pk)
            if sl is None:
                continue
            d = sl.decision
            for group in group_of(sl):
                c = result[group]
                c['n'] += 1
                if d.resolution_due and (sl.resolved_at or (sl.is_open and d.resolution_due <= self.now)):
                    c['res_measured'] += 1
                if sl.resolved_at and d.resolution_due and sl.resolved_at < d.resolution_due:
                    c['res_on_time'] += 1
                if d.response_due and (sl.responded_at or d.response_due <= self.now):
                    c['resp_measured'] += 1
                if sl.responded_at and d.response_due and sl.responded_at < d.response_due:
                    c['resp_on_time'] += 1
                if sl.is_open and sl.due_at and sl.due_at <= self.now:
                    c['open_late'] += 1
        return result

    def on_time_by_lane(self):
        return self._on_time(lambda sl: [sl.lane.name])

    def on_time_by_team(self):
        def teams(sl):
            names = [d.name for d in signalen.routing_departments(sl.signal_id)]
            return names or [sl.lane.department.name if sl.lane.department_id else services.NO_TEAM]
        return self._on_time(teams)

    def retriage(self):
        result = defaultdict(Counter)
        decisions = defaultdict(list)
        for d in Decision.objects.all():
            decisions[d.signal_id].append(d)
        for s in self.in_period:
            month = month_of(local_date(s.created_at))
            result[month]['n'] += 1
            if len({d.lane_id for d in decisions[s.pk]}) > 1:
                result[month]['moved'] += 1
            if s.pk in self.lanes and self.lanes[s.pk].is_manual:
                result[month]['manual'] += 1
        return result

    def reopen(self):
        counts = Counter()
        for status in signalen.get_model('Status').objects.filter(_signal_id__in=self.ids):
            day = local_date(status.created_at)
            if status.state in ('reopen requested', 'reopened') and self.filters.start <= day <= self.filters.end:
                counts[(month_of(day), status.state)] += 1
        return counts

    def satisfaction(self):
        result = defaultdict(Counter)
        for f in signalen.get_model('Feedback').objects.filter(_signal_id__in=self.ids):
            if not self.filters.start <= local_date(f.created_at) <= self.filters.end:
                continue
            sl = self.lanes.get(f._signal_id)
            c = result[sl.lane.name if sl else '(geen baan)']
            c['asked'] += 1
            c['answered'] += f.submitted_at is not None
            c['satisfied'] += f.submitted_at is not None and f.is_satisfied is True
        return result

    def open_by_age(self):
        counts, late = Counter(), Counter()
        for s in self.matching:
            sl = self.lanes.get(s.pk)
            if sl is None or not sl.is_open:
                continue
            age = self.now - s.created_at
            bucket = next(i for i, (days, _) in enumerate(AGE_BUCKETS) if days is None or age < timedelta(days=days))
            counts[(sl.lane.code, bucket)] += 1
            if sl.due_at and sl.due_at <= self.now:
                late[sl.lane.code] += 1
        return counts, late

    def complaints(self):
        from signals_haarlem.complaints.models import Complaint
        result = []
        for c in Complaint.objects.all():
            if not self.filters.start <= c.received_on <= self.filters.end:
                continue
            if self.signal_filter and c.signal_id not in self.ids:
                continue
            result.append(c)
        return result

    def complaints_per_month(self):
        from signals_haarlem.complaints import workflow
        result = defaultdict(Counter)
        for c in self.complaints():
            counts = result[month_of(c.received_on)]
            counts['n'] += 1
            if c.decided_on and c.term_last_day:
                counts['on_time' if c.decided_on <= c.term_last_day else 'late'] += 1
            elif not c.decided_on and c.term_last_day and c.term_last_day < self.today:
                counts['running_late'] += 1
            elif not c.decided_on and c.state in workflow.RUNNING:
                counts['running'] += 1
        return result

    def forwards(self):
        from signals_haarlem.partners.models import Forward
        result = defaultdict(Counter)
        for f in Forward.objects.select_related('partner'):
            if not self.filters.start <= local_date(f.forwarded_at) <= self.filters.end:
                continue
            if self.signal_filter and f.signal_id not in self.ids:
                continue
            c = result[f.partner.code]
            c['n'] += 1
            answer = getattr(f, 'answer', None) if f.status == Forward.ANSWERED else None
            c['answered'] += f.status == Forward.ANSWERED
            c['on_time'] += bool(answer and answer.response_on_time)
            c['resolved_on_time'] += bool(answer and answer.resolution_on_time)
            c['measured'] += f.status in (Forward.ANSWERED, Forward.EXPIRED) or (
                f.status == Forward.OPEN and f.response_due <= self.now)
            c['open'] += f.status == Forward.OPEN
        return result


def check_all(filters, expected, lanes):
    now, today = expected.now, expected.today
    total_signals = 0

    # Signals per lane per week: every week of the period, every lane.
    figure = services.signals_per_week(filters)
    weeks = expected.per_week()
    assert figure.rows[0]['week'] <= filters.start < figure.rows[0]['week'] + timedelta(days=7)
    assert figure.rows[-1]['week'] <= filters.end < figure.rows[-1]['week'] + timedelta(days=7)
    for row in figure.rows:
        for lane in lanes.values():  # a lane filter shows only that lane
            assert row.get(f'lane_{lane.code}', 0) == weeks.get((row['week'], lane.code), 0), (row['week'], lane.code)
        total_signals += row['total']
    assert total_signals == len(expected.in_period)
    assert sum(weeks.values()) == total_signals

    # On time per lane and per team.
    for figure, counts in ((services.on_time_by_lane(filters, now=now), expected.on_time_by_lane()),
                           (services.on_time_by_team(filters, now=now), expected.on_time_by_team())):
        got = {row['name']: row for row in figure.rows}
        for name, c in counts.items():
            row = got[name]
            for key in ('n', 'res_measured', 'res_on_time', 'resp_measured', 'resp_on_time', 'open_late'):
                assert row[key] == c[key], (figure.key, name, key)
            assert row['res_share'] == (c['res_on_time'] / c['res_measured'] if c['res_measured'] else None)
        assert sum(row['n'] for row in figure.rows) == sum(c['n'] for c in counts.values())

    # Re-triage per month.
    figure = services.retriage_rate(filters)
    counts = expected.retriage()
    for row in figure.rows:
        c = counts.get(row['month'], Counter())
        assert (row['n'], row['moved'], row['manual']) == (c['n'], c['moved'], c['manual']), row['month']
    assert sum(row['n'] for row in figure.rows) == len(expected.in_period)

    # Reopen requests per month.
    figure = services.reopen_requests(filters)
    counts = expected.reopen()
    for row in figure.rows:
        assert row['requested'] == counts.get((row['month'], 'reopen requested'), 0)
        assert row['reopened'] == counts.get((row['month'], 'reopened'), 0)
    assert sum(r['requested'] + r['reopened'] for r in figure.rows) == sum(counts.values())

    # Reporters' satisfaction (KTO) per lane.
    figure = services.satisfaction(filters)
    counts = expected.satisfaction()
    got = {row['name']: row for row in figure.rows}
    for name, c in counts.items():
        row = got[name]
        assert (row['asked'], row['answered'], row['satisfied'], row['unsatisfied']) == \
            (c['asked'], c['answered'], c['satisfied'], c['answered'] - c['satisfied']), name
        assert row['share'] == (c['satisfied'] / c['answered'] if c['answered'] else None)
    assert sum(r['asked'] for r in figure.rows) == sum(c['asked'] for c in counts.values())

    # Open work by age (now).
    figure = services.open_by_age(filters, now=now)
    counts, late = expected.open_by_age()
    for row in figure.rows:
        for i, _ in enumerate(AGE_BUCKETS):
            assert row[f'age_{i}'] == counts.get((row['code'], i), 0), (row['code'], i)
        assert row['late'] == late.get(row['code'], 0)
    assert sum(row['total'] for row in figure.rows) == sum(counts.values())

    # Complaints per month, by outcome and by norm.
    complaints = expected.complaints()
    figure = services.complaints_per_month(filters, today=today)
    counts = expected.complaints_per_month()
    for row in figure.rows:
        c = counts.get(row['month'], Counter())
        for key in ('n', 'on_time', 'late', 'running', 'running_late'):
            assert row[key] == c[key], (row['month'], key)
    assert sum(row['n'] for row in figure.rows) == len(complaints)

    figure = services.complaints_by_outcome(filters)
    outcomes = Counter(c.outcome for c in complaints)
    assert {row['outcome']: row['n'] for row in figure.rows if row['n']} == dict(outcomes)

    figure = services.complaints_by_norm(filters)
    norms = Counter(n.number for c in complaints for n in c.norms.all())
    assert {row['number']: row['n'] for row in figure.rows if row['n']} == dict(norms)

    # Partners: forwards and their response on time.
    figure = services.partner_on_time(filters, now=now)
    counts = expected.forwards()
    for row in figure.rows:
        c = counts.get(row['code'], Counter())
        for key in ('n', 'answered', 'on_time', 'resolved_on_time', 'measured', 'open'):
            assert row[key] == c[key], (row['code'], key)
    return total_signals


def test_dashboard_equals_counts_over_the_rows(dataset, lanes):
    # A few signals routed to a partner: their team is the routing department, not the lane's team.
    from signals_haarlem.partners.models import Partner
    spl = Partner.objects.get(code='SPL').department
    for signal in dataset['signals'][10:13]:
        signalen.set_routing_departments(signal, [spl])
    filters = Filters.default()
    expected = Expected(filters, dataset['now'], dataset['today'])
    total = check_all(filters, expected, lanes)
    assert 30 < total < len(dataset['signals'])  # some signals fall before the period
    teams = {row['name'] for row in services.on_time_by_team(filters, now=dataset['now']).rows}
    assert {'Spaarnelanden NV', 'Team Eenvoudig'} <= teams
    # The data set reaches every branch the figures count.
    per_lane = services.on_time_by_lane(filters, now=dataset['now']).rows
    assert all(sum(r[k] for r in per_lane) for k in ('res_on_time', 'res_measured', 'resp_on_time', 'open_late'))
    assert sum(r['res_measured'] - r['res_on_time'] for r in per_lane) > 0  # some late
    assert sum(r['moved'] for r in services.retriage_rate(filters).rows) > 0
    assert sum(r['requested'] for r in services.reopen_requests(filters).rows) > 0
    kto = services.satisfaction(filters).rows
    assert sum(r['satisfied'] for r in kto) and sum(r['unsatisfied'] for r in kto)
    assert sum(r['asked'] - r['answered'] for r in kto)  # some never answered
    assert sum(r['on_time'] + r['late'] for r in services.complaints_per_month(filters).rows) > 0


@pytest.mark.parametrize('which', ['lane', 'main', 'sub', 'area', 'combined'])
def test_filtered_figures_equal_counts(dataset, lanes, stadsdelen, which):
    cats = dataset['categories']
    today = dataset['today']
    start = today - timedelta(days=200)
    if which == 'lane':
        filters = Filters(start=start, end=today, lane=lanes['complex'])
        lane_of = {sl.signal_id: sl.lane.code for sl in SignalLane.objects.select_related('lane')}
        match = lambda s: lane_of.get(s.pk) == 'complex'  # noqa: E731
    elif which == 'main':
        filters = Filters(start=start, end=today, category=cats['afval'])
        match = lambda s: s.category_assignment.category.parent_id == cats['afval'].pk  # noqa: E731
    elif which == 'sub':
        filters = Filters(start=start, end=today, category=cats['boom'])
        match = lambda s: s.category_assignment.category_id == cats['boom'].pk  # noqa: E731
    elif which == 'area':
        filters = Filters(start=start, end=today, area='noord', area_name='Noord')
        match = lambda s: s.location.area_code == 'noord'  # noqa: E731
    else:
        filters = Filters(start=start, end=today - timedelta(days=20), category=cats['afval'], area='centrum',
                          area_name='Centrum')
        match = lambda s: (s.category_assignment.category.parent_id == cats['afval'].pk  # noqa: E731
                           and s.location.area_code == 'centrum')
    expected = Expected(filters, dataset['now'], today, match=match, signal_filter=True)
    assert expected.in_period and len(expected.in_period) < len([
        s for s in expected.all if filters.start <= local_date(s.created_at) <= filters.end])
    check_all(filters, expected, lanes)


def test_weeks_follow_amsterdam_time(categories, stadsdelen):
    """A signal at 00:30 on a Monday (local) belongs to that week, one at 23:30 on Sunday to the week before,
    also where UTC still says Sunday."""
    from signals_haarlem.triage import services as triage
    from tests.factories import make_signal

    from .conftest import local
    monday = date(2025, 3, 3)  # winter time: 00:30 local is 23:30 UTC the day before
    moments = (local(monday, 0, 30), local(monday - timedelta(days=1), 23, 30), local(monday, 0, 0),
               local(date(2025, 3, 1), 0, 30), local(date(2025, 2, 28), 23, 30))
    for moment in moments:
        triage.triage_signal(make_signal(categories['container'], created_at=moment).pk)
    filters = Filters(start=date(2025, 2, 20), end=date(2025, 3, 9))
    rows = {row['week']: row['total'] for row in services.signals_per_week(filters).rows}
    assert rows == {date(2025, 2, 17): 0, date(2025, 2, 24): 3, date(2025, 3, 3): 2}
    months = {row['month']: row['n'] for row in services.retriage_rate(
        Filters(start=date(2025, 2, 1), end=date(2025, 3, 31))).rows}
    assert months == {date(2025, 2, 1): 1, date(2025, 3, 1): 4}
    # The period's ends are local days too: 2 March ends at 00:00 local on 3 March.
    assert services.summary(services.dashboard(Filters(start=date(2025, 3, 1), end=date(2025, 3, 2)),
                                               keys=['signals_per_week']))['signals'] == 2


def test_dashboard_runs_a_fixed_number_of_queries(categories, stadsdelen):
    """The figures are aggregates: the number of queries does not grow with the number of signals."""
    from django.db import connection
    counts = []
    for n in (2, 12):
        build(categories, stadsdelen, n=n, seed=n)
        with CaptureQueriesContext(connection) as ctx:
            services.dashboard(Filters.default())
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 17


def test_parse_filters_defaults_and_errors(lanes, categories, stadsdelen):
    today = date(2025, 6, 15)
    filters = services.parse_filters({}, today=today)
    assert (filters.start, filters.end) == (date(2024, 6, 16), today)
    filters = services.parse_filters({'from': '2025-01-01', 'to': '31-03-2025', 'lane': 'complex',
                                      'category': 'afval/asbest', 'area': 'Noord'}, today=today)
    assert (filters.start, filters.end, filters.lane.code, filters.category.slug, filters.area) == \
        (date(2025, 1, 1), date(2025, 3, 31), 'complex', 'asbest', 'noord')
    assert filters.describe() == '01-01-2025 t/m 31-03-2025, baan Complex, categorie Afval / Asbest, stadsdeel Noord'
    assert services.parse_filters({'category': 'afval'}).category == categories['afval']
    assert services.parse_filters({'category': str(categories['boom'].pk)}).category == categories['boom']
    with pytest.raises(ValidationError) as exc:
        services.parse_filters({'from': '2025-02-30', 'lane': 'snel', 'category': 'x/y', 'area': 'zuid'})
    assert set(exc.value.message_dict) == {'from', 'lane', 'category', 'area'}
    with pytest.raises(ValidationError) as exc:
        services.parse_filters({'van': '2025-03-01', 'tot': '2025-02-01'}, names=services.PAGE_NAMES)
    assert exc.value.message_dict == {'tot': ['De einddatum ligt vóór de begindatum.']}
    for typed in ('³', '9' * 30):  # digits that are no id: a field error, not a server error
        with pytest.raises(ValidationError) as exc:
            services.parse_filters({'category': typed})
        assert exc.value.message_dict == {'category': ['Onbekende categorie.']}
    with pytest.raises(ValidationError) as exc:
        services.parse_filters({'from': '2010-01-01', 'to': '2025-01-01'})
    assert 'from' in exc.value.message_dict
