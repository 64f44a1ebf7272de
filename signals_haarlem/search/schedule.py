"""The periodic tasks of the search app, for Celery beat (merged by signals_haarlem/beat.py into the
settings' CELERY_BEAT_SCHEDULE, so no Django import here)."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    'search-index-recent': {
        'task': 'signals_haarlem.search.tasks.index_recent',
        'schedule': crontab(minute='*/15'),
    },
}
