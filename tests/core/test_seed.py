"""seed_demo: realistic demo signals, through Signal.actions or in bulk, with the same rows either way."""
import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

from signals_haarlem import signalen, workdays
from signals_haarlem.core import fixtures_loader, seed
from signals_haarlem.core import demo_data
from tests.core import fakeapp

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 14, 30, tzinfo=ZoneInfo('Europe/Amsterdam'))
N = 60
get = signalen.get_model
Signal, Status = get('Signal'), get('Status')
# The fastest writer this Signalen has (bulk writes the standalone core's own tables), for tests that
# are about something else than the writer.
FAST = not signalen.UPSTREAM
BULK = pytest.param(True, id='bulk', marks=pytest.mark.standalone_only(
    "the bulk writer writes the standalone core's tables"))
WRITERS = [pytest.param(False, id='actions'), BULK]
ASPECTS = {'location': 'Location', 'category_assignment': 'CategoryAssignment', 'reporter': 'Reporter',
           'priority': 'Priority', 'type_assignment': 'Type', 'status': 'Status'}


@pytest.fixture(autouse=True)
def fixtures():
    fixtures_loader.load_all(apps=False)


class Rollback(Exception):
    pass


def snapshot():
    """Every row seed_demo writes, per signal (oldest first), without database ids."""
    result = []
    signals = Signal.objects.select_related(
        'location', 'status', 'category_assignment__category', 'reporter', 'priority', 'type_assignment')
    for s in signals.order_by('created_at', 'pk'):
        loc, ca, rep = s.location, s.category_assignment, s.reporter
        result.append({
            'signal': (str(getattr(s, signalen.UUID_FIELD)), s.text, s.text_extra, s.source, s.created_at, s.updated_at,
                       s.incident_date_start),
            'location': (signalen.point_of(s), loc.stadsdeel, loc.buurt_code, loc.area_type_code,
                         loc.area_code, loc.area_name, loc.address, loc.address_text, loc.postcode, loc.created_by,
                         loc.created_at),
            'category': (ca.category.slug, ca.text, ca.deadline, ca.deadline_factor_3, ca.stored_handling_message,
                         ca.created_by, ca.created_at),
            'reporter': (rep.email, rep.phone, rep.sharing_allowed, getattr(rep, 'allows_contact', None),
                         getattr(rep, 'created_by', None), rep.created_at),
            'priority': (s.priority.priority, s.priority.created_by, s.priority.created_at),
            'type': (s.type_assignment.name, s.type_assignment.created_by, s.type_assignment.created_at),
            'statuses': [(st.state, st.text, st.user, st.created_by, st.send_email, st.created_at)
                         for st in s.statuses.order_by('created_at', 'pk')],
            'current_status': s.status.state,
            'notes': [(n.text, n.created_by, n.created_at) for n in s.notes.order_by('created_at', 'pk')],
            'history': signalen.history(s),
        })
    return result


