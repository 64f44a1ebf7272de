"""The partners API: staff endpoints with Django permissions, partner endpoints with a scoped token."""
import json

import pytest

from signals_haarlem import signalen
from signals_haarlem.partners import services
from signals_haarlem.partners.models import Forward, ForwardAnswer, Partner, PartnerToken
from tests.conftest import bearer
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory, make_signal

from .conftest import REPORTER_EMAIL, REPORTER_PHONE, png

pytestmark = pytest.mark.django_db

BASE = '/signals/v1/haarlem/partners/'


def token_header(plaintext):
    return {'HTTP_AUTHORIZATION': f'Token {plaintext}'}


@pytest.fixture
def two_partners(partner, other_partner):
    sport = CategoryFactory(slug='sportveld-kapot', name='Sportveld kapot', parent__slug='sport')
    afval = CategoryFactory(slug='zwerfafval', name='Zwerfafval', parent__slug='afval')
    reporter = {'email': REPORTER_EMAIL, 'phone': REPORTER_PHONE}
    a_forward = services.forward_signal(make_signal(afval, reporter=reporter,
                                                    text=f'Vol. Mail {REPORTER_EMAIL}'), partner, 'Graag legen')
    b_forward = services.forward_signal(make_signal(sport, reporter=reporter), other_partner, 'Graag maaien')
    _, a_token = PartnerToken.issue(partner, 'planningssysteem')
    _, b_token = PartnerToken.issue(other_partner, 'sro')
    return a_forward, a_token, b_forward, b_token


def test_partner_lists_and_reads_only_its_own_forwards(api_client, two_partners):
    a_forward, a_token, b_forward, _ = two_partners
    response = api_client.get(f'{BASE}partner/forwards/', **token_header(a_token))
    assert response.status_code == 200
    assert [item['id'] for item in response.json()] == [str(a_forward.uuid)]
    body = response.content.decode()
    assert REPORTER_EMAIL not in body and REPORTER_PHONE not in body
    detail = api_client.get(f'{BASE}partner/forwards/{a_forward.uuid}/', **token_header(a_token))
    assert detail.status_code == 200 and detail.json()['reference'] == signalen.id_display(a_forward.signal_id)
    assert REPORTER_EMAIL not in detail.content.decode() and REPORTER_PHONE not in detail.content.decode()
    assert set(detail.json()) >= {'text', 'instruction', 'address', 'response_due'}
    assert not {'reporter', 'email', 'phone'} & set(detail.json())


def test_token_of_a_cannot_read_or_answer_b(api_client, two_partners):
    a_forward, a_token, b_forward, b_token = two_partners
    assert api_client.get(f'{BASE}partner/forwards/{b_forward.uuid}/', **token_header(a_token)).status_code == 404
    response = api_client.post(f'{BASE}partner/forwards/{b_forward.uuid}/answer/', {'text': 'Gekaapt'},
                               **token_header(a_token))
    assert response.status_code == 404
    b_forward.refresh_from_db()
    assert b_forward.status == Forward.OPEN and not ForwardAnswer.objects.exists()
    # and the other way round
    assert api_client.get(f'{BASE}partner/forwards/{a_forward.uuid}/', **token_header(b_token)).status_code == 404


def test_partner_answers_through_api(api_client, two_partners):
    a_forward, a_token, _, _ = two_partners
    response = api_client.post(f'{BASE}partner/forwards/{a_forward.uuid}/answer/',
                               {'text': 'Geleegd', 'resolved': 'true', 'photos': [png()]}, format='multipart',
                               **token_header(a_token))
    assert response.status_code == 201, response.content
    assert response.json()['answer'] == {'text': 'Geleegd', 'resolved': True, 'photos': 1, 'on_time': True}
    assert REPORTER_EMAIL not in response.content.decode()
    answer = ForwardAnswer.objects.get()
    assert answer.via == 'api' and answer.answered_by.startswith('Spaarnelanden NV (API-token ')
    a_forward.signal.refresh_from_db()
    assert a_forward.signal.status.state == 'closure requested'
    again = api_client.post(f'{BASE}partner/forwards/{a_forward.uuid}/answer/', {'text': 'Nog eens'},
                            **token_header(a_token))
    assert again.status_code == 400 and 'status' in again.json()


def test_bad_answer_is_400_with_field_errors_and_writes_nothing(api_client, two_partners):
    a_forward, a_token, _, _ = two_partners
    response = api_client.post(f'{BASE}partner/forwards/{a_forward.uuid}/answer/',
                               {'text': '', 'photos': [png('x.png', b'GIF00 not really')]}, format='multipart',
                               **token_header(a_token))
    assert response.status_code == 400
    assert set(response.json()) >= {'text', 'photos'}
    a_forward.refresh_from_db()
    assert a_forward.status == Forward.OPEN and not ForwardAnswer.objects.exists()


