"""Celery tasks of the triage app (its periodic ones: schedule.py)."""
import logging

from celery import shared_task
from django.db import DatabaseError

from signals_haarlem import signalen

logger = logging.getLogger(__name__)

_RETRYABLE = (DatabaseError, signalen.ConcurrentUpdate)


@shared_task(bind=True, max_retries=3, default_retry_delay=10, ignore_result=True)
def triage_signal(self, signal_id, trigger='create'):
    """Triage one signal (from the hooks' receivers)."""
    from . import services
    Signal = signalen.get_model('Signal')
    try:
        decision = services.triage_signal(signal_id, trigger)
    except Signal.DoesNotExist:
        logger.warning('Triage: signal %s does not exist (any more)', signal_id)
        return None
    except _RETRYABLE as exc:
        logger.warning('Triage of signal %s (%s) met a concurrent change; retrying: %r', signal_id, trigger, exc)
        if self.request.retries >= self.max_retries:
            logger.error('Triage of signal %s (%s) gave up; the reconcile task will retry', signal_id, trigger)
            return None
        raise self.retry(exc=exc)
    except Exception:
        logger.exception('Triage of signal %s (%s) failed; the reconcile task will retry', signal_id, trigger)
        return None
    return decision.pk if decision is not None else None


@shared_task(ignore_result=True)
def reconcile(limit=500, grace_seconds=120):
    """Triage signals that have no decision (a receiver failed or never ran), or whose category changed
    without a new decision."""
    from . import services
    result = services.reconcile(limit=limit, grace_seconds=grace_seconds)
    if result['triaged'] or result['failed']:
        logger.info('Triage reconcile: %s', result)
    return result


@shared_task(ignore_result=True)
def check_deadlines(limit=500):
    """Mark late and nearly late deadlines, notify teams once, inform reporters of a new expected date."""
    from . import sla
    summary = sla.check_deadlines(limit=limit).as_dict()
    logger.info('Triage deadlines: %s', summary)
    return summary


@shared_task(ignore_result=True)
def refresh_areas():
    """Recompute the area of every open signal after an area changed."""
    from . import services
    return services.refresh_areas()


