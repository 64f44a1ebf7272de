"""The complaints API: roles, field errors without writes, the main steps."""
import datetime

import pytest

from signals_haarlem.complaints import services, workflow
from signals_haarlem.complaints.models import Complaint, ComplaintEvent, Letter
from tests.conftest import bearer

from .conftest import intake_data, make_user

BASE = '/signals/v1/haarlem/complaints/'


def client_for(api_client, user):
    api_client.credentials(**bearer(user))
    return api_client


def rows(response):
    body = response.json()
    return body['results'] if isinstance(body, dict) else body


def _post(client, url, data):
    return client.post(url, data, format='json')


def test_intake_by_api_and_acknowledge(api_client, coordinator):
    client = client_for(api_client, coordinator)
    data = {**intake_data(), 'received_on': '2025-03-03', 'conduct_date': '2025-02-27', 'acknowledge': True}
    response = _post(client, BASE, data)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body['reference'] == 'KL-2025-0001' and body['state'] == workflow.ACKNOWLEDGED
    assert body['term_last_day'] == '2025-04-14'
    assert [l['kind'] for l in body['letters']] == ['acknowledgement']


def test_bad_input_is_400_with_field_errors_and_writes_nothing(api_client, coordinator):
    client = client_for(api_client, coordinator)
    response = _post(client, BASE, {**intake_data(complainant_name='', complainant_address='', complainant_email=''),
                                    'received_on': '2025-03-03', 'conduct_date': '2025-02-27'})
    assert response.status_code == 400
    assert {'complainant_name', 'complainant_address'} <= set(response.json())
    response = _post(client, BASE, {'channel': 'duif', 'form': 'schriftelijk', 'subject': 'x'})
    assert response.status_code == 400 and 'channel' in response.json()
    response = _post(client, BASE, {**intake_data(), 'received_on': '2025-03-03', 'conduct_date': '2025-02-27',
                                    'secret': 1})
    assert response.status_code == 400 and 'secret' in response.json()
    assert not Complaint.objects.exists() and not ComplaintEvent.objects.exists()


def test_refused_transition_is_400_and_changes_nothing(api_client, make_complaint, handler, coordinator):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    client = client_for(api_client, handler)
    url = f'{BASE}{complaint.pk}/transition/'
    response = _post(client, url, {'to': workflow.CONCLUDED, 'data': {'findings': 'x', 'judgement': 'gegrond'}})
    assert response.status_code == 400 and 'to' in response.json()
    response = _post(client, url, {'to': workflow.NOT_HANDLED, 'data': {'ground': 'z'}})
    assert response.status_code == 400 and {'ground', 'explanation'} <= set(response.json())
    complaint.refresh_from_db()
    assert complaint.state == workflow.RECEIVED and not complaint.letters.exists()
    response = _post(client, url, {'to': workflow.ACKNOWLEDGED, 'reason': 'Binnengekomen per brief'})
    assert response.status_code == 200 and response.json()['state'] == workflow.ACKNOWLEDGED


def test_assign_refuses_person_complained_about_by_api(api_client, make_complaint, coordinator, employee):
    complaint = make_complaint(employee=employee)
    client = client_for(api_client, coordinator)
    response = _post(client, f'{BASE}{complaint.pk}/assign/', {'handler': employee.pk})
    assert response.status_code == 400 and 'Awb 9:7' in response.json()['handler'][0]


def test_handler_cannot_assign(api_client, make_complaint, coordinator, handler, other_handler):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    response = _post(client_for(api_client, handler), f'{BASE}{complaint.pk}/assign/', {'handler': other_handler.pk})
    assert response.status_code == 403


