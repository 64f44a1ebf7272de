"""OpenID Connect client for the werkplek and admin login: the authorization-code flow with PKCE
against the municipality's provider (Keycloak, Entra ID, ...), the same provider the API trusts.

Shared by the Haarlem apps (outside the standalone core, so it works inside upstream Signalen too).
Settings (`WERKPLEK_OIDC`, from the environment in config/settings/standalone.py):

    AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, CLIENT_ID, CLIENT_SECRET   the provider and this client
    JWKS_URL, ISSUER         default: SIGNALS_AUTH['JWKS_URL'] / ['ISSUER'] (OIDC_JWKS_URL, OIDC_ISSUER)
    SCOPES                   default 'openid email profile'
    USER_CLAIMS              claims that name the user, first match wins (default: email; an e-mail
                             address only when the provider says it verified it: email_verified)
    REQUIRE_EMAIL_VERIFIED   default: SIGNALS_AUTH's (OIDC_REQUIRE_EMAIL_VERIFIED, on)
    GROUPS_CLAIM             optional: a claim (e.g. 'roles', 'groups') whose values name Django groups;
                             the user's groups are set to the existing groups named there
    PASSWORD_LOGIN           keep the local password form next to the provider's button (default off)

Without AUTHORIZATION_ENDPOINT and TOKEN_ENDPOINT the embedded provider is used: django-oauth-toolkit
at /oauth/, whose own login is Django's login form at LOGIN_URL (the werkplek's login page).
HTTP goes through urllib (no extra dependency); the ID token is checked with PyJWT against the JWKS.
"""
import base64
import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model

logger = logging.getLogger(__name__)

ALGORITHMS = ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512')
TIMEOUT_SECONDS = 10


class OIDCError(Exception):
    """The login could not be completed; the message is Dutch and may be shown to the user."""


def config():
    auth = getattr(settings, 'SIGNALS_AUTH', {}) or {}
    c = dict(getattr(settings, 'WERKPLEK_OIDC', {}) or {})
    c['JWKS_URL'] = c.get('JWKS_URL') or auth.get('JWKS_URL', '')
    c['ISSUER'] = c.get('ISSUER') or auth.get('ISSUER', '')
    c['SCOPES'] = c.get('SCOPES') or 'openid email profile'
    c['USER_CLAIMS'] = list(c.get('USER_CLAIMS') or ['email'])
    c['LEEWAY_SECONDS'] = int(c.get('LEEWAY_SECONDS') or auth.get('LEEWAY_SECONDS', 10) or 10)
    c['REQUIRE_EMAIL_VERIFIED'] = bool(c.get('REQUIRE_EMAIL_VERIFIED', auth.get('REQUIRE_EMAIL_VERIFIED', True)))
    return c


def external_provider():
    """Whether the werkplek logs in at an external provider (else: the embedded one, by password form)."""
    c = config()
    return bool(c.get('AUTHORIZATION_ENDPOINT') and c.get('TOKEN_ENDPOINT') and c.get('CLIENT_ID'))


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def pkce_pair():
    """(code_verifier, code_challenge) for PKCE with S256 (RFC 7636)."""
    verifier = _b64url(secrets.token_bytes(48))  # 64 characters
    return verifier, _b64url(hashlib.sha256(verifier.encode('ascii')).digest())


def authorization_url(redirect_uri, state, nonce, code_challenge):
    c = config()
    params = {'response_type': 'code', 'client_id': c['CLIENT_ID'], 'redirect_uri': redirect_uri,
              'scope': c['SCOPES'], 'state': state, 'nonce': nonce, 'code_challenge': code_challenge,
              'code_challenge_method': 'S256'}
    endpoint = c['AUTHORIZATION_ENDPOINT']
    return endpoint + ('&' if '?' in endpoint else '?') + urllib.parse.urlencode(params)


