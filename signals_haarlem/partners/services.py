"""Forwarding jobs to partners and their answers (domain logic, no HTTP).

A forward follows Signalen's "forward to external": the signal goes to `forward to external`, the
partner gets a mail with a signed link valid for 14 days, answers once (text and photos) and the
signal goes to `closure requested`. Every step is a ForwardEvent with its timing in working days
against the partner's norms. The partner never sees the reporter's e-mail address or phone number:
what a partner may see is built in one place, `job_for_partner()`.
"""
import logging
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from signals_haarlem import signalen, workdays
from signals_haarlem.uploads import IMAGE_TYPES, check_upload, safe_filename

from . import hooks, links, workflow
from .models import Forward, ForwardAnswer, ForwardEvent, ForwardPhoto, Partner

logger = logging.getLogger(__name__)

FORWARD_STATE = 'forward to external'
ANSWERED_STATE = 'closure requested'

MAX_PHOTOS = 5
MAX_ANSWER_CHARS = 5000
MAX_INSTRUCTION_CHARS = 3000


def _setting(name, default):
    return getattr(settings, 'HAARLEM_PARTNERS', {}).get(name, default)


def max_photo_bytes():
    return int(_setting('MAX_PHOTO_BYTES', 10 * 1024 * 1024))


def _who(user):
    if user is None or isinstance(user, str):
        return user or ''
    return getattr(user, 'email', '') or getattr(user, 'username', '') or ''


# --- what a partner may see ----------------------------------------------------------------

_EMAIL = re.compile(r'[\w.+-]+@[\w-]+(?:\.[\w-]+)+')
# Dutch phone numbers as people write them: 06-12345678, 0612 345 678, +31 6 1234 5678, 023-5115115.
_PHONE = re.compile(r'(?<![\w])(?:\+|00)?(?:31[\s.-]?)?\(?0?\d{1,3}\)?(?:[\s.-]?\d){6,9}(?![\w])')
HIDDEN = '[afgeschermd]'


def redact(text, email='', phone='', terms=()):
    """The text without the reporter's e-mail address and phone number, or anything that looks like one
    (and without `terms`, e.g. a complainant's name and address)."""
    if not text:
        return ''
    for term in terms:
        if term and len(term.strip()) >= 3:
            text = re.sub(re.escape(term.strip()), HIDDEN, text, flags=re.IGNORECASE)
    if email:
        text = re.sub(re.escape(email), HIDDEN, text, flags=re.IGNORECASE)
    digits = re.sub(r'\D', '', phone or '')
    if len(digits) >= 6:
        # The phone number however it is spaced or punctuated.
        pattern = r'[\s.()-]*'.join(re.escape(d) for d in digits[-9:])
        text = re.sub(r'(?:\+?31|0)?[\s.()-]*' + pattern, HIDDEN, text)
    text = _EMAIL.sub(HIDDEN, text)
    return _PHONE.sub(HIDDEN, text)


def job_for_partner(forward):
    """Everything a partner may see of a forwarded job (page, mail and API use only this)."""
    if forward.complaint_id:
        return _complaint_job(forward)
    signal = forward.signal
    email, phone = signalen.reporter_contact(signal)
    category = signalen.category_of(signal)
    main = signalen.main_category_of(signal)
    location = signal.location if signal.location_id else None
    address = redact(getattr(location, 'address_text', '') or '', email, phone) if location else ''
    point = signalen.point_of(signal)
    return {
        'id': str(forward.uuid),
        'kind': 'signal',
        'reference': signalen.id_display(signal),
        'status': forward.status,
        'status_display': forward.get_status_display(),
        'category': category.name if category else '',
        'main_category': main.name if main else '',
        'text': redact(signal.text, email, phone),
        'text_extra': redact(getattr(signal, 'text_extra', '') or '', email, phone),
        'instruction': redact(forward.instruction, email, phone),
        'address': address,
        'coordinates': {'lon': point[0], 'lat': point[1]} if point else None,
        'incident_date': signal.incident_date_start,
        'forwarded_at': forward.forwarded_at,
        'response_due': forward.response_due,
        'resolution_due': forward.resolution_due,
        'link_expires_at': forward.link_expires_at,
        'answered_at': forward.answered_at,
    }


