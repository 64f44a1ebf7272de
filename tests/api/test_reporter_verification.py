"""A new e-mail address for the reporter takes effect only once the reporter confirms it (staff may
mistype it; mail about a report must not reach a stranger): the pending record and its state, the
link mailed to the new address, the frontend's POST /public/reporter/verify-email, cancelling, and
the previous address told about the change."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from signals_haarlem.standalone.models import History, Reporter, ReporterVerification, Signal
from tests.api.test_signals_support import LIST, amsterdam  # noqa: F401  (fixtures)
from tests.factories import make_signal

pytestmark = pytest.mark.django_db

VERIFY = '/signals/v1/public/reporter/verify-email'


@pytest.fixture
def signal(amsterdam):
    return make_signal(amsterdam.asbest, reporter={'email': 'oud@example.com', 'phone': '0611111111'})


def change(client, signal, capture, **body):
    with capture(execute=True):
        response = client.post(f'{LIST}{signal.pk}/reporters', {'phone': '0611111111', 'sharing_allowed': False,
                                                                 **body}, format='json')
    assert response.status_code == 201, response.content
    return response.json()


def states(client, signal):
    return [(r['email'], r['state']) for r in client.get(f'{LIST}{signal.pk}/reporters').json()['results']]


def test_a_new_address_waits_for_the_reporter(admin_client_api, api_client, signal, mailoutbox,
                                              django_capture_on_commit_callbacks):
    body = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='nieuw@example.com')
    assert body['state'] == 'verification_email_sent'
    signal.refresh_from_db()
    assert signal.reporter.email == 'oud@example.com'  # still the confirmed one
    assert states(admin_client_api, signal) == [('nieuw@example.com', 'verification_email_sent'),
                                               ('oud@example.com', 'approved')]
    # the link goes to the new address only
    assert [m.to for m in mailoutbox] == [['nieuw@example.com']]
    token = re.search(r'/verify-email/(\S+)', mailoutbox[0].body).group(1)
    assert signal.id_display in mailoutbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(VERIFY, {'token': token}, format='json')
    assert response.status_code == 200 and response.json() == {'token': token}
    signal.refresh_from_db()
    assert signal.reporter.email == 'nieuw@example.com' and signal.reporter.pk == body['id']
    assert states(admin_client_api, signal)[0] == ('nieuw@example.com', 'approved')
    line = History.objects.filter(_signal=signal, what='UPDATE_REPORTER').first()
    assert line.object_pk == body['id'] and 'bevestigd' in line.description
    # the previous address hears of it
    assert mailoutbox[-1].to == ['oud@example.com'] and 'gewijzigd' in mailoutbox[-1].subject
    # a link works once
    again = api_client.post(VERIFY, {'token': token}, format='json')
    assert again.status_code == 400 and again.json() == {'token': ['Dit e-mailadres is al bevestigd.']}


def test_other_changes_take_effect_at_once(admin_client_api, signal, mailoutbox, django_capture_on_commit_callbacks):
    body = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='OUD@example.com',
                  phone='0622222222', sharing_allowed=True)
    assert body['state'] == 'approved'
    signal.refresh_from_db()
    assert signal.reporter.phone == '0622222222' and signal.reporter.sharing_allowed
    body = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='')  # no address any more
    signal.refresh_from_db()
    assert body['state'] == 'approved' and signal.reporter.email == ''
    assert mailoutbox == [] and not ReporterVerification.objects.exists()


def test_a_newer_change_or_staff_cancel_the_waiting_one(admin_client_api, api_client, signal,
                                                        django_capture_on_commit_callbacks, mailoutbox):
    first = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='typo@exmaple.com')
    second = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='goed@example.com')
    assert [s for _, s in states(admin_client_api, signal)] == ['verification_email_sent', 'cancelled', 'approved']
    typo_token = ReporterVerification.objects.get(pk=first['id']).token
    refused = api_client.post(VERIFY, {'token': typo_token}, format='json')
    assert refused.status_code == 400 and 'ingetrokken' in refused.json()['token'][0]

    response = admin_client_api.post(f'{LIST}{signal.pk}/reporters/{second["id"]}/cancel')
    assert response.status_code == 200 and response.json()['state'] == 'cancelled'
    assert admin_client_api.post(f'{LIST}{signal.pk}/reporters/{second["id"]}/cancel').status_code == 400
    signal.refresh_from_db()
    assert signal.reporter.email == 'oud@example.com'
    assert History.objects.filter(_signal=signal, what='REPORTER_VERIFICATION',
                                  action='Wijziging van het e-mailadres geannuleerd').count() == 1


def test_unknown_expired_and_garbage_tokens_are_400(admin_client_api, api_client, signal,
                                                    django_capture_on_commit_callbacks):
    body = change(admin_client_api, signal, django_capture_on_commit_callbacks, email='nieuw@example.com')
    verification = ReporterVerification.objects.get(pk=body['id'])
    ReporterVerification.objects.filter(pk=body['id']).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = api_client.post(VERIFY, {'token': verification.token}, format='json')
    assert expired.status_code == 400 and 'verlopen' in expired.json()['token'][0]
    for payload in ({'token': 'bestaat-niet'}, {}, {'token': ''}, {'token': 'x' * 65}):
        response = api_client.post(VERIFY, payload, format='json')
        assert response.status_code == 400 and 'token' in response.json(), payload
    signal.refresh_from_db()
    assert signal.reporter.email == 'oud@example.com'
    assert Reporter.objects.filter(_signal=signal).count() == 2 and Signal.objects.count() == 1
