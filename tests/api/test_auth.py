"""Bearer JWT authentication on the private API: every bad token is a 401, never a 500."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.test import override_settings

from tests.conftest import bearer
from tests.factories import UserFactory

ME = '/signals/v1/private/me/'
SECRET = 'test-jwt-secret'


def _rsa_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode()


LOCAL_KEY, LOCAL_PEM = _rsa_pem()
OTHER_KEY, OTHER_PEM = _rsa_pem()


LOCAL_ISSUER = 'http://127.0.0.1:8000/oauth'  # the embedded provider's (HAARLEM['BACKEND_URL'] + /oauth)


def claims(email='medewerker@haarlem.nl', lifetime=600, **extra):
    """The claims of a token of this deployment's own (audience `signals`, the local issuer); extra
    claims given as None are left out."""
    now = int(time.time())
    full = {'email': email, 'sub': email, 'iat': now, 'exp': now + lifetime, 'aud': 'signals', 'iss': LOCAL_ISSUER,
            **extra}
    return {key: value for key, value in full.items() if value is not None}


@pytest.fixture
def staff(db):
    return UserFactory(username='medewerker@haarlem.nl', is_staff=True)


def get(client, token=None, header=None):
    headers = {}
    if header is not None:
        headers['HTTP_AUTHORIZATION'] = header
    elif token is not None:
        headers['HTTP_AUTHORIZATION'] = f'Bearer {token}'
    return client.get(ME, **headers)


def assert_401(response):
    assert response.status_code == 401, response.content
    assert response['WWW-Authenticate'].startswith('Bearer')
    assert 'detail' in response.json()


# -- HS256 with the configured secret (the test settings) -------------------------------------------

def test_valid_hs256_token_maps_email_to_user(api_client, staff):
    response = get(api_client, jwt.encode(claims(), SECRET, algorithm='HS256'))
    assert response.status_code == 200
    assert response.json()['username'] == 'medewerker@haarlem.nl'


def test_email_claim_is_matched_case_insensitively(api_client, staff):
    response = get(api_client, jwt.encode(claims('MedeWerker@Haarlem.NL'), SECRET, algorithm='HS256'))
    assert response.status_code == 200
    assert response.json()['id'] == staff.pk


def test_issue_token_helper_is_accepted(api_client, staff):
    assert api_client.get(ME, **bearer(staff)).status_code == 200


def test_missing_header_is_401(api_client, db):
    assert_401(api_client.get(ME))


@pytest.mark.parametrize('header', [
    'Bearer', 'Bearer ', 'Bearer a b', 'Bearer garbage', 'Bearer a.b.c', 'Bearer ....', 'Bearer e30.e30.',
    'Bearer eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln', 'bearer xyz',
])
def test_malformed_bearer_header_is_401(api_client, staff, header):
    assert_401(get(api_client, header=header))


def test_non_ascii_token_is_401(api_client, staff):
    assert_401(api_client.get(ME, HTTP_AUTHORIZATION='Bearer tökén'.encode().decode('latin-1')))


def test_other_scheme_is_not_authenticated(api_client, staff):
    assert_401(get(api_client, header='Token abc'))
    assert_401(get(api_client, header='Basic YWRtaW46YWRtaW4='))


def test_expired_token_is_401(api_client, staff):
    response = get(api_client, jwt.encode(claims(lifetime=-3600), SECRET, algorithm='HS256'))
    assert_401(response)
    assert 'verlopen' in response.json()['detail']


def test_token_without_exp_is_401(api_client, staff):
    payload = claims()
    del payload['exp']
    assert_401(get(api_client, jwt.encode(payload, SECRET, algorithm='HS256')))


def test_wrong_secret_is_401(api_client, staff):
    assert_401(get(api_client, jwt.encode(claims(), 'another-secret-of-enough-length', algorithm='HS256')))


def test_tampered_payload_is_401(api_client, staff):
    header, _, signature = jwt.encode(claims(), SECRET, algorithm='HS256').split('.')
    other_payload = jwt.encode(claims('admin@haarlem.nl'), 'x', algorithm='HS256').split('.')[1]
    assert_401(get(api_client, f'{header}.{other_payload}.{signature}'))


def test_alg_none_is_401(api_client, staff):
    assert_401(get(api_client, jwt.encode(claims(), None, algorithm='none')))


def test_unknown_user_is_401(api_client, staff):
    assert_401(get(api_client, jwt.encode(claims('onbekend@haarlem.nl'), SECRET, algorithm='HS256')))


def test_inactive_user_is_401(api_client, staff):
    staff.is_active = False
    staff.save()
    assert_401(get(api_client, jwt.encode(claims(), SECRET, algorithm='HS256')))


def test_token_without_any_user_claim_is_401(api_client, staff):
    now = int(time.time())
    assert_401(get(api_client, jwt.encode({'exp': now + 60, 'email': 12}, SECRET, algorithm='HS256')))


def test_hs256_refused_when_no_secret_configured(api_client, staff, settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': ''}
    assert_401(get(api_client, jwt.encode(claims(), SECRET, algorithm='HS256')))


def test_audience_is_checked_when_configured(api_client, staff, settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'AUDIENCE': 'signalen-haarlem'}
    assert_401(get(api_client, jwt.encode(claims(aud='iets-anders'), SECRET, algorithm='HS256')))
    assert_401(get(api_client, jwt.encode(claims(aud=None), SECRET, algorithm='HS256')))  # no aud at all
    assert get(api_client, jwt.encode(claims(aud='signalen-haarlem'), SECRET,
                                      algorithm='HS256')).status_code == 200


def test_issuer_is_checked_when_configured(api_client, staff, settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'ISSUER': 'https://login.haarlem.nl'}
    assert_401(get(api_client, jwt.encode(claims(iss='https://elders.example'), SECRET, algorithm='HS256')))
    assert get(api_client, jwt.encode(claims(iss='https://login.haarlem.nl'), SECRET,
                                      algorithm='HS256')).status_code == 200


@pytest.mark.parametrize('changed', [{'aud': 'iets-anders'}, {'aud': None}, {'iss': 'https://elders.example'},
                                     {'iss': None}], ids=['other-aud', 'no-aud', 'other-iss', 'no-iss'])
@pytest.mark.parametrize('signed', ['hs256-secret', 'embedded-provider'])
def test_the_deployments_own_tokens_need_its_audience_and_issuer_without_configuration(
        api_client, staff, settings, changed, signed):
    """Unconfigured, a token of this deployment's own (its secret, its embedded provider's key) must
    still name this API as its audience and the embedded provider as its issuer."""
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'AUDIENCE': '', 'ISSUER': ''}
    key, alg = (SECRET, 'HS256') if signed == 'hs256-secret' else (LOCAL_PEM, 'RS256')
    with override_settings(OAUTH2_PROVIDER={**settings.OAUTH2_PROVIDER, 'OIDC_RSA_PRIVATE_KEY': LOCAL_PEM}):
        assert get(api_client, jwt.encode(claims(), key, algorithm=alg)).status_code == 200  # the control
        assert_401(get(api_client, jwt.encode(claims(**changed), key, algorithm=alg)))


def test_public_endpoint_ignores_a_bad_token(api_client, db):
    response = api_client.get('/signals/v1/public/questions/', HTTP_AUTHORIZATION='Bearer garbage')
    assert response.status_code == 200


# -- RS256 with the embedded provider's key ------------------------------------------------------------

@pytest.fixture
def local_provider(settings):
    """No HS256 secret; the embedded provider signs with LOCAL_PEM."""
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': '', 'JWKS_URL': ''}
    with override_settings(OAUTH2_PROVIDER={**settings.OAUTH2_PROVIDER, 'OIDC_RSA_PRIVATE_KEY': LOCAL_PEM}):
        yield


def test_rs256_token_of_the_embedded_provider(api_client, staff, local_provider):
    assert get(api_client, jwt.encode(claims(), LOCAL_PEM, algorithm='RS256')).status_code == 200
    assert api_client.get(ME, **bearer(staff)).status_code == 200  # issue_token signs with the local key


def test_rs256_token_signed_by_another_key_is_401(api_client, staff, local_provider):
    assert_401(get(api_client, jwt.encode(claims(), OTHER_PEM, algorithm='RS256')))


def test_rs256_expired_is_401(api_client, staff, local_provider):
    assert_401(get(api_client, jwt.encode(claims(lifetime=-60), LOCAL_PEM, algorithm='RS256')))


def test_hs256_signed_with_the_public_key_is_401(api_client, staff, local_provider):
    """The classic key-confusion attack: HS256 'signed' with the RSA public key."""
    public_pem = LOCAL_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
    import hashlib
    import hmac
    import base64
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b'=')
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b'=')
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, header + b'.' + payload, hashlib.sha256).digest())
    assert_401(get(api_client, (header + b'.' + payload + b'.' + signature.rstrip(b'=')).decode()))


def test_es256_token_without_jwks_is_401(api_client, staff, local_provider):
    key = ec.generate_private_key(ec.SECP256R1())
    assert_401(get(api_client, jwt.encode(claims(), key, algorithm='ES256')))


# -- RS256 against an external provider's JWKS (served on loopback) ------------------------------------

class _JWKSHandler(BaseHTTPRequestHandler):
    body = b'{}'
    status = 200

    def do_GET(self):  # noqa: N802
        self.send_response(self.status)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def jwks_server():
    """A JWKS with OTHER_KEY as kid 'haarlem-1', on 127.0.0.1:<free port>."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(OTHER_KEY.public_key()))
    jwk.update(kid='haarlem-1', use='sig', alg='RS256')
    handler = type('Handler', (_JWKSHandler,), {'body': json.dumps({'keys': [jwk]}).encode()})
    server = HTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{server.server_port}/jwks.json'
    server.shutdown()
    server.server_close()


