"""The triage API: permissions, configuration with validated rules, a signal's triage, re-triage, the
queues with their filters, ordering, pagination and a fixed number of queries."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.triage import services
from signals_haarlem.triage.models import Area, CategoryLane, Decision, Lane, Rule, SignalLane
from tests.conftest import bearer
from tests.factories import GROTE_MARKT, STATION, CategoryFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db
BASE = '/signals/v1/haarlem/triage'


@pytest.fixture
def client_for(api_client):
    def make(user):
        api_client.credentials(**bearer(user))
        return api_client
    return make


@pytest.fixture
def beheerder(db):
    codes = [f'haarlem_triage.{action}_{model}' for model in ('lane', 'rule', 'categorylane', 'area')
             for action in ('view', 'add', 'change', 'delete')]
    return UserFactory(username='beheer@haarlem.nl', permissions=codes + ['haarlem_triage.dryrun_rule'])


def triaged(category, **kwargs):
    signal = make_signal(category, **kwargs)
    services.triage_signal(signal)
    return signal


# -- permissions ----------------------------------------------------------------------------------

def test_anonymous_gets_401(api_client, lanes):
    assert api_client.get(f'{BASE}/queues/eenvoudig/').status_code == 401


@pytest.mark.parametrize('method, path', [
    ('get', '/queues/'), ('get', '/queues/eenvoudig/'), ('get', '/lanes/'), ('get', '/rules/'),
    ('post', '/rules/'), ('post', '/rules/dry-run/'), ('get', '/categories/'), ('put', '/lanes/eenvoudig/'),
    ('post', '/signals/{pk}/retriage/'), ('get', '/signals/{pk}/'),
])
def test_staff_without_permission_get_403(client_for, container_vol, method, path):
    signal = triaged(container_vol)
    client = client_for(UserFactory(username='geen@haarlem.nl'))
    response = getattr(client, method)(BASE + path.format(pk=signal.pk), {}, format='json')
    assert response.status_code == 403


def test_a_behandelaar_can_read_but_not_retriage(client_for, behandelaar, container_vol, lanes):
    signal = triaged(container_vol)
    client = client_for(behandelaar)
    assert client.get(f'{BASE}/signals/{signal.pk}/').status_code == 200
    response = client.post(f'{BASE}/signals/{signal.pk}/retriage/', {'lane': 'complex', 'reason': 'x'}, format='json')
    assert response.status_code == 403
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1


# -- configuration --------------------------------------------------------------------------------

def test_lanes_list_and_change(client_for, beheerder, lanes):
    client = client_for(beheerder)
    data = client.get(f'{BASE}/lanes/').json()
    assert [lane['code'] for lane in data] == ['eenvoudig', 'complex', 'maatwerk']
    assert data[1]['department'] == 'CPX'
    assert data[1]['formula'] == ('reactie binnen 3 werkdagen, plan binnen 10 werkdagen, afgehandeld binnen de norm '
                                  'van de categorie of 20 werkdagen, de langste')
    response = client.patch(f'{BASE}/lanes/complex/', {'response_days': 2}, format='json')
    assert response.status_code == 200 and response.json()['response_days'] == 2
    response = client.patch(f'{BASE}/lanes/maatwerk/', {'resolution_days': None}, format='json')
    assert response.status_code == 400 and 'resolution_days' in response.json()


@pytest.mark.parametrize('change, field', [
    ({'name': 'Een\x00voudig'}, 'name'), ({'name': 'Eenvoudig\x1b[31m'}, 'name'),
    ({'staff_text': 'Bel \x07 de melder'}, 'staff_text'),
    ({'resolution_days': 2 ** 63 - 1}, 'resolution_days'), ({'response_days': 366}, 'response_days'),
    ({'warn_days': 61}, 'warn_days'), ({'extension_days': 100000}, 'extension_days'), ({'order': 10 ** 9}, 'order'),
    ({'code': 'iets-anders'}, 'code'), ({'is_active': False}, 'is_active'),
], ids=['nul', 'escape', 'bell', 'huge-days', '366-days', 'warn', 'extension', 'order', 'code', 'fallback-off'])
def test_lane_settings_refuse_what_breaks_the_rest(client_for, beheerder, lanes, change, field):
    """Control characters (no screen shows them, Excel refuses them), day counts beyond a year (the
    working-day calendar would overflow) and a new code for a lane (settings and links name it) are a 400
    with the field's error, and change nothing."""
    before = list(Lane.objects.order_by('pk').values())
    response = client_for(beheerder).patch(f'{BASE}/lanes/eenvoudig/', change, format='json')
    assert response.status_code == 400 and field in response.json(), response.content
    assert list(Lane.objects.order_by('pk').values()) == before


