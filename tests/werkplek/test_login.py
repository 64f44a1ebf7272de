"""Login to the werkplek and the admin through the same OIDC provider as the API.

External provider: the authorization-code flow with PKCE against a fake provider on loopback (a tiny
HTTP server with token and JWKS endpoints), the ID token checked against its JWKS, the e-mail claim
mapped to an active user, roles from a claim mapped to existing Django groups. Embedded default:
the password form still works, /oauth/authorize sends anonymous users to it, and the admin logs in
there too."""
import io
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.factories import UserFactory
from tests.oidc_provider import CLIENT_ID, SECRET, FakeProvider

pytestmark = pytest.mark.django_db

@pytest.fixture(scope='module')
def provider():
    fake = FakeProvider()
    yield fake
    fake.stop()


@pytest.fixture
def external(provider, settings):
    provider.codes.clear()
    provider.token_requests.clear()
    settings.WERKPLEK_OIDC = {
        'AUTHORIZATION_ENDPOINT': f'{provider.url}/authorize', 'TOKEN_ENDPOINT': f'{provider.url}/token',
        'CLIENT_ID': CLIENT_ID, 'CLIENT_SECRET': SECRET, 'JWKS_URL': f'{provider.url}/jwks',
        'ISSUER': provider.url, 'GROUPS_CLAIM': 'roles'}
    return provider


@pytest.fixture
def handler_user(db):
    Group.objects.get_or_create(name='Klachtbehandelaar')
    Group.objects.get_or_create(name='Teamleider')
    user = UserFactory(username='behandelaar@haarlem.nl', email='behandelaar@haarlem.nl')
    user.groups.add(Group.objects.get(name='Teamleider'))
    return user


def _start(client, next_url='/werkplek/'):
    page = client.get('/werkplek/login/', {'next': next_url})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="oidc-login"' in html and 'name="password"' not in html  # only the provider's button
    response = client.get('/werkplek/login/oidc/', {'next': next_url})
    assert response.status_code == 302
    return response['Location']


def _callback(client, params, code='code-1', **extra):
    return client.get('/werkplek/login/callback/', {'code': code, 'state': params['state'], **extra})


def test_external_provider_login_with_pkce_maps_email_and_roles(client, external, handler_user):
    params = external.authorize(_start(client, '/werkplek/klachten/'), email='Behandelaar@Haarlem.nl',
                                roles=['Klachtbehandelaar', 'Onbekende rol'])
    assert params['redirect_uri'] == 'http://testserver/werkplek/login/callback/'

    response = _callback(client, params)

    assert response.status_code == 302 and response['Location'] == '/werkplek/klachten/'
    assert client.get('/werkplek/').context['user'] == handler_user
    # the roles claim named the groups: the existing one is set, the unknown one is ignored (not created)
    assert list(handler_user.groups.values_list('name', flat=True)) == ['Klachtbehandelaar']
    assert not Group.objects.filter(name='Onbekende rol').exists()
    request = external.token_requests[-1]
    assert request['grant_type'] == 'authorization_code' and request['client_id'] == CLIENT_ID
    assert len(request['code_verifier']) >= 43  # the provider checked it against the challenge


def test_a_forged_or_replayed_state_is_refused(client, external, handler_user):
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl')
    forged = _callback(client, {**params, 'state': 'aanvaller'})
    assert forged.status_code == 400 and 'ongeldig of verlopen' in forged.content.decode()
    assert '_auth_user_id' not in client.session
    assert _callback(client, params).status_code == 302
    client.logout()
    # a state is used once: the same callback again does not log in
    replay = _callback(client, params)
    assert replay.status_code == 400 and '_auth_user_id' not in client.session


def test_two_logins_started_at_once_both_work(client, external, handler_user):
    first = external.authorize(_start(client, '/werkplek/eerste/'), code='code-1', email='behandelaar@haarlem.nl')
    second = external.authorize(_start(client, '/werkplek/tweede/'), code='code-2', email='behandelaar@haarlem.nl')
    assert first['state'] != second['state'] and first['nonce'] != second['nonce']
    assert _callback(client, second, code='code-2')['Location'] == '/werkplek/tweede/'
    assert _callback(client, first, code='code-1')['Location'] == '/werkplek/eerste/'


