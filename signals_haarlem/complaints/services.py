"""The complaints domain: intake, the Awb chapter 9 workflow, terms, letters, learning, and the
queries other apps use. No HTTP here: the API and the werkplek pages call these functions.

Every change runs in one transaction, locks the complaint row, writes an append-only
`ComplaintEvent` and, for a complaint that came from a Signalen signal, notes the step in the
signal's Signalen history (after commit, through the boundary). Errors are Django
`ValidationError`s with field errors in Dutch; nothing is written when one is raised.
"""
import logging
from datetime import date, datetime

import django.dispatch
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import ExtractYear, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from signals_haarlem import datetimes, signalen, workdays
from signals_haarlem.ids import parse_id

from . import letters as letters_mod
from . import workflow
from .models import (Cause, Complaint, ComplaintEvent, DeadlineWarning, ImprovementMeasure, Letter, MeasureEvent,
                     Norm, OmbudsmanCase, ReferenceCounter, TermChange)

logger = logging.getLogger(__name__)

APP = 'haarlem_complaints'
PERM_REGISTER = f'{APP}.register_complaint'
PERM_HANDLE = f'{APP}.handle_complaint'
PERM_COORDINATE = f'{APP}.coordinate_complaints'
PERM_REGISTER_VIEW = f'{APP}.view_complaint_register'
PERM_REPORTS = f'{APP}.view_complaint_reports'

BASE_WEEKS = 6  # Awb 9:11 lid 1
COMMITTEE_WEEKS = 10  # Awb 9:11 lid 1, with an advice committee (9:14)
MAX_EXTENSION_WEEKS = 4  # Awb 9:11 lid 2
NOT_HANDLED_WEEKS = 4  # Awb 9:8 lid 3


# -- roles -----------------------------------------------------------------------------------------

def is_coordinator(user):
    return bool(user and user.is_authenticated and user.has_perm(PERM_COORDINATE))


def is_handler(user):
    return bool(user and user.is_authenticated and user.has_perm(PERM_HANDLE))


def visible_complaints(user, qs=None):
    """The complaints `user` may see: all for a coordinator, their own for a handler, else none."""
    qs = Complaint.objects.all() if qs is None else qs
    if is_coordinator(user):
        return qs
    if is_handler(user):
        return qs.filter(handler=user)
    return qs.none()


def can_view(user, complaint):
    return is_coordinator(user) or (is_handler(user) and complaint.handler_id == user.pk)


def can_act(user, complaint):
    """Whether `user` may change `complaint` (the coordinator, or its own handler)."""
    return can_view(user, complaint)


def users_with_perm(perm):
    app_label, codename = perm.split('.')
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    User = get_user_model()
    if permission is None:
        return User.objects.none()
    return User.objects.filter(Q(groups__permissions=permission) | Q(user_permissions=permission),
                               is_active=True).distinct()


def handlers():
    """Users who may be assigned a complaint."""
    return users_with_perm(PERM_HANDLE).order_by('first_name', 'last_name', 'email')


def coordinators():
    return users_with_perm(PERM_COORDINATE)


# -- small helpers ---------------------------------------------------------------------------------

def _today(now=None):
    return timezone.localdate(now) if now is not None else timezone.localdate()


def who(user):
    if user is None or not getattr(user, 'pk', None):
        return 'Systeem'
    return user.get_full_name() or user.email or user.get_username()


def _user(user):
    return user if getattr(user, 'pk', None) else None


def _event(complaint, kind, user=None, reason='', data=None, from_state='', to_state='', at=None):
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, from_state=from_state, to_state=to_state, reason=reason or '',
        data=_jsonable(data or {}), created_by=_user(user), created_by_name=who(user), created_at=at or timezone.now())


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _lock(complaint):
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _refresh(target, source):
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = dict(source._state.fields_cache)
    getattr(target, '_prefetched_objects_cache', {}).clear()


def note_on_signal(complaint, text, user=None, close=False):
    """Show a complaint step in the linked signal's Signalen history (after commit, by a task); with
    close=True the step closes the signal (see tasks.close_signal)."""
    if not complaint.signal_id:
        return
    signal_id, who_email = complaint.signal_id, getattr(user, 'email', None) or None

    def send():
        from .tasks import add_signal_note, close_signal
        try:
            (close_signal if close else add_signal_note).delay(
                signal_id, f'Klacht {complaint.reference}: {text}', who_email)
        except Exception:  # the broker being away must not undo the complaint's change
            logger.exception('Could not queue a Signalen note for complaint %s', complaint.pk)
    transaction.on_commit(send)


def _queue_letters(letter_ids):
    if not letter_ids:
        return

    def send():
        from .tasks import deliver_letter
        for pk in letter_ids:
            try:
                deliver_letter.delay(pk)
            except Exception:
                logger.exception('Could not queue delivery of letter %s', pk)
    transaction.on_commit(send)


def _letter(complaint, kind, role=Letter.COMPLAINANT, user=None, extra=None, at=None):
    letter = letters_mod.build(complaint, kind, role, extra=extra, user=user, at=at)
    if letter is None:
        return None
    letter.save()
    _event(complaint, 'letter', user, reason=f'{letter.get_kind_display()} aan {letter.get_recipient_role_display().lower()}',
           data={'letter': letter.pk, 'kind': kind, 'to': letter.recipient_role}, at=at)
    return letter


