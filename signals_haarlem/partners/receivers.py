"""Receivers of Signalen hooks: they only hand work to Celery tasks (and log failures)."""
import logging

from django.conf import settings

from signals_haarlem import signalen

logger = logging.getLogger(__name__)


def handle_backoffice_forwards():
    """Whether a `forward to external` set in the backoffice becomes a partner forward of this app.
    Inside upstream Signalen, upstream mails its own external link, so it is off by default there."""
    return getattr(settings, 'HAARLEM_PARTNERS', {}).get('HANDLE_BACKOFFICE_FORWARDS', not signalen.UPSTREAM)


def on_update_status(sender, signal_obj, status, prev_status=None, **kwargs):
    from . import tasks
    try:
        if status.state == 'forward to external' and handle_backoffice_forwards():
            from .models import Forward
            if not Forward.objects.filter(signal_status_id=status.pk).exists():
                tasks.forward_from_backoffice.delay(signal_obj.pk, status.pk)
        elif status.state in signalen.CLOSED_STATES:
            tasks.withdraw_for_closed_signal.delay(signal_obj.pk)
    except Exception:
        logger.exception('Partners receiver failed for signal %s', getattr(signal_obj, 'pk', None))
        raise


def connect():
    signalen.hooks.update_status.connect(on_update_status, dispatch_uid='haarlem_partners.update_status')
