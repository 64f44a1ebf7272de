"""The search used by Signalen's `/private/search` and the werkplek search box: with Elasticsearch its
ids (best match first) are intersected with what the user may see and keep their order; without it,
or when it fails, the database answers. Complaints only for complaint roles, a handler only their own."""
import datetime

import pytest
from django.contrib.auth.models import Group

from signals_haarlem import signalen
from signals_haarlem.complaints import fixtures as complaint_fixtures
from signals_haarlem.complaints import services as complaint_services
from signals_haarlem.search import services
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, address, make_signal

pytestmark = pytest.mark.django_db

SEARCH = '/signals/v1/private/search'


@pytest.fixture
def world(db):
    een, cpx = DepartmentFactory(code='EEN', name='Team Eenvoudig'), DepartmentFactory(code='CPX', name='Team Complex')
    afval = CategoryFactory(slug='container-vol', name='Container is vol', departments=[een])
    boom = CategoryFactory(slug='boom-ziek', name='Boom ziek', departments=[cpx])
    a = make_signal(afval, text='Container bij de vijver vol', address=address('Zijlweg', 12))
    b = make_signal(boom, text='Boom bij de vijver hangt scheef')
    c = make_signal(afval, text='Vuilniszakken naast container bij de vijver')
    user = UserFactory(username='een@haarlem.nl', departments=[een], permissions=['signals.sia_read'])
    return {'a': a, 'b': b, 'c': c, 'een_user': user}


def _ids(client, user, **params):
    response = client.get(SEARCH, params, **bearer(user))
    assert response.status_code == 200, response.content
    return [row['id'] for row in response.json()['results']]


@pytest.mark.standalone_only("Signalen's /private/search: inside upstream it is upstream's own view (on its "
                              "Elasticsearch); Haarlem's search backs the standalone core's")
def test_api_with_elasticsearch_keeps_its_order_within_the_users_rights(es, world, api_client):
    # Elasticsearch ranks c, b, a; b is of a category the user may not see
    es.answer = [world['c'].pk, world['b'].pk, world['a'].pk]
    assert _ids(api_client, world['een_user'], q='vijver') == [world['c'].pk, world['a'].pk]
    index, body = es.searches[-1]
    assert index == ['haarlem-signals']
    assert [clause['multi_match']['query'] for clause in body['query']['bool']['must']] == ['vijver']
    # an explicit ordering wins over the ranking
    assert _ids(api_client, world['een_user'], q='vijver', ordering='created_at') == [world['a'].pk, world['c'].pk]


@pytest.mark.standalone_only("Signalen's /private/search: inside upstream it is upstream's own view (on its "
                              "Elasticsearch); Haarlem's search backs the standalone core's")
def test_api_without_elasticsearch_searches_the_database(no_es, world, api_client):
    assert _ids(api_client, world['een_user'], q='vijver') == [world['c'].pk, world['a'].pk]  # newest first
    assert _ids(api_client, world['een_user'], q='zijlweg vijver') == [world['a'].pk]
    assert _ids(api_client, world['een_user'], q=f'SIG-{world["b"].pk}') == []  # not theirs
    assert no_es.searches == []


@pytest.mark.standalone_only("Signalen's /private/search: inside upstream it is upstream's own view (on its "
                              "Elasticsearch); Haarlem's search backs the standalone core's")
def test_api_falls_back_to_the_database_when_elasticsearch_fails(es, world, api_client, caplog):
    es.fail_search = True
    assert _ids(api_client, world['een_user'], q='vuilniszakken') == [world['c'].pk]
    assert len(es.searches) == 1 and 'database search answers instead' in caplog.text


@pytest.mark.standalone_only("Signalen's /private/search: inside upstream it is upstream's own view (on its "
                              "Elasticsearch); Haarlem's search backs the standalone core's")
def test_an_id_is_found_without_asking_elasticsearch(es, world, api_client):
    assert _ids(api_client, world['een_user'], q=f'sig-{world["a"].pk}') == [world['a'].pk]
    assert es.searches == []


def test_boundary_visible_signals_follows_category_rights(world):
    assert set(signalen.visible_signals(world['een_user']).values_list('pk', flat=True)) == {world['a'].pk,
                                                                                            world['c'].pk}
    nobody = UserFactory(username='nobody@haarlem.nl')  # no sia_read
    assert not signalen.visible_signals(nobody).exists()
    admin = UserFactory(username='root@haarlem.nl', is_superuser=True)
    assert signalen.visible_signals(admin).count() == 3


# -- complaints and the werkplek search -----------------------------------------------------------------

@pytest.fixture
def complaints(world):
    complaint_fixtures.load()
    coordinator = UserFactory(username='coordinator@haarlem.nl', permissions=['signals.sia_read'])
    coordinator.groups.add(Group.objects.get(name='Klachtcoördinator'))
    handler = UserFactory(username='behandelaar@haarlem.nl')
    handler.groups.add(Group.objects.get(name='Klachtbehandelaar'))

    def complaint(subject, **extra):
        return complaint_services.register_complaint({
            'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
            'complainant_name': 'Petra de Vries', 'complainant_email': 'petra@example.com',
            'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE', 'complainant_city': 'Haarlem',
            'subject': subject, 'conduct_description': 'Bij de vijver onbeleefd behandeld.',
            'conduct_date': datetime.date(2025, 2, 27), **extra})
    mine = complaint('Onvriendelijk aan de balie')
    complaint_services.assign(mine, handler, user=coordinator)
    other = complaint('Geen reactie op melding')
    return {'coordinator': coordinator, 'handler': handler, 'mine': mine, 'other': other}


def test_complaints_only_for_complaint_roles_in_the_database(no_es, world, complaints):
    assert {c.pk for c in services.search_complaints(complaints['coordinator'], 'vijver')} == {
        complaints['mine'].pk, complaints['other'].pk}
    assert [c.pk for c in services.search_complaints(complaints['handler'], 'vijver')] == [complaints['mine'].pk]
    assert list(services.search_complaints(world['een_user'], 'vijver')) == []
    reference = complaints['other'].reference.lower()
    assert [c.pk for c in services.search_complaints(complaints['coordinator'], reference)] == [complaints['other'].pk]


def test_complaints_with_elasticsearch_are_limited_to_the_handlers_own(es, world, complaints):
    es.answer = [complaints['other'].pk, complaints['mine'].pk]
    assert [c.pk for c in services.search_complaints(complaints['handler'], 'vijver')] == [complaints['mine'].pk]
    assert es.searches[-1][0] == ['haarlem-complaints']
    assert es.searches[-1][1]['query']['bool']['filter'] == [{'term': {'handler_id': complaints['handler'].pk}}]
    assert [c.pk for c in services.search_complaints(complaints['coordinator'], 'vijver')] == [
        complaints['other'].pk, complaints['mine'].pk]


def test_search_for_user_combines_signals_and_complaints(no_es, world, complaints):
    result = services.search_for_user(complaints['coordinator'], 'vijver', limit=1)
    assert result['signal_count'] == 0  # the coordinator has no department: no signals
    assert result['complaint_count'] == 2 and len(result['complaints']) == 1
    result = services.search_for_user(world['een_user'], 'vijver')
    assert [s.pk for s in result['signals']] == [world['c'].pk, world['a'].pk]
    assert result['complaints'] is None  # no complaint role: no complaints section at all
    assert services.search_for_user(world['een_user'], '   ')['signal_count'] == 0
