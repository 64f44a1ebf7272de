"""Contract tests: for each upstream example that involves the signal endpoints, our answer to the same
request has the same keys at every level and the same JSON types (values such as ids and timestamps
differ; where the example has null, any type is accepted).

These run with real commits (transaction=True), so the hooks fire as in production: the creation mail
and its note are part of the answer to a private POST, as in example 10.
"""
import pytest

from signals_haarlem.standalone.models import Signal
from tests.api.test_signals_support import (  # noqa: F401  (fixtures)
    LIST, amsterdam, assert_same_shape, create_public, detail_url, example, public_body, shape_errors,
)

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = '/signals/v1/public/signals/'


def test_shape_comparer_notices_missing_keys_and_wrong_types():
    assert shape_errors({'a': 1, 'b': 'x'}, {'a': 2, 'b': 'y'}) == []
    assert shape_errors({'a': 1}, {'a': 2, 'b': 'y'})
    assert shape_errors({'a': 1, 'b': 'y', 'c': 0}, {'a': 2, 'b': 'y'})
    assert shape_errors({'a': '1'}, {'a': 1})
    assert shape_errors({'a': True}, {'a': 1})
    assert shape_errors({'a': {'b': [{'c': 1}]}}, {'a': {'b': [{'c': 'x'}]}})
    assert shape_errors({'a': 'anything'}, {'a': None}) == []  # the example's null: nullable
    assert shape_errors({'a': None}, {'a': 'text'})  # but our null where the example has a value is not


def test_01_public_categories(api_client, amsterdam):
    response = api_client.get('/signals/v1/public/terms/categories/')
    assert response.status_code == 200
    assert_same_shape(response.json(), example('01_public_categories.response.json'))
    afval = next(c for c in response.json()['results'] if c['slug'] == 'afval')
    asbest = next(s for s in afval['sub_categories'] if s['slug'] == 'asbest-accu')
    assert asbest['_links']['self']['href'] == \
        'http://testserver/signals/v1/public/terms/categories/afval/sub_categories/asbest-accu'
    assert asbest['departments'] == [{'code': 'THO', 'name': 'THOR', 'is_intern': True}]


def test_02_03_public_create_minimal_and_public_get(api_client, amsterdam):
    response = api_client.post(PUBLIC, example('02_public_signal_create.minimal.request.json'), format='json')
    assert response.status_code == 201, response.content
    body = response.json()
    assert_same_shape(body, example('02_public_signal_create.minimal.response.json'))
    assert body['status'] == {'state': 'OPEN', 'state_display': 'Open'}
    assert body['id_display'] == f'SIG-{body["id"]}' == body['_display']

    response = api_client.get(f'{PUBLIC}{body["signal_id"]}')
    assert response.status_code == 200
    assert_same_shape(response.json(), example('03_public_signal_get.response.json'))
    assert response.json()['signal_id'] == body['signal_id']


def test_09_public_create_full(api_client, amsterdam):
    response = api_client.post(PUBLIC, example('09_public_signal_create.full.request.json'), format='json')
    assert response.status_code == 201, response.content
    assert_same_shape(response.json(), example('02_public_signal_create.minimal.response.json'))
    signal = Signal.objects.get(pk=response.json()['id'])
    assert signal.text_extra == 'extra: heel luidruchtig debat'
    assert signal.location.address_text == 'Amstel 1 1011PN Amsterdam'
    assert signal.location.postcode == '1011PN'
    assert signal.location.address['huisnummer'] == 1
    assert signal.reporter.email == 'melder@example.com' and signal.reporter.sharing_allowed is True


