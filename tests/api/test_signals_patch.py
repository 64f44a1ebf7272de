"""Every PATCH body the backoffice sends (FRONTEND-ENDPOINTS.md), and refused PATCHes that write nothing."""
import pytest

from signals_haarlem.standalone.models import History, Signal
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    amsterdam, counts, create_public, detail_url, public_body, staff,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUB_URL = 'http://testserver/signals/v1/public/terms/categories/afval/sub_categories/bedrijfsafval'


@pytest.fixture
def signal(api_client, amsterdam):
    return create_public(api_client, public_body(reporter={'email': 'melder@example.com', 'phone': '0612345678'}))


def patch(client, signal, body):
    return client.patch(detail_url(signal), body, format='json')


def last_history(signal):
    return History.objects.filter(_signal=signal).order_by('-when', '-pk').first()


def test_priority(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'priority': {'priority': 'high'}})
    assert response.status_code == 200, response.content
    assert response.json()['priority'] == {'priority': 'high', 'created_by': 'admin@haarlem.nl'}
    signal.refresh_from_db()
    assert signal.priority.priority == 'high'
    assert last_history(signal).action == 'Urgentie gewijzigd naar: Hoog'


def test_type(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'type': {'code': 'REQ'}})
    assert response.status_code == 200
    assert response.json()['type']['code'] == 'REQ'
    signal.refresh_from_db()
    assert signal.type_assignment.name == 'REQ'


def test_status_with_text(admin_client_api, signal, mailoutbox):
    response = patch(admin_client_api, signal, {'status': {'state': 'b', 'text': 'Opgepakt', 'send_email': False}})
    assert response.status_code == 200
    status = response.json()['status']
    assert (status['state'], status['text'], status['user'], status['send_email']) == \
        ('b', 'Opgepakt', 'admin@haarlem.nl', False)
    assert last_history(signal).description == 'Opgepakt'


def test_status_ready_to_send_to_thor(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'status': {'state': 'ready to send', 'text': 'Te verzenden naar THOR',
                                                           'target_api': 'sigmax'}})
    assert response.status_code == 200, response.content
    assert response.json()['status']['target_api'] == 'sigmax'
    assert response.json()['status']['state_display'] == 'Extern: te verzenden'


def test_status_forward_to_external(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'status': {
        'state': 'forward to external', 'text': 'Graag oppakken', 'send_email': True,
        'email_override': 'aannemer@example.com'}})
    assert response.status_code == 200, response.content
    status = response.json()['status']
    assert (status['state'], status['email_override'], status['send_email']) == \
        ('forward to external', 'aannemer@example.com', True)


def test_forward_to_external_needs_address_text_and_send_email(admin_client_api, signal):
    before = counts()
    response = patch(admin_client_api, signal, {'status': {'state': 'forward to external', 'text': 'x'}})
    assert response.status_code == 400 and 'status' in response.json()
    assert counts() == before


def test_sub_category_with_status_m(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'status': {'state': 'm'}, 'category': {'sub_category': SUB_URL}})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body['category']['category_url'] == SUB_URL
    assert body['category']['departments'] == 'ASC, AEG'
    assert body['status']['state'] == 'm'
    signal.refresh_from_db()
    assert signal.category_assignment.category.slug == 'bedrijfsafval'


def test_same_category_changes_nothing(admin_client_api, signal):
    assignment = signal.category_assignment_id
    url = 'http://testserver/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu'
    assert patch(admin_client_api, signal, {'category': {'sub_category': url}}).status_code == 200
    signal.refresh_from_db()
    assert signal.category_assignment_id == assignment


def test_notes(admin_client_api, signal):
    response = patch(admin_client_api, signal, {'notes': [{'text': 'Buurman gebeld'}]})
    assert response.status_code == 200
    assert response.json()['notes'][0] == {'text': 'Buurman gebeld', 'created_by': 'admin@haarlem.nl'}
    assert last_history(signal).action == 'Notitie toegevoegd:'


def test_location_as_the_frontend_sends_it(admin_client_api, signal):
    location = admin_client_api.get(detail_url(signal)).json()['location']
    location['geometrie'] = {'type': 'Point', 'coordinates': [4.6368, 52.3812]}
    location['address'] = {'openbare_ruimte': 'Grote Markt', 'huisnummer': '2', 'postcode': '2011RD',
                           'woonplaats': 'Haarlem'}
    location['stadsdeel'] = 'Centrum'
    response = patch(admin_client_api, signal, {'location': location})
    assert response.status_code == 200, response.content
    body = response.json()['location']
    assert body['geometrie']['coordinates'] == [4.6368, 52.3812]
    assert body['address_text'] == 'Grote Markt 2 2011RD Haarlem'
    assert (body['postcode'], body['stadsdeel'], body['created_by']) == ('2011RD', 'Centrum', 'admin@haarlem.nl')
    assert body['id'] != location['id']  # a new record; the old one stays
    assert last_history(signal).description == 'Grote Markt 2 2011RD Haarlem'


def test_assigned_user_email(admin_client_api, signal):
    UserFactory(username='behandelaar@haarlem.nl')
    response = patch(admin_client_api, signal, {'assigned_user_email': 'behandelaar@haarlem.nl'})
    assert response.status_code == 200
    assert response.json()['assigned_user_email'] == 'behandelaar@haarlem.nl'
    response = patch(admin_client_api, signal, {'assigned_user_email': None})
    assert response.status_code == 200 and response.json()['assigned_user_email'] is None
    assert last_history(signal).action == 'Melding niet meer toegewezen aan behandelaar.'


