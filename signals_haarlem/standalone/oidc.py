"""The embedded OIDC provider (django-oauth-toolkit): its RSA key and the access tokens it hands out.

The Signalen frontend logs in with the implicit flow (`response_type=token`) and only checks that the
access token is a JWT with a future `exp`; our API (auth.JWTAuthentication) checks its RS256
signature and maps its `email` claim to a user. So the provider's access tokens are JWTs signed with
the provider's own key: `generate_access_token` is django-oauth-toolkit's ACCESS_TOKEN_GENERATOR.

This module is imported from the settings (for the key), so it imports nothing from Django at the
top level.

    # config/settings/standalone.py
    from signals_haarlem.standalone.oidc import load_or_create_private_key
    OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY'] = load_or_create_private_key(VAR_DIR / 'oidc.key')
    OAUTH2_PROVIDER['ACCESS_TOKEN_GENERATOR'] = 'signals_haarlem.standalone.oidc.generate_access_token'
"""
import os
import time
import uuid
from pathlib import Path


def load_or_create_private_key(path):
    """The PEM text of the RSA private key at `path`; a new 2048-bit key is written there (mode 0600)
    if the file does not exist. Safe when several processes start at once: one writes, all read it."""
    path = Path(path)
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(f'.{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}')
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'wb') as handle:
        handle.write(pem)
    try:
        os.link(tmp, path)  # fails if another process won the race; then its key is used
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text()


_key_cache = {}


def private_key_pem():
    """The embedded provider's private key: OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY'], else the file
    named by OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY_FILE'] (created on first use). '' if neither."""
    from django.conf import settings
    try:
        from oauth2_provider.settings import oauth2_settings
        pem = oauth2_settings.OIDC_RSA_PRIVATE_KEY
    except Exception:  # django-oauth-toolkit isn't installed (e.g. inside upstream Signalen)
        pem = getattr(settings, 'OAUTH2_PROVIDER', {}).get('OIDC_RSA_PRIVATE_KEY', '')
    if pem:
        return pem
    path = getattr(settings, 'OAUTH2_PROVIDER', {}).get('OIDC_RSA_PRIVATE_KEY_FILE')
    if not path:
        return ''
    if path not in _key_cache:
        _key_cache[path] = load_or_create_private_key(path)
    return _key_cache[path]


def key_id(pem):
    """The key id django-oauth-toolkit's JWKS publishes for this key (its JWK thumbprint)."""
    if pem not in _key_cache:
        from jwcrypto import jwk
        _key_cache[pem] = jwk.JWK.from_pem(pem.encode()).thumbprint()
    return _key_cache[pem]


def local_audience():
    """The `aud` of this deployment's own tokens (and what the API requires of them): OIDC_AUDIENCE, or
    the frontend's client id at the embedded provider."""
    from django.conf import settings
    return getattr(settings, 'SIGNALS_AUTH', {}).get('AUDIENCE') or os.environ.get('OIDC_CLIENT_ID') or 'signals'


def local_issuer():
    """The `iss` of this deployment's own tokens: OIDC_ISSUER, or the embedded provider's address."""
    from django.conf import settings
    configured = getattr(settings, 'SIGNALS_AUTH', {}).get('ISSUER')
    if configured:
        return configured
    backend = getattr(settings, 'HAARLEM', {}).get('BACKEND_URL', 'http://127.0.0.1:8000').rstrip('/')
    return f'{backend}/oauth'


def token_claims(user, lifetime_seconds, extra=None):
    now = int(time.time())
    claims = {'sub': user.username, 'email': user.email or user.username, 'iat': now,
              'exp': now + int(lifetime_seconds), 'jti': uuid.uuid4().hex, 'aud': local_audience(),
              'iss': local_issuer()}
    claims.update(extra or {})
    return claims


def sign(claims):
    import jwt
    pem = private_key_pem()
    if not pem:
        from django.core.exceptions import ImproperlyConfigured
        raise ImproperlyConfigured('The embedded OIDC provider has no RSA key: set OAUTH2_PROVIDER'
                                   "['OIDC_RSA_PRIVATE_KEY'] or ['OIDC_RSA_PRIVATE_KEY_FILE'].")
    return jwt.encode(claims, pem, algorithm='RS256', headers={'kid': key_id(pem)})


def generate_access_token(request, refresh_token=False):
    """django-oauth-toolkit's ACCESS_TOKEN_GENERATOR: a signed JWT for the user who logged in.

    `request` is oauthlib's request: `user` is the Django user, `expires_in` the lifetime,
    `client_id` the application, `nonce` (if the client sent one) is echoed so the frontend can
    check it."""
    extra = {'client_id': request.client_id}
    scopes = getattr(request, 'scopes', None)
    if scopes:
        extra['scope'] = ' '.join(scopes)
    nonce = getattr(request, 'nonce', None)
    if nonce:
        extra['nonce'] = nonce
    return sign(token_claims(request.user, getattr(request, 'expires_in', None) or 3600, extra))

