"""Test settings: the standalone stack with fast, isolated defaults."""
import os
import tempfile

os.environ.setdefault('VAR_DIR', tempfile.mkdtemp(prefix='signals-haarlem-test-'))

from .standalone import *  # noqa: F401,F403,E402
from .standalone import DATABASES, REST_FRAMEWORK, SIGNALS_AUTH, VAR_DIR  # noqa: E402

DEBUG = False
SECRET_KEY = 'test-secret'
ALLOWED_HOSTS = ['*']
PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']
# (the browser tests put the session cookie into Chromium by hand, without the Secure flag)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = 'django.core.mail.backends.locmem.EmailBackend'
CELERY_BROKER_URL = ''
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
MEDIA_ROOT = VAR_DIR / 'media'
STORAGES = {
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'},
}
SIGNALS_AUTH = {**SIGNALS_AUTH, 'HS256_SECRET': 'test-jwt-secret', 'JWKS_URL': ''}
REST_FRAMEWORK = {**REST_FRAMEWORK, 'DEFAULT_THROTTLE_RATES': {'public_create': '10000/minute'}}
if os.environ.get('TEST_DATABASE_URL'):
    import dj_database_url
    DATABASES = {'default': dj_database_url.parse(os.environ['TEST_DATABASE_URL'])}
LOGGING = {'version': 1, 'disable_existing_loggers': False,
           'handlers': {'null': {'class': 'logging.NullHandler'}}, 'root': {'handlers': ['null']}}
