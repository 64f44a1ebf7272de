"""Complaints about a partner's work, forwarded for its response: same link and norms, never the complainant."""
from datetime import date

import pytest
from django.urls import reverse

from signals_haarlem.partners import hooks, links, periods, reviews, services
from signals_haarlem.partners.models import Forward, PartnerToken
from tests.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BASE = '/signals/v1/haarlem/partners/'


@pytest.fixture
def complaint(partner):
    from signals_haarlem.complaints.models import Complaint
    return Complaint.objects.create(
        reference='KL-2025-0042', channel='email', form='schriftelijk', received_on=date(2025, 2, 10),
        complainant_name='Marieke de Klager', complainant_email='marieke@example.com', complainant_phone='0687654321',
        complainant_address='Zijlweg 12', complainant_postcode='2015 BA',
        subject='Onvriendelijke vuilnisman', department_concerned=partner.department,
        conduct_description='Marieke de Klager (Zijlweg 12) werd afgesnauwd. Bel 0687654321 of marieke@example.com.')


@pytest.fixture
def coordinator(db):
    return UserFactory(username='klachtcoordinator@haarlem.nl', permissions=[
        'haarlem_partners.view_forward', 'haarlem_partners.add_forward', 'haarlem_partners.view_partner',
        'haarlem_complaints.coordinate_complaints'])


def assert_no_complainant(text):
    for leak in ('Marieke', 'Klager', 'Zijlweg', '2015 BA', 'marieke@example.com', '0687654321', '87654321'):
        assert leak not in text, leak


def test_complaint_forward_page_hides_complainant_and_takes_answer(client, partner, complaint,
                                                                   django_capture_on_commit_callbacks):
    from django.core import mail
    seen = []

    def receiver(sender, forward, answer, **kwargs):
        seen.append((forward.pk, answer.text))
    hooks.forward_answered.connect(receiver, dispatch_uid='test-complaint-answer')
    try:
        with django_capture_on_commit_callbacks(execute=True):
            forward = services.forward_complaint(complaint, partner, 'Graag uw reactie op de bejegening.')
        assert forward.signal_id is None and forward.complaint == complaint
        assert_no_complainant(mail.outbox[0].body) and 'KL-2025-0042' in mail.outbox[0].subject
        url = reverse('partner_pages:forward', args=[links.forward_token(forward)])
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200 and 'Klacht KL-2025-0042' in html and 'afgesnauwd' in html
        assert_no_complainant(html)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {'text': 'Medewerker gesproken; excuses aangeboden.', 'resolved': 'ja'})
        assert response.status_code == 200
    finally:
        hooks.forward_answered.disconnect(dispatch_uid='test-complaint-answer')
    forward.refresh_from_db()
    assert forward.status == 'answered' and forward.answer.response_on_time
    assert seen == [(forward.pk, 'Medewerker gesproken; excuses aangeboden.')]


def test_partner_token_sees_complaint_forward_without_complainant(api_client, partner, other_partner, complaint):
    forward = services.forward_complaint(complaint, partner, 'Reactie graag', send=False)
    _, token = PartnerToken.issue(partner, 'x')
    _, other = PartnerToken.issue(other_partner, 'y')
    response = api_client.get(f'{BASE}partner/forwards/{forward.uuid}/', HTTP_AUTHORIZATION=f'Token {token}')
    assert response.status_code == 200 and response.json()['kind'] == 'complaint'
    assert_no_complainant(response.content.decode())
    assert api_client.get(f'{BASE}partner/forwards/{forward.uuid}/',
                          HTTP_AUTHORIZATION=f'Token {other}').status_code == 404


def test_complaint_forwards_only_for_complaint_roles(api_client, partner, complaint, coordinator, staff):
    api_client.credentials(**bearer(staff))
    refused = api_client.post(f'{BASE}forwards/', {'complaint': complaint.pk, 'partner': partner.pk,
                                                   'instruction': 'x'}, format='json')
    assert refused.status_code == 403 and not Forward.objects.exists()
    api_client.credentials(**bearer(coordinator))
    both = api_client.post(f'{BASE}forwards/', {'complaint': complaint.pk, 'signal': None, 'partner': partner.pk,
                                                'instruction': 'Reactie graag'}, format='json')
    assert both.status_code == 201, both.content
    assert [f['id'] for f in api_client.get(f'{BASE}forwards/').json()['results']] == [both.json()['id']]
    api_client.credentials(**bearer(staff))
    assert api_client.get(f'{BASE}forwards/').json()['results'] == []  # not for someone without complaint rights
    assert api_client.get(f'{BASE}forwards/{both.json()["id"]}/').status_code == 404


def test_forward_needs_exactly_one_subject(api_client, partner, complaint, coordinator, signal):
    api_client.credentials(**bearer(coordinator))
    for body in ({}, {'complaint': complaint.pk, 'signal': signal.pk}):
        response = api_client.post(f'{BASE}forwards/', {'partner': partner.pk, 'instruction': 'x', **body},
                                   format='json')
        assert response.status_code == 400 and 'signal' in response.json()
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Forward.objects.create(partner=partner, instruction='x', response_due='2025-01-01T00:00Z',
                               resolution_due='2025-01-01T00:00Z', link_expires_at='2025-01-01T00:00Z')
    assert not Forward.objects.exists()


def test_werkplek_complaint_form_and_dossier_counts(client, partner, complaint, coordinator):
    client.force_login(coordinator)
    page = client.get(f'/werkplek/partners/{partner.pk}/').content.decode()
    assert 'Klacht voorleggen aan Spaarnelanden NV' in page
    response = client.post(f'/werkplek/partners/{partner.pk}/doorzetten/', {'complaint': 'KL-2025-0042',
                                                                            'instruction': 'Reactie graag'})
    assert response.status_code == 302
    forward = Forward.objects.get()
    services.answer_forward(forward, 'Excuses gemaakt')
    quarter = periods.period_of(forward.forwarded_at.date())
    dossier = reviews.build_dossier(partner, quarter)
    assert dossier['complaints']['forwarded'] == {'total': 1, 'answered': 1, 'answered_on_time': 1}
    assert dossier['forwards']['total'] == 0  # signal forwards are counted apart