@pytest.fixture
def external_provider(settings, jwks_server):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': '', 'JWKS_URL': jwks_server,
                             'AUDIENCE': 'signals'}
    with override_settings(OAUTH2_PROVIDER={**settings.OAUTH2_PROVIDER, 'OIDC_RSA_PRIVATE_KEY': LOCAL_PEM}):
        yield


def external_token(key_pem=OTHER_PEM, kid='haarlem-1', **claim_overrides):
    payload = {**claims(aud='signals', email_verified=True), **claim_overrides}
    return jwt.encode(payload, key_pem, algorithm='RS256', headers={'kid': kid})


def test_token_checked_against_the_jwks(api_client, staff, external_provider):
    assert get(api_client, external_token()).status_code == 200


@pytest.mark.parametrize('verified', [False, 'false', None], ids=['false', 'string-false', 'absent'])
def test_an_external_providers_unverified_email_names_no_user(api_client, staff, external_provider, verified):
    """At the municipality's provider a user may be able to set any e-mail address: only a verified one
    names a user here (and no `sub` fallback unless OIDC_USER_ID_FIELDS asks for it)."""
    assert_401(get(api_client, external_token(email_verified=verified)))


def test_unverified_email_allowed_where_configured(api_client, staff, external_provider, settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'REQUIRE_EMAIL_VERIFIED': False}
    assert get(api_client, external_token(email_verified=None)).status_code == 200