def _complaint_job(forward):
    """A complaint about the partner's work, for its response: what happened, never who complained."""
    complaint = forward.complaint
    email, phone = complaint.complainant_email, complaint.complainant_phone
    terms = [complaint.complainant_name, complaint.complainant_organisation, complaint.complainant_address,
             complaint.complainant_postcode, complaint.representative_name, complaint.representative_email,
             complaint.representative_address]
    day = complaint.conduct_date or complaint.received_on
    return {
        'id': str(forward.uuid),
        'kind': 'complaint',
        'reference': f'Klacht {complaint.reference}',
        'status': forward.status,
        'status_display': forward.get_status_display(),
        'category': 'Klacht over de uitvoering',
        'main_category': '',
        'text': redact(f'{complaint.subject}\n\n{complaint.conduct_description}', email, phone, terms),
        'text_extra': '',
        'instruction': redact(forward.instruction, email, phone, terms),
        'address': '',
        'coordinates': None,
        'incident_date': timezone.make_aware(datetime.combine(day, time(0)), workdays.TIME_ZONE) if day else None,
        'forwarded_at': forward.forwarded_at,
        'response_due': forward.response_due,
        'resolution_due': forward.resolution_due,
        'link_expires_at': forward.link_expires_at,
        'answered_at': forward.answered_at,
    }


def can_see_complaints(user, complaint=None):
    """Complaint data is for complaint roles only (the complaints app decides who they are)."""
    try:
        from signals_haarlem.complaints.services import can_view, is_coordinator
    except ImportError:
        return False
    return can_view(user, complaint) if complaint is not None else is_coordinator(user)


def visible_forwards(user, qs=None):
    """Forwards `user` may see: all signal forwards; complaint forwards only of complaints they may see."""
    qs = Forward.objects.all() if qs is None else qs
    try:
        from signals_haarlem.complaints.services import visible_complaints
    except ImportError:
        return qs.filter(complaint__isnull=True)
    return qs.filter(Q(complaint__isnull=True) | Q(complaint__in=visible_complaints(user)))


# --- choosing a partner --------------------------------------------------------------------

def partners_for_signal(signal):
    """Active partners that serve the signal's main category."""
    main = signalen.main_category_of(signal)
    if main is None:
        return Partner.objects.none()
    return Partner.objects.filter(is_active=True, categories=main)


def _timing(forward, at, norm_days):
    elapsed = workdays.workdays_between(forward.forwarded_at, at)
    return {'workdays_elapsed': elapsed, 'norm_days': norm_days}


# --- forwarding --------------------------------------------------------------------------

