"""Changing the reporter's contact details from the backoffice, as upstream Signalen does it.

A new e-mail address takes effect only after the reporter confirms it: staff may mistype an address,
and mail about a report must not reach a stranger. So a change to another (non-empty) address writes
the new details as a record that is not yet the signal's reporter, and mails a link to the new address
(`{FRONTEND_URL}/verify-email/{token}`, the frontend then posts the token to
`/public/reporter/verify-email`). Confirmed within REPORTER_VERIFICATION_HOURS it becomes the reporter,
and the previous address is told about the change. A phone number, sharing or contact choice, or
removing the address, takes effect at once. One change waits at a time: a newer one cancels it, and
staff may cancel it.

The reporters list shows each record's state with upstream's names.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SENT, APPROVED, CANCELLED = 'verification_email_sent', 'approved', 'cancelled'


def verification_hours():
    return int(getattr(settings, 'REPORTER_VERIFICATION_HOURS', 48))


def link(verification):
    base = (getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', '') or '').rstrip('/')
    return f'{base}/verify-email/{verification.token}'


def states(reporters):
    """{reporter id: state} of these reporter records."""
    from .models import ReporterVerification
    pending = {v.reporter_id: v for v in ReporterVerification.objects.filter(reporter__in=reporters)}
    result = {}
    for reporter in reporters:
        verification = pending.get(reporter.pk)
        if verification is None or verification.verified_at is not None:
            result[reporter.pk] = APPROVED
        elif verification.cancelled_at is not None:
            result[reporter.pk] = CANCELLED
        else:
            result[reporter.pk] = SENT
    return result


def _cancel_pending(signal, who, note, now):
    from .models import ReporterVerification, Signal
    for verification in ReporterVerification.objects.select_for_update().select_related('reporter').filter(
            reporter___signal=signal, verified_at__isnull=True, cancelled_at__isnull=True):
        verification.cancelled_at = now
        verification.save(update_fields=['cancelled_at'])
        Signal.actions.note_reporter(verification.reporter, signal, note, who=who)


def change(signal, data, who=None, now=None):
    """New contact details for the signal's reporter (data as for Signal.actions.update_reporter);
    returns (the new Reporter record, its state)."""
    from .models import ReporterVerification, Signal
    now = now or timezone.now()
    current = signal.reporter if signal.reporter_id else None
    new_email = (data.get('email') or '').strip()
    with transaction.atomic():
        _cancel_pending(signal, who, 'Eerdere wijziging van het e-mailadres vervangen door een nieuwe', now)
        if not new_email or (current is not None and new_email.lower() == (current.email or '').lower()):
            return Signal.actions.update_reporter(data, signal), APPROVED
        reporter = Signal.actions.propose_reporter(
            data, signal, 'Nieuw e-mailadres melder: wacht op bevestiging door de melder (link per e-mail)')
        verification = ReporterVerification.objects.create(
            reporter=reporter, created_at=now, expires_at=now + timedelta(hours=verification_hours()),
            created_by=who)
        from . import mail
        transaction.on_commit(lambda: mail.dispatch_reporter_verification(verification.pk))
    return reporter, SENT


def cancel(signal, reporter_id, who=None):
    """Staff cancel the waiting change; ValidationError if that record is not waiting."""
    from .models import ReporterVerification, Signal
    with transaction.atomic():
        verification = ReporterVerification.objects.select_for_update().select_related('reporter').filter(
            reporter_id=reporter_id, reporter___signal=signal).first()
        if verification is None or not verification.is_pending:
            raise ValidationError({'non_field_errors': [
                'Deze wijziging van de melder wacht niet (meer) op bevestiging; er is niets te annuleren.']})
        verification.cancelled_at = timezone.now()
        verification.save(update_fields=['cancelled_at'])
        Signal.actions.note_reporter(verification.reporter, signal, 'Wijziging van het e-mailadres geannuleerd',
                                     who=who)
    return verification.reporter


def verify(token, now=None):
    """The reporter confirms the new address: it becomes the signal's reporter. ValidationError with a
    Dutch message on `token` for an unknown, used, cancelled or expired one. Returns the Reporter."""
    from .models import ReporterVerification, Signal
    now = now or timezone.now()
    with transaction.atomic():
        verification = ReporterVerification.objects.select_for_update().select_related('reporter').filter(
            token=token).first()
        problem = None
        if verification is None:
            problem = 'Deze link is niet (meer) geldig.'
        elif verification.verified_at is not None:
            problem = 'Dit e-mailadres is al bevestigd.'
        elif verification.cancelled_at is not None:
            problem = 'Deze wijziging is ingetrokken; de link is niet meer geldig.'
        elif verification.expires_at < now:
            problem = 'Deze link is verlopen. Neem contact op met de gemeente om uw e-mailadres opnieuw te laten wijzigen.'
        if problem:
            raise ValidationError({'token': [problem]})
        verification.verified_at = now
        verification.save(update_fields=['verified_at'])
        signal = Signal.objects.select_related('reporter').get(pk=verification.reporter._signal_id)
        previous = signal.reporter if signal.reporter_id else None
        Signal.actions.approve_reporter(verification.reporter, signal)
        old_email = (previous.email or '') if previous is not None else ''
        if old_email and old_email.lower() != (verification.reporter.email or '').lower():
            from . import mail
            pk = signal.pk
            transaction.on_commit(lambda: mail.dispatch_contact_changed(pk, old_email))
    return verification.reporter