def test_jwks_wrong_signature_is_401(api_client, staff, external_provider):
    assert_401(get(api_client, external_token(key_pem=LOCAL_PEM)))


def test_jwks_unknown_kid_is_401(api_client, staff, external_provider):
    assert_401(get(api_client, external_token(kid='onbekend')))


def test_jwks_wrong_audience_is_401(api_client, staff, external_provider):
    assert_401(get(api_client, external_token(aud='ander-systeem')))


def test_jwks_expired_is_401(api_client, staff, external_provider):
    assert_401(get(api_client, external_token(exp=int(time.time()) - 3600)))


def test_with_a_jwks_the_local_key_is_not_accepted(api_client, staff, external_provider):
    assert_401(get(api_client, jwt.encode(claims(aud='signals'), LOCAL_PEM, algorithm='RS256')))


def test_jwks_unreachable_is_401_not_500(api_client, staff, settings):
    settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': '', 'JWKS_URL': 'http://127.0.0.1:9/jwks'}
    assert_401(get(api_client, external_token()))


def test_jwks_answering_garbage_is_401(api_client, staff, settings):
    handler = type('Handler', (_JWKSHandler,), {'body': b'<html>oops</html>', 'status': 500})
    server = HTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        settings.SIGNALS_AUTH = {**settings.SIGNALS_AUTH, 'HS256_SECRET': '',
                                 'JWKS_URL': f'http://127.0.0.1:{server.server_port}/jwks'}
        assert_401(get(api_client, external_token()))
    finally:
        server.shutdown()
        server.server_close()