def _date(value, field, errors, required=True, not_future=False, today=None):
    if value in (None, ''):
        if required:
            errors.setdefault(field, []).append('Dit veld is verplicht.')
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    elif not isinstance(value, date):
        try:
            parsed = parse_date(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            errors.setdefault(field, []).append('Geef een geldige datum (JJJJ-MM-DD).')
            return None
        value = parsed
    if not_future and value > (today or _today()):
        errors.setdefault(field, []).append('Deze datum ligt in de toekomst.')
    return value


def _datetime(value, field, errors):
    if value in (None, ''):
        errors.setdefault(field, []).append('Dit veld is verplicht.')
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors.setdefault(field, []).append('Geef een geldige datum en tijd.')
        return None
    if not datetimes.in_range(parsed):
        errors.setdefault(field, []).append(datetimes.OUT_OF_RANGE)
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _text(data, field, errors):
    """The text in data[field] ('' if absent); a field error if it is not text."""
    value = data.get(field)
    if value is None:
        return ''
    if not isinstance(value, str):
        errors.setdefault(field, []).append('Geef hier tekst.')
        return ''
    return value.strip()


def _choice(value, choices, field, errors):
    keys = [k for k, _ in choices]
    if not isinstance(value, str) or value not in keys:
        errors.setdefault(field, []).append(f'Kies een van: {", ".join(k for k in keys if k)}.')
        return None
    return value


def _raise(errors):
    if errors:
        raise ValidationError(errors)


# -- terms (Awb 9:11, 9:8) -------------------------------------------------------------------------

def base_term_weeks(complaint):
    return COMMITTEE_WEEKS if complaint.advice_committee else BASE_WEEKS


def compute_term_last_day(complaint):
    """The last day of the 9:11 term: 6 (or 10) weeks from receipt, plus the extension, or the date
    agreed with the complainant; a term ending on a weekend or public holiday moves to the next
    working day (Algemene termijnenwet). None for complaints outside the formal procedure."""
    if not complaint.is_formal:
        return None
    last = workdays.add_weeks_term(complaint.received_on, base_term_weeks(complaint) + complaint.extension_weeks)
    if complaint.postponed_until and complaint.postponed_until > last:
        last = complaint.postponed_until
    return last


def not_handled_letter_due(complaint):
    """The last day for the 9:8 letter: 4 weeks after receipt (moved like any Awb term)."""
    return workdays.add_weeks_term(complaint.received_on, NOT_HANDLED_WEEKS)


def compute_is_formal(complaint):
    """Awb 9:4: the formal procedure applies to written, non-anonymous complaints about conduct
    towards the complainant that are complaints (not a report, objection, question...)."""
    return (complaint.form == Complaint.WRITTEN and not complaint.is_anonymous and complaint.concerns_self
            and complaint.classification == Complaint.GEDRAGSKLACHT)


# -- 9:7 -------------------------------------------------------------------------------------------

def _same_person(user, complaint):
    """Whether `user` is the person the complaint is about."""
    if complaint.employee_id and complaint.employee_id == user.pk:
        return True
    name = (complaint.employee_name or '').strip().casefold()
    if name:
        candidates = {(user.get_full_name() or '').strip().casefold(), (user.email or '').casefold(),
                      user.get_username().casefold()}
        return name in candidates - {''}
    return False


def check_not_involved(complaint, handler):
    """Awb 9:7: the handler was not involved in the conduct (not for complaints about the college,
    the mayor or an alderman themselves)."""
    if handler is None or complaint.about_governing_body:
        return {}
    if _same_person(handler, complaint):
        return {'handler': ['De klacht gaat over deze medewerker; een klacht wordt behandeld door iemand '
                            'die niet bij de gedraging betrokken was (Awb 9:7).']}
    return {}


# -- intake ----------------------------------------------------------------------------------------

INTAKE_FIELDS = ('channel', 'form', 'is_anonymous', 'concerns_self', 'classification', 'received_on',
                 'complainant_kind', 'complainant_name', 'complainant_organisation', 'complainant_address',
                 'complainant_postcode', 'complainant_city', 'complainant_email', 'complainant_phone',
                 'representative_name', 'representative_email', 'representative_address', 'subject',
                 'conduct_description', 'conduct_date', 'employee', 'employee_name', 'about_governing_body',
                 'department_concerned', 'advice_committee')
#: Fields that may be corrected later (the rest of the intake, not the channel or the receipt date).
EDITABLE_FIELDS = tuple(f for f in INTAKE_FIELDS if f not in ('classification',))
PERSONAL_FIELDS = ('complainant_name', 'complainant_organisation', 'complainant_address', 'complainant_postcode',
                   'complainant_city', 'complainant_email', 'complainant_phone', 'representative_name',
                   'representative_email', 'representative_address')


def _intake_errors(complaint, strict=True, today=None):
    errors = {}
    if not complaint.subject.strip():
        errors['subject'] = ['Geef een kort onderwerp.']
    if not complaint.conduct_description.strip():
        errors['conduct_description'] = ['Beschrijf de gedraging waarover geklaagd wordt.']
    if complaint.received_on and complaint.received_on > (today or _today()):
        errors['received_on'] = ['De datum van ontvangst ligt in de toekomst.']
    if complaint.conduct_date and complaint.received_on and complaint.conduct_date > complaint.received_on:
        errors['conduct_date'] = ['De gedraging ligt na de ontvangst van de klacht.']
    if strict and complaint.form == Complaint.WRITTEN and not complaint.is_anonymous:
        # Awb 9:4 lid 2: name, address, date and a description; we need at least a way to reply.
        if not (complaint.complainant_name or complaint.complainant_organisation):
            errors['complainant_name'] = ['Een schriftelijke klacht bevat de naam van de klager (Awb 9:4).']
        if not (complaint.complainant_address or complaint.complainant_email or complaint.representative_address
                or complaint.representative_email):
            errors['complainant_address'] = ['Een schriftelijke klacht bevat het adres van de klager (Awb 9:4); '
                                             'geef een postadres of e-mailadres.']
    if complaint.is_anonymous and any(getattr(complaint, f) for f in PERSONAL_FIELDS):
        errors['is_anonymous'] = ['Een anonieme klacht heeft geen gegevens van de klager.']
    return errors


def _next_reference(year, n=1):
    """Allocate n consecutive numbers for `year`; returns the first."""
    ReferenceCounter.objects.get_or_create(year=year)
    ReferenceCounter.objects.filter(year=year).update(last=F('last') + n)
    return ReferenceCounter.objects.get(year=year).last - n + 1


#: Sent after the commit that links a complaint to a Signalen signal (kwargs: complaint, signal_id):
#: the triage puts a signal someone complained about with Team Maatwerk.
complaint_linked = django.dispatch.Signal()


def complaint_about(signal_id):
    """The reference of the newest complaint about the signal (not counting those found to be no
    complaint), or None."""
    return Complaint.objects.filter(signal_id=signal_id).exclude(state=workflow.NOT_A_COMPLAINT) \
        .order_by('-created_at', '-pk').values_list('reference', flat=True).first()


def format_reference(year, number):
    return f'KL-{year}-{number:04d}'


@transaction.atomic
def register_complaint(data, user=None, acknowledge=False, signal=None, strict=True, now=None):
    """Register a complaint from any channel. `data` has INTAKE_FIELDS (model instances for
    employee and department_concerned). With `acknowledge`, a formal complaint is acknowledged at
    once (9:6). Returns the complaint."""
    unknown = set(data) - set(INTAKE_FIELDS)
    if unknown:
        raise ValidationError({f: ['Onbekend veld.'] for f in sorted(unknown)})
    complaint = Complaint(**data)
    complaint.received_on = complaint.received_on or _today(now)
    complaint.signal = signal
    complaint.created_by = _user(user)
    if now is not None:
        complaint.created_at = now
    errors = _intake_errors(complaint, strict=strict, today=_today(now))
    if complaint.channel not in dict(Complaint.CHANNELS):
        errors['channel'] = ['Kies een kanaal.']
    if complaint.form not in dict(Complaint.FORMS):
        errors['form'] = ['Kies schriftelijk of mondeling.']
    _raise(errors)
    complaint.is_formal = compute_is_formal(complaint)
    complaint.term_last_day = compute_term_last_day(complaint)
    year = complaint.received_on.year
    complaint.reference = format_reference(year, _next_reference(year))
    complaint.full_clean(exclude=['reference', 'signal', 'employee', 'department_concerned', 'handler', 'cause',
                                  'created_by'], validate_unique=False)
    complaint.save()
    _event(complaint, 'intake', user, reason=f'Klacht geregistreerd via {complaint.get_channel_display().lower()}',
           data={'formal': complaint.is_formal, 'form': complaint.form, 'signal': signal.pk if signal else None},
           to_state=complaint.state, at=now)
    if signal is not None:
        note_on_signal(complaint, 'klacht geregistreerd in de klachtprocedure (Awb hoofdstuk 9). '
                                  f'Status: {complaint.state_label}.', user)
        transaction.on_commit(lambda: complaint_linked.send_robust(Complaint, complaint=complaint,
                                                                   signal_id=signal.pk))
    if acknowledge and complaint.is_formal:
        transition(complaint, workflow.ACKNOWLEDGED, user, reason='Ontvangst direct bevestigd bij registratie.',
                   now=now)
    return complaint


def create_from_signal(signal, user=None):
    """Register the complaint of a Signalen signal of type COM (once; returns the existing one)."""
    existing = Complaint.objects.filter(signal=signal).first()
    if existing is not None:
        return existing, False
    email, phone = signalen.reporter_contact(signal)
    data = {
        'channel': 'signalen', 'form': Complaint.WRITTEN, 'is_anonymous': not (email or phone),
        'received_on': timezone.localdate(signal.created_at),
        'complainant_email': email, 'complainant_phone': phone,
        'subject': (signal.text or '').strip().splitlines()[0][:200] if (signal.text or '').strip() else f'Melding {signal.pk}',
        'conduct_description': signal.text or '(geen tekst)',
    }
    try:
        with transaction.atomic():
            complaint = register_complaint(data, user=user, signal=signal, strict=False)
    except Exception:
        # Another process registered it at the same moment (unique signal): use that one.
        existing = Complaint.objects.filter(signal=signal).first()
        if existing is not None:
            return existing, False
        raise
    shield_intake_signal(complaint)
    return complaint, True


def complaint_category():
    """The Signalen category that keeps signals of type Klacht (HAARLEM['COMPLAINT_CATEGORY'], "main/sub");
    None when it is not configured or does not exist."""
    path = settings.HAARLEM.get('COMPLAINT_CATEGORY') or ''
    return signalen.find_category(path) if '/' in path else None


def shield_intake_signal(complaint):
    """Keep a complaint's intake signal (type Klacht: its text is the complaint, its reporter the
    complainant) where only those who may read complaints see it in Signalen: the complaint category.

    Signalen shows a signal to whoever sees all categories (here the KCC, which takes complaints in and
    answers the complainant, and the complaint roles), and to the departments of its category and of
    its routing. The complaint category's departments are the complaint coordination and Team Maatwerk
    (which the triage gives a complaint: personal contact with the person); the team whose category
    the report was made in (and who may be the one complained about) and Team Monitoring are not among
    them. The move is in the signal's history with its reason; the category it came in with stays in
    the complaint's events. Returns True if the signal was moved."""
    signal = complaint.signal
    category = complaint_category()
    if signal is None or category is None:
        return False
    current = signalen.category_of(signal)
    if current is not None and current.pk == category.pk:
        return False
    signalen.set_category(signal, category)
    signalen.add_note(signal, f'Klacht {complaint.reference}: de melding staat nu in de categorie {category.name}, '
                              f'zodat alleen de klachtencoördinatie, Team Maatwerk, het KCC en de klachtbehandelaars '
                              f'haar zien (de klacht hoort bij de klachtrollen).')
    _event(complaint, 'signal', None, reason=f'Melding in de categorie {category.name} gezet (was: '
                                              f'{current.name if current else "geen"}).',
           data={'category_before': _category_path(current), 'category': _category_path(category)})
    return True


def _category_path(category):
    if category is None:
        return None
    return f'{category.parent.slug}/{category.slug}' if category.parent_id else category.slug


@transaction.atomic
def update_details(complaint, changes, user=None, reason=''):
    """Correct intake data (who, what, which department...); logs old and new values."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: ['Dit veld kan hier niet gewijzigd worden.'] for f in sorted(unknown)})
    locked = _lock(complaint)
    if locked.state not in workflow.RUNNING:
        raise ValidationError({'state': ['Een afgehandelde klacht kan niet meer gewijzigd worden.']})
    before = {}
    for field, value in changes.items():
        old = getattr(locked, field)
        if old != value:
            before[field] = old
            setattr(locked, field, value)
    if not before:
        _refresh(complaint, locked)
        return complaint
    errors = _intake_errors(locked)
    errors.update(check_not_involved(locked, locked.handler))
    if 'received_on' in before and locked.term_changes.exists():
        errors['received_on'] = ['De termijn is al gewijzigd; de datum van ontvangst kan niet meer veranderen.']
    was_formal = locked.is_formal
    locked.is_formal = compute_is_formal(locked)
    if was_formal and not locked.is_formal and locked.state != workflow.RECEIVED:
        errors.setdefault('form', []).append('De klacht is al in de formele procedure; dit kan niet meer wijzigen.')
    _raise(errors)
    locked.term_last_day = compute_term_last_day(locked)
    locked.save()
    shown = {f: {'oud': _jsonable(before[f]), 'nieuw': _jsonable(getattr(locked, f))} for f in before}
    _event(locked, 'edit', user, reason=reason or 'Gegevens gecorrigeerd', data={'changes': shown})
    _refresh(complaint, locked)
    return complaint


@transaction.atomic
def assign(complaint, handler, user=None, reason=''):
    """Assign the complaint to a handler; refuses the person complained about (Awb 9:7)."""
    locked = _lock(complaint)
    errors = {}
    if locked.state not in workflow.RUNNING:
        errors['state'] = ['Een afgehandelde klacht kan niet meer worden toegewezen.']
    if handler is not None and not handler.has_perm(PERM_HANDLE):
        errors['handler'] = ['Deze medewerker heeft geen rol als klachtbehandelaar.']
    errors.update(check_not_involved(locked, handler))
    _raise(errors)
    previous = locked.handler
    locked.handler = handler
    locked.save(update_fields=['handler', 'updated_at'])
    _event(locked, 'assign', user, reason=reason,
           data={'from': previous.pk if previous else None, 'to': handler.pk if handler else None,
                 'handler': who(handler) if handler else ''})
    note_on_signal(locked, 'toegewezen aan een klachtbehandelaar.', user)
    _refresh(complaint, locked)
    return complaint


# -- the workflow ----------------------------------------------------------------------------------

def _norms(values, errors):
    if values and not isinstance(values, (list, tuple, set)) and not hasattr(values, 'all'):
        errors.setdefault('norms', []).append('Geef een lijst van normnummers (1-22).')
        return []
    values = list(values or [])
    if not values:
        return []
    numbers = [getattr(v, 'number', v) for v in values]
    try:
        numbers = [int(n) for n in numbers if not isinstance(n, (bool, float))]
        if len(numbers) != len(values):
            raise ValueError
    except (TypeError, ValueError):
        errors.setdefault('norms', []).append('Geef normen als nummer (1-22).')
        return []
    found = list(Norm.objects.filter(number__in=numbers, is_active=True))
    missing = set(numbers) - {n.number for n in found}
    if missing:
        errors.setdefault('norms', []).append(f'Onbekende norm(en): {", ".join(map(str, sorted(missing)))}.')
    return found


def _cause(value, errors):
    if value in (None, ''):
        return None
    if isinstance(value, Cause):
        return value
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        errors.setdefault('cause', []).append('Geef de code van een oorzaak.')
        return None
    value = str(value)
    pk = parse_id(value)
    cause = Cause.objects.filter(Q(code=value) | Q(pk=pk), is_active=True).first()
    if cause is None:
        errors.setdefault('cause', []).append('Onbekende oorzaak.')
    return cause


def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**62 else None


def _measure_specs(values, errors, today):
    specs = []
    if values and (not isinstance(values, (list, tuple)) or not all(isinstance(v, dict) for v in values)):
        errors.setdefault('measures', []).append('Geef maatregelen als lijst met omschrijving en streefdatum.')
        return specs
    for i, item in enumerate(values or []):
        description = _text(item, 'description', errors)
        due = _date(item.get('due_date'), 'measures', errors, required=True)
        if not description:
            errors.setdefault('measures', []).append(f'Maatregel {i + 1}: beschrijf de maatregel.')
        if due and due < today:
            errors.setdefault('measures', []).append(f'Maatregel {i + 1}: de streefdatum ligt in het verleden.')
        specs.append({'description': description, 'due_date': due, 'owner': _int_or_none(item.get('owner')),
                      'owner_name': _text(item, 'owner_name', errors),
                      'department': _int_or_none(item.get('department'))})
    return specs


def transition(complaint, to_state, user=None, reason='', data=None, now=None):
    """Move the complaint to `to_state`; refuses moves the table or the law does not allow.

    `data` carries what the move needs (see workflow.REQUIRED): e.g. for 'opgelost' who confirmed the
    satisfaction, when and how (9:5); for 'niet_behandeld' the ground and explanation (9:8); for
    'afgehandeld' the findings, the judgement, conclusions, norms, cause and measures (9:12).
    Writes a ComplaintEvent and the letters the step requires. Returns the complaint.
    """
    with transaction.atomic():
        locked = _lock(complaint)
        _transition(locked, to_state, user, reason, dict(data or {}), now)
    _refresh(complaint, locked)
    return complaint


def _transition(c, to, user, reason, data, now):
    now = now or timezone.now()
    today = _today(now)
    frm = c.state
    if to not in workflow.STATES:
        raise ValidationError({'to': [f'Onbekende status: {to}.']})
    if to not in workflow.allowed(frm):
        raise ValidationError({'to': [f'Van "{workflow.label(frm)}" naar "{workflow.label(to)}" is niet toegestaan. '
                                      f'Mogelijk: {", ".join(workflow.label(s) for s in workflow.allowed(frm)) or "niets"}.']})
    errors = workflow.guard_errors(c, to)
    for field in workflow.REQUIRED.get(to, ()):
        if data.get(field) in (None, '', []):
            errors.setdefault(field, []).append('Dit veld is verplicht.')
    letters = []  # (kind, role, extra)
    event_data = {}
    if to == workflow.INFORMAL:
        c.informal_approach = _text(data, 'approach', errors)
        event_data['approach'] = c.informal_approach
    elif to == workflow.RESOLVED:
        confirmed_on = _date(data.get('confirmed_on'), 'confirmed_on', errors, not_future=True, today=today)
        how = _choice(data.get('how'), workflow.CONFIRMATION_METHODS, 'how', errors) if data.get('how') else None
        if confirmed_on and confirmed_on < c.received_on:
            errors.setdefault('confirmed_on', []).append('Ligt vóór de ontvangst van de klacht.')
        c.resolved_confirmed_by = _text(data, 'confirmed_by', errors)
        c.resolved_confirmed_on, c.resolved_how = confirmed_on, how or ''
        c.outcome_explanation = _text(data, 'note', errors)
        c.outcome = 'opgelost'
        event_data.update(confirmed_by=c.resolved_confirmed_by, confirmed_on=confirmed_on, how=how)
        if data.get('send_letter', c.is_formal):
            letters.append((letters_mod.LetterTemplate.RESOLVED, Letter.COMPLAINANT, None))
    elif to == workflow.NOT_HANDLED:
        ground = _choice(data.get('ground'), workflow.NOT_HANDLED_GROUNDS, 'ground', errors) if data.get('ground') else None
        c.not_handled_ground = ground or ''
        c.outcome_explanation = _text(data, 'explanation', errors)
        c.outcome = 'niet_behandeld'
        # The 9:8 letter has its own term: 4 weeks from receipt; it is the term this decision is held to.
        due = not_handled_letter_due(c)
        c.term_last_day = due if c.is_formal else c.term_last_day
        event_data.update(ground=ground, letter_due=due)
        letters.append((letters_mod.LetterTemplate.NOT_HANDLED, Letter.COMPLAINANT, None))
    elif to == workflow.NOT_A_COMPLAINT:
        classification = data.get('classification')
        if classification == Complaint.GEDRAGSKLACHT:
            errors.setdefault('classification', []).append('Kies wat het dan wel is: dit is de stap voor berichten '
                                                           'die geen klacht over een gedraging zijn.')
        elif classification:
            _choice(classification, Complaint.CLASSIFICATIONS, 'classification', errors)
        forward_to = _text(data, 'forward_to', errors)
        if classification == 'ander_orgaan' and not forward_to:
            errors.setdefault('forward_to', []).append('Naar welk bestuursorgaan is het doorgezonden (Awb 2:3)?')
        c.classification = classification or c.classification
        c.forward_to = forward_to
        c.outcome_explanation = _text(data, 'explanation', errors)
        c.outcome = 'geen_klacht'
        c.is_formal = False
        event_data.update(classification=classification, forward_to=forward_to)
        kind = (letters_mod.LetterTemplate.FORWARDED if classification == 'ander_orgaan'
                else letters_mod.LetterTemplate.NOT_A_COMPLAINT)
        if c.form == Complaint.WRITTEN:
            letters.append((kind, Letter.COMPLAINANT, None))
    elif to == workflow.HEARING_INVITED:
        planned = _datetime(data.get('planned_at'), 'planned_at', errors) if data.get('planned_at') else None
        if planned and planned < now:
            errors.setdefault('planned_at', []).append('De hoorzitting ligt in het verleden.')
        c.hearing_planned_at, c.hearing_location = planned, _text(data, 'location', errors)
        event_data.update(planned_at=planned, location=c.hearing_location)
        letters.append((letters_mod.LetterTemplate.HEARING_INVITATION, Letter.COMPLAINANT, None))
        if data.get('invite_person', True):
            letters.append((letters_mod.LetterTemplate.HEARING_INVITATION, Letter.PERSON, None))
    elif to == workflow.HEARING_HELD:
        held = _date(data.get('held_on'), 'held_on', errors, not_future=True, today=today)
        c.hearing_held_on, c.hearing_report = held, _text(data, 'report', errors)
        event_data.update(held_on=held, complainant_heard=bool(data.get('complainant_heard', True)),
                          person_heard=bool(data.get('person_heard', True)))
    elif to == workflow.HEARING_WAIVED:
        ground = _choice(data.get('ground'), workflow.HEARING_WAIVER_GROUNDS, 'ground', errors) if data.get('ground') else None
        c.hearing_waived_ground = ground or ''
        event_data.update(ground=ground, explanation=_text(data, 'explanation', errors))
        reason = reason or event_data['explanation']
    elif to == workflow.CONCLUDED:
        judgement = _choice(data.get('judgement'), workflow.JUDGEMENTS, 'judgement', errors) if data.get('judgement') else None
        norms = _norms(data.get('norms'), errors) if 'norms' in data else None
        cause = _cause(data.get('cause'), errors) if 'cause' in data else c.cause
        if judgement in workflow.UPHELD:
            if not (norms if norms is not None else c.norms.exists()):
                errors.setdefault('norms', []).append('Geef aan welke behoorlijkheidsnorm(en) geschonden zijn.')
            if cause is None:
                errors.setdefault('cause', []).append('Geef de oorzaak aan.')
        specs = _measure_specs(data.get('measures'), errors, today)
        c.findings = _text(data, 'findings', errors)
        c.conclusions = _text(data, 'conclusions', errors)
        c.judgement = judgement or ''
        c.outcome = judgement or ''
        c.cause = cause
        if 'cause_note' in data:
            c.cause_note = _text(data, 'cause_note', errors)
        event_data.update(judgement=judgement, norms=[n.number for n in norms or []], cause=getattr(cause, 'code', None),
                          measures=len(specs))
        letters.append((letters_mod.LetterTemplate.CONCLUSION, Letter.COMPLAINANT, None))
    elif to == workflow.CLOSED:
        event_data['note'] = _text(data, 'note', errors)
        c.closed_at = now
    _raise(errors)

    c.state = to
    if to in workflow.DECIDED:
        c.decided_on = today
        if c.term_last_day is not None:
            event_data['on_time'] = today <= c.term_last_day
    if to == workflow.NOT_A_COMPLAINT:
        c.term_last_day = None
    c.save()
    if to == workflow.CONCLUDED:
        if norms is not None:
            c.norms.set(norms)
        for spec in specs:
            _add_measure(c, spec, user, now)
    event = _event(c, 'transition', user, reason=reason, data=event_data, from_state=frm, to_state=to, at=now)
    if to == workflow.ACKNOWLEDGED:
        letters.append((letters_mod.LetterTemplate.ACKNOWLEDGEMENT, Letter.COMPLAINANT, None))
    created = [_letter(c, kind, role, user, extra, at=now) for kind, role, extra in letters]
    _queue_letters([letter.pk for letter in created if letter is not None])
    note_on_signal(c, f'{workflow.label(to).lower()}.', user, close=to == workflow.CLOSED)
    return event


# -- 9:9 copy --------------------------------------------------------------------------------------

@transaction.atomic
def record_copy_sent(complaint, user=None, sent_on=None, how='', send_letter=True):
    """Record that the person complained about got a copy of the complaint (Awb 9:9); with
    `send_letter`, the copy letter is made (and mailed to a staff member's address)."""
    locked = _lock(complaint)
    errors = {}
    sent_on = _date(sent_on or _today(), 'sent_on', errors, not_future=True)
    if not (locked.employee_id or locked.employee_name or locked.about_governing_body):
        errors['employee'] = ['Leg eerst vast over wie de klacht gaat.']
    if locked.state not in workflow.RUNNING:
        errors['state'] = ['De klacht is al afgehandeld.']
    _raise(errors)
    letter = _letter(locked, letters_mod.LetterTemplate.COPY, Letter.PERSON, user) if send_letter else None
    locked.copy_sent_on = sent_on
    locked.copy_sent_how = how or ('brief' if letter else '')
    locked.save(update_fields=['copy_sent_on', 'copy_sent_how', 'updated_at'])
    _event(locked, 'copy', user, reason='Afschrift van de klacht aan beklaagde (Awb 9:9)',
           data={'sent_on': sent_on, 'how': locked.copy_sent_how, 'letter': letter.pk if letter else None})
    if letter:
        _queue_letters([letter.pk])
    _refresh(complaint, locked)
    return complaint


# -- term changes (9:11) ---------------------------------------------------------------------------

def _term_errors(c):
    if not c.is_formal or c.term_last_day is None:
        return {'term': ['Deze klacht valt buiten de formele procedure en heeft geen wettelijke termijn.']}
    if c.state not in workflow.RUNNING:
        return {'state': ['De klacht is al afgehandeld.']}
    return {}


@transaction.atomic
def extend_term(complaint, weeks, reason, user=None, now=None):
    """Adjourn the decision once by at most 4 weeks, with letters to complainant and person
    complained about (Awb 9:11 lid 2). Must happen before the term ends."""
    locked = _lock(complaint)
    today = _today(now)
    errors = _term_errors(locked)
    try:
        weeks = int(weeks)
    except (TypeError, ValueError):
        weeks = 0
    if not errors:
        if locked.term_changes.filter(kind=TermChange.EXTENSION).exists():
            errors['weeks'] = ['De afhandeling is al eens verdaagd. Verder uitstel kan alleen met schriftelijke '
                               'instemming van de klager (Awb 9:11 lid 2).']
        elif not 1 <= weeks <= MAX_EXTENSION_WEEKS:
            errors['weeks'] = [f'Verdagen kan met ten hoogste {MAX_EXTENSION_WEEKS} weken (Awb 9:11 lid 2).']
        elif today > locked.term_last_day:
            errors['weeks'] = [f'De termijn is op {letters_mod.nl_date(locked.term_last_day)} verstreken; verdagen '
                               'moet vóór het einde van de termijn.']
    if not (reason or '').strip():
        errors['reason'] = ['Geef de reden van de verdaging; die staat in de brieven.']
    _raise(errors)
    previous = locked.term_last_day
    locked.extension_weeks = weeks
    locked.term_last_day = compute_term_last_day(locked)
    locked.save(update_fields=['extension_weeks', 'term_last_day', 'updated_at'])
    TermChange.objects.create(complaint=locked, kind=TermChange.EXTENSION, previous_last_day=previous,
                              new_last_day=locked.term_last_day, weeks=weeks, reason=reason.strip(),
                              created_by=_user(user))
    _event(locked, 'term', user, reason=reason, data={'kind': 'verdaging', 'weeks': weeks, 'from': previous,
                                                     'to': locked.term_last_day}, at=now)
    extra = {'reden': reason.strip(), 'vorige_termijn': letters_mod.nl_date(previous)}
    created = [_letter(locked, letters_mod.LetterTemplate.EXTENSION, role, user, extra, at=now)
               for role in (Letter.COMPLAINANT, Letter.PERSON)]
    _queue_letters([letter.pk for letter in created if letter])
    note_on_signal(locked, f'afhandeling verdaagd tot en met {letters_mod.nl_date(locked.term_last_day)}.', user)
    _refresh(complaint, locked)
    return complaint


@transaction.atomic
def postpone_with_consent(complaint, until, consent_received_on, consent_how, reason, user=None, now=None):
    """Further delay, only with the complainant's written consent (Awb 9:11 lid 2), recorded."""
    locked = _lock(complaint)
    today = _today(now)
    errors = _term_errors(locked)
    until = _date(until, 'until', errors)
    consent_on = _date(consent_received_on, 'consent_received_on', errors, not_future=True, today=today)
    if consent_how not in dict(workflow.WRITTEN_CONSENT_METHODS):
        errors['consent_how'] = ['De instemming van de klager moet schriftelijk zijn (brief, e-mail of formulier).']
    if not (reason or '').strip():
        errors['reason'] = ['Geef de reden van het uitstel.']
    if until and not errors.get('term') and locked.term_last_day and until <= locked.term_last_day:
        errors['until'] = ['De nieuwe datum ligt niet na het huidige einde van de termijn.']
    if until and until < today:
        errors.setdefault('until', []).append('De nieuwe datum ligt in het verleden.')
    _raise(errors)
    until = workdays.next_workday(until)
    previous = locked.term_last_day
    locked.postponed_until = until
    locked.term_last_day = compute_term_last_day(locked)
    locked.save(update_fields=['postponed_until', 'term_last_day', 'updated_at'])
    TermChange.objects.create(complaint=locked, kind=TermChange.CONSENT, previous_last_day=previous,
                              new_last_day=locked.term_last_day, consent_received_on=consent_on,
                              consent_how=consent_how, reason=reason.strip(), created_by=_user(user))
    _event(locked, 'term', user, reason=reason, data={'kind': 'instemming', 'from': previous, 'to': until,
                                                     'consent_received_on': consent_on, 'consent_how': consent_how},
           at=now)
    note_on_signal(locked, f'afhandeling met instemming van de klager uitgesteld tot en met '
                           f'{letters_mod.nl_date(until)}.', user)
    _refresh(complaint, locked)
    return complaint


@transaction.atomic
def set_advice_committee(complaint, value, reason, user=None):
    """Switch the advice committee (Awb 9:14) on or off: the term becomes 10 or 6 weeks."""
    locked = _lock(complaint)
    errors = _term_errors(locked)
    if not (reason or '').strip():
        errors['reason'] = ['Geef een reden.']
    _raise(errors)
    if locked.advice_committee == bool(value):
        _refresh(complaint, locked)
        return complaint
    previous = locked.term_last_day
    locked.advice_committee = bool(value)
    locked.term_last_day = compute_term_last_day(locked)
    locked.save(update_fields=['advice_committee', 'term_last_day', 'updated_at'])
    TermChange.objects.create(complaint=locked, kind=TermChange.COMMITTEE, previous_last_day=previous,
                              new_last_day=locked.term_last_day, reason=reason.strip(), created_by=_user(user))
    _event(locked, 'term', user, reason=reason, data={'kind': 'adviescommissie', 'on': bool(value), 'from': previous,
                                                     'to': locked.term_last_day})
    _refresh(complaint, locked)
    return complaint


# -- learning --------------------------------------------------------------------------------------

@transaction.atomic
def set_learning(complaint, norms=None, cause=None, cause_note=None, user=None):
    """Record the Behoorlijkheidswijzer norms breached and the cause (also after closing)."""
    locked = _lock(complaint)
    errors = {}
    found = _norms(norms, errors) if norms is not None else None
    cause_obj = _cause(cause, errors) if cause is not None else locked.cause
    _raise(errors)
    changed = {}
    if found is not None:
        locked.norms.set(found)
        changed['norms'] = sorted(n.number for n in found)
    if cause is not None:
        locked.cause = cause_obj
        changed['cause'] = cause_obj.code if cause_obj else None
    if cause_note is not None:
        locked.cause_note = cause_note.strip()
        changed['cause_note'] = locked.cause_note
    locked.save(update_fields=['cause', 'cause_note', 'updated_at'])
    _event(locked, 'learning', user, reason='Normen en oorzaak vastgelegd', data=changed)
    _refresh(complaint, locked)
    return complaint


def _add_measure(complaint, spec, user, now=None):
    owner = spec.get('owner')
    if owner is not None and not isinstance(owner, models.Model):
        owner = get_user_model().objects.filter(pk=owner).first()
    department = spec.get('department')
    if department is not None and not isinstance(department, models.Model):
        department = signalen.get_model('Department').objects.filter(pk=department).first()
    measure = ImprovementMeasure.objects.create(
        complaint=complaint, description=spec['description'], due_date=spec['due_date'], owner=owner,
        owner_name=spec.get('owner_name') or (who(owner) if owner else ''),
        department=department or (complaint.department_concerned if complaint else None),
        created_by=_user(user), created_at=now or timezone.now())
    MeasureEvent.objects.create(measure=measure, to_status=measure.status, note='Maatregel vastgelegd',
                                created_by=_user(user), created_at=now or timezone.now())
    if complaint is not None:
        _event(complaint, 'measure', user, reason=f'Verbetermaatregel: {measure.description[:200]}',
               data={'measure': measure.pk, 'due_date': measure.due_date}, at=now)
    return measure


@transaction.atomic
def add_measure(complaint, description, due_date, owner=None, owner_name='', department=None, user=None):
    errors = {}
    if not (description or '').strip():
        errors['description'] = ['Beschrijf de maatregel.']
    due = _date(due_date, 'due_date', errors)
    if due and due < _today():
        errors.setdefault('due_date', []).append('De streefdatum ligt in het verleden.')
    if not (owner or (owner_name or '').strip()):
        errors['owner'] = ['Wie is eigenaar van de maatregel?']
    _raise(errors)
    spec = {'description': description.strip(), 'due_date': due, 'owner': owner,
            'owner_name': (owner_name or '').strip(), 'department': department}
    return _add_measure(complaint, spec, user)


@transaction.atomic
def set_measure_status(measure, status, note='', user=None, done_on=None):
    locked = ImprovementMeasure.objects.select_for_update().get(pk=measure.pk)
    errors = {}
    if status not in dict(ImprovementMeasure.STATUSES):
        errors['status'] = ['Onbekende status.']
    elif status == locked.status:
        errors['status'] = ['De maatregel heeft deze status al.']
    if status == ImprovementMeasure.CANCELLED and not (note or '').strip():
        errors['note'] = ['Geef aan waarom de maatregel vervalt.']
    done = _date(done_on or _today(), 'done_on', errors, not_future=True) if status == ImprovementMeasure.DONE else None
    _raise(errors)
    previous = locked.status
    locked.status = status
    locked.done_on = done
    locked.save(update_fields=['status', 'done_on', 'updated_at'])
    MeasureEvent.objects.create(measure=locked, from_status=previous, to_status=status, note=(note or '').strip(),
                                created_by=_user(user))
    if locked.complaint_id:
        _event(locked.complaint, 'measure', user,
               reason=f'Maatregel "{locked.description[:80]}": {locked.get_status_display().lower()}',
               data={'measure': locked.pk, 'from': previous, 'to': status, 'note': note})
    _refresh(measure, locked)
    return measure


@transaction.atomic
def add_note(complaint, text, user=None):
    if not (text or '').strip():
        raise ValidationError({'text': ['Schrijf een notitie.']})
    return _event(complaint, 'note', user, reason=text.strip())


# -- ombudsman (9:18 ff.) --------------------------------------------------------------------------

@transaction.atomic
def register_ombudsman_case(complaint, received_on, reference='', ombudsman='Nationale ombudsman', user=None):
    errors = {}
    received_on = _date(received_on, 'received_on', errors, not_future=True)
    if complaint.state not in workflow.FINAL:
        errors['state'] = ['De ombudsman komt pas in beeld nadat de klacht intern is afgehandeld.']
    _raise(errors)
    case = OmbudsmanCase.objects.create(complaint=complaint, received_on=received_on, reference=reference.strip(),
                                        ombudsman=ombudsman or 'Nationale ombudsman')
    _event(complaint, 'ombudsman', user, reason=f'Verzoek bij de {case.ombudsman} ({case.reference or "zonder kenmerk"})',
           data={'case': case.pk, 'status': case.status})
    note_on_signal(complaint, f'de klager heeft zich gewend tot de {case.ombudsman}.', user)
    return case


@transaction.atomic
def update_ombudsman_case(case, status, outcome='', closed_on=None, user=None):
    errors = {}
    if status not in dict(OmbudsmanCase.STATUSES):
        errors['status'] = ['Onbekende status.']
    closed = _date(closed_on, 'closed_on', errors, required=status == 'afgesloten', not_future=True)
    _raise(errors)
    previous = case.status
    case.status, case.outcome, case.closed_on = status, (outcome or case.outcome).strip(), closed
    case.save()
    _event(case.complaint, 'ombudsman', user, reason=f'Ombudsman: {case.get_status_display().lower()}',
           data={'case': case.pk, 'from': previous, 'to': status, 'outcome': case.outcome})
    return case


# -- queries: terms, register, figures (computed in the database) ----------------------------------

def with_timeliness(qs, today=None):
    """Annotate `on_time`: True/False once decided (against the term), None without a term;
    `is_late`: decided late, or still running past the term."""
    today = today or _today()
    return qs.annotate(
        on_time=Case(When(term_last_day__isnull=True, then=Value(None)),
                     When(decided_on__isnull=True, then=Value(None)),
                     When(decided_on__lte=F('term_last_day'), then=Value(True)),
                     default=Value(False), output_field=models.BooleanField(null=True)),
        is_late=Case(When(term_last_day__isnull=True, then=Value(False)),
                     When(decided_on__isnull=False, decided_on__gt=F('term_last_day'), then=Value(True)),
                     When(decided_on__isnull=True, term_last_day__lt=today, then=Value(True)),
                     default=Value(False), output_field=models.BooleanField()),
    )


def running_terms(qs=None, today=None):
    """Complaints whose 9:11 term runs, soonest end first."""
    qs = Complaint.objects.all() if qs is None else qs
    return with_timeliness(qs.filter(state__in=workflow.RUNNING, term_last_day__isnull=False), today) \
        .select_related('handler', 'department_concerned').order_by('term_last_day', 'pk')


def register_queryset(year=None, start=None, end=None):
    """The 9:12a register: every written complaint received in the year (or period)."""
    qs = Complaint.objects.filter(form=Complaint.WRITTEN)
    if year:
        qs = qs.filter(received_on__year=int(year))
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    return with_timeliness(qs).select_related('department_concerned', 'cause').prefetch_related('norms') \
        .order_by('received_on', 'reference')


def complaints_for_department(department, start=None, end=None):
    """Complaints whose department concerned is `department` (a Signalen Department, e.g. a partner
    such as SPL), received between start and end (dates, inclusive), with `outcome`, `decided_on`,
    `term_last_day` and the annotations `on_time` / `is_late`.

    For partners' review dossiers: show outcomes and timeliness, never the complainant's details.
    """
    qs = Complaint.objects.filter(department_concerned=department)
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    return with_timeliness(qs).order_by('received_on', 'pk')


def department_summary(department, start=None, end=None):
    """Counts for a department (partner) in a period: total, per outcome, on time, late, running."""
    qs = complaints_for_department(department, start, end)
    totals = qs.aggregate(
        n_total=Count('pk'), n_running=Count('pk', filter=Q(state__in=workflow.RUNNING)),
        n_on_time=Count('pk', filter=Q(on_time=True)), n_late=Count('pk', filter=Q(is_late=True)),
        n_upheld=Count('pk', filter=Q(outcome__in=workflow.UPHELD)))
    totals = {key[2:]: value for key, value in totals.items()}
    totals['by_outcome'] = counts_by_outcome(qs)
    return totals


def counts_by_period(qs=None, period='month', field='received_on'):
    """[(period start date, count)], computed in the database (period: 'month', 'quarter' or 'year')."""
    qs = Complaint.objects.all() if qs is None else qs
    trunc = {'month': TruncMonth, 'quarter': TruncQuarter}.get(period)
    if period == 'year':
        rows = qs.annotate(p=ExtractYear(field)).values('p').annotate(n=Count('pk', distinct=True)).order_by('p')
        return [(row['p'], row['n']) for row in rows]
    if trunc is None:
        raise ValueError(f'Unknown period {period!r}')
    rows = qs.annotate(p=trunc(field)).values('p').annotate(n=Count('pk', distinct=True)).order_by('p')
    return [(row['p'], row['n']) for row in rows]


def counts_by_outcome(qs=None):
    """{outcome: count} ('' = not decided yet)."""
    qs = Complaint.objects.all() if qs is None else qs
    return {row['outcome']: row['n'] for row in qs.order_by().values('outcome').annotate(n=Count('pk'))}


def counts_by_norm(qs=None):
    """[(norm number, norm name, count)] over the complaints in qs, most frequent first."""
    qs = Complaint.objects.all() if qs is None else qs
    rows = (Norm.objects.filter(complaints__in=qs.order_by().values('pk'))
            .values('number', 'name').annotate(n=Count('complaints')).order_by('-n', 'number'))
    return [(row['number'], row['name'], row['n']) for row in rows]


def counts_by_department(qs=None):
    """[(department code or '', name, count)], most first."""
    qs = Complaint.objects.all() if qs is None else qs
    rows = (qs.order_by().values('department_concerned__code', 'department_concerned__name')
            .annotate(n=Count('pk')).order_by('-n', 'department_concerned__code'))
    return [(row['department_concerned__code'] or '', row['department_concerned__name'] or 'Onbekend', row['n'])
            for row in rows]


def counts_by_cause(qs=None):
    qs = Complaint.objects.all() if qs is None else qs
    rows = qs.order_by().values('cause__name').annotate(n=Count('pk')).order_by('-n', 'cause__name')
    return [(row['cause__name'] or 'Niet vastgelegd', row['n']) for row in rows]


def open_measures(today=None):
    today = today or _today()
    return ImprovementMeasure.objects.exclude(status__in=ImprovementMeasure.FINISHED) \
        .annotate(late=Case(When(due_date__lt=today, then=Value(True)), default=Value(False),
                            output_field=models.BooleanField())) \
        .select_related('complaint', 'owner', 'department').order_by('due_date', 'pk')


# -- deadline warnings -----------------------------------------------------------------------------

def warn_days():
    from django.conf import settings
    return int(getattr(settings, 'HAARLEM', {}).get('COMPLAINTS_WARN_WORKDAYS', 5))


def due_warnings(today=None):
    """[(complaint, kind)] of warnings still to send: 'bijna' when the term ends within the warning
    period (working days), 'verlopen' once it has ended; each at most once per term end."""
    today = today or _today()
    horizon = workdays.add_workdays(today, warn_days())
    running = Complaint.objects.filter(state__in=workflow.RUNNING, term_last_day__isnull=False,
                                       term_last_day__lte=horizon).select_related('handler')
    sent = set(DeadlineWarning.objects.filter(complaint__in=running)
               .values_list('complaint_id', 'kind', 'term_last_day'))
    result = []
    for complaint in running:
        kind = DeadlineWarning.EXPIRED if complaint.term_last_day < today else DeadlineWarning.SOON
        if (complaint.pk, kind, complaint.term_last_day) not in sent:
            result.append((complaint, kind))
    return result


# -- retention -------------------------------------------------------------------------------------

CONTACT_FIELDS = ('complainant_address', 'complainant_postcode', 'complainant_email', 'complainant_phone',
                  'representative_email', 'representative_address')


def remove_expired_contact_details(now=None):
    """Remove the contact details (address, e-mail, phone) of complainants of complaints closed more than
    HAARLEM['RETENTION_DAYS'] ago, also from the letters' address fields. The name, the complaint and the
    letters' text stay (the dossier, kept per the archival selection list). Returns the number done."""
    from datetime import timedelta

    from django.conf import settings
    now = now or timezone.now()
    days = int(getattr(settings, 'HAARLEM', {}).get('RETENTION_DAYS', 730))
    expired = Complaint.objects.filter(closed_at__lt=now - timedelta(days=days), contact_removed_at__isnull=True)
    ids = list(expired.values_list('pk', flat=True)[:5000])
    if not ids:
        return 0
    with transaction.atomic():
        Complaint.objects.filter(pk__in=ids).update(contact_removed_at=now, **{f: '' for f in CONTACT_FIELDS})
        Letter.objects.filter(complaint_id__in=ids).update(recipient_address='', recipient_email='')
        _scrub_contact_changes(ids)
        ComplaintEvent.objects.bulk_create([
            ComplaintEvent(complaint_id=pk, kind='edit', reason=f'Contactgegevens verwijderd na {days} dagen bewaartermijn',
                           created_by_name='Systeem', created_at=now) for pk in ids])
    return len(ids)


def _scrub_contact_changes(complaint_ids):
    """Corrections of contact details keep their old and new values in the edit event's data; at the
    end of the retention period those values go too (a deliberate, logged exception to append-only:
    the event itself, who made it and when, stays)."""
    removed = {'oud': '(verwijderd)', 'nieuw': '(verwijderd)'}
    events = ComplaintEvent.objects.filter(complaint_id__in=complaint_ids, kind='edit').only('pk', 'data')
    for event in events.iterator():
        changes = (event.data or {}).get('changes') or {}
        if any(field in changes for field in CONTACT_FIELDS):
            scrubbed = {f: (removed if f in CONTACT_FIELDS else v) for f, v in changes.items()}
            ComplaintEvent.objects.filter(pk=event.pk).update(data={**event.data, 'changes': scrubbed})
