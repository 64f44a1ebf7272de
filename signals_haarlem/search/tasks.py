"""Celery tasks of the search app (only do something when ELASTICSEARCH_URL is set; its periodic one:
schedule.py)."""
import logging
from datetime import timedelta

from celery import shared_task
from django.apps import apps
from django.utils import timezone

from signals_haarlem import signalen

from . import elastic

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30, ignore_result=True)
def index_signal(self, signal_id):
    """(Re)index one signal's document (from the hooks' receivers)."""
    if not elastic.enabled():
        return None
    try:
        return elastic.index_signals([signal_id])
    except Exception as exc:
        logger.warning('Indexing signal %s failed (%r); retrying', signal_id, exc)
        raise self.retry(exc=exc)


@shared_task(bind=True, max_retries=3, default_retry_delay=30, ignore_result=True)
def index_complaint(self, complaint_id):
    """(Re)index one complaint's document (after it was saved)."""
    if not elastic.enabled():
        return None
    try:
        return elastic.index_complaints([complaint_id])
    except Exception as exc:
        logger.warning('Indexing complaint %s failed (%r); retrying', complaint_id, exc)
        raise self.retry(exc=exc)


@shared_task(ignore_result=True)
def index_recent(minutes=20):
    """Reindex what changed in the last `minutes` (more than the schedule's interval), so a document a
    receiver or task missed is repaired within a quarter of an hour."""
    if not elastic.enabled():
        return None
    since = timezone.now() - timedelta(minutes=minutes)
    signal_ids = list(signalen.get_model('Signal').objects.filter(updated_at__gte=since).values_list('pk', flat=True))
    result = {'signals': elastic.index_signals(signal_ids) if signal_ids else (0, 0)}
    if apps.is_installed('signals_haarlem.complaints'):
        from signals_haarlem.complaints.models import Complaint
        complaint_ids = list(Complaint.objects.filter(updated_at__gte=since).values_list('pk', flat=True))
        result['complaints'] = elastic.index_complaints(complaint_ids) if complaint_ids else (0, 0)
    return result
