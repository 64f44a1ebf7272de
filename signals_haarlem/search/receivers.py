"""Keep the search index current: the Signalen hooks (through the boundary) and the complaints' post_save
queue an indexing task, only when Elasticsearch is configured. Connected in SearchConfig.ready() with
dispatch_uids; idempotent (indexing a document twice is harmless); failures are logged, and the
periodic `index_recent` task catches what was missed."""
import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save

from signals_haarlem import signalen

from . import elastic

logger = logging.getLogger(__name__)

#: The hooks after which a signal's document changes (a triage decision adds a note, so create_note
#: also brings the lane up to date).
SIGNAL_HOOKS = ('create_initial', 'update_status', 'update_category_assignment', 'update_location', 'update_type',
                'create_note')


def on_signal_hook(sender, signal_obj, **kwargs):
    if not elastic.enabled():
        return
    try:
        from .tasks import index_signal
        index_signal.delay(signal_obj.pk)
    except Exception:
        logger.exception('Could not queue indexing of signal %s', getattr(signal_obj, 'pk', None))


def on_complaint_saved(sender, instance, **kwargs):
    if not elastic.enabled():
        return
    pk = instance.pk

    def queue():
        try:
            from .tasks import index_complaint
            index_complaint.delay(pk)
        except Exception:
            logger.exception('Could not queue indexing of complaint %s', pk)
    transaction.on_commit(queue)


def connect():
    for name in SIGNAL_HOOKS:
        getattr(signalen.hooks, name).connect(on_signal_hook, dispatch_uid=f'haarlem_search.{name}')
    if apps.is_installed('signals_haarlem.complaints'):
        from signals_haarlem.complaints.models import Complaint
        post_save.connect(on_complaint_saved, sender=Complaint, dispatch_uid='haarlem_search.complaint_saved')