@pytest.mark.parametrize('claims, message', [
    ({'nonce': 'een-andere-nonce'}, 'nonce'),
    ({'aud': 'een-andere-client'}, 'Ongeldig ID-token'),
    ({'iss': 'https://nep.example'}, 'Ongeldig ID-token'),
    ({'exp': int(time.time()) - 3600, 'iat': int(time.time()) - 7200}, 'Ongeldig ID-token'),
])
def test_id_token_is_checked(client, external, handler_user, claims, message):
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl', **claims)
    response = _callback(client, params)
    assert response.status_code == 400 and message in response.content.decode()
    assert '_auth_user_id' not in client.session


def test_a_token_signed_with_another_key_is_refused(client, external, handler_user, monkeypatch):
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl')
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setattr(external, 'sign', lambda claims, key=None: FakeProvider.sign(external, claims, other))
    response = _callback(client, params)
    assert response.status_code == 400 and '_auth_user_id' not in client.session


def test_unknown_or_inactive_user_gets_a_clear_refusal(client, external, handler_user):
    params = external.authorize(_start(client), email='onbekend@haarlem.nl')
    response = _callback(client, params)
    assert response.status_code == 403 and 'geen actief account' in response.content.decode()
    handler_user.is_active = False
    handler_user.save()
    params = external.authorize(_start(client), code='code-2', email='behandelaar@haarlem.nl')
    assert _callback(client, params, code='code-2').status_code == 403


def test_an_unverified_email_address_names_no_user(client, external, handler_user):
    """The provider's e-mail address names a user only when the provider says it verified it."""
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl', email_verified=False)
    response = _callback(client, params)
    assert response.status_code == 403 and '_auth_user_id' not in client.session


def test_provider_error_and_wrong_code(client, external, handler_user):
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl')
    response = client.get('/werkplek/login/callback/', {'state': params['state'], 'error': 'access_denied'})
    assert response.status_code == 400 and 'afgebroken' in response.content.decode()
    params = external.authorize(_start(client), email='behandelaar@haarlem.nl')
    response = _callback(client, params, code='verkeerde-code')
    assert response.status_code == 400 and 'weigerde' in response.content.decode()


def test_an_unsafe_next_url_is_not_followed(client, external, handler_user):
    params = external.authorize(_start(client, 'https://evil.example/'), email='behandelaar@haarlem.nl')
    response = _callback(client, params)
    assert response.status_code == 302 and response['Location'] == '/werkplek/'


def test_password_form_is_off_with_an_external_provider_unless_allowed(client, external, handler_user, settings):
    handler_user.set_password('geheim-wachtwoord-1')
    handler_user.save()
    data = {'username': 'behandelaar@haarlem.nl', 'password': 'geheim-wachtwoord-1'}
    assert client.post('/werkplek/login/', data).status_code == 405
    assert '_auth_user_id' not in client.session
    settings.WERKPLEK_OIDC = {**settings.WERKPLEK_OIDC, 'PASSWORD_LOGIN': True}
    page = client.get('/werkplek/login/').content.decode()
    assert 'id="oidc-login"' in page and 'name="password"' in page
    assert client.post('/werkplek/login/', data).status_code == 302


@pytest.mark.standalone_only("inside upstream its admin keeps upstream's own login (WERKPLEK_ADMIN_LOGIN)")
def test_admin_login_goes_through_the_provider(client, external, handler_user):
    handler_user.is_staff = True
    handler_user.save()
    response = client.get('/admin/login/', {'next': '/admin/'})
    assert response.status_code == 302 and response['Location'] == '/werkplek/login/?next=/admin/'
    params = external.authorize(_start(client, '/admin/'), email='behandelaar@haarlem.nl')
    response = _callback(client, params)
    assert response['Location'] == '/admin/'
    assert client.get('/admin/').status_code == 200


