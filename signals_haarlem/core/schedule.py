"""The periodic tasks of the core app, for Celery beat (merged by signals_haarlem/beat.py into the
settings' CELERY_BEAT_SCHEDULE, so no Django import here)."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    'core-anonymise-reporters': {
        'task': 'signals_haarlem.core.tasks.anonymise_reporters',
        'schedule': crontab(hour=3, minute=0),
    },
}
