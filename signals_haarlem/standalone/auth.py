"""Bearer JWT authentication, as upstream Signalen: `Authorization: Bearer <JWT>`.

The token is checked against the configured OIDC provider's JWKS (RS256 etc.), against the embedded
provider's own key (django-oauth-toolkit, the default), or with a shared HS256 secret; its email
claim (or another configured claim) names an active user. Anything wrong is a 401, never a 500.
"""
import logging
import time

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions

logger = logging.getLogger(__name__)

_jwks_clients = {}


def _config():
    return getattr(settings, 'SIGNALS_AUTH', {})


def _local_public_key():
    """The public key of the embedded OIDC provider (django-oauth-toolkit), if it is configured."""
    try:
        from oauth2_provider.settings import oauth2_settings
        private_pem = oauth2_settings.OIDC_RSA_PRIVATE_KEY
    except Exception:  # the provider isn't installed (e.g. inside upstream)
        return None
    if not private_pem:
        return None
    from cryptography.hazmat.primitives import serialization
    return serialization.load_pem_private_key(private_pem.encode(), password=None).public_key()


def _signing_keys(token):
    """Candidate (key, algorithms) pairs for this token."""
    header = jwt.get_unverified_header(token)
    alg = header.get('alg')
    config = _config()
    if alg == 'HS256':
        if config.get('HS256_SECRET'):
            return [(config['HS256_SECRET'], ['HS256'])]
        return []
    if alg not in ('RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'):
        return []
    keys = []
    if config.get('JWKS_URL'):
        client = _jwks_clients.get(config['JWKS_URL'])
        if client is None:
            client = _jwks_clients[config['JWKS_URL']] = jwt.PyJWKClient(config['JWKS_URL'], cache_keys=True)
        keys.append((client.get_signing_key_from_jwt(token).key, [alg]))
    else:
        local = _local_public_key()
        if local is not None:
            keys.append((local, [alg]))
    return keys


def decode(token):
    """The verified claims of `token`, or raise AuthenticationFailed."""
    config = _config()
    options = {'require': ['exp'], 'verify_aud': bool(config.get('AUDIENCE'))}
    try:
        candidates = _signing_keys(token)
    except (jwt.PyJWTError, ValueError) as exc:
        raise exceptions.AuthenticationFailed('Ongeldig token.') from exc
    if not candidates:
        raise exceptions.AuthenticationFailed('Ongeldig token: onbekend algoritme of sleutel.')
    last_error = None
    for key, algorithms in candidates:
        try:
            return jwt.decode(token, key=key, algorithms=algorithms, options=options,
                              audience=config.get('AUDIENCE') or None, issuer=config.get('ISSUER') or None,
                              leeway=config.get('LEEWAY_SECONDS', 10))
        except jwt.ExpiredSignatureError as exc:
            raise exceptions.AuthenticationFailed('Token verlopen.') from exc
        except jwt.PyJWTError as exc:
            last_error = exc
    raise exceptions.AuthenticationFailed('Ongeldig token.') from last_error


def user_for_claims(claims):
    User = get_user_model()
    for field in _config().get('USER_ID_FIELDS', ['email']):
        value = claims.get(field)
        if not value or not isinstance(value, str):
            continue
        user = User.objects.filter(is_active=True).filter(
            **({'email__iexact': value} if '@' in value else {'username': value})).select_related('profile').first()
        if user is None and '@' in value:
            user = User.objects.filter(is_active=True, username__iexact=value).select_related('profile').first()
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
        if parts[0].lower() != self.keyword.lower().encode():
            return None  # another scheme (e.g. "Token" for my-incidents) is for another authenticator
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed('Ongeldige Authorization-header.')
        try:
            token = parts[1].decode('ascii')
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed('Ongeldig token.')
        claims = decode(token)
        return user_for_claims(claims), claims

    def authenticate_header(self, request):
        return 'Bearer realm="signals"'


def issue_token(user, lifetime_seconds=8 * 3600, extra_claims=None):
    """A bearer token for `user`, signed like the configured provider expects (for scripts and tests).

    Uses the HS256 secret when configured, else the embedded provider's RSA key.
    """
    now = int(time.time())
    claims = {'sub': user.username, 'email': user.email or user.username, 'iat': now, 'exp': now + lifetime_seconds,
              **(extra_claims or {})}
    config = _config()
    if config.get('AUDIENCE'):
        claims.setdefault('aud', config['AUDIENCE'])
    if config.get('ISSUER'):
        claims.setdefault('iss', config['ISSUER'])
    if config.get('HS256_SECRET'):
        return jwt.encode(claims, config['HS256_SECRET'], algorithm='HS256')
    from oauth2_provider.settings import oauth2_settings
    return jwt.encode(claims, oauth2_settings.OIDC_RSA_PRIVATE_KEY, algorithm='RS256',
                      headers={'kid': _local_kid()})


def _local_kid():
    from jwcrypto import jwk
    from oauth2_provider.settings import oauth2_settings
    return jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode()).thumbprint()
