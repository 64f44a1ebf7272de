"""Celery tasks of the complaints app (its periodic ones: schedule.py)."""
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from signals_haarlem import signalen

logger = logging.getLogger(__name__)


@shared_task
def remove_expired_contact_details():
    from . import services
    return services.remove_expired_contact_details()


@shared_task(bind=True, max_retries=5, default_retry_delay=5)
def add_signal_note(self, signal_id, text, who=None):
    """Add a complaint step to the signal's Signalen history (retried when the signal is locked)."""
    Signal = signalen.get_model('Signal')
    signal = Signal.objects.filter(pk=signal_id).first()
    if signal is None:
        return None
    try:
        return signalen.add_note(signal, text, user=who).pk
    except Exception as exc:
        logger.warning('Could not add a note to signal %s: %r', signal_id, exc)
        raise self.retry(exc=exc)


@shared_task(bind=True, max_retries=5, default_retry_delay=5)
def close_signal(self, signal_id, text, who=None):
    """The complaint is closed: close its signal in Signalen too (afgehandeld, without Signalen's own
    mail: the complainant has had the letters). A signal already closed, or in a state from which
    Signalen does not allow closing, gets the text as a note instead, so the backoffice still shows it."""
    from django.core.exceptions import ValidationError
    signal = signalen.get_model('Signal').objects.filter(pk=signal_id).first()
    if signal is None:
        return None
    try:
        if signalen.current_state(signal) not in signalen.CLOSED_STATES:
            try:
                return signalen.set_status(signal, 'o', text, user=who, send_email=False).pk
            except ValidationError:
                logger.info('Signal %s cannot be closed from its state; noting the closed complaint', signal_id)
        return signalen.add_note(signal, text, user=who).pk
    except Exception as exc:
        logger.warning('Could not close signal %s for its complaint: %r', signal_id, exc)
        raise self.retry(exc=exc)


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def deliver_letter(self, letter_id):
    """Render a letter to PDF, store it and mail it where an address is known."""
    from . import letters
    from .models import Letter
    letter = Letter.objects.select_related('complaint').filter(pk=letter_id).first()
    if letter is None:
        return False
    try:
        return letters.deliver(letter)
    except Exception as exc:
        raise self.retry(exc=exc)


def _detail_url(complaint):
    base = getattr(settings, 'HAARLEM', {}).get('BACKEND_URL', '').rstrip('/')
    return base + reverse('complaints_pages:detail', args=[complaint.pk])


@shared_task
def warn_deadlines():
    """Warn the handler and the coordinators before a complaint's term ends and once it has ended
    (each once per term end; a new term after an extension gets its own warnings)."""
    from . import services
    from .models import DeadlineWarning
    coordinators = sorted({u.email for u in services.coordinators() if u.email})
    fallback = getattr(settings, 'HAARLEM', {}).get('COMPLAINTS_COORDINATOR_EMAIL', '')
    sent = 0
    for complaint, kind in services.due_warnings():
        to = set(coordinators) or ({fallback} if fallback else set())
        if complaint.handler_id and complaint.handler.email:
            to.add(complaint.handler.email)
        to = sorted(to)
        try:
            with transaction.atomic():
                DeadlineWarning.objects.create(complaint=complaint, kind=kind, term_last_day=complaint.term_last_day,
                                               recipients=', '.join(to))
                services._event(complaint, 'warning', None,
                                 reason=('Termijn verloopt bijna' if kind == DeadlineWarning.SOON else 'Termijn verlopen'),
                                 data={'kind': kind, 'term_last_day': complaint.term_last_day, 'to': to})
        except IntegrityError:  # another run sent it already
            continue
        if not to:
            logger.warning('No one to warn about complaint %s', complaint.reference)
            continue
        context = {'complaint': complaint, 'kind': kind, 'url': _detail_url(complaint),
                   'last_day': complaint.term_last_day}
        subject = (f'Termijn klacht {complaint.reference} verloopt op {complaint.term_last_day:%d-%m-%Y}'
                   if kind == DeadlineWarning.SOON else
                   f'Termijn klacht {complaint.reference} is verlopen ({complaint.term_last_day:%d-%m-%Y})')
        try:
            send_mail(subject, render_to_string('complaints/mail/deadline_warning.txt', context), None, to)
            sent += 1
        except Exception:
            logger.exception('Deadline warning for complaint %s could not be mailed', complaint.reference)
    return sent