def forward_signal(signal, partner, instruction, user=None, via=Forward.VIA_WERKPLEK, now=None, set_status=True,
                   send=True):
    """Forward a signal to a partner: status `forward to external`, a signed link mailed to the partner.

    Raises ValidationError (field errors, Dutch) and changes nothing if it cannot be done.
    """
    instruction = (instruction or '').strip()
    errors = {}
    if not instruction:
        errors['instruction'] = ['Geef de partner een toelichting bij de opdracht.']
    elif len(instruction) > MAX_INSTRUCTION_CHARS:
        errors['instruction'] = [f'De toelichting is te lang (maximaal {MAX_INSTRUCTION_CHARS} tekens).']
    if not partner.is_active:
        errors['partner'] = [f'{partner.name} is niet actief als partner.']
    elif send and not partner.contacts_for('opdrachten'):
        errors['partner'] = [f'Er is geen e-mailadres voor opdrachten van {partner.name} bekend.']
    if signalen.current_state(signal) in signalen.CLOSED_STATES:
        errors['signal'] = ['Een afgehandelde of geannuleerde melding kan niet doorgezet worden.']
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    who = _who(user)
    with transaction.atomic():
        # A signal has at most one open forward: a new one replaces the old (its link stops working).
        for previous in Forward.objects.select_for_update().filter(signal=signal, status=Forward.OPEN):
            _close(previous, Forward.WITHDRAWN, who, 'Vervangen door een nieuwe doorzetting.', at=now, note=False)
        forward = Forward.objects.create(
            partner=partner, signal=signal, instruction=instruction, via=via, forwarded_at=now, forwarded_by=who,
            response_due=workdays.deadline(now, partner.response_days),
            resolution_due=workdays.deadline(now, partner.resolution_days),
            link_expires_at=now + timedelta(days=links.forward_link_days()))
        if set_status:
            status = signalen.set_status(signal, FORWARD_STATE, f'Doorgezet naar {partner.name}: {instruction}',
                                         user=who or None)
            Forward.objects.filter(pk=forward.pk).update(signal_status_id=status.pk)
            forward.signal_status_id = status.pk
        ForwardEvent.objects.create(forward=forward, kind=ForwardEvent.FORWARDED, at=now, who=who,
                                    detail=instruction, workdays_elapsed=0, norm_days=partner.response_days)
        if send:
            transaction.on_commit(lambda: send_forward_mail(forward.pk))
    return forward


def forward_complaint(complaint, partner, instruction, user=None, via=Forward.VIA_WERKPLEK, now=None, send=True):
    """Forward a complaint about the partner's work for its response (same link, answer and norms as a
    signal; no Signalen status). The partner never sees who complained."""
    instruction = (instruction or '').strip()
    errors = {}
    if not instruction:
        errors['instruction'] = ['Geef de partner een toelichting: waarop wilt u een reactie?']
    elif len(instruction) > MAX_INSTRUCTION_CHARS:
        errors['instruction'] = [f'De toelichting is te lang (maximaal {MAX_INSTRUCTION_CHARS} tekens).']
    if not partner.is_active:
        errors['partner'] = [f'{partner.name} is niet actief als partner.']
    elif send and not partner.contacts_for('opdrachten'):
        errors['partner'] = [f'Er is geen e-mailadres voor opdrachten van {partner.name} bekend.']
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    who = _who(user)
    with transaction.atomic():
        for previous in Forward.objects.select_for_update().filter(complaint=complaint, status=Forward.OPEN):
            _close(previous, Forward.WITHDRAWN, who, 'Vervangen door een nieuwe doorzetting.', at=now, note=False)
        forward = Forward.objects.create(
            partner=partner, complaint=complaint, instruction=instruction, via=via, forwarded_at=now,
            forwarded_by=who, response_due=workdays.deadline(now, partner.response_days),
            resolution_due=workdays.deadline(now, partner.resolution_days),
            link_expires_at=now + timedelta(days=links.forward_link_days()))
        ForwardEvent.objects.create(forward=forward, kind=ForwardEvent.FORWARDED, at=now, who=who,
                                    detail=instruction, workdays_elapsed=0, norm_days=partner.response_days)
        if send:
            transaction.on_commit(lambda: send_forward_mail(forward.pk))
    return forward


def send_forward_mail(forward_pk, reminder=False):
    """Mail the partner its job with the signed link; a failure is recorded, not raised."""
    forward = Forward.objects.select_related('partner', 'signal', 'complaint').get(pk=forward_pk)
    recipients = forward.partner.contacts_for('opdrachten')
    job = job_for_partner(forward)
    context = {'forward': forward, 'job': job, 'partner': forward.partner, 'url': links.forward_url(forward),
               'reminder': reminder}
    what = job['reference'] if job['kind'] == 'complaint' else f'melding {job["reference"]}'
    subject = f'{"Herinnering: " if reminder else ""}Opdracht van gemeente Haarlem: {what}'
    try:
        with translation.override('nl'):
            body = render_to_string('partners/mail/forward.txt', context)
        send_mail(subject, body, None, recipients)
        return True
    except Exception as exc:  # the mail server is down: the job stays, the failure is on record
        logger.exception('Mail for forward %s to %s failed', forward.pk, forward.partner.code)
        ForwardEvent.objects.create(forward=forward, kind=ForwardEvent.MAIL_FAILED, detail=repr(exc)[:500])
        return False


