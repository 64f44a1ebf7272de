"""Receivers of the Signalen hooks: a signal of type COM (Klacht) becomes a complaint.

Connected in ComplaintsConfig.ready() with dispatch_uids. They are idempotent (one complaint per
signal), do little, and log their failures (the hooks are sent with send_robust).
"""
import logging

from signals_haarlem import signalen

logger = logging.getLogger(__name__)

COMPLAINT_TYPE = 'COM'


def _register(signal):
    from . import services
    try:
        complaint, created = services.create_from_signal(signal)
    except Exception:
        logger.exception('Could not register a complaint for signal %s', getattr(signal, 'pk', None))
        raise
    return complaint


def on_create_initial(sender, signal_obj, **kwargs):
    if signalen.type_code(signal_obj) == COMPLAINT_TYPE:
        _register(signal_obj)


def on_update_type(sender, signal_obj, type=None, prev_type=None, **kwargs):
    code = getattr(type, 'name', None) or signalen.type_code(signal_obj)
    if code == COMPLAINT_TYPE:
        _register(signal_obj)
        return
    if getattr(prev_type, 'name', None) == COMPLAINT_TYPE:
        from . import services
        from .models import Complaint
        complaint = Complaint.objects.filter(signal=signal_obj).first()
        if complaint is not None:
            services._event(complaint, 'signal', None,
                            reason=f'Het type van melding {signal_obj.pk} is gewijzigd van Klacht naar {code}; '
                                   'beoordeel of dit een klacht blijft.', data={'type': code})


def connect():
    signalen.hooks.create_initial.connect(on_create_initial, dispatch_uid='haarlem_complaints.create_initial')
    signalen.hooks.update_type.connect(on_update_type, dispatch_uid='haarlem_complaints.update_type')
