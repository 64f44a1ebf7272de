"""End-to-end API flows: a resident reports a signal (categories, submit, photo, public status) and
staff handle it in the backoffice (list, detail, status change with text, history shows it)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.test_signals_support import amsterdam, client_for, staff  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

V1 = '/signals/v1'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 64


def test_citizen_flow(api_client, amsterdam, mailoutbox):
    assert api_client.head('/signals/').status_code == 200
    categories = api_client.get(f'{V1}/public/terms/categories/').json()['results']
    afval = next(c for c in categories if c['slug'] == 'afval')
    sub = next(s for s in afval['sub_categories'] if s['slug'] == 'asbest-accu')
    detail = api_client.get(sub['_links']['self']['href'].replace('http://testserver', '')).json()

    response = api_client.post(f'{V1}/public/signals/', {
        'text': 'Er staat een lekkende accu op de stoep.',
        'location': {'geometrie': {'type': 'Point', 'coordinates': [4.6368, 52.3812]},
                     'address': {'openbare_ruimte': 'Grote Markt', 'huisnummer': 2, 'postcode': '2011RD',
                                 'woonplaats': 'Haarlem'}},
        'category': {'sub_category': detail['_links']['self']['href']},
        'reporter': {'email': 'bewoner@example.com', 'sharing_allowed': False},
        'incident_date_start': '2026-11-28T08:00:00+01:00',
        'source': 'online',
    }, format='json')
    assert response.status_code == 201, response.content
    created = response.json()
    assert created['id_display'] == f'SIG-{created["id"]}'
    uuid = created['signal_id']
    assert len(mailoutbox) == 1 and detail['handling_message'] in mailoutbox[0].body

    photo = api_client.post(f'{V1}/public/signals/{uuid}/attachments/',
                            {'signal_id': uuid, 'file': SimpleUploadedFile('accu.png', PNG)}, format='multipart')
    assert photo.status_code == 201, photo.content

    status = api_client.get(f'{V1}/public/signals/{uuid}').json()
    assert status['status'] == {'state': 'OPEN', 'state_display': 'Open'}


def test_backoffice_flow(api_client, amsterdam, mailoutbox):
    api_client.post(f'{V1}/public/signals/', {
        'text': 'Put is verstopt, water staat op straat.',
        'location': {'geometrie': {'type': 'Point', 'coordinates': [4.6368, 52.3812]}},
        'category': {'sub_category': f'{V1}/public/terms/categories/wegen-verkeer-straatmeubilair/sub_categories/'
                                     'put-riolering-verstopt'},
        'reporter': {'email': 'bewoner@example.com'},
        'incident_date_start': '2026-11-28T08:00:00+01:00',
    }, format='json')
    behandelaar = staff([amsterdam.stw], username='behandelaar@haarlem.nl')
    client = client_for(behandelaar)

    listing = client.get(f'{V1}/private/signals/', {'page': 1, 'page_size': 50, 'status': 'm',
                                                    'ordering': '-created_at'}).json()
    assert listing['count'] == 1
    row = listing['results'][0]
    assert row['category']['sub'] == 'Put / riolering verstopt' and row['status']['state'] == 'm'
    detail_path = row['_links']['self']['href'].replace('http://testserver', '')

    detail = client.get(detail_path).json()
    assert detail['reporter']['email'] == '*****'  # no right to see contact details
    assert detail['_links']['archives']['href'].endswith('/history')

    response = client.patch(detail_path, {'status': {'state': 'b', 'text': 'Ploeg is onderweg.',
                                                     'send_email': True}}, format='json')
    assert response.status_code == 200, response.content
    assert response.json()['status']['text'] == 'Ploeg is onderweg.'
    assert [m.to for m in mailoutbox][-1] == ['bewoner@example.com']

    history = client.get(detail['_links']['archives']['href'].replace('http://testserver', '')).json()
    change = next(h for h in history if h['what'] == 'UPDATE_STATUS')  # newest status line
    assert change['action'] == 'Status gewijzigd naar: In behandeling'
    assert change['description'] == 'Ploeg is onderweg.'
    assert change['who'] == 'behandelaar@haarlem.nl'
    notes = [h['description'] for h in history if h['what'] == 'CREATE_NOTE']
    assert notes[0].startswith('Automatische e-mail bij status "In behandeling"')
    assert notes[-1] == 'Automatische e-mail bij registratie van de melding is verzonden aan de melder.'

    assert client.get(f'{V1}/private/signals/', {'status': 'm'}).json()['count'] == 0
    assert client.get(f'{V1}/private/signals/', {'status': 'b'}).json()['count'] == 1
