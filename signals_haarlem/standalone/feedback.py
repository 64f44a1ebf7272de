"""Feedback from the reporter (KTO, klanttevredenheidsonderzoek), as upstream Signalen asks for it.

When a signal is closed ("afgehandeld") with a mail to the reporter, the mail carries two links into
the Signalen frontend: /kto/ja/<token> and /kto/nee/<token>. The frontend reads the form
(`GET /public/feedback/forms/<token>`), offers the standard answers, and sends the reporter's answer
once (`PUT`). An unhappy answer the municipality did not foresee, or one marked so, asks for the
signal to be reopened ("verzoek tot heropenen"); every answer is a line in the signal's history, and
an unhappy reporter who may be contacted gets a mail that their reaction arrived.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import workflow

logger = logging.getLogger(__name__)

TOO_LATE = 'too late'  # the reasons the frontend expects in a 410's `detail`
FILLED_OUT = 'filled out'
REOPEN_TEXT = 'De melder is niet tevreden, blijkt uit de feedback. Beoordeel of de melding heropend moet worden.'


class Gone(Exception):
    """The form cannot be filled out (any more); str() is the reason: TOO_LATE or FILLED_OUT."""


def expected_within_days():
    return int(getattr(settings, 'FEEDBACK_EXPECTED_WITHIN_N_DAYS', 14))


def request(signal):
    """A new feedback request for the signal (its links go into the closing mail)."""
    from .models import Feedback
    return Feedback.objects.create(_signal=signal)


def urls(feedback):
    """(link for "ja, tevreden", link for "nee, niet tevreden") in the Signalen frontend."""
    base = (getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', '') or '').rstrip('/')
    return f'{base}/kto/ja/{feedback.token}', f'{base}/kto/nee/{feedback.token}'


def check_open(feedback, now=None):
    """Raise Gone if the form was filled out already or its time is up."""
    if feedback.submitted_at is not None:
        raise Gone(FILLED_OUT)
    if (now or timezone.now()) > feedback.created_at + timedelta(days=expected_within_days()):
        raise Gone(TOO_LATE)


def needs_reopen(is_satisfied, answers):
    """Whether an answer asks for the signal to be reopened: never when satisfied; else when one of the
    answers is not a standard answer (typed by the reporter), or a standard answer marked so."""
    if is_satisfied:
        return False
    from .models import StandardAnswer
    known = {a.text: a for a in StandardAnswer.objects.filter(text__in=answers)}
    return any(text not in known or known[text].reopens_when_unhappy or known[text].open_answer
               for text in answers)


def description(feedback):
    """The history line's text (Dutch: the backoffice shows it)."""
    lines = ['Ja, de melder is tevreden' if feedback.is_satisfied else 'Nee, de melder is ontevreden',
             'Waarom: ' + (',\n'.join(feedback.text_list or []) or 'geen reden gegeven')]
    if feedback.text_extra:
        lines.append(f'Toelichting: {feedback.text_extra}')
    lines.append(f'Toestemming contact opnemen: {"Ja" if feedback.allows_contact else "Nee"}')
    return '\n'.join(lines)


def submit(token, is_satisfied, answers, text_extra='', allows_contact=False, now=None):
    """Record the reporter's answer (once); returns the Feedback. Raises Feedback.DoesNotExist or Gone.

    `answers`: the reasons picked or typed, in order, without duplicates."""
    from .models import Feedback, History, Signal
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two submits of one form at once give one answer and one 410.
        feedback = Feedback.objects.select_for_update().select_related('_signal').get(token=token)
        check_open(feedback, now)
        feedback.is_satisfied = is_satisfied
        feedback.allows_contact = allows_contact
        feedback.text_list = list(answers)
        feedback.text = None
        feedback.text_extra = text_extra or None
        feedback.submitted_at = now
        feedback.save()
        signal = Signal.objects.select_related('status', 'reporter').get(pk=feedback._signal_id)
        History.objects.create(_signal=signal, what='RECEIVE_FEEDBACK', action='Feedback van de melder ontvangen',
                               description=description(feedback), who=None, when=now)
        # Only a signal still closed is asked to reopen (staff may have reopened it already).
        if signal.current_state == workflow.AFGEHANDELD and needs_reopen(is_satisfied, feedback.text_list):
            Signal.actions.update_status({'state': workflow.VERZOEK_TOT_HEROPENEN, 'text': REOPEN_TEXT}, signal)
        reporter = signal.reporter if signal.reporter_id else None
        if not is_satisfied and reporter is not None and reporter.email and reporter.allows_contact:
            from . import mail
            pk = feedback.pk
            transaction.on_commit(lambda: mail.dispatch_feedback_received(pk))
    return feedback


def latest_requests():
    """Each signal's latest feedback request (the one the list's feedback filter and the context judge)."""
    from django.db.models import F, OuterRef, Subquery

    from .models import Feedback
    newest = Feedback.objects.filter(_signal=OuterRef('_signal')).order_by('-created_at', '-pk').values('pk')[:1]
    return Feedback.objects.annotate(newest=Subquery(newest)).filter(pk=F('newest'))


#: The list filter's choices: satisfied / not satisfied (answered so), not received (asked, no answer).
KINDS = {
    'satisfied': {'submitted_at__isnull': False, 'is_satisfied': True},
    'not_satisfied': {'submitted_at__isnull': False, 'is_satisfied': False},
    'not_received': {'submitted_at__isnull': True},
}


def signal_ids(kind):
    """A subquery of the ids of signals whose latest feedback request is of `kind` (see KINDS)."""
    return latest_requests().filter(**KINDS[kind]).values('_signal_id')