def exchange_code(code, redirect_uri, code_verifier):
    """The provider's token response for an authorization code (a dict with at least `id_token`)."""
    c = config()
    form = {'grant_type': 'authorization_code', 'code': code, 'redirect_uri': redirect_uri,
            'client_id': c['CLIENT_ID'], 'code_verifier': code_verifier}
    if c.get('CLIENT_SECRET'):
        form['client_secret'] = c['CLIENT_SECRET']
    request = urllib.request.Request(c['TOKEN_ENDPOINT'], data=urllib.parse.urlencode(form).encode(),
                                     headers={'Content-Type': 'application/x-www-form-urlencoded',
                                              'Accept': 'application/json'}, method='POST')
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = json.loads(response.read().decode('utf-8'))
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode('utf-8', 'replace')
        logger.warning('OIDC token endpoint answered %s: %s', exc.code, detail)
        raise OIDCError('De inlogdienst weigerde de inlogcode.') from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.warning('OIDC token endpoint failed: %r', exc)
        raise OIDCError('De inlogdienst is niet bereikbaar.') from exc
    if not isinstance(body, dict) or not body.get('id_token'):
        raise OIDCError('De inlogdienst gaf geen ID-token.')
    return body


_jwks_clients = {}


def _jwks_client(url):
    client = _jwks_clients.get(url)
    if client is None:
        client = _jwks_clients[url] = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=TIMEOUT_SECONDS)
    return client


def verify_id_token(id_token, nonce):
    """The verified claims of the ID token: signature (JWKS), audience (our client id), issuer (when
    configured), expiry and the nonce of this login. Raises OIDCError."""
    c = config()
    if not c['JWKS_URL']:
        raise OIDCError('De inlogdienst is niet volledig ingesteld (JWKS).')
    try:
        header = jwt.get_unverified_header(id_token)
        if header.get('alg') not in ALGORITHMS:
            raise OIDCError('Ongeldig ID-token (algoritme).')
        key = _jwks_client(c['JWKS_URL']).get_signing_key_from_jwt(id_token).key
        claims = jwt.decode(id_token, key=key, algorithms=[header['alg']], audience=c['CLIENT_ID'],
                            issuer=c['ISSUER'] or None, leeway=c['LEEWAY_SECONDS'],
                            options={'require': ['exp', 'iat', 'aud']})
    except OIDCError:
        raise
    except jwt.PyJWKClientConnectionError as exc:
        logger.warning('Could not fetch the JWKS of the OIDC provider: %s', exc)
        raise OIDCError('De inlogdienst is niet bereikbaar.') from exc
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        logger.warning('Refused an ID token: %r', exc)
        raise OIDCError('Ongeldig ID-token.') from exc
    if not nonce or not secrets.compare_digest(str(claims.get('nonce', '')), nonce):
        raise OIDCError('Ongeldig ID-token (nonce).')
    return claims


def identity(claims, claim, require_verified=True):
    """The value of `claim` if it may name a user: a string of sane length, and for the e-mail address
    only one the provider verified (`email_verified`), unless `require_verified` is off (a provider
    whose users cannot change their address, configured with OIDC_REQUIRE_EMAIL_VERIFIED=false)."""
    value = claims.get(claim)
    if not value or not isinstance(value, str) or len(value) > 254:
        return None
    if claim == 'email' and require_verified and claims.get('email_verified') not in (True, 'true', 'True'):
        return None
    return value


def user_for_claims(claims):
    """The active user the claims name (USER_CLAIMS, by e-mail address or user name), or None."""
    User = get_user_model()
    active = User.objects.filter(is_active=True)
    for claim in config()['USER_CLAIMS']:
        value = identity(claims, claim, config()['REQUIRE_EMAIL_VERIFIED'])
        if value is None:
            continue
        user = (active.filter(email__iexact=value).order_by('pk').first()
                or active.filter(username__iexact=value).order_by('pk').first())
        if user is not None:
            return user
    return None


def sync_groups(user, claims):
    """With GROUPS_CLAIM set: the user's groups become the existing Django groups named in that claim
    (roles stay Django groups; names the project does not know are ignored, never created)."""
    claim = config().get('GROUPS_CLAIM')
    if not claim:
        return None
    values = claims.get(claim)
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)):
        values = []
    from django.contrib.auth.models import Group
    groups = list(Group.objects.filter(name__in=[v for v in values if isinstance(v, str)]))
    user.groups.set(groups)
    return groups
