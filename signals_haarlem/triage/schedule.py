"""The periodic tasks of the triage app, for Celery beat (merged by signals_haarlem/beat.py into the
settings' CELERY_BEAT_SCHEDULE, so no Django import here)."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    'haarlem-triage-reconcile': {
        'task': 'signals_haarlem.triage.tasks.reconcile',
        'schedule': crontab(minute='*/10'),
    },
    'haarlem-triage-check-deadlines': {
        'task': 'signals_haarlem.triage.tasks.check_deadlines',
        'schedule': crontab(minute='5,35'),
    },
}
