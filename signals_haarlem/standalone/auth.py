"""Bearer JWT authentication, as upstream Signalen: `Authorization: Bearer <JWT>`.

The token is checked against the configured OIDC provider's JWKS (SIGNALS_AUTH['JWKS_URL']; RS256
and friends), or, without a JWKS, against the embedded provider's own RSA key (django-oauth-toolkit,
see oidc.py), or with a shared HS256 secret (SIGNALS_AUTH['HS256_SECRET']). `exp` is required;
`aud` and `iss` are checked when configured, and always for the deployment's own tokens (the embedded
provider's and the shared secret's: oidc.local_audience/local_issuer). The email claim (or another configured claim) names
an active user. Anything wrong with the token or the user is a 401, never a 500.

No header at all: no user (the view's permission answers 401 on private endpoints).
"""
import logging

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions

from . import oidc

logger = logging.getLogger(__name__)

ASYMMETRIC_ALGORITHMS = ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512')

_jwks_clients = {}
_public_keys = {}


def _config():
    return getattr(settings, 'SIGNALS_AUTH', {})


def _jwks_client(url):
    client = _jwks_clients.get(url)
    if client is None:
        lifespan = _config().get('JWKS_CACHE_SECONDS', 300)
        client = _jwks_clients[url] = jwt.PyJWKClient(url, cache_keys=True, lifespan=lifespan, timeout=10)
    return client


def _local_public_key():
    """The public key of the embedded OIDC provider, if it has one."""
    pem = oidc.private_key_pem()
    if not pem:
        return None
    key = _public_keys.get(pem)
    if key is None:
        from cryptography.hazmat.primitives import serialization
        key = _public_keys[pem] = serialization.load_pem_private_key(pem.encode(), password=None).public_key()
    return key


def _signing_key(token):
    """(key, algorithm, ours) to verify this token with, `ours` when the key is this deployment's own
    (the embedded provider's or the shared secret); raises AuthenticationFailed if there is none."""
    header = jwt.get_unverified_header(token)
    alg = header.get('alg')
    config = _config()
    if alg == 'HS256' and config.get('HS256_SECRET'):
        return config['HS256_SECRET'], alg, True
    if alg in ASYMMETRIC_ALGORITHMS:
        if config.get('JWKS_URL'):
            try:
                return _jwks_client(config['JWKS_URL']).get_signing_key_from_jwt(token).key, alg, False
            except jwt.PyJWKClientConnectionError as exc:
                logger.warning('Could not fetch the JWKS of the OIDC provider: %s', exc)
                raise exceptions.AuthenticationFailed('De inlogdienst is niet bereikbaar.') from exc
        if alg == 'RS256':
            local = _local_public_key()
            if local is not None:
                return local, alg, True
    raise exceptions.AuthenticationFailed('Ongeldig token: onbekend algoritme of sleutel.')


def decode(token):
    """The verified claims of `token`, or raise AuthenticationFailed. Audience and issuer: as configured
    (OIDC_AUDIENCE, OIDC_ISSUER); this deployment's own tokens always carry and need them."""
    return _decode(token)[0]


def _decode(token):
    """(claims, ours): the verified claims, and whether the token is this deployment's own."""
    config = _config()
    try:
        key, alg, ours = _signing_key(token)
        audience = oidc.local_audience() if ours else config.get('AUDIENCE') or None
        issuer = oidc.local_issuer() if ours else config.get('ISSUER') or None
        claims = jwt.decode(
            token, key=key, algorithms=[alg],
            options={'require': ['exp', *(['aud'] if audience else []), *(['iss'] if issuer else [])],
                     'verify_aud': bool(audience)},
            audience=audience, issuer=issuer, leeway=config.get('LEEWAY_SECONDS', 10))
    except jwt.ExpiredSignatureError as exc:
        raise exceptions.AuthenticationFailed('Token verlopen.') from exc
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise exceptions.AuthenticationFailed('Ongeldig token.') from exc
    if not isinstance(claims, dict):
        raise exceptions.AuthenticationFailed('Ongeldig token.')
    return claims, ours


def user_for_claims(claims, ours=True):
    """The active user the token's claims name (SIGNALS_AUTH['USER_ID_FIELDS'], default email). From an
    external provider an e-mail address names a user only when the provider verified it
    (`email_verified`, unless SIGNALS_AUTH['REQUIRE_EMAIL_VERIFIED'] is off)."""
    from signals_haarlem.oidc_client import identity
    User = get_user_model()
    active = User.objects.filter(is_active=True).select_related('profile')
    require_verified = not ours and _config().get('REQUIRE_EMAIL_VERIFIED', True)
    for claim in _config().get('USER_ID_FIELDS', ['email']):
        value = identity(claims, claim, require_verified)
        if value is None:
            continue
        if '@' in value:
            user = active.filter(email__iexact=value).order_by('pk').first() or \
                active.filter(username__iexact=value).order_by('pk').first()
        else:
            user = active.filter(username=value).first()
        if user is not None:
            return user
    raise exceptions.AuthenticationFailed('Onbekende of niet-actieve gebruiker.')


class JWTAuthentication(authentication.BaseAuthentication):
    keyword = 'Bearer'

    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        if not header:
            return None  # no credentials: the permission check answers 401
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # another scheme (e.g. "Token" for my-incidents) is for another authenticator
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed('Ongeldige Authorization-header.')
        try:
            token = parts[1].decode('ascii')
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed('Ongeldig token.')
        claims, ours = _decode(token)
        return user_for_claims(claims, ours), claims

    def authenticate_header(self, request):
        return 'Bearer realm="signals"'


def issue_token(user, lifetime_seconds=8 * 3600, extra_claims=None):
    """A bearer token for `user`, signed as this deployment accepts it (for scripts and tests).

    Uses the HS256 secret when configured, else the embedded provider's RSA key. (With an external
    provider's JWKS configured, get tokens from that provider instead.)
    """
    claims = oidc.token_claims(user, lifetime_seconds, extra_claims)
    secret = _config().get('HS256_SECRET')
    if secret:
        return jwt.encode(claims, secret, algorithm='HS256')
    return oidc.sign(claims)


try:  # the OpenAPI schema names the scheme (drf-spectacular is only in the standalone stack)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension
except ImportError:  # pragma: no cover
    pass
else:
    class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
        target_class = 'signals_haarlem.standalone.auth.JWTAuthentication'
        name = 'bearerAuth'

        def get_security_definition(self, auto_schema):
            return {'type': 'http', 'scheme': 'bearer', 'bearerFormat': 'JWT',
                    'description': 'Authorization: Bearer <JWT> van de OIDC-provider.'}