def _close(forward, status, who, detail, at=None, note=True):
    """Close an open forward (withdrawn or expired): the link stops working; an event records it."""
    at = at or timezone.now()
    workflow.check_forward(forward.status, status)
    forward.status, forward.nonce, forward.closed_at = status, '', at
    forward.save(update_fields=['status', 'nonce', 'closed_at'])
    kind = ForwardEvent.EXPIRED if status == Forward.EXPIRED else ForwardEvent.WITHDRAWN
    ForwardEvent.objects.create(forward=forward, kind=kind, at=at, who=who, detail=detail, on_time=False
                                if status == Forward.EXPIRED else None,
                                **_timing(forward, at, forward.partner.response_days))
    if note and forward.signal_id:
        _note(forward.signal, detail, who)


def _note(signal, text, who=None):
    try:
        with transaction.atomic():
            signalen.add_note(signal, text, user=who or None)
    except Exception:  # a locked signal must not undo the forward's own record
        logger.exception('Could not add a note to signal %s', signal.pk)


def withdraw_forward(forward, user=None, reason=''):
    with transaction.atomic():
        forward = _locked(forward.pk)
        if forward.status != Forward.OPEN:
            raise ValidationError({'status': ['Alleen een openstaande doorzetting kan ingetrokken worden.']})
        reason = (reason or '').strip()
        text = f'Doorzetting naar {forward.partner.name} ingetrokken' + (f': {reason}' if reason else '.')
        _close(forward, Forward.WITHDRAWN, _who(user), text)
    return forward


def validate_answer(text, photos, resolved=True):
    """Cleaned (text, [(file, mimetype)]) or ValidationError with field errors (Dutch)."""
    errors = {}
    text = (text or '').strip()
    if not text:
        errors['text'] = ['Beschrijf wat u heeft gedaan.']
    elif len(text) > MAX_ANSWER_CHARS:
        errors['text'] = [f'De reactie is te lang (maximaal {MAX_ANSWER_CHARS} tekens).']
    photos = [p for p in (photos or []) if p]
    checked = []
    if len(photos) > MAX_PHOTOS:
        errors['photos'] = [f"U kunt maximaal {MAX_PHOTOS} foto's meesturen."]
    else:
        photo_errors = []
        for photo in photos:
            try:
                mimetype, _ = check_upload(photo, max_photo_bytes(), allowed=IMAGE_TYPES, field='photos')
                checked.append((photo, mimetype))
            except ValidationError as exc:
                for message in exc.message_dict.get('photos', []):
                    photo_errors.append(f'{safe_filename(getattr(photo, "name", ""), "foto")}: {message}')
        if photo_errors:
            errors['photos'] = photo_errors
    if not isinstance(resolved, bool):
        errors['resolved'] = ['Geef aan of het probleem is opgelost.']
    if errors:
        raise ValidationError(errors)
    return text, checked


