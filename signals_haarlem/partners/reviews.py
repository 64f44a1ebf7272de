"""Periodic reviews with partners: the dossier, planning, the meeting record and agreed actions.

The dossier of a review is made automatically from the data: the forwards of the period and their
timeliness, complaints about the partner (from the complaints app, when it is installed), the
partner's own figures, the change against the previous period and the open agreements. It is kept
as a snapshot on the review (refreshed until the meeting is held), so the record of what was
discussed does not shift afterwards.
"""
import logging
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from signals_haarlem import workdays

from . import figures as figures_service
from . import links, periods, workflow
from .models import Forward, Partner, PartnerLog, Review, ReviewAction, ReviewActionEvent, ReviewEvent

logger = logging.getLogger(__name__)

#: The meeting is planned this many working days after the period ends (room for figures to come in).
MEETING_AFTER_WORKDAYS = 15
#: The account holder is reminded this many working days before the meeting.
REMIND_BEFORE_WORKDAYS = 5
#: Late actions are chased again after this many working days.
CHASE_EVERY_WORKDAYS = 5


def _render(template, context):
    with translation.override('nl'):
        return render_to_string(template, context)


def _who(user):
    if user is None or isinstance(user, str):
        return user or ''
    return getattr(user, 'email', '') or getattr(user, 'username', '') or ''


def _local_start(day):
    return timezone.make_aware(datetime.combine(day, time(0)), workdays.TIME_ZONE)


def period_bounds(period):
    """[start, end) as aware datetimes (Europe/Amsterdam)."""
    return _local_start(period.start), _local_start(period.end_exclusive)


# --- complaints (optional app) ---------------------------------------------------------------

def _complaints_function():
    try:
        from signals_haarlem.complaints.services import complaints_for_department
    except ImportError:
        return None
    return complaints_for_department


def _get(item, *names):
    for name in names:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if callable(value):
            value = value()
        if value is not None:
            return value
    return None


OUTCOME_LABELS = {'opgelost': 'Naar tevredenheid opgelost', 'gegrond': 'Gegrond', 'ongegrond': 'Ongegrond',
                  'deels_gegrond': 'Deels gegrond',
                  'geen_oordeel': 'Geen oordeel', '': 'Nog geen uitkomst'}


def complaint_stats(partner, period):
    """Complaints about the partner's work in the period; None when complaint data is not available."""
    function = _complaints_function()
    if function is None:
        return None
    try:
        # start and end are dates, both inclusive (the complaints app's convention). A savepoint keeps a
        # failing query from breaking the caller's transaction on PostgreSQL.
        with transaction.atomic():
            items = list(function(partner.department, period.start, period.end))
    except Exception:
        logger.exception('complaints_for_department failed for %s', partner.code)
        return None
    outcomes, on_time, late, open_ = {}, 0, 0, 0
    rows = []
    for item in items:
        outcome = _get(item, 'outcome', 'judgement', 'oordeel') or ''
        outcome = str(getattr(outcome, 'value', outcome))
        display = getattr(item, 'get_outcome_display', None)
        label = (display() if callable(display) and outcome else None) or \
            OUTCOME_LABELS.get(outcome, outcome.replace('_', ' ').capitalize())
        outcomes[label] = outcomes.get(label, 0) + 1
        timely = _get(item, 'on_time', 'is_on_time', 'timely')
        is_late = _get(item, 'is_late')
        if timely:
            on_time += 1
        elif is_late or (timely is False and is_late is None):
            late += 1
            timely = False
        else:
            open_ += 1
            timely = None
        rows.append({'reference': str(_get(item, 'reference', 'number', 'id_display', 'pk', 'id') or ''),
                     'outcome': label,
                     'on_time': timely})
    start, end = period_bounds(period)
    forwarded = Forward.objects.filter(partner=partner, complaint__isnull=False, forwarded_at__gte=start,
                                       forwarded_at__lt=end)
    responses = {'total': forwarded.count(), 'answered': forwarded.filter(status=Forward.ANSWERED).count(),
                 'answered_on_time': forwarded.filter(answer__response_on_time=True).count()}
    return {'total': len(items), 'on_time': on_time, 'late': late, 'undecided': open_, 'forwarded': responses,
            'outcomes': dict(sorted(outcomes.items())),
            'items': rows[:50]}


# --- forwards --------------------------------------------------------------------------------