def test_lane_in_use_cannot_be_deleted(client_for, beheerder, container_vol):
    response = client_for(beheerder).delete(f'{BASE}/lanes/eenvoudig/')
    assert response.status_code == 400 and 'niet actief' in str(response.json())


def test_rules_create_validates_params_and_writes_nothing_on_error(client_for, beheerder, lanes):
    client = client_for(beheerder)
    response = client.post(f'{BASE}/rules/', {'name': 'Plek', 'kind': 'repeat_spot', 'lane': 'complex',
                                              'params': {'min_count': 1, 'radius_m': 'vijftig'}}, format='json')
    assert response.status_code == 400
    errors = response.json()['params']
    assert set(errors) == {'min_count', 'radius_m'}
    assert not Rule.objects.exists()

    response = client.post(f'{BASE}/rules/', {'name': 'X', 'kind': 'horoscoop', 'lane': 'complex'}, format='json')
    assert response.status_code == 400 and 'kind' in response.json()

    response = client.post(f'{BASE}/rules/', {'name': 'Plek', 'kind': 'repeat_spot', 'lane': 'complex', 'order': 5,
                                              'params': {'min_count': 3}}, format='json')
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body['params']['radius_m'] == 50 and body['updated_by'] == 'beheer@haarlem.nl'
    assert body['summary'] == 'Minstens 3 meldingen van dezelfde categorie binnen 50 m in 30 dagen'

    response = client.patch(f'{BASE}/rules/{body["id"]}/', {'params': {'min_count': 0}}, format='json')
    assert response.status_code == 400
    assert Rule.objects.get().params['min_count'] == 3


def test_rule_kinds_are_listed(client_for, beheerder):
    data = client_for(beheerder).get(f'{BASE}/rules/kinds/').json()
    codes = {kind['code'] for kind in data}
    assert {'category', 'type', 'priority', 'keywords', 'area', 'repeat_spot', 'repeat_reporter',
            'parent_child'} <= codes
    spot = next(kind for kind in data if kind['code'] == 'repeat_spot')
    assert spot['params']['radius_m']['default'] == 50 and spot['uses_database'] is True


def test_dry_run_shows_moves_and_saves_nothing(client_for, beheerder, lanes, container_vol):
    signals = [triaged(container_vol, type_code='COM'), triaged(container_vol), triaged(container_vol)]
    services.retriage(signals[2], lanes['complex'], 'Handmatig', 'tl@haarlem.nl')
    response = client_for(beheerder).post(f'{BASE}/rules/dry-run/', {
        'limit': 10, 'rules': [{'name': 'Klacht', 'kind': 'type', 'params': {'types': ['COM']}, 'lane': 'maatwerk'}],
    }, format='json')
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data['total'] == 3 and data['changed'] == 1 and data['manual'] == 1 and data['unchanged'] == 1
    assert data['moves'] == [{'from': 'eenvoudig', 'to': 'maatwerk', 'count': 1}]
    assert data['changes'][0]['signal'] == signals[0].pk and 'Type is Klacht' in data['changes'][0]['reason']
    assert not Rule.objects.exists()
    assert SignalLane.objects.get(pk=signals[0].pk).lane.code == 'eenvoudig'


def test_dry_run_validates_the_proposed_rules(client_for, beheerder, lanes):
    response = client_for(beheerder).post(f'{BASE}/rules/dry-run/', {
        'limit': 0, 'rules': [{'name': 'X', 'kind': 'type', 'params': {'types': ['NOPE']}, 'lane': 'maatwerk'}],
    }, format='json')
    assert response.status_code == 400
    assert 'limit' in response.json() and 'params' in response.json()['rules'][0]


