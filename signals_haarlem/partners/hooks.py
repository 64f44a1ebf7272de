"""Django signals the partners app sends (for other apps, e.g. complaints, to follow their forwards).

    from signals_haarlem.partners.hooks import forward_answered
    forward_answered.connect(receiver, dispatch_uid='...')   # kwargs: forward, answer

Sent after commit, with send_robust (a failing receiver is logged, never undoes the answer).
"""
import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

forward_answered = Signal()


def send_after_commit(hook, **kwargs):
    def send():
        for receiver, result in hook.send_robust(sender=None, **kwargs):
            if isinstance(result, Exception):
                logger.error('Receiver %r of a partners hook failed: %r', receiver, result)
    transaction.on_commit(send)
