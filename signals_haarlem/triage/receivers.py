"""Receivers of the Signalen hooks. Connected in TriageConfig.ready() with a dispatch_uid each.

They do little: triage itself runs as a Celery task (in-process when Celery is eager), and the
status receiver updates the response/plan/resolution moments. All are idempotent (a repeated hook
writes no second decision) and log their failures; the reconcile task repairs what they missed.
"""
import logging

from signals_haarlem import signalen

logger = logging.getLogger(__name__)


def enqueue(signal_id, trigger):
    """Ask for a triage of the signal (a Celery task); failures are logged, never raised."""
    try:
        from .tasks import triage_signal
        triage_signal.delay(signal_id, trigger)
    except Exception:
        logger.exception('Could not queue the triage of signal %s (%s); the reconcile task will', signal_id, trigger)


def on_create_initial(sender, signal_obj, **kwargs):
    enqueue(signal_obj.pk, 'create')
    if signal_obj.parent_id:
        enqueue(signal_obj.parent_id, 'child')


def on_update_category_assignment(sender, signal_obj, **kwargs):
    enqueue(signal_obj.pk, 'category')


def on_update_location(sender, signal_obj, **kwargs):
    enqueue(signal_obj.pk, 'location')


def on_update_type(sender, signal_obj, **kwargs):
    enqueue(signal_obj.pk, 'type')


def on_update_priority(sender, signal_obj, **kwargs):
    enqueue(signal_obj.pk, 'priority')


def on_update_status(sender, signal_obj, status=None, **kwargs):
    from . import services
    try:
        state = status.state if status is not None else signalen.current_state(signal_obj)
        at = getattr(status, 'created_at', None)
        if services.record_status(signal_obj, state, at):
            enqueue(signal_obj.pk, 'reopen')
    except Exception:
        logger.exception('Triage: recording the status of signal %s failed', getattr(signal_obj, 'pk', None))


RECEIVERS = (
    ('create_initial', on_create_initial),
    ('update_category_assignment', on_update_category_assignment),
    ('update_location', on_update_location),
    ('update_type', on_update_type),
    ('update_priority', on_update_priority),
    ('update_status', on_update_status),
)


def on_complaint_linked(sender, signal_id, **kwargs):
    enqueue(signal_id, 'complaint')


def connect():
    for hook, receiver in RECEIVERS:
        getattr(signalen.hooks, hook).connect(receiver, dispatch_uid=f'haarlem_triage.{hook}')
    from django.apps import apps
    if apps.is_installed('signals_haarlem.complaints'):  # a complaint about a signal: Team Maatwerk
        from signals_haarlem.complaints.services import complaint_linked
        complaint_linked.connect(on_complaint_linked, dispatch_uid='haarlem_triage.complaint_linked')
