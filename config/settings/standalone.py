"""Standalone deployment: signals-haarlem on its own Signalen-compatible core.

Embedded defaults (one command, one machine): SQLite, eager Celery, local media folder, a local
OIDC provider (django-oauth-toolkit) and console mail. Every default is replaced through the
environment in production: DATABASE_URL, CELERY_BROKER_URL, AWS_STORAGE_BUCKET_NAME, OIDC_JWKS_URL,
EMAIL_HOST, ELASTICSEARCH_URL.
"""
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django

from signals_haarlem import beat

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, HAARLEM_APPS, env, env_bool, env_int, env_list

DEBUG = env_bool('DEBUG', False)
LOCAL_SECRET_KEY = 'insecure-local-only-' + 'change-me-in-production'
SECRET_KEY = env('SECRET_KEY', LOCAL_SECRET_KEY)
ALLOWED_HOSTS = env_list('ALLOWED_HOSTS', '127.0.0.1,localhost,[::1]')
LOCAL_HOSTS = {'127.0.0.1', 'localhost', '[::1]', '::1', 'testserver'}
if SECRET_KEY == LOCAL_SECRET_KEY and not DEBUG and set(ALLOWED_HOSTS) - LOCAL_HOSTS:
    # Served to other hosts than this machine: signed links, sessions and tokens need a secret of its own.
    from django.core.exceptions import ImproperlyConfigured
    raise ImproperlyConfigured('SECRET_KEY is the built-in local one, but ALLOWED_HOSTS names other hosts than '
                               'this machine: set SECRET_KEY (a long random value) in the environment.')
CSRF_TRUSTED_ORIGINS = env_list('CSRF_TRUSTED_ORIGINS', '')
VAR_DIR = Path(env('VAR_DIR', str(BASE_DIR / 'var')))

INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
    'corsheaders',
    'rest_framework',
    'drf_spectacular',
    'drf_spectacular_sidecar',
    'oauth2_provider',
    'django_celery_beat',
    'axes',
    'signals_haarlem.standalone',
    *HAARLEM_APPS,
]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'signals_haarlem.middleware.NulCharacterMiddleware',
    'whitenoise.middleware.WhiteNoiseMiddleware',
    'corsheaders.middleware.CorsMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
    'signals_haarlem.standalone.middleware.DatabaseUnavailableMiddleware',
    'signals_haarlem.werkplek.middleware.PageSecurityMiddleware',
    'axes.middleware.AxesMiddleware',
]

ROOT_URLCONF = 'config.urls'
WSGI_APPLICATION = 'config.wsgi.application'

TEMPLATES = [{
    'BACKEND': 'django.template.backends.django.DjangoTemplates',
    'DIRS': [],
    'APP_DIRS': True,
    'OPTIONS': {'context_processors': [
        'django.template.context_processors.debug',
        'django.template.context_processors.request',
        'django.contrib.auth.context_processors.auth',
        'django.contrib.messages.context_processors.messages',
        'signals_haarlem.werkplek.context_processors.werkplek',
    ]},
}]

DATABASES = {
    'default': dj_database_url.parse(
        env('DATABASE_URL', f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), conn_max_age=env_int('DB_CONN_MAX_AGE', 60),
    ),
}
if DATABASES['default']['ENGINE'].endswith('sqlite3'):
    # A busy timeout (and WAL, switched on by the standalone app on connect) lets the embedded default
    # take concurrent writers without "database is locked".
    DATABASES['default']['OPTIONS'] = {'timeout': 20}
    if django.VERSION >= (5, 1):
        # A transaction that reads and then writes must take the write lock at its start: a DEFERRED one
        # gets "database is locked" at once (the busy timeout does not apply) when another writer is busy.
        DATABASES['default']['OPTIONS']['transaction_mode'] = 'IMMEDIATE'
    DATABASES['default']['CONN_MAX_AGE'] = 0
elif 'postgresql' in DATABASES['default']['ENGINE'] and env_bool('DB_JIT_OFF', True):
    # PostgreSQL compiles queries it estimates as expensive (JIT); for this app's short queries over
    # 100k rows that cost 5-10 ms per query (the team queue's count) and never paid back.
    DATABASES['default'].setdefault('OPTIONS', {})['options'] = '-c jit=off'
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