def test_extension_by_api(api_client, make_complaint, coordinator):
    complaint = make_complaint(received_on=datetime.date.today())
    client = client_for(api_client, coordinator)
    response = _post(client, f'{BASE}{complaint.pk}/extend/', {'weeks': 6, 'reason': 'x'})
    assert response.status_code == 400 and 'weeks' in response.json()
    response = _post(client, f'{BASE}{complaint.pk}/extend/', {'weeks': 3, 'reason': 'Onderzoek bij Spaarnelanden'})
    assert response.status_code == 200 and response.json()['extension_weeks'] == 3
    assert Letter.objects.filter(complaint=complaint, kind='extension').count() == 1  # nobody complained about


def test_learning_and_measures_by_api(api_client, make_complaint, coordinator):
    complaint = make_complaint()
    client = client_for(api_client, coordinator)
    response = client.put(f'{BASE}{complaint.pk}/learning/', {'norms': [7, 3], 'cause': 'bejegening'}, format='json')
    assert response.status_code == 200 and sorted(response.json()['norms']) == [3, 7]
    response = client.put(f'{BASE}{complaint.pk}/learning/', {'norms': [99]}, format='json')
    assert response.status_code == 400 and 'norms' in response.json()
    response = _post(client, f'{BASE}{complaint.pk}/measures/',
                     {'description': 'Training', 'due_date': '2099-01-01', 'owner_name': 'Teamleider KCC'})
    assert response.status_code == 201
    measure_id = response.json()['id']
    response = client.patch(f'{BASE}measures/{measure_id}/', {'status': 'gereed'}, format='json')
    assert response.status_code == 200 and response.json()['status'] == 'gereed'
    response = client.patch(f'{BASE}measures/{measure_id}/', {'status': 'gereed'}, format='json')
    assert response.status_code == 400


def test_norms_and_causes(api_client, handler):
    client = client_for(api_client, handler)
    norms = client.get(f'{BASE}norms/').json()
    assert len(norms) == 22 and {n['group'] for n in norms} == {'A', 'B', 'C', 'D'}
    assert norms[6] == {'number': 7, 'group': 'B', 'group_name': 'Respectvol', 'name': 'Fatsoenlijke bejegening',
                        'description': norms[6]['description']}


def test_register_and_reports_endpoints(api_client, make_complaint, coordinator):
    make_complaint()
    client = client_for(api_client, coordinator)
    response = client.get(f'{BASE}register/?year=2025')
    assert response.status_code == 200 and len(response.json()['results']) == 1
    response = client.get(f'{BASE}register/?year=2025&export=csv')
    assert response.status_code == 200 and response['Content-Type'].startswith('text/csv')
    response = client.get(f'{BASE}register/?year=2025&export=xlsx')
    assert response.status_code == 200 and response.content[:2] == b'PK'
    response = client.get(f'{BASE}reports/annual/?year=2025')
    assert response.status_code == 200 and response.json()['total'] == 1
    response = client.get(f'{BASE}reports/learning/?year=2025')
    assert response.status_code == 200
    assert client.get(f'{BASE}terms/').json()[0]['term_last_day'] == '2025-04-14'


# -- permissions -----------------------------------------------------------------------------------

def test_without_a_complaint_role_nothing_is_readable(api_client, make_complaint, outsider):
    complaint = make_complaint()
    services.transition(complaint, workflow.ACKNOWLEDGED)
    letter = complaint.letters.get()
    client = client_for(api_client, outsider)
    for url in (BASE, f'{BASE}{complaint.pk}/', f'{BASE}{complaint.pk}/events/', f'{BASE}{complaint.pk}/measures/',
                f'{BASE}letters/{letter.pk}/pdf/', f'{BASE}register/?year=2025', f'{BASE}publication/?year=2025',
                f'{BASE}terms/', f'{BASE}measures/', f'{BASE}reports/annual/?year=2025'):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert complaint.complainant_name.encode() not in response.content
    response = _post(client, f'{BASE}{complaint.pk}/transition/', {'to': workflow.INFORMAL})
    assert response.status_code in (403, 404)
    assert _post(client, BASE, {**intake_data(), 'received_on': '2025-03-03'}).status_code == 403