def test_category_lanes(client_for, beheerder, lanes, container_vol, afval):
    client = client_for(beheerder)
    grofvuil = CategoryFactory(slug='grofvuil', name='Grofvuil', parent=afval)
    rows = {row['slug']: row for row in client.get(f'{BASE}/categories/').json()}
    assert rows['afval/container-is-vol']['lane'] == 'eenvoudig'
    assert rows['afval/grofvuil'] == {**rows['afval/grofvuil'], 'lane': None, 'effective_lane': 'eenvoudig',
                                      'effective_basis': 'terugvalbaan'}
    response = client.put(f'{BASE}/categories/{afval.pk}/', {'lane': 'complex'}, format='json')
    assert response.status_code == 200 and response.json()['lane'] == 'complex'
    row = client.get(f'{BASE}/categories/{grofvuil.pk}/').json()
    assert row['effective_lane'] == 'complex' and row['effective_basis'] == 'hoofdcategorie'
    assert client.put(f'{BASE}/categories/{grofvuil.pk}/', {'lane': 'nergens'}, format='json').status_code == 400
    assert client.delete(f'{BASE}/categories/{afval.pk}/').status_code == 204
    assert not CategoryLane.objects.filter(category=afval).exists()
    assert services.decide(make_signal(grofvuil)).basis == 'fallback'


def test_areas_are_validated(client_for, beheerder):
    client = client_for(beheerder)
    response = client.post(f'{BASE}/areas/', {'code': 'centrum', 'name': 'Centrum',
                                              'geometry': {'type': 'Point', 'coordinates': [4.6, 52.3]}}, format='json')
    assert response.status_code == 400 and 'geometry' in response.json()
    assert not Area.objects.exists()


# -- a signal's triage and re-triage --------------------------------------------------------------

def test_signal_triage(client_for, teamleider, container_vol):
    signal = triaged(container_vol)
    data = client_for(teamleider).get(f'{BASE}/signals/{signal.pk}/').json()
    assert data['current']['lane'] == 'eenvoudig' and data['current']['is_manual'] is False
    assert data['current']['due_kind'] == 'resolution'
    [decision] = data['decisions']
    assert decision['reason'] == 'Standaardbaan van categorie Container is vol'
    assert decision['decided_by'] == 'Systeem' and decision['trigger'] == 'create'
    assert data['_links']['werkplek']['href'].endswith(f'/werkplek/triage/melding/{signal.pk}/')
    assert client_for(teamleider).get(f'{BASE}/signals/999999/').status_code == 404


def test_retriage_requires_a_reason_and_writes_nothing_without(client_for, teamleider, container_vol):
    signal = triaged(container_vol)
    client = client_for(teamleider)
    response = client.post(f'{BASE}/signals/{signal.pk}/retriage/', {'lane': 'complex', 'reason': '  '}, format='json')
    assert response.status_code == 400 and 'reason' in response.json()
    response = client.post(f'{BASE}/signals/{signal.pk}/retriage/', {'lane': 'bestaat-niet', 'reason': 'x'},
                           format='json')
    assert response.status_code == 400 and 'lane' in response.json()
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1

    response = client.post(f'{BASE}/signals/{signal.pk}/retriage/', {'lane': 'complex', 'reason': 'Meer disciplines'},
                           format='json')
    assert response.status_code == 201
    data = response.json()
    assert data['current']['lane'] == 'complex' and data['current']['is_manual'] is True
    assert data['decisions'][0]['decided_by'] == 'teamleider@haarlem.nl'
    assert data['decisions'][0]['reason'] == 'Meer disciplines'

    response = client.post(f'{BASE}/signals/{signal.pk}/release/', {'reason': 'Toch standaard'}, format='json')
    assert response.status_code == 201 and response.json()['current']['lane'] == 'eenvoudig'
    response = client.post(f'{BASE}/signals/{signal.pk}/release/', {'reason': 'Nog eens'}, format='json')
    assert response.status_code == 400


def test_retriage_of_a_signal_being_changed_is_a_409(client_for, teamleider, container_vol, monkeypatch):
    signal = triaged(container_vol)

    def busy(*args, **kwargs):
        raise signalen.ConcurrentUpdate('bezet')
    monkeypatch.setattr(signalen, 'set_routing_departments', busy)
    response = client_for(teamleider).post(f'{BASE}/signals/{signal.pk}/retriage/',
                                           {'lane': 'complex', 'reason': 'x'}, format='json')
    assert response.status_code == 409
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1  # rolled back
    assert SignalLane.objects.get(pk=signal.pk).lane.code == 'eenvoudig'


def test_agreed_date(client_for, teamleider, lanes, container_vol):
    signal = triaged(container_vol)
    client = client_for(teamleider)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f'{BASE}/signals/{signal.pk}/agreed-date/', {'date': day, 'reason': 'x'}, format='json')
    assert response.status_code == 400 and 'date' in response.json()  # eenvoudig has a fixed norm
    services.retriage(signal, lanes['maatwerk'], 'Kwetsbaar', 'tl@haarlem.nl')
    response = client.post(f'{BASE}/signals/{signal.pk}/agreed-date/', {'date': day, 'reason': 'Gebeld'},
                           format='json')
    assert response.status_code == 201 and response.json()['decisions'][0]['resolution_agreed'] is True