def answer_forward(forward, text, photos=(), resolved=True, answered_by='', via=ForwardAnswer.VIA_LINK,
                   token=None, now=None):
    """Record the partner's one answer and move the signal to `closure requested`.

    `token` (a link token) is checked again under the row lock, so two submissions of one link
    cannot both win. All or nothing: on any failure no record stays and stored files are removed.
    """
    text, checked = validate_answer(text, photos, resolved)
    answered_by = (answered_by or '').strip()[:254] or forward.partner.name
    stored = []
    try:
        with transaction.atomic():
            if token is not None:
                forward = links.resolve_forward(token, for_update=True)
            else:
                forward = _locked(forward.pk)
                if forward.status != Forward.OPEN:
                    raise ValidationError({'status': [f'Deze opdracht is {forward.get_status_display().lower()}; '
                                                      'er kan niet (meer) op gereageerd worden.']})
            now = now or timezone.now()
            partner = forward.partner
            elapsed = workdays.workdays_between(forward.forwarded_at, now)
            on_time = now < forward.response_due
            answer = ForwardAnswer.objects.create(
                forward=forward, text=text, resolved=resolved, answered_at=now, answered_by=answered_by, via=via,
                workdays_taken=elapsed, response_on_time=on_time,
                resolution_on_time=(now < forward.resolution_due) if resolved else None)
            for upload, mimetype in checked:
                upload.seek(0)
                photo = ForwardPhoto(answer=answer, mimetype=mimetype, size=upload.size,
                                     original_name=safe_filename(upload.name, 'foto'))
                photo.file.save(photo.original_name, upload, save=False)
                stored.append(photo.file.name)
                photo.save()
            workflow.check_forward(forward.status, Forward.ANSWERED)
            forward.status, forward.answered_at, forward.nonce = Forward.ANSWERED, now, ''
            forward.save(update_fields=['status', 'answered_at', 'nonce'])
            ForwardEvent.objects.create(
                forward=forward, kind=ForwardEvent.ANSWERED, at=now, who=answered_by,
                detail=('Opgelost. ' if resolved else 'Niet opgelost. ') + text[:500], workdays_elapsed=elapsed,
                norm_days=partner.response_days, on_time=on_time)
            if forward.signal_id:
                stored.extend(_answer_to_signal(forward, answer, checked, answered_by))
            hooks.send_after_commit(hooks.forward_answered, forward=forward, answer=answer)
    except Exception:
        for name in stored:
            try:
                default_storage.delete(name)
            except Exception:
                logger.exception('Could not remove %s after a failed answer', name)
        raise
    return answer


def _answer_to_signal(forward, answer, checked, answered_by):
    """Signalen's side of an answer: status `closure requested` (or a note if the signal moved on)
    and the photos as attachments. Returns the stored attachment names (for clean-up on failure)."""
    signal = forward.signal
    who = f'{forward.partner.name} ({answered_by})' if answered_by != forward.partner.name else forward.partner.name
    verdict = 'opgelost' if answer.resolved else 'niet opgelost'
    text = f'Reactie van {who} ({verdict}): {answer.text}'
    try:
        with transaction.atomic():
            signalen.set_status(signal, ANSWERED_STATE, text[:10000])
    except ValidationError:
        # The signal is no longer in a state that allows it (e.g. closed meanwhile): keep the answer as a note.
        signalen.add_note(signal, text[:3000])
    names = []
    for upload, _ in checked:
        upload.seek(0)
        attachment = signalen.add_attachment(signal, upload, user=None)
        names.append(attachment.file.name)
    return names


def _locked(pk):
    """The forward, locked (only its own row: PostgreSQL refuses FOR UPDATE on nullable joined rows)."""
    return Forward.objects.select_for_update(of=('self',)).select_related('partner', 'signal', 'complaint') \
        .get(pk=pk)


# --- periodic work -----------------------------------------------------------------------

def expire_forwards(now=None):
    """Close open forwards whose link ran out; returns how many."""
    now = now or timezone.now()
    count = 0
    for pk in Forward.objects.filter(status=Forward.OPEN, link_expires_at__lte=now).values_list('pk', flat=True):
        with transaction.atomic():
            forward = _locked(pk)
            if forward.status != Forward.OPEN:
                continue
            _close(forward, Forward.EXPIRED, '',
                   f'{forward.partner.name} heeft niet gereageerd binnen de geldigheid van de link '
                   f'({links.forward_link_days()} dagen). De link is verlopen; zet de melding opnieuw door of '
                   'handel haar zelf af.', at=now)
            count += 1
    return count