def run(mode_fast, n=N, seed_value=1, hooks=False, **kwargs):
    """seed.run(); with `hooks`, the Signalen hooks are sent as after each signal's commit (a test's
    transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=hooks):
        return seed.run(n, seed=seed_value, fast=mode_fast, now=NOW, apps=kwargs.pop('apps', []), **kwargs)


def run_and_roll_back(mode_fast, **kwargs):
    try:
        with transaction.atomic():
            run(mode_fast, **kwargs)
            rows = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert Signal.objects.count() == 0
    return rows


def metres(a, b):
    dlat = (a[1] - b[1]) * 111_320
    dlon = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    return math.hypot(dlat, dlon)


@pytest.mark.parametrize('fast', WRITERS)
def test_demo_signals_look_like_haarlem(fast):
    assert run(fast) == N
    signals = list(Signal.objects.select_related('location', 'status', 'category_assignment__category', 'reporter',
                                                 'priority', 'type_assignment'))
    assert len(signals) == N
    states = Counter(s.status.state for s in signals)
    old = [s for s in signals if NOW - s.created_at > timedelta(days=60)]
    assert sum(s.status.state in ('o', 'a') for s in old) >= 0.8 * len(old)
    assert sum(s.status.state in ('o', 'a') for s in signals) >= N / 2
    assert set(states) - {'o', 'a'}, 'some signals are still open'
    assert all(s.status.state not in ('o', 'a') or s.status.text for s in signals)
    # Spread over the last year, inside Haarlem, with stadsdeel and area codes.
    assert all(NOW - timedelta(days=366) <= s.created_at <= NOW for s in signals)
    assert all(4.60 <= signalen.point_of(s)[0] <= 4.68 and 52.35 <= signalen.point_of(s)[1] <= 52.41
               for s in signals)
    assert {s.location.area_name for s in signals} <= set(demo_data.STADSDELEN.values())
    assert all(demo_data.STADSDELEN[s.location.area_code] == s.location.area_name for s in signals)
    assert len({s.location.area_code for s in signals}) >= 4
    areas = {code for code, _ in signalen.areas_of_type('stadsdeel')}
    assert {s.location.area_code for s in signals} <= areas and {s.location.area_type_code for s in signals} == {
        'stadsdeel'}
    # Repeat spots: 3+ signals of one category within 30 m within a few weeks.
    by_category = defaultdict(list)
    for s in signals:
        by_category[s.category_assignment.category_id].append(s)
    assert any(sum(1 for o in group if metres(signalen.point_of(o), signalen.point_of(s))
                   <= 30 and abs(o.created_at - s.created_at) <= timedelta(days=28)) >= 3
               for group in by_category.values() for s in group)
    # Some reporters report a lot; about 1% are complaints; priorities mostly normal.
    assert Counter(s.reporter.email for s in signals if s.reporter.email).most_common(1)[0][1] >= 3
    assert sum(s.type_assignment.name == 'COM' for s in signals) >= 1
    assert sum(s.priority.priority == 'normal' for s in signals) >= 0.8 * N
    # Deadlines from the category's service level, counted with the working-day calendar.
    slos = signalen.service_level_objectives()
    for s in signals:
        slo = slos.get(s.category_assignment.category_id)
        if slo is not None:
            assert s.category_assignment.deadline == workdays.deadline(s.created_at, *slo)


@pytest.mark.parametrize('fast', WRITERS)
def test_current_records_and_history_are_consistent(fast):
    # Upstream writes a signal's history from its hooks (the standalone core with the change itself).
    run(fast, hooks=signalen.UPSTREAM)
    for s in Signal.objects.all():
        for field, model in ASPECTS.items():
            newest = get(model).objects.filter(_signal=s).order_by('-created_at', '-pk').first()
            assert getattr(s, f'{field}_id') == newest.pk, (s, field)
        statuses = list(s.statuses.order_by('created_at', 'pk'))
        assert statuses[0].state == 'm' and statuses[0].created_at == s.created_at
        assert [a.created_at < b.created_at for a, b in zip(statuses, statuses[1:])] == [True] * (len(statuses) - 1)
        lines = signalen.history(s)
        whats = Counter(line.what for line in lines)
        assert sorted(line.when for line in lines if line.what == 'UPDATE_STATUS') == [st.created_at for st in statuses]
        assert whats['CREATE_NOTE'] == s.notes.count()
        assert {'UPDATE_LOCATION', 'UPDATE_CATEGORY_ASSIGNMENT', 'UPDATE_PRIORITY', 'UPDATE_TYPE_ASSIGNMENT'} <= set(whats)
        assert all(s.created_at <= line.when for line in lines)
        last_change = max([statuses[-1].created_at, *s.notes.values_list('created_at', flat=True)])
        # (upstream stamps the signal a moment after it saved a note)
        assert s.updated_at == last_change or (signalen.UPSTREAM and s.updated_at >= last_change)


def test_feedback_only_where_a_closing_mail_could_ask_for_it():
    run(FAST)
    asked = list(signalen.get_model('Feedback').objects.select_related('_signal__reporter'))
    assert asked and any(f.submitted_at for f in asked) and any(not f.submitted_at for f in asked)
    assert {f.is_satisfied for f in asked if f.submitted_at} == {True, False}
    answers = set(signalen.get_model('StandardAnswer').objects.values_list('text', flat=True))
    for f in asked:
        closing = f._signal.statuses.filter(state='o').order_by('-created_at').first()
        assert closing is not None and f.created_at == closing.created_at and f._signal.reporter.email
        if f.submitted_at:
            assert f.created_at < f.submitted_at <= NOW and set(f.text_list) <= answers
        else:
            assert f.is_satisfied is None


@pytest.mark.standalone_only("the bulk writer writes the standalone core's tables")
def test_bulk_writes_exactly_the_rows_the_actions_write():
    through_actions = run_and_roll_back(False)
    run(True)
    bulk = snapshot()
    assert len(bulk) == len(through_actions) == N
    for a, b in zip(through_actions, bulk):
        assert a == b


def test_same_seed_same_data_other_seed_other_data():
    first = run_and_roll_back(FAST, seed_value=5)
    again = run_and_roll_back(FAST, seed_value=5)
    other = run_and_roll_back(FAST, seed_value=6)
    assert first == again
    assert [r['signal'][1] for r in first] != [r['signal'][1] for r in other]


def test_every_planned_status_path_is_allowed_by_the_workflow():
    planner = seed.Planner(3000, seed=3, now=NOW)
    transitions = signalen.TRANSITIONS
    states = Counter()
    for plan in planner.plans():
        path = ['m'] + [e.state for e in plan.statuses]
        for a, b in zip(path, path[1:]):
            assert b in transitions[a], path
        for e in plan.statuses:
            if e.state in ('o', 'a', 'reopened', 'forward to external'):  # the backoffice asks a text
                assert e.text
        states[plan.final_state] += 1
    assert states['o'] > 0.6 * 3000
    assert {'m', 'i', 'b', 'ingepland', 'a'} <= set(states)


def test_app_seeders_get_each_batch(settings):
    settings.HAARLEM_APPS = ['tests.core.fakeapp', 'signals_haarlem.core']
    fakeapp.CALLS.clear()
    out = StringIO()
    seed.run(25, seed=2, fast=FAST, now=NOW, batch_size=10, stdout=out)
    calls = [c for c in fakeapp.CALLS if c[0] == 'seed_demo']
    assert [len(c[1]) for c in calls] == [10, 10, 5]
    assert sorted(pk for c in calls for pk in c[1]) == sorted(Signal.objects.values_list('pk', flat=True))
    assert all(c[3] is out for c in calls)
    assert len({c[2] for c in calls}) == 3  # a generator of its own per batch


def test_a_failing_app_seeder_does_not_stop_the_others(monkeypatch):
    from tests.core.fakeapp.seed import seed_demo as fake_seed_demo
    fakeapp.CALLS.clear()

    def broken(signals, rng, stdout):
        raise RuntimeError('kapot')
    monkeypatch.setattr(seed, 'app_seeders', lambda apps=None: [('tests.broken', broken),
                                                                ('tests.core.fakeapp', fake_seed_demo)])
    out = StringIO()
    assert seed.run(20, seed=2, fast=FAST, now=NOW, batch_size=10, stdout=out) == 20
    assert 'tests.broken.seed.seed_demo failed (RuntimeError: kapot)' in out.getvalue()
    assert out.getvalue().count('failed') == 1  # not called again after failing
    assert len([c for c in fakeapp.CALLS if c[0] == 'seed_demo']) == 2
    assert Signal.objects.count() == 20


def test_bulk_mode_refuses_inside_upstream(monkeypatch):
    monkeypatch.setattr(signalen, 'UPSTREAM', True)
    with pytest.raises(seed.SeedError, match='upstream'):
        seed.BulkWriter()


def test_command_with_if_empty():
    out = StringIO()
    call_command('seed_demo', '8', '--seed', '3', '--now', NOW.isoformat(), '--no-progress', stdout=out)
    assert Signal.objects.count() == 8
    assert '8 demo signals written' in out.getvalue()
    out = StringIO()
    call_command('seed_demo', '8', '--if-empty', '--no-progress', stdout=out)
    assert Signal.objects.count() == 8 and 'no demo data added' in out.getvalue()
    # A second run with the same seed on a non-empty database gets new signal ids.
    call_command('seed_demo', '8', '--seed', '3', '--now', NOW.isoformat(), *(['--fast'] if FAST else []),
                 '--no-progress', stdout=StringIO())
    assert Signal.objects.count() == 16


def test_demo_staff_have_departments_and_roles():
    run(FAST, n=6)
    User = __import__('django.contrib.auth', fromlist=['get_user_model']).get_user_model()
    staff = User.objects.get(username='l.jansen@haarlem.local')
    assert not staff.has_usable_password()
    assert [d.code for d in signalen.user_departments(staff)] == ['CPX']
    assert staff.groups.filter(name='Behandelaar').exists()