def forward_stats(partner, period, now=None):
    """Signals forwarded to the partner in the period and how they went against the norms.

    on_time_share = answered within the response norm / forwards whose norm has passed or that were
    answered (withdrawn ones do not count: the municipality took them back).
    """
    now = now or timezone.now()
    start, end = period_bounds(period)
    forwards = list(Forward.objects.filter(partner=partner, forwarded_at__gte=start, forwarded_at__lt=end,
                                           signal__isnull=False)
                    .select_related('signal', 'answer').order_by('forwarded_at', 'pk'))
    stats = {'total': len(forwards), 'answered': 0, 'answered_on_time': 0, 'answered_late': 0,
             'resolved': 0, 'resolved_on_time': 0, 'open': 0, 'open_late': 0, 'expired': 0, 'withdrawn': 0,
             'measured': 0}
    elapsed = []
    late_items = []
    for forward in forwards:
        answer = getattr(forward, 'answer', None) if forward.status == Forward.ANSWERED else None
        if forward.status == Forward.WITHDRAWN:
            stats['withdrawn'] += 1
            continue
        if answer is not None:
            stats['answered'] += 1
            stats['measured'] += 1
            elapsed.append(answer.workdays_taken)
            if answer.response_on_time:
                stats['answered_on_time'] += 1
            else:
                stats['answered_late'] += 1
                late_items.append((forward, 'te laat beantwoord', answer.workdays_taken))
            if answer.resolved:
                stats['resolved'] += 1
                if answer.resolution_on_time:
                    stats['resolved_on_time'] += 1
        elif forward.status == Forward.EXPIRED:
            stats['expired'] += 1
            stats['measured'] += 1
            late_items.append((forward, 'niet beantwoord, link verlopen',
                               workdays.workdays_between(forward.forwarded_at, forward.closed_at or now)))
        else:
            stats['open'] += 1
            if forward.response_due <= now:
                stats['open_late'] += 1
                stats['measured'] += 1
                late_items.append((forward, 'open, over de norm', workdays.workdays_between(forward.forwarded_at, now)))
    stats['on_time_share'] = round(stats['answered_on_time'] / stats['measured'], 3) if stats['measured'] else None
    stats['average_workdays'] = round(sum(elapsed) / len(elapsed), 1) if elapsed else None
    stats['late_items'] = [{'reference': f.subject_display, 'forwarded_at': timezone.localtime(f.forwarded_at)
                            .strftime('%d-%m-%Y'), 'what': what, 'workdays': days}
                           for f, what, days in late_items[:50]]
    return stats


def figures_stats(partner, period):
    quarters = period.quarters()
    reports = figures_service.current_reports([partner.pk], [q.start for q in quarters])
    delivered = []
    totals = {'received': 0, 'handled': 0, 'handled_on_time': 0, 'founded': 0, 'partly_founded': 0,
              'unfounded': 0, 'no_judgement': 0, 'resolved_informally': 0}
    themes = {}
    for quarter in quarters:
        report = reports.get((partner.pk, quarter.start))
        if report is None:
            continue
        row = {'period': quarter.code, 'delivered_at': timezone.localtime(report.delivered_at).strftime('%d-%m-%Y'),
               'delivered_by': report.delivered_by, 'via': report.get_via_display()}
        for field in totals:
            value = getattr(report, field)
            row[field] = value
            totals[field] += value
        delivered.append(row)
        for theme in report.themes or []:
            themes[theme['theme']] = themes.get(theme['theme'], 0) + (theme.get('count') or 0)
    missing = [q.code for q in figures_service.missing_quarters(partner, period, reports)]
    share = round(totals['handled_on_time'] / totals['handled'], 3) if totals['handled'] else None
    return {'delivered': delivered, 'missing': missing, 'totals': totals if delivered else None,
            'handled_on_time_share': share,
            'themes': [{'theme': k, 'count': v} for k, v in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))]}


def _delta(current, previous):
    if current is None or previous is None:
        return None
    return round(current - previous, 3)


def open_agreements(partner, today=None):
    today = today or timezone.localdate()
    actions = ReviewAction.objects.filter(partner=partner, status__in=ReviewAction.UNFINISHED) \
        .select_related('review').order_by('due_date', 'pk')
    return [{'id': a.pk, 'description': a.description, 'owner': a.owner, 'side': a.get_owner_side_display(),
             'due_date': a.due_date.isoformat(), 'status': a.get_status_display(), 'late': a.is_late(today),
             'agreed_in': a.review.period.code} for a in actions]


