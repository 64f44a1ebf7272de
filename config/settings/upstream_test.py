"""Test settings inside upstream Signalen: upstream's settings with the Haarlem apps, on the throwaway
PostGIS cluster of scripts/with-postgres (TEST_DATABASE_URL), with upstream's own test values (eager
Celery, mail kept in memory, no TLS redirects) and real bearer tokens: tests sign RS256 JWTs with a key
made here, which upstream's JWTAuthBackend checks as it checks the municipality's provider's tokens
(issuer, audience, expiry, signature). Upstream's SIGNALS_AUTH_ALWAYS_OK stays off, so a missing or
bad token is refused as in production.
"""
import os
import tempfile
from urllib.parse import urlparse

os.environ.setdefault('VAR_DIR', tempfile.mkdtemp(prefix='signals-haarlem-upstream-test-'))

_db = urlparse(os.environ.get('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/signals'))
for _name, _value in {
    'SECRET_KEY': 'test-secret', 'ALLOWED_HOSTS': '*', 'DJANGO_DEBUG': 'False',
    'DATABASE_NAME': _db.path.lstrip('/') or 'signals', 'DATABASE_USER': _db.username or 'postgres',
    'DATABASE_PASSWORD': _db.password or '', 'DATABASE_HOST_OVERRIDE': _db.hostname or '127.0.0.1',
    'DATABASE_PORT_OVERRIDE': str(_db.port or 5432),
    'CELERY_TASK_ALWAYS_EAGER': 'True', 'EMAIL_BACKEND': 'django.core.mail.backends.locmem.EmailBackend',
    'SECURE_SSL_REDIRECT': 'False', 'SESSION_COOKIE_SECURE': 'False', 'CSRF_COOKIE_SECURE': 'False',
    'FRONTEND_URL': 'http://127.0.0.1:3001', 'ADMIN_ENABLE_LOCAL_LOGIN': 'True',
    # No Elasticsearch here: a closed local port fails at once ("Elastic cluster is unreachable").
    'ELASTICSEARCH_HOST': '127.0.0.1:9',
    'OIDC_RP_CLIENT_ID': 'signals', 'OIDC_RP_CLIENT_SECRET': 'insecure',
    'OIDC_OP_ISSUER': 'http://127.0.0.1:5556/test-provider', 'OIDC_TRUSTED_AUDIENCES': '["signals"]',
    'OIDC_OP_AUTHORIZATION_ENDPOINT': 'http://127.0.0.1:5556/auth',
    'OIDC_OP_TOKEN_ENDPOINT': 'http://127.0.0.1:5556/token',
    'OIDC_OP_USER_ENDPOINT': 'http://127.0.0.1:5556/userinfo',
    'OIDC_OP_JWKS_ENDPOINT': 'http://127.0.0.1:5556/keys',
}.items():
    os.environ.setdefault(_name, _value)

from .upstream import *  # noqa: F401,F403,E402

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

# The test provider's signing key. Upstream's backend takes the key from OIDC_RP_IDP_SIGN_KEY when it is
# set (else from the JWKS endpoint, which tests/upstream/test_end_to_end.py serves for real).
_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TEST_JWT_PRIVATE_KEY = _key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()).decode()
OIDC_RP_IDP_SIGN_KEY = _key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']
CELERY_TASK_EAGER_PROPAGATES = False
LOGGING = {'version': 1, 'disable_existing_loggers': False,
           'handlers': {'null': {'class': 'logging.NullHandler'}}, 'root': {'handlers': ['null']}}
MEDIA_ROOT = os.path.join(os.environ['VAR_DIR'], 'media')
