"""The periodic tasks of the complaints app, for Celery beat (merged by signals_haarlem/beat.py into the
settings' CELERY_BEAT_SCHEDULE, so no Django import here)."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    'complaints-warn-deadlines': {
        'task': 'signals_haarlem.complaints.tasks.warn_deadlines',
        'schedule': crontab(hour=7, minute=0),
    },
    'complaints-remove-expired-contact-details': {
        'task': 'signals_haarlem.complaints.tasks.remove_expired_contact_details',
        'schedule': crontab(hour=3, minute=15),
    },
}
