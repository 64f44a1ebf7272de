"""The Celery beat schedule, collected from the Haarlem apps.

Each app declares its periodic tasks in `<app>/tasks.py` as `BEAT_SCHEDULE = {name: {'task': ...,
'schedule': crontab(...)}}`; config/celery.py merges them, and django-celery-beat's database
scheduler stores them so admins can see and pause them.
"""
import importlib

from django.conf import settings


def collect():
    schedule = {}
    for app in getattr(settings, 'HAARLEM_APPS', []):
        try:
            module = importlib.import_module(f'{app}.tasks')
        except ModuleNotFoundError as exc:
            if exc.name != f'{app}.tasks':
                raise
            continue
        schedule.update(getattr(module, 'BEAT_SCHEDULE', {}))
    return schedule