def remind_interval_workdays():
    return int(_setting('REMIND_EVERY_WORKDAYS', 2))


def max_reminders():
    return int(_setting('MAX_REMINDERS', 3))


def forwards_to_remind(now=None):
    """Open forwards past their response norm, whose link still works, not reminded recently."""
    now = now or timezone.now()
    candidates = Forward.objects.filter(status=Forward.OPEN, response_due__lte=now, link_expires_at__gt=now,
                                        reminders_sent__lt=max_reminders()).select_related('partner', 'signal')
    result = []
    for forward in candidates:
        if forward.last_reminded_at is None or \
                workdays.workdays_between(forward.last_reminded_at, now) >= remind_interval_workdays():
            result.append(forward)
    return result


def remind_forward(forward, now=None, send=True):
    now = now or timezone.now()
    with transaction.atomic():
        forward = _locked(forward.pk)
        if forward.status != Forward.OPEN:
            return False
        forward.reminders_sent += 1
        forward.last_reminded_at = now
        forward.save(update_fields=['reminders_sent', 'last_reminded_at'])
        timing = _timing(forward, now, forward.partner.response_days)
        ForwardEvent.objects.create(forward=forward, kind=ForwardEvent.REMINDED, at=now, on_time=False,
                                    detail=f'Herinnering {forward.reminders_sent}', **timing)
        if forward.signal_id:
            _note(forward.signal, f'Herinnering {forward.reminders_sent} gestuurd aan {forward.partner.name}: '
                                  f'geen reactie na {timing["workdays_elapsed"]} werkdagen '
                                  f'(norm {forward.partner.response_days}).')
        if send:
            transaction.on_commit(lambda: send_forward_mail(forward.pk, reminder=True))
    return True


def remind_open_forwards(now=None):
    return sum(1 for forward in forwards_to_remind(now) if remind_forward(forward, now))


# --- the backoffice's own "forward to external" ------------------------------------------

def forward_from_status(signal_id, status_id):
    """A status `forward to external` set in the Signalen backoffice (not by this app): create the
    forward for the partner the status names (its e-mail override) or that serves the category."""
    Signal = signalen.get_model('Signal')
    Status = signalen.get_model('Status')
    status = Status.objects.filter(pk=status_id).first()
    signal = Signal.objects.filter(pk=signal_id).first()
    if status is None or signal is None or status.state != FORWARD_STATE:
        return None
    if Forward.objects.filter(signal_status_id=status_id).exists():
        return None  # our own
    email = (getattr(status, 'email_override', '') or '').strip().lower()
    partner = None
    if email:
        partner = Partner.objects.filter(is_active=True).filter(
            Q(email__iexact=email) | Q(contacts__email__iexact=email, contacts__is_active=True)).distinct().first()
    if partner is None:
        candidates = list(partners_for_signal(signal)[:2])
        partner = candidates[0] if len(candidates) == 1 else None
    if partner is None:
        logger.warning('Signal %s was forwarded to external (%s) but no partner matches', signal.pk, email or '-')
        return None
    forward = forward_signal(signal, partner, status.text or 'Doorgezet vanuit Signalen.',
                             user=status.user or '', via=Forward.VIA_BACKOFFICE, set_status=False)
    Forward.objects.filter(pk=forward.pk).update(signal_status_id=status_id)
    return forward


def withdraw_for_closed_signal(signal_id):
    """The signal was closed or cancelled: open forwards stop (their links are refused)."""
    for forward in Forward.objects.filter(signal_id=signal_id, status=Forward.OPEN):
        with transaction.atomic():
            forward = Forward.objects.select_for_update(of=('self',)).select_related('partner').get(pk=forward.pk)
            if forward.status == Forward.OPEN:
                _close(forward, Forward.WITHDRAWN, '', 'Ingetrokken: de melding is afgehandeld of geannuleerd.',
                       note=False)