# -- the embedded default (django-oauth-toolkit; its login is this password form) --------------------------

def test_embedded_default_shows_the_password_form_and_no_provider_button(client, settings):
    settings.WERKPLEK_OIDC = {}
    html = client.get('/werkplek/login/').content.decode()
    assert 'name="password"' in html and 'oidc-login' not in html
    assert client.get('/werkplek/login/oidc/')['Location'] == '/werkplek/login/'


@pytest.mark.standalone_only("the embedded provider (django-oauth-toolkit) is the standalone deployment's")
def test_embedded_provider_authorize_sends_anonymous_users_to_the_werkplek_login(client, settings):
    settings.WERKPLEK_OIDC = {}
    call_command('ensure_local_oidc_client', stdout=io.StringIO())
    query = {'client_id': 'signals', 'response_type': 'token', 'scope': 'openid email', 'state': 's', 'nonce': 'n',
             'redirect_uri': 'http://127.0.0.1:3001/manage/incidents'}
    response = client.get('/oauth/authorize/?' + urlencode(query))
    assert response.status_code == 302
    location = urlsplit(response['Location'])
    assert location.path == settings.LOGIN_URL == '/werkplek/login/'
    next_url = parse_qs(location.query)['next'][0]
    assert next_url.startswith('/oauth/authorize/')
    # logging in on that form continues the provider's flow
    user = UserFactory(username='kcc@haarlem.nl')
    user.set_password('geheim-wachtwoord-1')
    user.save()
    response = client.post('/werkplek/login/', {'username': 'kcc@haarlem.nl', 'password': 'geheim-wachtwoord-1',
                                                'next': next_url})
    assert response.status_code == 302 and response['Location'] == next_url


@pytest.mark.standalone_only("inside upstream its admin keeps upstream's own login (WERKPLEK_ADMIN_LOGIN)")
def test_admin_login_uses_the_werkplek_form_and_refuses_non_staff_without_a_loop(client, settings):
    settings.WERKPLEK_OIDC = {}
    response = client.get('/admin/')
    assert response.status_code == 302 and response['Location'].startswith('/admin/login/')
    response = client.get(response['Location'])
    assert response['Location'] == '/werkplek/login/?next=/admin/'
    staff = UserFactory(username='beheer@haarlem.nl', is_staff=True, is_superuser=True)
    staff.set_password('geheim-wachtwoord-1')
    staff.save()
    response = client.post('/werkplek/login/', {'username': 'beheer@haarlem.nl', 'password': 'geheim-wachtwoord-1',
                                                'next': '/admin/'})
    assert response['Location'] == '/admin/' and client.get('/admin/').status_code == 200

    client.logout()
    client.force_login(UserFactory(username='kcc@haarlem.nl'))
    assert client.get('/admin/', follow=True).status_code == 403


# -- inside upstream Signalen: the provider of upstream's admin, sessions upstream keeps -----------------

@pytest.mark.upstream_only("upstream's OIDC settings and authentication backends")
def test_inside_upstream_the_werkplek_logs_in_at_upstreams_provider(client, settings):
    """config/settings/upstream.py points the werkplek at the provider and client of upstream's admin;
    anonymous werkplek requests get the werkplek's login page (upstream has none at /accounts/login/)."""
    response = client.get('/werkplek/klachten/')
    assert response.status_code == 302 and response['Location'] == '/werkplek/login/?next=/werkplek/klachten/'
    html = client.get(response['Location']).content.decode()
    assert 'id="oidc-login"' in html and 'name="password"' in html  # ADMIN_ENABLE_LOCAL_LOGIN is on here
    location = urlsplit(client.get('/werkplek/login/oidc/', {'next': '/werkplek/'})['Location'])
    assert f'{location.scheme}://{location.netloc}{location.path}' == settings.OIDC_OP_AUTHORIZATION_ENDPOINT
    assert parse_qs(location.query)['client_id'] == [settings.OIDC_RP_CLIENT_ID]
    # a password login lands on the werkplek, not on upstream's LOGIN_REDIRECT_URL (its admin)
    user = UserFactory(username='kcc@haarlem.nl')
    user.set_password('geheim-wachtwoord-1')
    user.save()
    response = client.post('/werkplek/login/', {'username': 'kcc@haarlem.nl', 'password': 'geheim-wachtwoord-1'})
    assert response['Location'] == '/werkplek/' and client.get('/werkplek/').status_code == 200


