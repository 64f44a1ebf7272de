"""The embedded OIDC provider: its key, the frontend's client, the implicit flow's JWT access token,
and `manage.py issue_token`."""
import io
import os
import stat
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from signals_haarlem.standalone import oidc
from tests.factories import UserFactory

ME = '/signals/v1/private/me/'
REDIRECT = 'http://127.0.0.1:3001/manage/incidents'


@pytest.fixture(scope='module')
def key_pem(tmp_path_factory):
    return oidc.load_or_create_private_key(tmp_path_factory.mktemp('oidc') / 'oidc.key')


@pytest.fixture
def provider(settings, key_pem):
    """The standalone setup the lead adds to the settings: the key, our access-token generator,
    and no HS256 secret (so RS256 tokens of the embedded provider are what the API accepts)."""
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': '', 'JWKS_URL': ''}
    with override_settings(OAUTH2_PROVIDER={
            **settings.OAUTH2_PROVIDER, 'OIDC_RSA_PRIVATE_KEY': key_pem,
            'ACCESS_TOKEN_GENERATOR': 'signals_haarlem.standalone.oidc.generate_access_token',
            'REFRESH_TOKEN_GENERATOR': 'oauthlib.oauth2.rfc6749.tokens.random_token_generator'}):
        yield key_pem


def test_private_key_is_created_once_with_owner_only_access(tmp_path):
    path = tmp_path / 'var' / 'oidc.key'
    pem = oidc.load_or_create_private_key(path)
    assert pem.startswith('-----BEGIN PRIVATE KEY-----')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert oidc.load_or_create_private_key(path) == pem
    assert [p.name for p in path.parent.iterdir()] == ['oidc.key']  # no temporary files left


def test_key_file_setting_is_used_when_no_key_is_configured(tmp_path, settings):
    path = tmp_path / 'oidc.key'
    with override_settings(OAUTH2_PROVIDER={'OIDC_RSA_PRIVATE_KEY_FILE': str(path)}):
        pem = oidc.private_key_pem()
    assert path.read_text() == pem


def test_ensure_local_oidc_client_creates_the_implicit_client_once(db, monkeypatch):
    from oauth2_provider.models import get_application_model
    monkeypatch.delenv('OIDC_CLIENT_ID', raising=False)
    monkeypatch.delenv('OIDC_REDIRECT_URIS', raising=False)
    out = io.StringIO()
    call_command('ensure_local_oidc_client', stdout=out)
    assert 'created' in out.getvalue()
    app = get_application_model().objects.get(client_id='signals')
    assert app.authorization_grant_type == 'implicit'
    assert app.client_type == 'public'
    assert app.skip_authorization
    assert REDIRECT in app.redirect_uris.split()
    out = io.StringIO()
    call_command('ensure_local_oidc_client', stdout=out)
    assert 'unchanged' in out.getvalue()
    assert get_application_model().objects.count() == 1


def test_ensure_local_oidc_client_reads_the_environment(db, monkeypatch):
    from oauth2_provider.models import get_application_model
    monkeypatch.setenv('OIDC_CLIENT_ID', 'backoffice')
    monkeypatch.setenv('OIDC_REDIRECT_URIS', 'https://meldingen.haarlem.nl/manage/incidents, https://x.nl/')
    call_command('ensure_local_oidc_client', stdout=io.StringIO())
    app = get_application_model().objects.get(client_id='backoffice')
    assert app.redirect_uris.split() == ['https://meldingen.haarlem.nl/manage/incidents', 'https://x.nl/']
    monkeypatch.setenv('OIDC_REDIRECT_URIS', 'https://meldingen.haarlem.nl/manage/incidents')
    out = io.StringIO()
    call_command('ensure_local_oidc_client', stdout=out)
    assert 'updated' in out.getvalue()
    app.refresh_from_db()
    assert app.redirect_uris == 'https://meldingen.haarlem.nl/manage/incidents'


def _authorize(client, **params):
    query = {'client_id': 'signals', 'response_type': 'token', 'scope': 'openid email', 'state': 'st4te',
             'nonce': 'n0nce', 'redirect_uri': REDIRECT, **params}
    return client.get('/oauth/authorize/?' + urlencode(query))


def test_frontend_login_implicit_flow_hands_out_a_jwt_our_api_accepts(client, api_client, db, provider,
                                                                      monkeypatch):
    monkeypatch.delenv('OIDC_CLIENT_ID', raising=False)
    monkeypatch.delenv('OIDC_REDIRECT_URIS', raising=False)
    call_command('ensure_local_oidc_client', stdout=io.StringIO())
    user = UserFactory(username='behandelaar@haarlem.nl', is_staff=True)
    client.force_login(user)

    response = _authorize(client)

    assert response.status_code == 302
    location = urlsplit(response['Location'])
    assert f'{location.scheme}://{location.netloc}{location.path}' == REDIRECT
    params = {k: v[0] for k, v in parse_qs(location.fragment).items()}
    # the frontend needs all four, and the state it sent
    assert {'access_token', 'token_type', 'expires_in', 'state'} <= set(params)
    assert params['state'] == 'st4te'
    assert params['token_type'] == 'Bearer'
    token = params['access_token']
    header = jwt.get_unverified_header(token)
    assert header['alg'] == 'RS256'
    assert header['kid'] == oidc.key_id(provider)
    payload = jwt.decode(token, options={'verify_signature': False})
    assert payload['email'] == 'behandelaar@haarlem.nl'
    assert payload['nonce'] == 'n0nce'  # the frontend compares it with the nonce it sent
    assert payload['exp'] > payload['iat']
    assert payload['exp'] - payload['iat'] == int(params['expires_in'])

    me = api_client.get(ME, HTTP_AUTHORIZATION=f'Bearer {token}')
    assert me.status_code == 200
    assert me.json()['username'] == 'behandelaar@haarlem.nl'


