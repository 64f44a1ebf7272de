"""Inside upstream Signalen: upstream's settings plus the Haarlem apps.

Run upstream with DJANGO_SETTINGS_MODULE=config.settings.upstream (upstream's manage.py, wsgi and
celery only `setdefault` it). Upstream's own models, hooks, auth and API are used; the standalone
core is not installed.
"""
from signals.settings import *  # noqa: F401,F403

from .base import HAARLEM, HAARLEM_APPS  # noqa: F401

INSTALLED_APPS = [*INSTALLED_APPS, *[app for app in HAARLEM_APPS if app not in INSTALLED_APPS]]  # noqa: F405
ROOT_URLCONF = 'config.urls_upstream'