STATIC_URL = '/static/'
STATIC_ROOT = Path(env('STATIC_ROOT', str(VAR_DIR / 'static')))
MEDIA_URL = '/media/'
MEDIA_ROOT = Path(env('MEDIA_ROOT', str(VAR_DIR / 'media')))

# Files: the local folder by default, S3 (or an S3-compatible store) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = env('AWS_STORAGE_BUCKET_NAME', '')
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env('AWS_S3_ENDPOINT_URL') or None
    AWS_S3_REGION_NAME = env('AWS_S3_REGION_NAME', 'eu-west-1')
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env_int('AWS_QUERYSTRING_EXPIRE', 3600)
    AWS_DEFAULT_ACL = None
    DEFAULT_FILE_STORAGE_BACKEND = 'storages.backends.s3.S3Storage'
else:
    DEFAULT_FILE_STORAGE_BACKEND = 'django.core.files.storage.FileSystemStorage'
STORAGES = {
    'default': {'BACKEND': DEFAULT_FILE_STORAGE_BACKEND},
    'staticfiles': {'BACKEND': 'whitenoise.storage.CompressedStaticFilesStorage'
                    if not DEBUG else 'django.contrib.staticfiles.storage.StaticFilesStorage'},
}

AUTH_PASSWORD_VALIDATORS = [
    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator'},
    {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},
]
# Passwords (the werkplek's and the admin's login form) through django-axes: after LOGIN_FAILURE_LIMIT
# failures in a row an account, and separately an address, is locked out for LOGIN_LOCKOUT_MINUTES,
# with a Dutch page (429); a successful login starts the count again. The address is the client's as
# the throttle sees it (TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = ['axes.backends.AxesStandaloneBackend', 'django.contrib.auth.backends.ModelBackend']
AXES_FAILURE_LIMIT = env_int('LOGIN_FAILURE_LIMIT', 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int('LOGIN_LOCKOUT_MINUTES', 15))
AXES_LOCKOUT_PARAMETERS = ['username', 'ip_address']
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = 'signals_haarlem.werkplek.lockout.locked_out'
AXES_CLIENT_IP_CALLABLE = 'signals_haarlem.werkplek.lockout.client_ip'
AXES_VERBOSE = False
LOGIN_URL = '/werkplek/login/'
LOGIN_REDIRECT_URL = '/werkplek/'

REST_FRAMEWORK = {
    'DEFAULT_AUTHENTICATION_CLASSES': [
        'signals_haarlem.standalone.auth.JWTAuthentication',
    ],
    'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAuthenticated'],
    'DEFAULT_RENDERER_CLASSES': ['rest_framework.renderers.JSONRenderer',
                                 'rest_framework.renderers.BrowsableAPIRenderer'],
    'DEFAULT_PAGINATION_CLASS': 'signals_haarlem.standalone.api.pagination.LinkHeaderPagination',
    'DEFAULT_PARSER_CLASSES': ['signals_haarlem.parsers.SafeJSONParser', 'signals_haarlem.parsers.SafeFormParser',
                               'signals_haarlem.parsers.SafeMultiPartParser'],
    'PAGE_SIZE': 100,
    'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema',
    'UNAUTHENTICATED_USER': 'django.contrib.auth.models.AnonymousUser',
    'DEFAULT_THROTTLE_RATES': {'public_create': env('PUBLIC_THROTTLE_RATE', '120/minute')},
    # The client's address for the throttle: REMOTE_ADDR, or behind TRUSTED_PROXIES proxies the address
    # the nearest of them saw (an X-Forwarded-For the client wrote itself counts for nothing).
    'NUM_PROXIES': env_int('TRUSTED_PROXIES', 0),
    'EXCEPTION_HANDLER': 'signals_haarlem.standalone.api.exceptions.exception_handler',
}
# A cache every worker process shares (the public create throttle counts in it; the category prediction
# keeps its model version there): the database (`manage.py createcachetable`), or Redis with
# CACHE_URL=redis://host:6379/1.
CACHE_URL = env('CACHE_URL', '')
CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': CACHE_URL}
          if CACHE_URL.startswith(('redis://', 'rediss://')) else
          {'BACKEND': 'django.core.cache.backends.db.DatabaseCache', 'LOCATION': 'haarlem_cache'}}