def test_assigned_unknown_user_is_refused(admin_client_api, signal):
    before = counts()
    response = patch(admin_client_api, signal, {'assigned_user_email': 'onbekend@haarlem.nl'})
    assert response.status_code == 400 and 'assigned_user_email' in response.json()
    assert counts() == before


def test_routing_departments(admin_client_api, signal, amsterdam):
    response = patch(admin_client_api, signal, {'routing_departments': [{'id': amsterdam.stw.pk}]})
    assert response.status_code == 200
    assert response.json()['routing_departments'] == [
        {'id': amsterdam.stw.pk, 'code': 'STW', 'name': 'Stadswerken', 'is_intern': True}]
    response = patch(admin_client_api, signal, {'routing_departments': []})
    assert response.status_code == 200 and response.json()['routing_departments'] == []


def test_unknown_routing_department_is_refused(admin_client_api, signal):
    before = counts()
    response = patch(admin_client_api, signal, {'routing_departments': [{'id': 999999}]})
    assert response.status_code == 400 and 'routing_departments' in response.json()
    assert counts() == before


def test_directing_departments_on_a_parent(admin_client_api, signal, amsterdam):
    Signal.actions.split([{
        'signal_data': {'text': 'deel', 'incident_date_start': signal.incident_date_start},
        'location_data': {'geometrie': signal.location.geometrie},
        'category_assignment_data': {'category': amsterdam.put}, 'reporter_data': {}}], signal)
    response = patch(admin_client_api, signal, {'directing_departments': [{'id': amsterdam.asc.pk}]})
    assert response.status_code == 200, response.content
    assert [d['code'] for d in response.json()['directing_departments']] == ['ASC']


def test_directing_departments_only_on_a_parent(admin_client_api, signal, amsterdam):
    before = counts()
    response = patch(admin_client_api, signal, {'directing_departments': [{'id': amsterdam.asc.pk}]})
    assert response.status_code == 400 and 'directing_departments' in response.json()
    assert counts() == before


def test_several_changes_in_one_patch_are_all_or_nothing(admin_client_api, signal):
    before = counts()
    response = patch(admin_client_api, signal, {'priority': {'priority': 'high'}, 'notes': [{'text': 'Eerst dit'}],
                                                'status': {'state': 'o'}})  # o needs a text: refused
    assert response.status_code == 400
    assert response.json() == {'text': ['This field is required when changing `state` to `Afgehandeld`.']}
    assert counts() == before


BAD_PATCHES = {
    'invalid transition': ({'status': {'state': 's'}}, 'state'),
    'unknown state': ({'status': {'state': 'weg'}}, 'status'),
    'application-only state': ({'status': {'state': 'sent'}}, 'status'),
    'bad priority': ({'priority': {'priority': 'urgent'}}, 'priority'),
    'bad type': ({'type': {'code': 'XYZ'}}, 'type'),
    'bad category': ({'category': {'sub_category': 'http://testserver/x'}}, 'category'),
    'inactive category': ({'category': {'sub_category': 'http://testserver/signals/v1/public/terms/categories/afval/'
                                                        'sub_categories/oud'}}, 'category'),
    'empty note': ({'notes': [{'text': ''}]}, 'notes'),
    'location outside': ({'location': {'geometrie': {'type': 'Point', 'coordinates': [0, 0]}}}, 'location'),
    'bad email': ({'assigned_user_email': 'geen-email'}, 'assigned_user_email'),
    'bad department id': ({'routing_departments': [{'id': 'x'}]}, 'routing_departments'),
    'reaction without reporter email': (None, 'state'),
}


@pytest.mark.parametrize('name', BAD_PATCHES)
def test_bad_patches_are_400_and_write_nothing(admin_client_api, api_client, amsterdam, name):
    body, field = BAD_PATCHES[name]
    if body is None:
        signal = create_public(api_client)  # no reporter e-mail
        body = {'status': {'state': 'reaction requested', 'text': 'Vraag'}}
    else:
        signal = create_public(api_client)
    before = counts()
    response = patch(admin_client_api, signal, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts() == before


def test_patch_of_a_list_or_garbage_is_400(admin_client_api, signal):
    assert admin_client_api.patch(detail_url(signal), [1, 2], format='json').status_code == 400
    assert admin_client_api.patch(detail_url(signal), '{"x', content_type='application/json').status_code == 400


def test_empty_patch_changes_nothing_and_answers_the_detail(admin_client_api, signal):
    before = counts()
    response = patch(admin_client_api, signal, {})
    assert response.status_code == 200 and response.json()['id'] == signal.pk
    assert counts() == before


def test_unknown_signal_is_404(admin_client_api, amsterdam):
    assert admin_client_api.patch(detail_url(999999), {'priority': {'priority': 'high'}}, format='json').status_code == 404
    assert admin_client_api.get(detail_url(10 ** 30)).status_code == 404


def test_changes_need_their_specific_permission(api_client, signal, amsterdam):
    from tests.api.test_signals_support import client_for
    user = staff([amsterdam.tho], ('signals.sia_read', 'signals.sia_write'))
    client = client_for(user)
    before = counts()
    for body in ({'status': {'state': 'b', 'text': 'x'}}, {'notes': [{'text': 'x'}]},
                 {'category': {'sub_category': SUB_URL}}):
        assert patch(client, signal, body).status_code == 403
    assert counts() == before
    assert patch(client, signal, {'priority': {'priority': 'low'}}).status_code == 200
