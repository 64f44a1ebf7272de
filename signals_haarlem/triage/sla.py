"""SLA tracking: mark deadlines that are late or nearly late, notify the team once, keep the reporter
informed.

`check_deadlines()` (a Celery beat task) looks at open signals' current decisions:
- response late: no response (the signal never left "Gemeld") when the response term ended;
- plan late: not planned ("Ingepland") or resolved when the plan term ended (complex);
- resolution nearly late: not resolved and the term ends within the lane's `warn_days` working days;
- resolution late: not resolved when the term ended.
Each is an `SlaEvent` (at most one of each kind per decision, so the team hears it once) and a note
in Signalen's history; per lane the team gets one mail listing what is new. When a resolution term
will be missed, a reporter who can be contacted gets a mail (editable template) with a new expected
date, recorded as an SlaEvent and a note.
"""
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone, translation

from signals_haarlem import signalen, workdays

from . import deadlines
from .models import Lane, MessageTemplate, SignalLane, SlaEvent

logger = logging.getLogger(__name__)

DEFAULT_TEMPLATES = {
    MessageTemplate.REPORTER_DELAY: (
        'Uw melding {{ melding }}: het duurt langer',
        'Beste melder,\n\n'
        'Op {{ gemeld_op }} deed u een melding over "{{ categorie }}" (nummer {{ melding }}). We hadden beloofd '
        'die uiterlijk {{ oorspronkelijke_datum }} af te handelen. Dat lukt ons helaas niet.\n\n'
        'We verwachten uw melding uiterlijk {{ nieuwe_datum }} af te handelen. Lukt dat eerder, dan hoort u het '
        'meteen.\n\n'
        'Met vriendelijke groet,\n\nGemeente Haarlem\n{{ team }}'),
    MessageTemplate.TEAM_DIGEST: (
        '{{ aantal }} melding{{ aantal|pluralize:"en" }} in baan {{ baan }} (bijna) te laat',
        'Beste collega\'s van {{ team }},\n\n'
        'Deze meldingen in baan {{ baan }} zijn te laat of bijna te laat:\n\n'
        '{% for regel in regels %}- {{ regel.melding }} ({{ regel.categorie }}): {{ regel.soort }}, '
        'uiterlijk {{ regel.termijn }}\n  {{ regel.link }}\n{% endfor %}\n'
        'U krijgt over elke termijn één keer bericht.\n'),
}


def get_template(key):
    template = MessageTemplate.objects.filter(key=key).first()
    if template is None:
        subject, body = DEFAULT_TEMPLATES[key]
        template = MessageTemplate(key=key, subject=subject, body=body)
    return template


def dutch_date(day):
    with translation.override('nl'):
        return dateformat.format(day, 'j F Y')


def signal_link(signal_id):
    base = getattr(settings, 'HAARLEM', {}).get('BACKEND_URL', '').rstrip('/')
    try:
        return base + reverse('triage_pages:signal', args=[signal_id])
    except NoReverseMatch:
        return signalen.id_display(signal_id)


@dataclass
class Summary:
    response_late: int = 0
    plan_late: int = 0
    resolution_nearly_late: int = 0
    resolution_late: int = 0
    reporter_informed: int = 0
    mails_to_teams: int = 0
    failed: int = 0

    def as_dict(self):
        return dict(self.__dict__)


NOTE_WORDS = {
    'response_late': 'reactietermijn verstreken',
    'plan_late': 'plantermijn verstreken',
    'resolution_nearly_late': 'afhandeltermijn verstreekt bijna',
    'resolution_late': 'afhandeltermijn verstreken',
}
KIND_WORDS = {
    'response_late': 'reactie te laat',
    'plan_late': 'plan te laat',
    'resolution_nearly_late': 'afhandeling bijna te laat',
    'resolution_late': 'afhandeling te laat',
}


def _without(kind, due_field):
    """Not marked yet: no event of this kind for this decision, nor for the same deadline of the signal
    (a new decision with the same deadline, e.g. after a priority change, is not news to the team)."""
    return ~Exists(SlaEvent.objects.filter(decision_id=OuterRef('decision_id'), kind=kind)) & \
        ~Exists(SlaEvent.objects.filter(signal_id=OuterRef('signal_id'), kind=kind,
                                        due=OuterRef(f'decision__{due_field}')))


def _candidates(now, limit):
    """[(kind, SignalLane, due)] of deadlines that are newly late or nearly late."""
    base = SignalLane.objects.filter(is_open=True).select_related('decision', 'lane__department', 'category')
    found = []
    for kind, filters, due_field in (
            ('response_late', {'responded_at__isnull': True, 'decision__response_due__lte': now}, 'response_due'),
            ('plan_late', {'planned_at__isnull': True, 'resolved_at__isnull': True,
                           'decision__plan_due__lte': now}, 'plan_due'),
            ('resolution_late', {'resolved_at__isnull': True, 'decision__resolution_due__lte': now},
             'resolution_due')):
        for state in base.filter(**filters).filter(_without(kind, due_field)).order_by('due_at')[:limit]:
            found.append((kind, state, getattr(state.decision, due_field)))
    late_ids = {state.pk for kind, state, _ in found if kind == 'resolution_late'}
    cal = workdays.get_calendar()
    for lane in Lane.objects.filter(is_active=True):
        threshold = cal.deadline(now, lane.warn_days)
        qs = base.filter(lane=lane, resolved_at__isnull=True, decision__resolution_due__gt=now,
                         decision__resolution_due__lte=threshold) \
            .filter(_without('resolution_nearly_late', 'resolution_due'))
        for state in qs.order_by('due_at')[:limit]:
            if state.pk not in late_ids:
                found.append(('resolution_nearly_late', state, state.decision.resolution_due))
    return found