# -- queues ---------------------------------------------------------------------------------------

def test_queues_overview(client_for, teamleider, container_vol):
    triaged(container_vol, created_at=timezone.now() - timedelta(days=30))
    triaged(container_vol)
    data = client_for(teamleider).get(f'{BASE}/queues/').json()
    simple = next(row for row in data if row['code'] == 'eenvoudig')
    assert simple['open'] == 2 and simple['overdue'] == 1 and simple['team'] == 'Team Eenvoudig'


def test_queue_order_filters_and_pagination(client_for, teamleider, lanes, container_vol, boom, afval):
    now = timezone.now()
    late = triaged(container_vol, created_at=now - timedelta(days=20))
    soon = triaged(container_vol, created_at=now - timedelta(days=2))
    fresh = triaged(container_vol)
    tree = triaged(boom)  # other lane
    closed = triaged(container_vol, created_at=now - timedelta(days=30))
    signalen.set_status(closed, 'o', 'Klaar')
    services.record_status(closed, 'o')
    client = client_for(teamleider)

    data = client.get(f'{BASE}/queues/eenvoudig/').json()
    assert data['count'] == 3
    assert [item['signal']['id'] for item in data['results']] == [late.pk, soon.pk, fresh.pk]
    first = data['results'][0]
    assert first['overdue'] is True and first['workdays_late'] > 0 and first['due_kind'] == 'resolution'
    assert first['signal']['category'] == {'slug': 'afval/container-is-vol', 'name': 'Container is vol'}
    assert first['reason'] == 'Standaardbaan van categorie Container is vol'

    assert [i['signal']['id'] for i in client.get(f'{BASE}/queues/eenvoudig/?overdue=true').json()['results']] \
        == [late.pk]
    within = client.get(f'{BASE}/queues/eenvoudig/?due_within=3').json()['results']
    assert late.pk in [i['signal']['id'] for i in within] and fresh.pk not in [i['signal']['id'] for i in within]
    assert client.get(f'{BASE}/queues/eenvoudig/?category=afval').json()['count'] == 3
    assert client.get(f'{BASE}/queues/eenvoudig/?category=afval/container-is-vol').json()['count'] == 3
    assert client.get(f'{BASE}/queues/eenvoudig/?category=openbaar-groen-en-water').json()['count'] == 0
    assert client.get(f'{BASE}/queues/complex/').json()['results'][0]['signal']['id'] == tree.pk
    assert client.get(f'{BASE}/queues/eenvoudig/?category=nergens').status_code == 400
    assert client.get(f'{BASE}/queues/eenvoudig/?due_within=-1').status_code == 400
    assert client.get(f'{BASE}/queues/nergens/').status_code == 404

    page = client.get(f'{BASE}/queues/eenvoudig/?page_size=2').json()
    assert len(page['results']) == 2 and page['_links']['next']['href'] and page['count'] == 3


def test_queue_area_and_manual_filters(client_for, teamleider, lanes, container_vol):
    square = {'type': 'Polygon', 'coordinates': [[[4.630, 52.378], [4.640, 52.378], [4.640, 52.384],
                                                  [4.630, 52.384], [4.630, 52.378]]]}
    Area.objects.create(code='centrum', name='Centrum', geometry=square)
    centre = triaged(container_vol, point=GROTE_MARKT)
    station = triaged(container_vol, point=STATION)
    services.retriage(station, lanes['eenvoudig'], 'Bevestigd', 'tl@haarlem.nl')
    client = client_for(teamleider)
    assert [i['signal']['id'] for i in client.get(f'{BASE}/queues/eenvoudig/?area=centrum').json()['results']] \
        == [centre.pk]
    assert [i['signal']['id'] for i in client.get(f'{BASE}/queues/eenvoudig/?manual=true').json()['results']] \
        == [station.pk]
    assert client.get(f'{BASE}/queues/eenvoudig/?manual=false').json()['count'] == 1


