"""Settings shared by every way of running signals-haarlem.

Values come from environment variables with safe local defaults. DEBUG is off unless asked for.
The Haarlem apps are listed in HAARLEM_APPS so that the upstream settings module can append them
to upstream Signalen's INSTALLED_APPS.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ('1', 'true', 'yes', 'on')


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, '') else default


def env_list(name, default=''):
    return [item.strip() for item in os.environ.get(name, default).split(',') if item.strip()]


HAARLEM_APPS = [
    'signals_haarlem.core',
    'signals_haarlem.werkplek',
    'signals_haarlem.triage',
    'signals_haarlem.complaints',
    'signals_haarlem.partners',
    'signals_haarlem.monitoring',
    'signals_haarlem.search',
]

# Haarlem's own knobs (also read in upstream mode).
HAARLEM = {
    # Lane used for categories without a mapping.
    'TRIAGE_FALLBACK_LANE': env('HAARLEM_TRIAGE_FALLBACK_LANE', 'eenvoudig'),
    # The category ("main/sub") a signal of type Klacht moves to when it becomes a complaint, so that only
    # the complaint category's departments (and who sees all categories) see it; empty: it stays put.
    'COMPLAINT_CATEGORY': env('HAARLEM_COMPLAINT_CATEGORY', 'overig/klacht'),
    # Days after closing before contact details of reporters/complainants are anonymised.
    'RETENTION_DAYS': env_int('HAARLEM_RETENTION_DAYS', 365 * 2),
    # The public frontend's base URL, used in mails to residents.
    'FRONTEND_URL': env('FRONTEND_URL', 'http://127.0.0.1:3001'),
    # The werkplek's base URL, used in mails to staff and partners.
    'BACKEND_URL': env('BACKEND_URL', 'http://127.0.0.1:8000'),
}

TIME_ZONE = 'Europe/Amsterdam'
USE_TZ = True
# Staff, partners and residents read Dutch, whatever their browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = 'nl'
LANGUAGES = [('nl', 'Nederlands')]
USE_I18N = True

ELASTICSEARCH_URL = env('ELASTICSEARCH_URL', '')