SPECTACULAR_SETTINGS = {
    'TITLE': 'Signalen API (signals-haarlem)',
    'DESCRIPTION': 'Signalen v1 API with Haarlem\'s triage, complaints, partners and monitoring.',
    'VERSION': '1',
    'SERVE_INCLUDE_SCHEMA': False,
    'COMPONENT_SPLIT_REQUEST': True,
    # A <slug:...> in a URL accepts what Django's slug converter does (and the schema says so).
    'PATH_CONVERTER_OVERRIDES': {'slug': {'type': 'string', 'pattern': '^[-a-zA-Z0-9_]+$'}},
    # Swagger UI and Redoc from the installed package (drf-spectacular-sidecar), not from a CDN
    'SWAGGER_UI_DIST': 'SIDECAR', 'SWAGGER_UI_FAVICON_HREF': 'SIDECAR', 'REDOC_DIST': 'SIDECAR',
}

# Login. The frontend and scripts send "Authorization: Bearer <JWT>". By default the embedded
# django-oauth-toolkit provider signs RS256 tokens with OIDC_RSA_PRIVATE_KEY (a key generated into
# VAR_DIR on first run); in production point OIDC_JWKS_URL at the municipality's provider.
SIGNALS_AUTH = {
    'JWKS_URL': env('OIDC_JWKS_URL', ''),
    'HS256_SECRET': env('JWT_HS256_SECRET', ''),
    'AUDIENCE': env('OIDC_AUDIENCE', ''),
    'ISSUER': env('OIDC_ISSUER', ''),
    'USER_ID_FIELDS': env_list('OIDC_USER_ID_FIELDS', 'email'),
    'REQUIRE_EMAIL_VERIFIED': env_bool('OIDC_REQUIRE_EMAIL_VERIFIED', True),
    'LEEWAY_SECONDS': env_int('JWT_LEEWAY_SECONDS', 10),
}
OAUTH2_PROVIDER = {
    'OIDC_ENABLED': True,
    'OIDC_RSA_PRIVATE_KEY_FILE': env('OIDC_RSA_PRIVATE_KEY_FILE', str(VAR_DIR / 'oidc.key')),
    'ACCESS_TOKEN_EXPIRE_SECONDS': env_int('ACCESS_TOKEN_EXPIRE_SECONDS', 8 * 3600),
    'SCOPES': {'openid': 'OpenID Connect', 'email': 'E-mailadres', 'profile': 'Profiel'},
    'ALLOWED_REDIRECT_URI_SCHEMES': ['http', 'https'],
    'OAUTH2_VALIDATOR_CLASS': 'signals_haarlem.standalone.oauth.Validator',  # no password/client-credentials grants
}

CORS_ALLOWED_ORIGINS = env_list('CORS_ALLOWED_ORIGINS', 'http://127.0.0.1:3000,http://localhost:3000,'
                                                         'http://127.0.0.1:3001,http://localhost:3001')