def test_revoked_wrong_or_staff_tokens_refused_on_partner_endpoints(api_client, two_partners, admin_user):
    a_forward, a_token, _, _ = two_partners
    PartnerToken.objects.filter(partner__code='SPL').update(revoked_at='2025-01-01T00:00:00Z')
    assert api_client.get(f'{BASE}partner/forwards/', **token_header(a_token)).status_code == 401
    assert api_client.get(f'{BASE}partner/forwards/', **token_header('hpt_nope_nope')).status_code == 401
    assert api_client.get(f'{BASE}partner/forwards/').status_code == 401
    # A staff JWT opens no partner endpoint.
    assert api_client.get(f'{BASE}partner/forwards/', **bearer(admin_user)).status_code == 401


def test_partner_token_opens_no_staff_endpoint(api_client, two_partners):
    _, a_token, _, _ = two_partners
    for path in ('register/', 'forwards/', 'figures/', 'reviews/', 'actions/'):
        assert api_client.get(f'{BASE}{path}', **token_header(a_token)).status_code in (401, 403)


def test_register_crud_needs_permissions(api_client, db):
    from tests.factories import DepartmentFactory
    DepartmentFactory(code='CCS', name='Cocensus', is_intern=False)
    reader = UserFactory(username='monitor@haarlem.nl', permissions=['haarlem_partners.view_partner'])
    api_client.credentials(**bearer(reader))
    assert api_client.get(f'{BASE}register/').status_code == 200
    body = {'name': 'Cocensus', 'code': 'CCS', 'department': 'CCS', 'domains': ['belastingen'],
            'response_days': 5, 'resolution_days': 20, 'review_cadence': 6}
    assert api_client.post(f'{BASE}register/', body, format='json').status_code == 403
    admin = UserFactory(username='beheer@haarlem.nl', permissions=[
        'haarlem_partners.view_partner', 'haarlem_partners.add_partner', 'haarlem_partners.change_partner'])
    api_client.credentials(**bearer(admin))
    response = api_client.post(f'{BASE}register/', {**body, 'contacts': [
        {'name': 'Kees', 'email': 'kees@cocensus.example', 'role': 'cijfers'}]}, format='json')
    assert response.status_code == 201, response.content
    assert response.json()['contacts'][0]['email'] == 'kees@cocensus.example'
    bad = api_client.patch(f'{BASE}register/{response.json()["id"]}/', {'resolution_days': 2, 'domains': 'x'},
                           format='json')
    assert bad.status_code == 400 and set(bad.json()) >= {'domains'}
    assert Partner.objects.get(code='CCS').resolution_days == 20
    # a NUL character cannot be stored or looked up (PostgreSQL): field errors, for JSON, forms and multipart
    nul = 'CC\x00S'
    url = f'{BASE}register/{response.json()["id"]}/'
    for sent in (api_client.patch(url, {'department': nul, 'contacts': [{'name': nul}]}, format='json'),
                 api_client.patch(url, {'department': nul, 'name': 'Cocensus'}, format='multipart'),
                 api_client.patch(url, f'department={nul}&name=x', content_type='application/x-www-form-urlencoded')):
        assert sent.status_code == 400
        assert sent.json()['department'] == ['Mag geen NUL-teken (\\x00) bevatten.'], sent.json()
    assert Partner.objects.get(code='CCS').name == 'Cocensus'


def test_tokens_issued_once_and_revoked(api_client, partner):
    admin = UserFactory(username='beheer@haarlem.nl', permissions=['haarlem_partners.view_partner',
                                                                   'haarlem_partners.manage_partner_tokens'])
    api_client.credentials(**bearer(admin))
    for past_or_far in ('0930-07-30T04:49:50+00:19', '2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z'):
        refused = api_client.post(f'{BASE}register/{partner.pk}/tokens/', {'name': 'koppeling',
                                                                            'expires_at': past_or_far}, format='json')
        assert refused.status_code == 400 and 'expires_at' in refused.json(), past_or_far
    assert not PartnerToken.objects.exists()
    response = api_client.post(f'{BASE}register/{partner.pk}/tokens/', {'name': 'koppeling'}, format='json')
    assert response.status_code == 201
    plaintext = response.json()['token']
    stored = PartnerToken.objects.get()
    assert plaintext not in json.dumps(list(PartnerToken.objects.values()), default=str)
    assert stored.matches(plaintext.split('_', 2)[2])
    listing = api_client.get(f'{BASE}register/{partner.pk}/tokens/')
    assert 'token' not in listing.json()[0]
    api_client.credentials()
    assert api_client.get(f'{BASE}partner/forwards/', **token_header(plaintext)).status_code == 200
    api_client.credentials(**bearer(admin))
    assert api_client.post(f'{BASE}register/{partner.pk}/tokens/{stored.pk}/revoke/').status_code == 200
    api_client.credentials()
    assert api_client.get(f'{BASE}partner/forwards/', **token_header(plaintext)).status_code == 401