def test_04_private_list(admin_client_api, api_client, amsterdam):
    create_public(api_client)
    api_client.post(PUBLIC, example('09_public_signal_create.full.request.json'), format='json')
    created = admin_client_api.post(LIST, example('10_private_signal_create.request.json'), format='json')
    assert created.status_code == 201, created.content
    admin_client_api.patch(detail_url(created.json()['id']), {'notes': [{'text': 'Interne notitie'}]}, format='json')

    response = admin_client_api.get(LIST, {'page_size': 2})
    assert response.status_code == 200
    body = response.json()
    assert body['count'] == 3 and len(body['results']) == 2
    assert body['_links']['next']['href'].startswith('http://testserver/signals/v1/private/signals/?')
    assert_same_shape(body, example('04_private_signals_list.response.json'))
    full = admin_client_api.get(LIST).json()
    last_page = example('04_private_signals_list.response.json')
    last_page['_links']['next']['href'] = None  # no next page: null, as upstream's previous on page 1
    assert_same_shape(full, last_page)


def test_05_07_08_status_changes_detail_and_history(admin_client_api, api_client, amsterdam):
    signal = create_public(api_client, example('02_public_signal_create.minimal.request.json'))
    response = admin_client_api.patch(detail_url(signal), example('05_private_signal_patch_status.request.json'),
                                      format='json')
    assert response.status_code == 200, response.content
    assert_same_shape(response.json(), example('05_private_signal_patch_status.response.json'))
    assert response.json()['status']['state'] == 'b'
    assert response.json()['status']['text'] == 'We gaan ermee aan de slag.'

    response = admin_client_api.patch(detail_url(signal), {'status': {'state': 'o', 'text': 'Het afval is opgehaald.'}},
                                      format='json')
    assert response.status_code == 200, response.content

    response = admin_client_api.get(detail_url(signal))
    assert response.status_code == 200
    assert_same_shape(response.json(), example('08_private_signal_detail.response.json'))
    assert response.json()['status']['state_display'] == 'Afgehandeld'

    response = admin_client_api.get(f'{detail_url(signal)}/history')
    assert response.status_code == 200
    history = response.json()
    assert_same_shape(history, example('07_private_signal_history.response.json'))
    assert [h['action'] for h in history[:2]] == ['Status gewijzigd naar: Afgehandeld',
                                                  'Status gewijzigd naar: In behandeling']
    assert history[0]['who'] == 'admin@haarlem.nl'
    assert history[-1]['who'] == 'Signalen systeem'
    assert {h['what'] for h in history} >= {'UPDATE_STATUS', 'UPDATE_LOCATION', 'UPDATE_CATEGORY_ASSIGNMENT',
                                           'UPDATE_SLA', 'UPDATE_PRIORITY', 'UPDATE_TYPE_ASSIGNMENT'}


def test_10_private_create(admin_client_api, amsterdam, mailoutbox):
    response = admin_client_api.post(LIST, example('10_private_signal_create.request.json'), format='json')
    assert response.status_code == 201, response.content
    body = response.json()
    assert_same_shape(body, example('10_private_signal_create.response.json'))
    assert body['source'] == 'Telefoon'
    assert body['category']['departments'] == 'STW'
    assert body['notes'] == [{'text': 'Automatische e-mail bij registratie van de melding is verzonden aan de melder.',
                              'created_by': None}]
    assert body['location']['created_by'] == body['status']['user'] == 'admin@haarlem.nl'
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ['melder@example.com']


def test_12_private_patch_multi(admin_client_api, amsterdam):
    created = admin_client_api.post(LIST, example('10_private_signal_create.request.json'), format='json').json()
    response = admin_client_api.patch(detail_url(created['id']), example('12_private_signal_patch_multi.request.json'),
                                      format='json')
    assert response.status_code == 200, response.content
    body = response.json()
    assert_same_shape(body, example('12_private_signal_patch_multi.response.json'))
    assert body['priority'] == {'priority': 'high', 'created_by': 'admin@haarlem.nl'}
    assert body['category']['sub_slug'] == 'bedrijfsafval' and body['category']['text'] == 'Hercategorisatie'
    assert body['category']['departments'] == 'ASC, AEG'
    assert body['notes'][0] == {'text': 'Interne notitie', 'created_by': 'admin@haarlem.nl'}
