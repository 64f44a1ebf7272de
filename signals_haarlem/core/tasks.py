"""Celery tasks of the core app, and its periodic ones (BEAT_SCHEDULE, see signals_haarlem/beat.py)."""
import logging

from celery import shared_task
from celery.schedules import crontab

logger = logging.getLogger(__name__)

BEAT_SCHEDULE = {
    'core-anonymise-reporters': {
        'task': 'signals_haarlem.core.tasks.anonymise_reporters',
        'schedule': crontab(hour=3, minute=0),
    },
}


@shared_task(ignore_result=True)
def anonymise_reporters():
    """Daily: blank the contact details of reporters of signals closed longer than the retention period."""
    from . import retention
    done = retention.anonymise_reporters()
    if done:
        logger.info('Retention: anonymised the reporters of %s signals', done)
    return done