def build_dossier(partner, period, now=None):
    """The review dossier of a partner and period (JSON-serialisable)."""
    now = now or timezone.now()
    previous = period.previous()
    current_forwards = forward_stats(partner, period, now)
    previous_forwards = forward_stats(partner, previous, now)
    current_figures = figures_stats(partner, period)
    previous_figures = figures_stats(partner, previous)
    current_complaints = complaint_stats(partner, period)
    previous_complaints = complaint_stats(partner, previous)

    def total(stats, key):
        return (stats or {}).get(key) if stats else None

    def figures_total(stats, key):
        return stats['totals'][key] if stats and stats['totals'] else None
    return {
        'partner': {'id': partner.pk, 'name': partner.name, 'code': partner.code,
                    'response_days': partner.response_days, 'resolution_days': partner.resolution_days},
        'period': {'code': period.code, 'label': period.label, 'start': period.start.isoformat(),
                   'end': period.end.isoformat()},
        'previous_period': {'code': previous.code, 'label': previous.label},
        'generated_at': timezone.localtime(now).isoformat(timespec='seconds'),
        'forwards': current_forwards,
        'complaints': current_complaints,
        'figures': current_figures,
        'previous': {'forwards': {k: previous_forwards[k] for k in ('total', 'answered_on_time', 'measured',
                                                                     'on_time_share', 'average_workdays')},
                     'complaints_total': total(previous_complaints, 'total'),
                     'figures_received': figures_total(previous_figures, 'received'),
                     'figures_handled_on_time_share': previous_figures['handled_on_time_share']},
        'change': {
            'forwards_total': _delta(current_forwards['total'], previous_forwards['total']),
            'on_time_share': _delta(current_forwards['on_time_share'], previous_forwards['on_time_share']),
            'average_workdays': _delta(current_forwards['average_workdays'], previous_forwards['average_workdays']),
            'complaints_total': _delta(total(current_complaints, 'total'), total(previous_complaints, 'total')),
            'figures_received': _delta(figures_total(current_figures, 'received'),
                                       figures_total(previous_figures, 'received')),
            'figures_handled_on_time_share': _delta(current_figures['handled_on_time_share'],
                                                    previous_figures['handled_on_time_share']),
        },
        'open_agreements': open_agreements(partner, timezone.localdate(now)),
    }


# --- the review's life -------------------------------------------------------------------

def _event(review, kind, who='', detail=''):
    ReviewEvent.objects.create(review=review, kind=kind, who=_who(who), detail=detail)


def generate_dossier(review, user=None, now=None):
    """(Re)make the review's dossier; a held review's dossier is frozen."""
    if review.status == Review.HELD:
        raise ValidationError({'dossier': ['Het overleg is gehouden; het dossier ligt vast.']})
    now = now or timezone.now()
    with transaction.atomic():
        review.dossier = build_dossier(review.partner, review.period, now)
        review.dossier_generated_at = now
        review.save(update_fields=['dossier', 'dossier_generated_at'])
        _event(review, ReviewEvent.DOSSIER, user, 'Dossier opgesteld' if user else 'Dossier automatisch bijgewerkt')
    return review


def plan_review(partner, period, user=None, planned_date=None):
    """The review of a partner and period, planned if it does not exist yet (idempotent)."""
    review, created = Review.objects.get_or_create(
        partner=partner, period_start=period.start, period_months=period.months,
        defaults={'planned_date': planned_date or workdays.add_workdays(period.end, MEETING_AFTER_WORKDAYS)})
    if created:
        _event(review, ReviewEvent.PLANNED, user, f'Gepland op {review.planned_date:%d-%m-%Y}')
    return review, created


def plan_reviews(today=None):
    """Plan, per active partner, the review of the current period by its cadence; make the dossier
    of planned reviews whose period has ended (refreshed daily until the meeting)."""
    today = today or timezone.localdate()
    planned = []
    for partner in Partner.objects.filter(is_active=True):
        current = periods.period_of(today, partner.review_cadence)
        for period in (current.previous(), current):
            review, created = plan_review(partner, period)
            if created:
                planned.append(review)
    for review in Review.objects.filter(status=Review.PLANNED, partner__is_active=True).select_related('partner'):
        if review.period.end < today:
            generate_dossier(review)
    return planned


def remind_account_holders(today=None):
    """Mail the account holder a few working days before a planned review (once)."""
    today = today or timezone.localdate()
    sent = []
    for review in Review.objects.filter(status=Review.PLANNED, reminder_sent_at__isnull=True,
                                        planned_date__gte=today).select_related('partner__account_holder'):
        if workdays.workdays_between(today, review.planned_date) > REMIND_BEFORE_WORKDAYS:
            continue
        holder = review.partner.account_holder
        if holder is None or not holder.email:
            continue
        if review.dossier is None and review.period.end < today:
            generate_dossier(review)
        agreements = open_agreements(review.partner, today)
        context = {'review': review, 'name': holder.get_full_name() or holder.email,
                   'url': links.base_url() + reverse('partners_pages:review', args=[review.pk]),
                   'missing_quarters': [q.label for q in figures_service.missing_quarters(review.partner,
                                                                                            review.period)],
                   'open_actions': len(agreements), 'late_actions': sum(1 for a in agreements if a['late'])}
        with transaction.atomic():
            review.reminder_sent_at = timezone.now()
            review.save(update_fields=['reminder_sent_at'])
            _event(review, ReviewEvent.REMINDED, '', f'Herinnering aan {holder.email}')
            transaction.on_commit(lambda c=context, e=holder.email, r=review: send_mail(
                f'Periodiek overleg {r.partner.name} op {r.planned_date:%d-%m-%Y}',
                _render('partners/mail/review_reminder.txt', c), None, [e]))
        sent.append(review)
    return sent


