"""Mail to the reporter, as upstream Signalen sends it.

- On creation (hook `create_initial`): a confirmation with the category's handling message, when the
  reporter gave an e-mail address (not for child signals). A note records that it was sent.
- On a status change sent with `send_email` (hook `update_status`): a message with the status text,
  to `email_override` if given, else the reporter (not when the reporter declined contact, and not for
  "forward to external": that mail goes to a partner, from the partners flow).

- When the reporter sent unhappy feedback (KTO, see feedback.py) and may be contacted: a mail that it
  arrived. The closing mail ("afgehandeld") carries the two feedback links.
- When staff change the reporter's e-mail address (see reporters.py): the confirmation link to the new
  address, and once confirmed, a notice to the previous one.

Texts come from `MailTemplate` rows an admin edits (key 'signal_created', 'status_changed',
'status_changed:<state>', 'feedback_received', 'reporter_verification' or 'reporter_changed'); without a row, the default in templates/signals/mail/
is used. A failing
mail is logged and never breaks the change that caused it.
"""
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Template, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from . import workflow

logger = logging.getLogger(__name__)

CREATED_NOTE = 'Automatische e-mail bij registratie van de melding is verzonden aan de melder.'
CREATED = 'signal_created'
STATUS = 'status_changed'
NO_STATUS_MAIL = frozenset({workflow.DOORGEZET_NAAR_EXTERN})


def _organisation():
    return getattr(settings, 'SIGNALS_MAIL_ORGANISATION', 'Gemeente Haarlem')


def context_for(signal, status_state=None, status_text=None):
    category = signal.category_assignment.category if signal.category_assignment_id else None
    location = signal.location if signal.location_id else None
    return {
        'signal_id': signal.id_display,
        'formatted_signal_id': signal.id_display,
        'text': signal.text,
        'created_at': signal.created_at,
        'category': (category.public_name or category.name) if category else '',
        'handling_message': (signal.category_assignment.stored_handling_message
                             if signal.category_assignment_id else '') or '',
        'address': location.address_text if location else '',
        'status': status_state,
        'state': status_state,
        'status_display': workflow.label(status_state) if status_state else '',
        'status_text': status_text or '',
        'organisation': _organisation(),
        'frontend_url': getattr(settings, 'HAARLEM', {}).get('FRONTEND_URL', ''),
    }


def _template_keys(key, state=None):
    """(database key, default template base name) pairs, most specific first."""
    if key == STATUS and state:
        slug = state.replace(' ', '_')
        return [(f'{STATUS}:{state}', f'{STATUS}_{slug}'), (STATUS, STATUS)]
    return [(key, key)]


def render(key, context, state=None):
    """(subject, text, html) of the mail `key` for this context."""
    from .models import MailTemplate
    keys = _template_keys(key, state)
    rows = {row.key: row for row in MailTemplate.objects.filter(key__in=[k for k, _ in keys], is_active=True)}
    with translation.override('nl'):
        subject = body = None
        for db_key, base in keys:
            row = rows.get(db_key)
            if row is not None:
                subject = Template(row.subject).render(Context(context, autoescape=False))
                body = Template(row.body).render(Context(context, autoescape=False))
                break
            try:
                get_template(f'signals/mail/{base}.txt')
            except TemplateDoesNotExist:
                continue
            subject = render_to_string(f'signals/mail/{base}.subject.txt', context)
            body = render_to_string(f'signals/mail/{base}.txt', context)
            break
        subject = ' '.join(subject.split())
        html = render_to_string('signals/mail/base.html', {'subject': subject,
                                                           'body_html': mark_safe(linebreaks(escape(body.strip())))})
    return subject, body.strip() + '\n', html


def _send(to, subject, text, html):
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, 'text/html')
    message.send()


def _with_feedback_links(context, positive, negative):
    return {**context, 'positive_feedback_url': positive, 'negative_feedback_url': negative}


def preview(signal, state, text=None, email_override=None):
    """(subject, html) of the mail a status change to `state` with `text` would send (the feedback links
    of a closing mail are examples: no feedback is requested by a preview)."""
    context = context_for(signal, state, text)
    if state == workflow.AFGEHANDELD:
        from .feedback import urls
        from .models import Feedback
        context = _with_feedback_links(context, *urls(Feedback(token='voorbeeld')))
    subject, _, html = render(STATUS, context, state=state)
    return subject, html


def _signal(pk):
    from .models import Signal
    return Signal.objects.select_related('category_assignment__category', 'location', 'reporter', 'status') \
        .filter(pk=pk).first()


def send_created_mail(signal_pk):
    """The confirmation to the reporter of a new signal; returns True if a mail went out."""
    from .models import Note, Signal
    try:
        signal = _signal(signal_pk)
        if signal is None or signal.parent_id or not signal.reporter_id or not signal.reporter.email:
            return False
        if Note.objects.filter(_signal=signal, text=CREATED_NOTE).exists():
            return False  # already sent (a hook delivered twice)
        subject, text, html = render(CREATED, context_for(signal))
        _send(signal.reporter.email, subject, text, html)
        Signal.actions.create_note({'text': CREATED_NOTE, 'created_by': None}, signal)
        return True
    except Exception:
        logger.exception('Confirmation mail for signal %s failed', signal_pk)
        return False


