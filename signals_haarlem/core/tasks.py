"""Celery tasks of the core app (its periodic ones: schedule.py)."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def anonymise_reporters():
    """Daily: blank the contact details of reporters of signals closed longer than the retention period."""
    from . import retention
    done = retention.anonymise_reporters()
    if done:
        logger.info('Retention: anonymised the reporters of %s signals', done)
    return done