CORS_URLS_REGEX = r'^/signals/.*$'
CORS_EXPOSE_HEADERS = ['Link', 'X-Total-Count']
CORS_ALLOW_HEADERS = ['accept', 'authorization', 'content-type', 'x-csrftoken', 'x-requested-with']

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env('CELERY_BROKER_URL', '')
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or env_bool('CELERY_TASK_ALWAYS_EAGER', False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = 'Europe/Amsterdam'
CELERY_BEAT_SCHEDULER = 'django_celery_beat.schedulers:DatabaseScheduler'
CELERY_BEAT_SCHEDULE = beat.collect(HAARLEM_APPS)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

EMAIL_BACKEND = env('EMAIL_BACKEND', 'django.core.mail.backends.smtp.EmailBackend' if env('EMAIL_HOST')
                    else 'django.core.mail.backends.console.EmailBackend')
EMAIL_HOST = env('EMAIL_HOST', 'localhost')
EMAIL_PORT = env_int('EMAIL_PORT', 25)
EMAIL_USE_TLS = env_bool('EMAIL_USE_TLS', False)
EMAIL_HOST_USER = env('EMAIL_HOST_USER', '')
EMAIL_HOST_PASSWORD = env('EMAIL_HOST_PASSWORD', '')
DEFAULT_FROM_EMAIL = env('DEFAULT_FROM_EMAIL', 'Gemeente Haarlem <noreply@haarlem.nl>')

# Signalen defaults (names as upstream).
SIGNALS_BOUNDING_BOX = [float(x) for x in env_list('BOUNDING_BOX', '3.3,50.7,7.3,53.6')]
SIGNALS_MAX_UPLOAD_BYTES = env_int('MAX_UPLOAD_BYTES', 20 * 1024 * 1024)
# How long the feedback form (KTO) of a closed signal stays open, and a reporter's link to confirm a
# new e-mail address stays valid.
FEEDBACK_EXPECTED_WITHIN_N_DAYS = env_int('FEEDBACK_EXPECTED_WITHIN_N_DAYS', 14)
REPORTER_VERIFICATION_HOURS = env_int('REPORTER_VERIFICATION_HOURS', 48)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Cookies only over HTTPS outside DEBUG (browsers count http://127.0.0.1 and localhost as secure, so
# `make run` logs in as before).
SESSION_COOKIE_SECURE = env_bool('SESSION_COOKIE_SECURE', not DEBUG)
CSRF_COOKIE_SECURE = env_bool('CSRF_COOKIE_SECURE', not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') if env_bool('BEHIND_PROXY', False) else None
USE_X_FORWARDED_HOST = env_bool('BEHIND_PROXY', False)

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {'plain': {'format': '%(asctime)s %(levelname)s %(name)s %(message)s'}},
    'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'plain'}},
    'root': {'handlers': ['console'], 'level': env('LOG_LEVEL', 'INFO')},
    'loggers': {'django.db.backends': {'level': 'WARNING'}},
}

# The embedded OIDC provider's signing key (made on first use) and JWT access tokens the frontend's
# implicit flow can carry as bearer tokens.
from signals_haarlem.standalone.oidc import load_or_create_private_key  # noqa: E402

OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY'] = load_or_create_private_key(OAUTH2_PROVIDER['OIDC_RSA_PRIVATE_KEY_FILE'])
OAUTH2_PROVIDER['ACCESS_TOKEN_GENERATOR'] = 'signals_haarlem.standalone.oidc.generate_access_token'
OAUTH2_PROVIDER['REFRESH_TOKEN_GENERATOR'] = 'oauthlib.oauth2.rfc6749.tokens.random_token_generator'
SPECTACULAR_SETTINGS['ENUM_NAME_OVERRIDES'] = {
    'SignalStateEnum': 'signals_haarlem.standalone.workflow.STATUS_LABELS',
    'ComplaintStateEnum': 'signals_haarlem.complaints.workflow.STATE_CHOICES',
    'PartnerForwardStatusEnum': 'signals_haarlem.partners.models.Forward.STATUS_CHOICES',
    'PartnerReviewStatusEnum': 'signals_haarlem.partners.models.Review.STATUS_CHOICES',
    'ActionStatusEnum': 'signals_haarlem.partners.models.ReviewAction.STATUS_CHOICES',
    'MeasureStatusEnum': 'signals_haarlem.complaints.models.ImprovementMeasure.STATUSES',
    'OmbudsmanCaseStatusEnum': 'signals_haarlem.complaints.models.OmbudsmanCase.STATUSES',
}
SIGNALS_PREDICTION = {'THRESHOLD': float(env('PREDICTION_THRESHOLD', '0.41'))}

# --- Werkplek and admin login through an external OIDC provider (authorization code + PKCE; see
# signals_haarlem/oidc_client.py). Empty endpoints: the embedded provider (password form at LOGIN_URL).
WERKPLEK_OIDC = {
    'AUTHORIZATION_ENDPOINT': env('OIDC_AUTHORIZATION_ENDPOINT', ''),
    'TOKEN_ENDPOINT': env('OIDC_TOKEN_ENDPOINT', ''),
    'CLIENT_ID': env('OIDC_CLIENT_ID', ''),
    'CLIENT_SECRET': env('OIDC_CLIENT_SECRET', ''),
    'SCOPES': env('OIDC_SCOPES', 'openid email profile'),
    'GROUPS_CLAIM': env('OIDC_GROUPS_CLAIM', ''),
    'PASSWORD_LOGIN': env_bool('WERKPLEK_PASSWORD_LOGIN', False),
}
# --- end of the werkplek OIDC block
