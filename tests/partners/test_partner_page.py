"""The partner's page behind the signed link: what it shows, what it refuses, how it answers."""
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.partners import links, services
from signals_haarlem.partners.models import Forward, ForwardAnswer
from tests.factories import make_signal

from .conftest import REPORTER_EMAIL, REPORTER_PHONE, png

pytestmark = pytest.mark.django_db


def url(forward):
    return reverse('partner_pages:forward', args=[links.forward_token(forward)])


@pytest.fixture
def chatty_signal(afval_category):
    """A reporter who typed their own contact details into the report."""
    return make_signal(afval_category, reporter={'email': REPORTER_EMAIL, 'phone': REPORTER_PHONE},
                       text=f'Container vol. Bel me op {REPORTER_PHONE} of mail {REPORTER_EMAIL}.')


def assert_no_contact(html):
    assert REPORTER_EMAIL not in html and REPORTER_EMAIL.split('@')[0] not in html
    assert REPORTER_PHONE not in html and '12345678' not in html


def test_page_shows_job_without_reporter_contact(client, partner, chatty_signal):
    forward = services.forward_signal(chatty_signal, partner, f'Melder ({REPORTER_EMAIL}) wil teruggebeld worden')
    response = client.get(url(forward))
    assert response.status_code == 200
    html = response.content.decode()
    assert signalen.id_display(chatty_signal) in html and 'Container vol.' in html and 'Container is vol' in html
    assert_no_contact(html)
    assert response['Cache-Control'] == 'no-store, private' and response['Referrer-Policy'] == 'same-origin'
    assert 'werkplek' not in html.lower()  # its own layout, not the staff shell


def test_answer_through_page(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    response = client.post(url(forward), {'text': 'Geleegd om 10:00', 'resolved': 'ja', 'answered_by': 'Piet',
                                          'photos': [png(), png('twee.png')]})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'uw reactie is ontvangen' in html
    assert_no_contact(html)
    answer = ForwardAnswer.objects.get()
    assert answer.via == 'link' and answer.answered_by == 'Piet' and answer.photos.count() == 2
    signal.refresh_from_db()
    assert signal.status.state == 'closure requested'


def test_used_link_refused_with_410(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    link = url(forward)
    client.post(link, {'text': 'Gedaan', 'resolved': 'ja'})
    for response in (client.get(link), client.post(link, {'text': 'Nog eens', 'resolved': 'ja'})):
        assert response.status_code == 410
        assert 'al beantwoord' in response.content.decode()
    assert ForwardAnswer.objects.count() == 1


def test_invalid_answer_shows_errors_and_stores_nothing(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    response = client.post(url(forward), {'text': '', 'photos': [png('virus.png', b'MZ\x90\x00' * 10)]})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'Beschrijf wat u heeft gedaan.' in html and 'Geef aan of het probleem is opgelost.' in html
    assert 'virus.png' in html and 'niet toegestaan' in html
    assert_no_contact(html)
    assert not ForwardAnswer.objects.exists()
    forward.refresh_from_db()
    assert forward.status == Forward.OPEN


def test_tampered_link_refused_with_403(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    token = links.forward_token(forward)
    for bad in (token[:-2] + ('aa' if not token.endswith('aa') else 'bb'), 'onzin', token.replace(':', '.', 1)):
        response = client.get(reverse('partner_pages:forward', args=[bad]))
        assert response.status_code == 403
        assert 'Deze link is ongeldig' in response.content.decode()


def test_token_for_another_purpose_or_other_forward_refused(client, partner, signal, afval_category):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    # Signed correctly, but for the figures purpose: refused.
    other_purpose = links.sign(links.SALT_FIGURES, forward.pk, forward.nonce)
    assert client.get(reverse('partner_pages:forward', args=[other_purpose])).status_code == 403
    # Another forward's id with this forward's nonce: refused.
    second = services.forward_signal(make_signal(afval_category), partner, 'Ook deze')
    forged = links.sign(links.SALT_FORWARD, second.pk, forward.nonce)
    assert client.get(reverse('partner_pages:forward', args=[forged])).status_code == 403
    # Signed with another key: refused.
    alien = signing.TimestampSigner(key='other-secret', salt=links.SALT_FORWARD).sign_object(
        {'id': forward.pk, 'n': forward.nonce})
    assert client.get(reverse('partner_pages:forward', args=[alien])).status_code == 403


def test_expired_link_refused_with_410(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    Forward.objects.filter(pk=forward.pk).update(link_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(url(forward))
    assert response.status_code == 410 and 'verlopen' in response.content.decode()
    response = client.post(url(forward), {'text': 'Te laat', 'resolved': 'ja'})
    assert response.status_code == 410 and not ForwardAnswer.objects.exists()


def test_old_signature_refused_even_if_record_says_valid(client, partner, signal, settings):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    token = links.forward_token(forward)
    later = timezone.now() + timedelta(days=links.forward_link_days() * 4 + 1)
    import time
    real_time = time.time
    try:
        time.time = lambda: later.timestamp()
        response = client.get(reverse('partner_pages:forward', args=[token]))
    finally:
        time.time = real_time
    assert response.status_code == 410


def test_withdrawn_link_refused(client, partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen graag')
    link = url(forward)
    services.withdraw_forward(forward, reason='Zelf opgelost')
    response = client.get(link)
    assert response.status_code == 410 and 'ingetrokken' in response.content.decode()