def test_area_change_updates_the_queue_filter(lanes, container_vol, django_capture_on_commit_callbacks):
    signal = triaged(container_vol, point=GROTE_MARKT)
    square = {'type': 'Polygon', 'coordinates': [[[4.630, 52.378], [4.640, 52.378], [4.640, 52.384],
                                                  [4.630, 52.384], [4.630, 52.378]]]}
    with django_capture_on_commit_callbacks(execute=True):
        area = Area.objects.create(code='centrum', name='Centrum', geometry=square)
    assert SignalLane.objects.get(pk=signal.pk).area_id == area.pk


def test_queue_query_count_does_not_grow_with_the_page(client_for, teamleider, container_vol, afval):
    client = client_for(teamleider)
    triaged(container_vol)
    client.get(f'{BASE}/queues/eenvoudig/')  # warm up (auth, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f'{BASE}/queues/eenvoudig/').status_code == 200
    for _ in range(12):
        triaged(CategoryFactory(parent=afval))
    with CaptureQueriesContext(connection) as large:
        response = client.get(f'{BASE}/queues/eenvoudig/')
    assert response.json()['count'] == 13
    # 7: one of them reads the team member's departments and categories (what she may see). Inside
    # upstream its token check reads the user's groups as well.
    budget = 8 if signalen.UPSTREAM else 7
    assert len(large.captured_queries) == len(small.captured_queries) <= budget, \
        [q['sql'][:200] for q in large.captured_queries]


def test_queue_is_read_in_order_from_an_index(lanes, container_vol):
    """The queue (filtered, ordered, one page) walks the (lane, is_open, queue_order) index: no sort of all
    the lane's open signals, whatever their number."""
    if connection.vendor != 'sqlite':
        pytest.skip('plan checked on SQLite')
    triaged(container_vol)
    qs = services.queue(lanes['eenvoudig'], services.QueueFilters(overdue=True))[:50]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute('EXPLAIN QUERY PLAN ' + sql, params)
        plan = ' | '.join(str(row[-1]) for row in cursor.fetchall())
    assert 'haarlem_tri_queue_open' in plan and 'TEMP B-TREE' not in plan, plan


def test_queue_undated_signals_come_last(lanes, container_vol, afval):
    lane = lanes['eenvoudig']
    lane.resolution_days, lane.resolution_basis = None, 'category'
    lane.save()
    undated = triaged(CategoryFactory(parent=afval, n_days=False))
    dated = triaged(container_vol)
    ids = [item.signal_id for item in services.queue(lane)]
    assert ids == [dated.pk, undated.pk]
    assert SignalLane.objects.get(pk=undated.pk).due_at is None


def test_queue_shows_only_what_the_user_may_see(client_for, lanes, container_vol):
    """As in Signalen: a user sees the signals of their departments' categories and the signals routed to
    their department (the triage routes each signal to its lane's team), unless they may see all."""
    signal = triaged(container_vol)
    assert signalen.routing_departments(signal) == [lanes['eenvoudig'].department]

    def count(user):
        client = client_for(user)
        n = client.get(f'{BASE}/queues/eenvoudig/').json()['count']
        overview = {lane['code']: lane['open'] for lane in client.get(f'{BASE}/queues/').json()}
        assert overview['eenvoudig'] == n  # the overview counts what the queue shows
        return n
    perms = ['signals.sia_read', 'haarlem_triage.view_decision']
    team_eenvoudig = UserFactory(departments=[lanes['eenvoudig'].department], permissions=perms)
    team_complex = UserFactory(departments=[lanes['complex'].department], permissions=perms)
    kcc = UserFactory(permissions=[*perms, 'signals.sia_can_view_all_categories'])
    no_read = UserFactory(departments=[lanes['eenvoudig'].department], permissions=['haarlem_triage.view_decision'])
    assert (count(team_eenvoudig), count(team_complex), count(kcc), count(no_read)) == (1, 0, 1, 0)

    # Team Complex may view the category: now it sees the signal too.
    signalen.get_model('CategoryDepartment').objects.create(
        category=container_vol, department=lanes['complex'].department, is_responsible=False, can_view=True)
    assert count(UserFactory(departments=[lanes['complex'].department], permissions=perms)) == 1


def test_a_deeply_nested_body_is_a_400_not_a_500(client_for, teamleider, container_vol):
    """Inside upstream too, whose REST framework parser lets the RecursionError through as a 500."""
    signal = triaged(container_vol)
    response = client_for(teamleider).post(f'{BASE}/signals/{signal.pk}/retriage/', '[' * 100000,
                                           content_type='application/json')
    assert response.status_code == 400
