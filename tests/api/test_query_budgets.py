"""Query budgets: the private signal list, the private signal detail and the triage queue run a fixed
number of queries, whatever the page size and whatever hangs off each signal (notes, children,
attachments, routing, assignment, triage decisions). A new N+1 makes these fail.

The numbers are exact: a change that adds a query per request (not per row) must update them here,
on purpose. tests/api/test_signals_filters.py checks that the list does not grow with the page for
the filters; this file pins the numbers for the three endpoints staff use most.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signals_haarlem import signalen
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, MainCategoryFactory, UserFactory, make_signal

pytestmark = pytest.mark.django_db

LIST = '/signals/v1/private/signals/'
QUEUE = '/signals/v1/haarlem/triage/queues/eenvoudig/'

# The budgets (queries per request, authentication included).
LIST_QUERIES_ADMIN = 8
LIST_QUERIES_DEPARTMENT = 11
DETAIL_QUERIES = 8
QUEUE_QUERIES = 6
QUEUE_QUERIES_TEAM = 7  # + the user's departments and their categories (what they may see)


@pytest.fixture
def world(run_on_commit):
    """52 signals with everything a row of the list or the queue may show, through Signal.actions and
    with the triage receivers running (so every signal has a decision and sits in a queue)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from signals_haarlem.triage import fixtures as triage_fixtures
    from signals_haarlem.triage.models import CategoryLane, Lane
    Signal = signalen.get_model('Signal')
    triage_fixtures.load_lanes()
    eenvoudig = Lane.objects.get(code='eenvoudig')
    een = DepartmentFactory(code='EEN', name='Team Eenvoudig')
    cpx = DepartmentFactory(code='CPX', name='Team Complex')
    afval = MainCategoryFactory(slug='afval', name='Afval')
    categories = [CategoryFactory(parent=afval, slug=f'afval-{i}', departments=[een]) for i in range(4)]
    for category in categories:
        CategoryLane.objects.create(category=category, lane=eenvoudig)
    handler = UserFactory(username='behandelaar@haarlem.nl', departments=[een])
    png = b'\x89PNG\r\n\x1a\n' + b'\0' * 64
    parent = None
    signals = []
    for i in range(52):
        signal = run_on_commit(make_signal, categories[i % 4], parent=parent if i % 10 == 5 else None)
        parent = parent or signal
        run_on_commit(Signal.actions.create_note, {'text': f'notitie {i}'}, signal)
        run_on_commit(Signal.actions.update_user_assignment, {'user': handler}, signal)
        run_on_commit(Signal.actions.update_routing_departments, {'departments': [{'id': cpx.pk}]}, signal)
        if i % 3 == 0:
            run_on_commit(Signal.actions.add_attachment, SimpleUploadedFile(f'foto{i}.png', png), signal)
        signals.append(signal)
    return {'signals': signals, 'een': een, 'categories': categories}


def count(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries), response.json(), [q['sql'] for q in ctx.captured_queries]


def client_for(user):
    from rest_framework.test import APIClient
    client = APIClient()
    client.credentials(**bearer(user))
    return client


def test_private_list_runs_a_fixed_number_of_queries(world, admin_user):
    client = client_for(admin_user)
    one, body_one, _ = count(client, LIST, page_size=1)
    fifty, body_fifty, sql = count(client, LIST, page_size=50)
    assert len(body_one['results']) == 1 and len(body_fifty['results']) == 50
    assert one == fifty == LIST_QUERIES_ADMIN, sql


def test_private_list_of_a_department_user_runs_a_fixed_number_of_queries(world):
    """A user who sees the signals of one department (the permission and category lookups included)."""
    from django.contrib.auth.models import Permission
    user = UserFactory(username='teamlid@haarlem.nl', departments=[world['een']])
    user.user_permissions.add(*Permission.objects.filter(codename__in=['sia_read', 'sia_write']))
    client = client_for(user)
    one, body_one, _ = count(client, LIST, page_size=1)
    fifty, body_fifty, sql = count(client, LIST, page_size=50)
    assert len(body_one['results']) == 1 and len(body_fifty['results']) == 50
    assert one == fifty == LIST_QUERIES_DEPARTMENT, sql


def test_private_detail_runs_a_fixed_number_of_queries(world, admin_user, run_on_commit):
    """The parent (with children, notes, attachments, routing) costs as much as a bare signal."""
    client = client_for(admin_user)
    bare = run_on_commit(make_signal, world['categories'][0])
    parent = world['signals'][0]
    assert signalen.get_model('Signal').objects.filter(parent=parent).count() == 5
    small, _, _ = count(client, f'{LIST}{bare.pk}')
    large, body, sql = count(client, f'{LIST}{parent.pk}')
    assert body['_links']['sia:children']
    assert small == large == DETAIL_QUERIES, sql


def test_triage_queue_runs_a_fixed_number_of_queries(world):
    from signals_haarlem.triage.models import Lane
    kcc = UserFactory(username='kcc@haarlem.nl', permissions=[
        'signals.sia_read', 'signals.sia_can_view_all_categories', 'haarlem_triage.view_decision'])
    team = UserFactory(username='teamleider@haarlem.nl', departments=[Lane.objects.get(code='eenvoudig').department],
                       permissions=['signals.sia_read', 'haarlem_triage.view_decision'])
    for user, budget in ((kcc, QUEUE_QUERIES), (team, QUEUE_QUERIES_TEAM)):
        client = client_for(user)
        one, body_one, _ = count(client, QUEUE, page_size=1)
        fifty, body_fifty, sql = count(client, QUEUE, page_size=50)
        assert body_one['count'] == 52 and len(body_one['results']) == 1 and len(body_fifty['results']) == 50
        assert one == fifty == budget, sql
