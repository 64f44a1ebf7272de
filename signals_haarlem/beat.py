"""The Celery beat schedule, collected from the Haarlem apps.

Each app declares its periodic tasks in `<app>/schedule.py` as `BEAT_SCHEDULE = {name: {'task': ...,
'schedule': crontab(...)}}` (no Django imports there). The settings add them to CELERY_BEAT_SCHEDULE,
standalone (config/settings/standalone.py) and inside upstream Signalen (config/settings/upstream.py,
next to upstream's own entries), so whichever Celery app runs beat (`config.celery`, upstream's
`signals.celery`) hands them to django-celery-beat's database scheduler, where admins see and pause them.
"""
import importlib


def collect(apps):
    """{name: entry} of the periodic tasks of the given Haarlem apps (module paths)."""
    schedule = {}
    for app in apps:
        try:
            module = importlib.import_module(f'{app}.schedule')
        except ModuleNotFoundError as exc:
            if exc.name != f'{app}.schedule':
                raise
            continue
        clash = set(schedule) & set(module.BEAT_SCHEDULE)
        if clash:
            raise ValueError(f'{app}.schedule names periodic tasks another app uses: {sorted(clash)}')
        schedule.update(module.BEAT_SCHEDULE)
    return schedule