def record_meeting(review, record, held_on, attendees='', user=None):
    record = (record or '').strip()
    errors = {}
    if not record:
        errors['meeting_record'] = ['Leg vast wat er besproken is.']
    if held_on is None:
        errors['held_on'] = ['Vul de datum van het overleg in.']
    elif held_on > timezone.localdate():
        errors['held_on'] = ['Een overleg in de toekomst kan nog niet vastgelegd worden.']
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        workflow.check_review(review.status, Review.HELD)
        if review.status == Review.PLANNED:
            # Freeze the dossier as it was at the meeting.
            review.dossier = build_dossier(review.partner, review.period)
            review.dossier_generated_at = timezone.now()
        review.status, review.meeting_record, review.attendees, review.held_on = \
            Review.HELD, record, (attendees or '').strip(), held_on
        review.save()
        _event(review, ReviewEvent.RECORDED, user, f'Gehouden op {held_on:%d-%m-%Y}.\n{record}')
    return review


def add_action(review, description, owner, due_date, owner_side=ReviewAction.SIDE_PARTNER, owner_email='',
               user=None):
    errors = {}
    if not (description or '').strip():
        errors['description'] = ['Beschrijf de afspraak.']
    if not (owner or '').strip():
        errors['owner'] = ['Wie is eigenaar van de afspraak?']
    if due_date is None:
        errors['due_date'] = ['Vul een uiterste datum in.']
    if owner_side not in dict(ReviewAction.SIDE_CHOICES):
        errors['owner_side'] = ['Kies gemeente of partner.']
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = ReviewAction.objects.create(review=review, partner=review.partner, description=description.strip(),
                                             owner=owner.strip(), owner_side=owner_side,
                                             owner_email=(owner_email or '').strip(), due_date=due_date,
                                             created_by=_who(user))
        ReviewActionEvent.objects.create(action=action, to_status=action.status, who=_who(user),
                                         note='Afspraak gemaakt')
    return action


def set_action_status(action, to_status, user=None, note=''):
    with transaction.atomic():
        action = ReviewAction.objects.select_for_update().get(pk=action.pk)
        if to_status not in dict(ReviewAction.STATUS_CHOICES):
            raise ValidationError({'status': [f'"{to_status}" is geen geldige status.']})
        workflow.check_action(action.status, to_status)
        from_status = action.status
        action.status = to_status
        action.done_at = timezone.now() if to_status == ReviewAction.DONE else None
        action.save(update_fields=['status', 'done_at'])
        ReviewActionEvent.objects.create(action=action, from_status=from_status, to_status=to_status,
                                         who=_who(user), note=(note or '').strip()[:2000])
    return action


def chase_late_actions(today=None, now=None):
    """Mail the owners (or the account holder) of actions past their date, at most every few working days."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    chased = []
    for action in ReviewAction.objects.filter(status__in=ReviewAction.UNFINISHED, due_date__lt=today) \
            .select_related('partner__account_holder'):
        if action.last_chased_at and workdays.workdays_between(action.last_chased_at, now) < CHASE_EVERY_WORKDAYS:
            continue
        holder = action.partner.account_holder
        recipients = [e for e in (action.owner_email, getattr(holder, 'email', '')) if e]
        if not recipients:
            continue
        with transaction.atomic():
            action.last_chased_at = now
            action.chase_count += 1
            action.save(update_fields=['last_chased_at', 'chase_count'])
            PartnerLog.objects.create(partner=action.partner, kind=PartnerLog.ACTION_CHASED,
                                      detail=f'Afspraak {action.pk} ({action.due_date:%d-%m-%Y}) gerappelleerd bij '
                                             f'{", ".join(recipients)}')
            context = {'action': action, 'account_holder': getattr(holder, 'email', '')}
            transaction.on_commit(lambda c=context, r=list(dict.fromkeys(recipients)), a=action: send_mail(
                f'Afspraak over de datum: {a.description[:60]}', _render('partners/mail/action_chase.txt', c),
                None, r))
        chased.append(action)
    return chased