def send_status_mail(signal_pk, status_pk):
    """The mail for a status change made with send_email; returns True if a mail went out."""
    from .models import Signal, Status
    try:
        signal = _signal(signal_pk)
        status = Status.objects.filter(pk=status_pk).first()
        if signal is None or status is None or not status.send_email or status.state in NO_STATUS_MAIL:
            return False
        reporter = signal.reporter if signal.reporter_id else None
        to = status.email_override
        if not to:
            if reporter is None or not reporter.email or not reporter.allows_contact:
                return False
            to = reporter.email
        context = context_for(signal, status.state, status.text)
        if status.state == workflow.AFGEHANDELD:  # ask the reporter how it went (KTO)
            from . import feedback
            context = _with_feedback_links(context, *feedback.urls(feedback.request(signal)))
        subject, text, html = render(STATUS, context, state=status.state)
        _send(to, subject, text, html)
        Signal.actions.create_note({'text': f'Automatische e-mail bij status "{workflow.label(status.state)}" '
                                            f'is verzonden aan de melder.', 'created_by': None}, signal)
        return True
    except Exception:
        logger.exception('Status mail for signal %s failed', signal_pk)
        return False


FEEDBACK_RECEIVED = 'feedback_received'


def send_feedback_received_mail(feedback_pk):
    """To an unhappy reporter who may be contacted: their reaction arrived. True if a mail went out."""
    from .models import Feedback, Signal
    try:
        feedback = Feedback.objects.filter(pk=feedback_pk).first()
        signal = _signal(feedback._signal_id) if feedback is not None else None
        reporter = signal.reporter if signal is not None and signal.reporter_id else None
        if reporter is None or not reporter.email or not reporter.allows_contact or feedback.is_satisfied:
            return False
        context = {**context_for(signal), 'feedback_text': ', '.join(feedback.text_list or []),
                   'feedback_text_extra': feedback.text_extra or ''}
        subject, text, html = render(FEEDBACK_RECEIVED, context)
        _send(reporter.email, subject, text, html)
        Signal.actions.create_note({'text': 'Automatische e-mail bij ontvangst van feedback is verzonden aan de '
                                            'melder.', 'created_by': None}, signal)
        return True
    except Exception:
        logger.exception('Feedback-received mail for feedback %s failed', feedback_pk)
        return False


@shared_task(name='signals.mail.feedback_received')
def feedback_received_mail_task(feedback_pk):
    return send_feedback_received_mail(feedback_pk)


def dispatch_feedback_received(feedback_pk):
    _dispatch(feedback_received_mail_task, feedback_pk)


VERIFY_EMAIL = 'reporter_verification'
CONTACT_CHANGED = 'reporter_changed'


def send_reporter_verification_mail(reporter_pk):
    """To the new address of a reporter change: the link that confirms it. True if a mail went out."""
    from .models import ReporterVerification
    from .reporters import link
    try:
        verification = ReporterVerification.objects.select_related('reporter').filter(pk=reporter_pk).first()
        if verification is None or not verification.is_pending or not verification.reporter.email:
            return False
        signal = _signal(verification.reporter._signal_id)
        context = {**context_for(signal), 'verification_url': link(verification),
                   'expires_at': verification.expires_at}
        subject, text, html = render(VERIFY_EMAIL, context)
        _send(verification.reporter.email, subject, text, html)
        return True
    except Exception:
        logger.exception('Verification mail for reporter %s failed', reporter_pk)
        return False


def send_contact_changed_mail(signal_pk, old_email):
    """To the previous address once a new one is confirmed: the contact details of the report changed."""
    try:
        signal = _signal(signal_pk)
        if signal is None or not old_email:
            return False
        subject, text, html = render(CONTACT_CHANGED, context_for(signal))
        _send(old_email, subject, text, html)
        return True
    except Exception:
        logger.exception('Contact-changed mail for signal %s failed', signal_pk)
        return False


@shared_task(name='signals.mail.reporter_verification')
def reporter_verification_mail_task(reporter_pk):
    return send_reporter_verification_mail(reporter_pk)


@shared_task(name='signals.mail.reporter_changed')
def contact_changed_mail_task(signal_pk, old_email):
    return send_contact_changed_mail(signal_pk, old_email)


def dispatch_reporter_verification(reporter_pk):
    _dispatch(reporter_verification_mail_task, reporter_pk)


def dispatch_contact_changed(signal_pk, old_email):
    _dispatch(contact_changed_mail_task, signal_pk, old_email)


@shared_task(name='signals.mail.created')
def created_mail_task(signal_pk):
    return send_created_mail(signal_pk)


@shared_task(name='signals.mail.status')
def status_mail_task(signal_pk, status_pk):
    return send_status_mail(signal_pk, status_pk)


def _dispatch(task, *args):
    """Queue the mail for a worker; in-process when Celery runs eagerly (the embedded default)."""
    if getattr(task.app.conf, 'task_always_eager', False):
        task(*args)
        return
    try:
        task.delay(*args)
    except Exception:  # no broker reachable: send in-process rather than lose the mail
        logger.warning('Could not queue %s; sending in-process', task.name, exc_info=True)
        task(*args)


def on_create_initial(sender, signal_obj, **kwargs):
    if signal_obj.parent_id is None:
        _dispatch(created_mail_task, signal_obj.pk)


def on_update_status(sender, signal_obj, status, **kwargs):
    if status is not None and status.send_email:
        _dispatch(status_mail_task, signal_obj.pk, status.pk)