@pytest.mark.upstream_only("upstream's OIDC authentication backend")
def test_inside_upstream_without_local_logins_the_provider_login_keeps_its_session(client, external, handler_user,
                                                                                   settings):
    """Without ADMIN_ENABLE_LOCAL_LOGIN upstream lists only its OIDC backend: no password form, and the
    session of a provider login is recorded with that backend (else Django would drop it at once)."""
    settings.AUTHENTICATION_BACKENDS = ['signals.admin.oidc.backends.AuthenticationBackend']
    assert client.post('/werkplek/login/', {'username': 'x', 'password': 'y'}).status_code == 405
    params = external.authorize(_start(client, '/werkplek/'), email='behandelaar@haarlem.nl')
    assert _callback(client, params)['Location'] == '/werkplek/'
    assert client.get('/werkplek/').status_code == 200


# -- guessing passwords (django-axes, the standalone deployment) ---------------------------------------

def _password_user(username):
    user = UserFactory(username=username, email=username)
    user.set_password('het-goede-wachtwoord-1')
    user.save()
    return user


def _try(client, username, password, address='192.0.2.10'):
    return client.post('/werkplek/login/', {'username': username, 'password': password}, REMOTE_ADDR=address)


@pytest.mark.standalone_only("the standalone deployment's login protection (inside upstream its admin's and "
                             "the provider's own)")
def test_guessing_a_password_locks_the_account_out_with_a_dutch_page(client, settings):
    settings.WERKPLEK_OIDC = {}
    _password_user('kcc@haarlem.nl')
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, 'kcc@haarlem.nl', 'fout').status_code == 200  # the form again, with its error
    locked = _try(client, 'kcc@haarlem.nl', 'fout')
    assert locked.status_code == 429 and 'Inloggen tijdelijk geblokkeerd' in locked.content.decode()
    # the right password does not help now, from this address or another
    assert _try(client, 'kcc@haarlem.nl', 'het-goede-wachtwoord-1').status_code == 429
    assert _try(client, 'kcc@haarlem.nl', 'het-goede-wachtwoord-1', address='198.51.100.5').status_code == 429
    assert '_auth_user_id' not in client.session


@pytest.mark.standalone_only("the standalone deployment's login protection")
def test_guessing_from_one_address_locks_that_address_out_for_every_account(client, settings):
    settings.WERKPLEK_OIDC = {}
    _password_user('ander@haarlem.nl')
    for n in range(settings.AXES_FAILURE_LIMIT):
        _try(client, f'gok{n}@haarlem.nl', 'fout')
    assert _try(client, 'ander@haarlem.nl', 'het-goede-wachtwoord-1').status_code == 429
    # the account itself is fine from elsewhere, and a spoofed X-Forwarded-For is no other address
    assert _try(client, 'ander@haarlem.nl', 'het-goede-wachtwoord-1', address='198.51.100.5').status_code == 302
    client.logout()
    assert client.post('/werkplek/login/', {'username': 'ander@haarlem.nl', 'password': 'het-goede-wachtwoord-1'},
                       REMOTE_ADDR='192.0.2.10', HTTP_X_FORWARDED_FOR='203.0.113.1').status_code == 429


@pytest.mark.standalone_only("the standalone deployment's login protection")
def test_a_successful_login_starts_the_count_again(client, settings):
    settings.WERKPLEK_OIDC = {}
    _password_user('kcc@haarlem.nl')
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, 'kcc@haarlem.nl', 'fout')
    assert _try(client, 'kcc@haarlem.nl', 'het-goede-wachtwoord-1').status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, 'kcc@haarlem.nl', 'fout').status_code == 200