def test_anonymous_requests_are_refused(api_client, make_complaint):
    complaint = make_complaint()
    assert api_client.get(BASE).status_code in (401, 403)
    assert api_client.get(f'{BASE}{complaint.pk}/').status_code in (401, 403)


def test_handler_sees_only_own_complaints(api_client, make_complaint, coordinator, handler, other_handler):
    mine = make_complaint()
    theirs = make_complaint()
    services.assign(mine, handler, coordinator)
    services.assign(theirs, other_handler, coordinator)
    client = client_for(api_client, handler)
    assert [c['reference'] for c in rows(client.get(BASE))] == [mine.reference]
    assert client.get(f'{BASE}{theirs.pk}/').status_code == 404
    assert _post(client, f'{BASE}{theirs.pk}/transition/', {'to': workflow.ACKNOWLEDGED}).status_code == 404
    assert client.get(f'{BASE}register/?year=2025').status_code == 403


def test_coordinator_sees_all(api_client, make_complaint, coordinator):
    make_complaint()
    make_complaint()
    assert len(rows(client_for(api_client, coordinator).get(BASE))) == 2


def test_intake_staff_register_but_cannot_read_back(api_client, complaint_fixtures):
    clerk = make_user('balie@haarlem.nl', 'Klachtregistratie (intake)')
    client = client_for(api_client, clerk)
    response = _post(client, BASE, {**intake_data(), 'received_on': '2025-03-03', 'conduct_date': '2025-02-27'})
    assert response.status_code == 201
    assert set(response.json()) == {'id', 'reference', 'state'}
    assert client.get(f"{BASE}{response.json()['id']}/").status_code == 403


def test_report_reader_sees_figures_not_contents(api_client, make_complaint, complaint_fixtures):
    make_complaint()
    reader = make_user('raad@haarlem.nl', 'Klachtrapportage (lezen)')
    client = client_for(api_client, reader)
    assert client.get(f'{BASE}reports/annual/?year=2025').status_code == 200
    assert client.get(BASE).status_code == 403
    assert client.get(f'{BASE}register/?year=2025').status_code == 403


GARBAGE = [{'to': 'afgehandeld', 'data': {'findings': ['x'], 'judgement': {'a': 1}, 'norms': 7, 'measures': 'x'}},
           {'to': 'informeel', 'data': {'approach': 5}}, {'to': 'opgelost', 'data': {'confirmed_on': '2025-02-30',
                                                                                   'how': ['telefoon']}},
           {'to': 'hoorzitting', 'data': {'planned_at': '2025-13-45T10:00', 'location': None}},
           {'to': 'afgehandeld', 'data': {'findings': 'x', 'judgement': 'gegrond', 'cause': ['x'],
                                          'measures': [{'description': 1, 'due_date': 5, 'owner': 'x'}]}},
           {'to': None}, {'data': []}, 'text', []]


@pytest.mark.parametrize('payload', GARBAGE)
def test_garbage_is_a_400_not_a_500(api_client, make_complaint, coordinator, handler, payload):
    complaint = make_complaint()
    services.assign(complaint, handler, coordinator)
    client = client_for(api_client, coordinator)
    response = client.post(f'{BASE}{complaint.pk}/transition/', payload, format='json')
    assert response.status_code == 400
    for path, body in (('extend/', {'weeks': 'vier'}), ('postpone/', {'until': 'morgen'}), ('learning/', {'norms': 'x'}),
                       ('learning/', {'cause': ['x']}), ('measures/', {'description': ''}), ('assign/', {'handler': 'x'}),
                       ('copy-sent/', {'sent_on': '2025-02-30'}), ('ombudsman/', {'received_on': 1})):
        assert client.post(f'{BASE}{complaint.pk}/{path}', body, format='json').status_code == 400, path
    assert client.get(f'{BASE}?year=abc').status_code == 400
    assert client.get(f'{BASE}reports/annual/?year=99999').status_code == 400