def test_jwks_of_the_embedded_provider_verifies_its_tokens(client, db, provider):
    user = UserFactory(username='x@haarlem.nl')
    from signals_haarlem.standalone.auth import issue_token
    token = issue_token(user)
    jwks = client.get('/oauth/.well-known/jwks.json').json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)['kid']]
    claims = jwt.decode(token, key.key, algorithms=['RS256'], audience='signals')
    assert claims['email'] == 'x@haarlem.nl' and claims['iss'].endswith('/oauth')


def test_anonymous_authorize_goes_to_login(client, db, provider):
    call_command('ensure_local_oidc_client', stdout=io.StringIO())
    response = _authorize(client)
    assert response.status_code == 302
    assert '/login' in response['Location']


def test_unknown_redirect_uri_is_refused(client, db, provider):
    call_command('ensure_local_oidc_client', stdout=io.StringIO())
    client.force_login(UserFactory())
    response = _authorize(client, redirect_uri='https://evil.example/steal')
    assert response.status_code == 400
    assert not response.has_header('Location')


# -- manage.py issue_token ------------------------------------------------------------------------------

def test_issue_token_prints_a_token_for_the_local_admin(api_client, db):
    UserFactory(username='admin@haarlem.local', is_superuser=True, is_staff=True)
    out = io.StringIO()
    call_command('issue_token', stdout=out)
    token = out.getvalue().strip()
    response = api_client.get(ME, HTTP_AUTHORIZATION=f'Bearer {token}')
    assert response.status_code == 200
    assert response.json()['username'] == 'admin@haarlem.local'


def test_issue_token_for_a_given_email_signed_with_the_local_key(api_client, db, provider):
    UserFactory(username='medewerker@haarlem.nl')
    out = io.StringIO()
    call_command('issue_token', 'Medewerker@Haarlem.nl', '--lifetime', '60', stdout=out)
    token = out.getvalue().strip()
    assert jwt.get_unverified_header(token)['alg'] == 'RS256'
    payload = jwt.decode(token, options={'verify_signature': False})
    assert payload['exp'] - payload['iat'] == 60
    assert api_client.get(ME, HTTP_AUTHORIZATION=f'Bearer {token}').status_code == 200


def test_issue_token_refuses_unknown_or_inactive_users(db):
    with pytest.raises(CommandError, match='No user'):
        call_command('issue_token', 'niemand@haarlem.nl', stdout=io.StringIO())
    UserFactory(username='weg@haarlem.nl', is_active=False)
    with pytest.raises(CommandError, match='not active'):
        call_command('issue_token', 'weg@haarlem.nl', stdout=io.StringIO())


# -- only what the frontend's login needs -----------------------------------------------------------------

@pytest.mark.parametrize('path', ['/oauth/applications/', '/oauth/applications/register/', '/oauth/register/',
                                  '/oauth/authorized_tokens/', '/oauth/introspect/', '/oauth/device/',
                                  '/oauth/device-authorization/', '/oauth/revoke_token/'])
def test_no_application_registration_and_no_other_provider_endpoints(client, db, path):
    """Any logged-in user could register an application with its own redirect address and collect the
    tokens of staff who clicked "allow": applications are the admin's, in the Django admin."""
    client.force_login(UserFactory(username='zonder.rechten@haarlem.nl'))
    assert client.get(path).status_code == 404
    assert client.post(path, {'name': 'oogst', 'client_type': 'public'}).status_code == 404


@pytest.mark.parametrize('grant', ['password', 'client-credentials'])
def test_no_password_or_client_credentials_grant_whatever_the_application(client, db, provider, grant):
    """Tokens come from the login page only (and, with an external provider, its MFA)."""
    from oauth2_provider.models import get_application_model
    Application = get_application_model()
    user = UserFactory(username='kcc@haarlem.nl')
    user.set_password('geheim-wachtwoord-1')
    user.save()
    kind = Application.GRANT_PASSWORD if grant == 'password' else Application.GRANT_CLIENT_CREDENTIALS
    app = Application.objects.create(name='Script', client_type=Application.CLIENT_CONFIDENTIAL,
                                     authorization_grant_type=kind, client_secret='geheim-app', user=user,
                                     hash_client_secret=False)
    data = {'grant_type': 'password', 'username': 'kcc@haarlem.nl', 'password': 'geheim-wachtwoord-1'} \
        if grant == 'password' else {'grant_type': 'client_credentials'}
    response = client.post('/oauth/token/', {**data, 'client_id': app.client_id, 'client_secret': 'geheim-app'})
    assert response.status_code in (400, 401) and 'access_token' not in response.content.decode()
    assert response.json()['error'] in ('unauthorized_client', 'invalid_client', 'unsupported_grant_type')