def test_staff_forward_via_api(api_client, partner, signal, staff):
    api_client.credentials(**bearer(staff))
    response = api_client.post(f'{BASE}forwards/', {'signal': signal.pk, 'partner': partner.pk,
                                                    'instruction': 'Graag vandaag'}, format='json')
    assert response.status_code == 201, response.content
    assert response.json()['status'] == 'open' and response.json()['events'][0]['kind'] == 'forwarded'
    bad = api_client.post(f'{BASE}forwards/', {'signal': signal.pk, 'partner': partner.pk, 'instruction': ''},
                          format='json')
    assert bad.status_code == 400 and 'instruction' in bad.json()
    assert Forward.objects.count() == 1
    withdraw = api_client.post(f'{BASE}forwards/{response.json()["id"]}/withdraw/', {'reason': 'Dubbel'},
                               format='json')
    assert withdraw.status_code == 200 and withdraw.json()['status'] == 'withdrawn'


def test_only_a_signal_the_user_sees_in_signalen_is_forwarded(api_client, client, partner, signal):
    """A handler of another department may forward, but not a signal outside what Signalen shows them:
    for the API and the werkplek form it is as unknown as a signal that does not exist."""
    other = UserFactory(username='elders@haarlem.nl', departments=[DepartmentFactory(code='ELD')], permissions=[
        'signals.sia_read', 'haarlem_partners.view_partner', 'haarlem_partners.view_forward',
        'haarlem_partners.add_forward'])
    api_client.credentials(**bearer(other))
    response = api_client.post(f'{BASE}forwards/', {'signal': signal.pk, 'partner': partner.pk,
                                                    'instruction': 'Graag vandaag'}, format='json')
    assert response.status_code == 400 and 'signal' in response.json()
    client.force_login(other)
    page = client.post(f'/werkplek/partners/{partner.pk}/doorzetten/', {'signal': signalen.id_display(signal),
                                                                        'instruction': 'Graag vandaag'})
    assert page.status_code == 400 and 'Onbekend meldingnummer' in page.content.decode()
    assert not Forward.objects.exists()


@pytest.mark.parametrize('body', ['[]', '"weg"', '42', 'null', '{"reason": ["a", "b"]}'])
def test_a_withdrawal_with_a_body_that_is_not_an_object_is_a_400(api_client, partner, signal, staff, body):
    forward = services.forward_signal(signal, partner, 'Legen', send=False)
    api_client.credentials(**bearer(staff))
    response = api_client.post(f'{BASE}forwards/{forward.pk}/withdraw/', body, content_type='application/json')
    assert response.status_code == 400, response.content
    forward.refresh_from_db()
    assert forward.status == 'open'


def test_forwarding_without_permission_is_403(api_client, partner, signal):
    user = UserFactory(username='lezer@haarlem.nl', permissions=['haarlem_partners.view_forward'])
    api_client.credentials(**bearer(user))
    response = api_client.post(f'{BASE}forwards/', {'signal': signal.pk, 'partner': partner.pk,
                                                    'instruction': 'x'}, format='json')
    assert response.status_code == 403 and not Forward.objects.exists()


def test_other_partner_cannot_be_reached_through_token_on_figures(api_client, partner, other_partner):
    _, a_token = PartnerToken.issue(partner, 'x')
    response = api_client.post(f'{BASE}partner/figures/', {'partner': 'SRO', 'periode': '2024-K1', 'ontvangen': 1,
                                                           'afgehandeld': 1, 'tijdig_afgehandeld': 1},
                               format='json', **token_header(a_token))
    assert response.status_code == 400 and 'partner' in response.json()
    assert not other_partner.figures.exists()


def test_inactive_partner_token_refused(api_client, partner):
    _, token = PartnerToken.issue(partner, 'x')
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    assert api_client.get(f'{BASE}partner/forwards/', **token_header(token)).status_code == 401


def test_overview_for_monitoring(api_client, partner, signal):
    services.forward_signal(signal, partner, 'Legen', send=False)
    monitor = UserFactory(username='monitor@haarlem.nl', permissions=['haarlem_partners.view_partner'])
    api_client.credentials(**bearer(monitor))
    response = api_client.get(f'{BASE}register/overview/')
    assert response.status_code == 200
    [row] = response.json()
    assert (row['code'], row['open_forwards'], row['on_time_share']) == ('SPL', 1, None)
    api_client.credentials(**bearer(UserFactory(username='niemand@haarlem.nl')))
    assert api_client.get(f'{BASE}register/overview/').status_code == 403