def _mark(kind, state, due):
    """Record the event and a note, in one transaction; False if it was already there."""
    decision = state.decision
    text = f'Triage: {NOTE_WORDS[kind]} (uiterlijk {deadlines.last_day(due):%d-%m-%Y}, baan {state.lane.name}).'
    try:
        with transaction.atomic():
            SlaEvent.objects.create(signal_id=state.signal_id, decision=decision, kind=kind, due=due, text=text)
            signalen.add_note(state.signal, text)
    except IntegrityError:
        return False
    return True


def inform_reporter(state, now=None):
    """Mail the reporter a new expected date when the resolution term will be missed (once per decision).
    Returns the SlaEvent, or None (no contactable reporter, or already informed)."""
    decision = state.decision
    if decision.resolution_due is None:
        return None
    if SlaEvent.objects.filter(Q(decision=decision) | Q(signal_id=state.signal_id, due=decision.resolution_due),
                               kind='reporter_informed').exists():
        return None
    signal = signalen.with_current_records().get(pk=state.signal_id)
    email, _ = signalen.reporter_contact(signal)
    if not email or not signalen.reporter_allows_contact(signal):
        return None
    lane = state.lane
    original = deadlines.last_day(decision.resolution_due)
    expected = workdays.add_workdays(original, lane.extension_days)
    category = signalen.category_of(signal)
    context = {
        'melding': signalen.id_display(signal),
        'categorie': (getattr(category, 'public_name', None) or category.name) if category else '',
        'gemeld_op': dutch_date(timezone.localtime(signal.created_at).date()),
        'oorspronkelijke_datum': dutch_date(original),
        'nieuwe_datum': dutch_date(expected),
        'baan': lane.name,
        'team': lane.department.name if lane.department_id else lane.name,
    }
    subject, body = get_template(MessageTemplate.REPORTER_DELAY).render(context)
    note = (f'Triage: melder per e-mail geïnformeerd dat de afhandeling langer duurt; nieuwe verwachte datum '
            f'{expected:%d-%m-%Y} (was {original:%d-%m-%Y}).')
    try:
        with transaction.atomic():
            event = SlaEvent.objects.create(signal_id=signal.pk, decision=decision, kind='reporter_informed',
                                            due=decision.resolution_due, expected_at=expected,
                                            text=f'{subject}\n\n{body}')
            SignalLane.objects.filter(pk=state.pk).update(expected_at=expected)
            signalen.add_note(signal, note)
            # Inside the transaction: if the mail cannot be sent, nothing is recorded and the next run retries.
            send_mail(subject, body, None, [email])
    except IntegrityError:
        return None
    return event


def _recipients(lane):
    if lane.notification_email:
        return [lane.notification_email]
    if lane.department_id:
        return sorted({user.email for user in signalen.department_users(lane.department) if user.email})
    return []


def _notify_teams(new_events):
    """One mail per lane listing its new events; returns the number of mails sent."""
    per_lane = defaultdict(list)
    for kind, state, due in new_events:
        per_lane[state.lane].append((kind, state, due))
    sent = 0
    template = get_template(MessageTemplate.TEAM_DIGEST)
    for lane, items in per_lane.items():
        recipients = _recipients(lane)
        if not recipients:
            logger.warning('Triage lane %s has no team mail address or members; %d late signals not mailed',
                           lane.code, len(items))
            continue
        lines = [{'melding': signalen.id_display(state.signal_id), 'categorie': state.category.name if state.category_id else '',
                  'soort': KIND_WORDS[kind], 'termijn': f'{deadlines.last_day(due):%d-%m-%Y}',
                  'link': signal_link(state.signal_id)}
                 for kind, state, due in sorted(items, key=lambda item: item[2])]
        context = {'baan': lane.name, 'team': lane.department.name if lane.department_id else lane.name,
                   'regels': lines, 'aantal': len(lines)}
        subject, body = template.render(context)
        try:
            send_mail(subject, body, None, recipients)
            sent += 1
        except Exception:
            logger.exception('Mail to team of lane %s failed', lane.code)
    return sent


def check_deadlines(now=None, limit=500):
    """Mark new late / nearly late deadlines, notify teams and inform reporters. Returns a Summary."""
    now = now or timezone.now()
    summary = Summary()
    new_events = []
    for kind, state, due in _candidates(now, limit):
        try:
            # One transaction: if informing the reporter fails, the mark goes too and the next run retries.
            with transaction.atomic():
                marked = _mark(kind, state, due)
                informed = kind in ('resolution_nearly_late', 'resolution_late') and inform_reporter(state, now)
        except Exception:
            summary.failed += 1
            logger.exception('SLA check of signal %s (%s) failed', state.signal_id, kind)
            continue
        if marked:
            new_events.append((kind, state, due))
            setattr(summary, kind, getattr(summary, kind) + 1)
        if informed:
            summary.reporter_informed += 1
    summary.mails_to_teams = _notify_teams(new_events)
    return summary
