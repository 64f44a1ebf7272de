"""Inside upstream Signalen: upstream's settings plus the Haarlem apps.

Run upstream with DJANGO_SETTINGS_MODULE=config.settings.upstream (upstream's manage.py, wsgi and
celery only `setdefault` it). Upstream's own models, hooks, auth and API are used; the standalone
core is not installed. Upstream's settings are left as they are: lists are extended, never rebuilt.
"""
from signals.settings import *  # noqa: F401,F403
from signals.settings import (CELERY_BEAT_SCHEDULE, INSTALLED_APPS, MIDDLEWARE, OIDC_OP_AUTHORIZATION_ENDPOINT,
                              OIDC_OP_ISSUER, OIDC_OP_JWKS_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_RP_CLIENT_ID,
                              OIDC_RP_CLIENT_SECRET, TEMPLATES)

from signals_haarlem import beat

from .base import HAARLEM, HAARLEM_APPS, env  # noqa: F401


def _keep_opentelemetry(middleware):
    """Upstream's settings instrument Django (OpenTelemetry) while they are imported. That inserts the
    tracing middleware into the MIDDLEWARE of the settings module Django is loading, which is this one
    and not yet filled in at that moment, so upstream's list never gets it here. Insert it the way the
    instrumentor does (same middleware, same position)."""
    from opentelemetry.instrumentation.django import DjangoInstrumentor, _get_django_otel_middleware_position
    instrumentor = DjangoInstrumentor()
    name = instrumentor._opentelemetry_middleware
    if instrumentor.is_instrumented_by_opentelemetry and name not in middleware:
        middleware.insert(_get_django_otel_middleware_position(len(middleware), 0), name)


_keep_opentelemetry(MIDDLEWARE)
MIDDLEWARE += ['signals_haarlem.werkplek.middleware.PageSecurityMiddleware']  # the Haarlem pages' headers
MIDDLEWARE.insert(0, 'signals_haarlem.middleware.NulCharacterMiddleware')  # (no NUL in a query: a 400, not a 500)
INSTALLED_APPS += [app for app in HAARLEM_APPS if app not in INSTALLED_APPS]
TEMPLATES[0]['OPTIONS']['context_processors'].append('signals_haarlem.werkplek.context_processors.werkplek')
ROOT_URLCONF = 'config.urls_upstream'

# The werkplek's own login page (upstream has none at Django's default /accounts/login/). It logs in at
# the provider upstream's admin uses (OIDC_OP_* endpoints, OIDC_RP_CLIENT_ID/SECRET; the provider must
# accept <backend>/werkplek/login/callback/ as a redirect URI of that client), with a password form
# next to it where upstream allows local logins (ADMIN_ENABLE_LOCAL_LOGIN). WERKPLEK_OIDC_* override.
LOGIN_URL = '/werkplek/login/'
WERKPLEK_OIDC = {
    'AUTHORIZATION_ENDPOINT': env('WERKPLEK_OIDC_AUTHORIZATION_ENDPOINT', OIDC_OP_AUTHORIZATION_ENDPOINT or ''),
    'TOKEN_ENDPOINT': env('WERKPLEK_OIDC_TOKEN_ENDPOINT', OIDC_OP_TOKEN_ENDPOINT or ''),
    'JWKS_URL': env('WERKPLEK_OIDC_JWKS_URL', OIDC_OP_JWKS_ENDPOINT or ''),
    'ISSUER': env('WERKPLEK_OIDC_ISSUER', OIDC_OP_ISSUER or ''),
    'CLIENT_ID': env('WERKPLEK_OIDC_CLIENT_ID', OIDC_RP_CLIENT_ID or ''),
    'CLIENT_SECRET': env('WERKPLEK_OIDC_CLIENT_SECRET', OIDC_RP_CLIENT_SECRET or ''),
    'SCOPES': env('WERKPLEK_OIDC_SCOPES', 'openid email profile'),
    'GROUPS_CLAIM': env('WERKPLEK_OIDC_GROUPS_CLAIM', ''),
    'PASSWORD_LOGIN': True,  # shown where Django checks passwords at all (ADMIN_ENABLE_LOCAL_LOGIN)
}

# Haarlem's periodic tasks next to upstream's (whichever Celery app runs beat reads them from here).
CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **beat.collect(HAARLEM_APPS)}
