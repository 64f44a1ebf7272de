"""Triage services: deciding and recording, staff re-triage, status tracking, reconcile, queues,
dry-runs and re-triaging open signals. No HTTP here; the API, werkplek, receivers and tasks call these.

Every decision is a new `Decision` row; the signal's `SignalLane` (the current decision and the
figures the queues need) is updated in the same transaction, and so are the effects in Signalen:
the lane's team becomes the routing department and a note states lane and reason.
"""
import logging
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from signals_haarlem import signalen, workdays

from . import deadlines, engine
from .engine import Outcome
from .models import Area, Decision, Lane, SignalLane

logger = logging.getLogger(__name__)

GEMELD = 'm'
PLANNED_STATES = frozenset({'ingepland'})
RESOLVED_STATE = 'o'
REOPEN_STATES = frozenset({'reopen requested', 'reopened'})


def _who(user):
    if user is None or isinstance(user, str):
        return user or None
    return getattr(user, 'email', None) or getattr(user, 'username', None) or None


# What the rules and the deadlines read of a signal (and of its current records); loading only these
# keeps a decision fast. A rule kind that needs more gets it loaded on access (one more query).
FACT_FIELDS = ('text', 'text_extra', 'created_at', 'parent_id', 'source', 'reporter__email', 'reporter__phone',
               'reporter__allows_contact')


def load_signal(signal):
    """The signal (object or pk) with what the triage reads: its own fields, its snapshot (the current
    state, category, priority, type and point) and its reporter."""
    return signalen.snapshot_queryset(FACT_FIELDS, related=('reporter',)).get(pk=getattr(signal, 'pk', signal))


def current_state(signal):
    return SignalLane.objects.select_related('decision', 'lane').filter(signal_id=getattr(signal, 'pk', signal)).first()


# -- recording a decision -------------------------------------------------------------------------

def _same(previous, values):
    """Whether a new decision would say the same as the previous one (then none is written)."""
    for key, value in values.items():
        if key == 'clock_start':
            continue
        if key in ('lane', 'rule'):
            if getattr(previous, f'{key}_id') != getattr(value, 'pk', None):
                return False
        elif getattr(previous, key) != value:
            return False
    return True


def _tracking(state, facts, trigger):
    """(responded_at, planned_at, resolved_at, is_open, state) for a signal."""
    if state is not None:
        return state.responded_at, state.planned_at, state.resolved_at, state.is_open, state.state
    if trigger == 'create' and facts.state == GEMELD:
        return None, None, None, True, GEMELD
    return tracking_from_history(facts.status_history, facts.state)


def tracking_from_history(history, current):
    """Response, plan and resolution moments from a status history [(state, at), ...] oldest first."""
    responded_at = next((at for state, at in history if state not in (GEMELD, '')), None)
    planned_at = next((at for state, at in history if state in PLANNED_STATES or state == RESOLVED_STATE), None)
    resolved_at = history[-1][1] if history and current == RESOLVED_STATE else None
    return responded_at, planned_at, resolved_at, current not in signalen.CLOSED_STATES, current


def next_due(decision, responded_at, planned_at, resolved_at, is_open):
    """(moment, kind) of the earliest deadline not yet met, or (None, '')."""
    if not is_open:
        return None, ''
    candidates = []
    if decision.response_due and not responded_at:
        candidates.append((decision.response_due, 'response'))
    if decision.plan_due and not planned_at and not resolved_at:
        candidates.append((decision.plan_due, 'plan'))
    if decision.resolution_due and not resolved_at:
        candidates.append((decision.resolution_due, 'resolution'))
    return min(candidates) if candidates else (None, '')


def _locked_state(signal, *related):
    """The signal's SignalLane, locked until the transaction ends. For a signal without one yet the
    signal's own row is locked first and the state read again: two first decisions for one signal
    (an automatic triage and a retriage, two staff at once) then wait for each other instead of the
    second failing on the SignalLane's primary key."""
    def read():
        return SignalLane.objects.select_for_update(of=('self',)).select_related(*related) \
            .filter(signal_id=signal.pk).first()
    state = read()
    if state is None:
        signalen.lock_signal(signal)
        state = read()
    return state


def _save_state(state, signal, decision, facts, ruleset, trigger):
    responded_at, planned_at, resolved_at, is_open, status = _tracking(state, facts, trigger)
    due_at, due_kind = next_due(decision, responded_at, planned_at, resolved_at, is_open)
    values = dict(decision=decision, lane=decision.lane, is_manual=decision.is_manual, category_id=facts.category_id,
                  area_id=ruleset.area_of(facts.point), state=status, is_open=is_open, responded_at=responded_at,
                  planned_at=planned_at, resolved_at=resolved_at, due_at=due_at, due_kind=due_kind)
    if state is None:  # (_locked_state made a concurrent first decision for this signal wait for this one)
        return SignalLane.objects.create(signal_id=signal.pk, **values)
    if decision.lane_id != state.lane_id:
        values['expected_at'] = None
    for key, value in values.items():
        setattr(state, key, value)
    state.save()
    return state


def _refresh_denormalised(state, facts, ruleset):
    """Category and area follow the signal even when no new decision is needed."""
    area_id = ruleset.area_of(facts.point)
    if state.category_id != facts.category_id or state.area_id != area_id:
        state.category_id, state.area_id = facts.category_id, area_id
        state.save(update_fields=['category', 'area', 'updated_at'])


def _record(signal, facts, outcome, state, ruleset, trigger, who=None, is_manual=False, agreed_due=None,
            always=False):
    """Write a decision for `outcome` unless it equals the current one (then None). In a transaction."""
    now = timezone.now()
    previous = state.decision if state is not None else None
    lane = outcome.lane
    lane_changed = previous is None or previous.lane_id != lane.pk
    if previous is None:
        clock_start = signal.created_at
    else:
        clock_start = now if lane_changed else previous.clock_start
    due = deadlines.compute(lane, signal.created_at, clock_start, ruleset.slo_of(facts.category_id))
    resolution_due, agreed = due.resolution_due, False
    if agreed_due is not None:
        resolution_due, agreed = agreed_due, True
    elif previous is not None and not lane_changed and previous.resolution_agreed:
        resolution_due, agreed = previous.resolution_due, True
    values = dict(lane=lane, basis=outcome.basis, rule=outcome.rule, reason=outcome.reason, is_manual=is_manual,
                  clock_start=clock_start, response_due=due.response_due, plan_due=due.plan_due,
                  resolution_due=resolution_due, resolution_agreed=agreed)
    if previous is not None and not always and _same(previous, values):
        _refresh_denormalised(state, facts, ruleset)
        return None
    decision = Decision.objects.create(
        signal_id=signal.pk, trigger=trigger, created_by=who, created_at=now,
        rule_snapshot=outcome.rule.snapshot() if outcome.rule is not None else None, **values)
    _save_state(state, signal, decision, facts, ruleset, trigger)
    _effects(signal, decision, previous, lane_changed, who)
    return decision


def _effects(signal, decision, previous, lane_changed, who):
    """Route to the lane's team and note lane and reason in Signalen's history."""
    lane = decision.lane
    if lane_changed and lane.department_id:
        signalen.set_routing_departments(signal, [lane.department_id], user=who)
    if lane_changed or who:
        signalen.add_note(signal, note_text(decision, previous), user=who)


def _date(moment):
    return deadlines.last_day(moment).strftime('%d-%m-%Y') if moment else None


def note_text(decision, previous=None):
    """The note in Signalen's history, e.g. "Triage: baan Complex (Team Complex). Reden: ..."."""
    lane = decision.lane
    team = f' ({lane.department.name})' if lane.department_id else ''
    if decision.trigger == 'agreed_date':
        head = f'Triage: afhandeldatum afgesproken met de melder: {_date(decision.resolution_due)}'
        return f'{head}. {decision.reason}'
    if decision.is_manual:
        head = 'Triage handmatig'
    elif decision.trigger == 'release':
        head = 'Triage: handmatige baan losgelaten'
    else:
        head = 'Triage'
    if previous is not None and previous.lane_id != lane.pk:
        where = f'van baan {previous.lane.name} naar baan {lane.name}{team}'
    else:
        where = f'baan {lane.name}{team}'
    terms = []
    if decision.response_due:
        terms.append(f'reactie uiterlijk {_date(decision.response_due)}')
    if decision.plan_due:
        terms.append(f'plan uiterlijk {_date(decision.plan_due)}')
    if decision.resolution_due:
        terms.append(f'afgehandeld uiterlijk {_date(decision.resolution_due)}')
    text = f'{head}: {where}. Reden: {decision.reason}.'
    if terms:
        text += ' Termijnen: ' + ', '.join(terms) + '.'
    return text[:3000]


# -- automatic triage -----------------------------------------------------------------------------

def triage_signal(signal, trigger='create', ruleset=None):
    """Triage a signal automatically. Returns the new Decision, or None when the outcome is the same
    as the current decision or staff set the lane by hand (a manual lane sticks until released)."""
    ruleset = ruleset or engine.current()
    signal = load_signal(signal)
    with transaction.atomic():
        state = _locked_state(signal, 'decision__lane')
        facts = ruleset.facts(signal)
        if state is not None and state.is_manual:
            _refresh_denormalised(state, facts, ruleset)
            return None
        outcome = ruleset.decide(facts)
        if outcome is None:
            logger.warning('No active triage lane; signal %s not triaged', signal.pk)
            return None
        return _record(signal, facts, outcome, state, ruleset, trigger)


def decide(signal, ruleset=None):
    """What the triage would decide now (no writes): an Outcome."""
    ruleset = ruleset or engine.current()
    return ruleset.decide(ruleset.facts(load_signal(signal)))


# -- staff ----------------------------------------------------------------------------------------

def _reason(reason):
    reason = ' '.join((reason or '').split())
    if not reason:
        raise ValidationError({'reason': ['Geef een reden.']})
    if len(reason) > 1000:
        raise ValidationError({'reason': ['De reden mag hoogstens 1000 tekens zijn.']})
    return reason


def retriage(signal, lane, reason, user):
    """Staff put the signal in `lane` (it sticks until released), with a required reason."""
    reason = _reason(reason)
    if isinstance(lane, str):
        lane = Lane.objects.filter(code=lane).first()
    if lane is None or not lane.is_active:
        raise ValidationError({'lane': ['Kies een actieve baan.']})
    ruleset = engine.current()
    signal = load_signal(signal)
    with transaction.atomic():
        state = _locked_state(signal, 'decision__lane')
        facts = ruleset.facts(signal)
        outcome = Outcome(lane, Decision.BASIS_STAFF, reason)
        return _record(signal, facts, outcome, state, ruleset, 'staff', who=_who(user), is_manual=True, always=True)


def release(signal, reason, user):
    """Staff release a manual lane: the automatic triage decides again (recorded with their name)."""
    reason = _reason(reason)
    ruleset = engine.current()
    signal = load_signal(signal)
    with transaction.atomic():
        state = _locked_state(signal, 'decision__lane')
        if state is None or not state.is_manual:
            raise ValidationError({'non_field_errors': ['Deze melding heeft geen handmatig gekozen baan.']})
        facts = ruleset.facts(signal)
        outcome = ruleset.decide(facts)
        if outcome is None:
            raise ValidationError({'non_field_errors': ['Er is geen actieve baan.']})
        outcome = Outcome(outcome.lane, outcome.basis, f'{outcome.reason} (handmatige baan losgelaten: {reason})',
                          outcome.rule)
        return _record(signal, facts, outcome, state, ruleset, 'release', who=_who(user), always=True)


def set_agreed_date(signal, day, reason, user):
    """Record the resolution date agreed with the reporter (lanes whose formula says so: maatwerk)."""
    reason = _reason(reason)
    today = timezone.localdate()
    if day is None or day < today:
        raise ValidationError({'date': ['Kies een datum vanaf vandaag.']})
    ruleset = engine.current()
    signal = load_signal(signal)
    with transaction.atomic():
        state = _locked_state(signal, 'decision__lane', 'decision__rule')
        if state is None:
            raise ValidationError({'non_field_errors': ['Deze melding is nog niet getrieerd.']})
        lane = state.decision.lane
        if lane.resolution_basis != Lane.BASIS_AGREED:
            raise ValidationError({'date': [f'In baan {lane.name} geldt een vaste afhandeltermijn; een afgesproken '
                                            f'datum is daar niet van toepassing.']})
        current = state.decision
        facts = ruleset.facts(signal)
        outcome = Outcome(lane, current.basis, f'{reason} (eerder: {current.reason})'[:2000], current.rule)
        return _record(signal, facts, outcome, state, ruleset, 'agreed_date', who=_who(user),
                       is_manual=current.is_manual, agreed_due=deadlines.end_of_day(day), always=True)


# -- status tracking ------------------------------------------------------------------------------

def record_status(signal, state_code, at=None):
    """Keep response/plan/resolution moments and open/closed up to date after a status change.
    Returns True if the signal should be triaged again (a reopen request)."""
    at = at or timezone.now()
    with transaction.atomic():
        state = SignalLane.objects.select_for_update(of=('self',)).select_related('decision') \
            .filter(signal_id=getattr(signal, 'pk', signal)).first()
        if state is None:
            return state_code in REOPEN_STATES
        if state_code not in (GEMELD, '') and state.responded_at is None:
            state.responded_at = at
        if (state_code in PLANNED_STATES or state_code == RESOLVED_STATE) and state.planned_at is None:
            state.planned_at = at
        if state_code == RESOLVED_STATE:
            state.resolved_at = state.resolved_at or at
        elif state_code not in signalen.CLOSED_STATES:
            state.resolved_at = None  # reopened: not resolved after all
        state.state = state_code
        state.is_open = state_code not in signalen.CLOSED_STATES
        state.due_at, state.due_kind = next_due(state.decision, state.responded_at, state.planned_at,
                                                state.resolved_at, state.is_open)
        state.save()
    return state_code in REOPEN_STATES


# -- reconcile ------------------------------------------------------------------------------------

def signals_needing_triage(limit=500, grace_seconds=120):
    """Ids of signals without a decision (older than the grace period: their receiver may still be
    running), and of signals whose category changed without a new decision (automatic lanes only)."""
    Signal = signalen.get_model('Signal')
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    missing = list(Signal.objects.filter(haarlem_triage__isnull=True, created_at__lt=cutoff)
                   .order_by('-created_at').values_list('pk', flat=True)[:limit])
    stale = list(SignalLane.objects.filter(is_manual=False, updated_at__lt=cutoff)
                 .exclude(category_id=F('signal__category_assignment__category_id'))
                 .values_list('signal_id', flat=True)[:max(limit - len(missing), 0)])
    return missing, stale


def reconcile(limit=500, grace_seconds=120):
    """Triage signals a receiver missed; returns {'triaged': n, 'failed': n}."""
    missing, stale = signals_needing_triage(limit, grace_seconds)
    ruleset = engine.current()
    counts = Counter()
    for pk, trigger in [(pk, 'reconcile') for pk in missing] + [(pk, 'category') for pk in stale]:
        try:
            decision = triage_signal(pk, trigger, ruleset=ruleset)
            counts['triaged' if decision is not None else 'unchanged'] += 1
        except Exception:
            counts['failed'] += 1
            logger.exception('Reconcile: triage of signal %s failed', pk)
    return {'triaged': counts['triaged'], 'unchanged': counts['unchanged'], 'failed': counts['failed']}


# -- queues ---------------------------------------------------------------------------------------

@dataclass
class QueueFilters:
    overdue: bool = False
    due_within: int | None = None  # working days
    category: object = None  # a Category (main or sub)
    area: Area | None = None
    manual: bool | None = None


def queue(lane, filters=None, now=None, user=None):
    """Open signals of a lane, earliest due moment first (undated last); with `user`, only the signals
    that user may see in Signalen (their departments' categories, or routed to their department: the
    lane's team sees its queue)."""
    filters = filters or QueueFilters()
    now = now or timezone.now()
    qs = visible_to(SignalLane.objects.filter(lane=lane, is_open=True), user)
    # queue_order is due_at (far in the future without one): filtered and ordered through one index.
    if filters.overdue:
        qs = qs.filter(queue_order__lte=now)
    if filters.due_within is not None:
        qs = qs.filter(queue_order__lt=workdays.deadline(now, filters.due_within))
    if filters.category is not None:
        category = filters.category
        if category.parent_id:
            qs = qs.filter(category_id=category.pk)
        else:
            qs = qs.filter(category__parent_id=category.pk)
    if filters.area is not None:
        qs = qs.filter(area=filters.area)
    if filters.manual is not None:
        qs = qs.filter(is_manual=filters.manual)
    # The category's names come as columns, not as Category objects: upstream Signalen's Category reads
    # its service levels whenever one is loaded (history tracking), a query per row.
    return qs.select_related('signal__location', 'decision__rule', 'area', 'lane') \
        .annotate(category_name=F('category__name'), category_slug=F('category__slug'),
                  category_parent_slug=F('category__parent__slug')) \
        .order_by('queue_order', 'signal_id')


#: The category of a queue row: its path ('main/sub' or 'main') and name.
QueueCategory = namedtuple('QueueCategory', 'path name')


def queue_category(row):
    """The QueueCategory of a SignalLane from queue(), or None."""
    if row.category_slug is None:
        return None
    path = f'{row.category_parent_slug}/{row.category_slug}' if row.category_parent_slug else row.category_slug
    return QueueCategory(path, row.category_name)


def visible_to(queryset, user):
    """The SignalLanes of `queryset` whose signals `user` may see in Signalen (None: all)."""
    if user is None or signalen.sees_all_signals(user):
        return queryset
    return queryset.filter(signal__in=signalen.visible_signals(user))


def lane_counts(now=None, user=None):
    """{lane id: {'open': n, 'overdue': n, 'today': n}} for the overview (of what `user` may see)."""
    from django.db.models import Count, Q
    now = now or timezone.now()
    end_of_today = workdays.deadline(now, 0)
    rows = visible_to(SignalLane.objects.filter(is_open=True), user).values('lane_id').annotate(
        open=Count('pk'), overdue=Count('pk', filter=Q(due_at__lte=now)),
        soon=Count('pk', filter=Q(due_at__gt=now, due_at__lte=end_of_today)))
    return {row['lane_id']: row for row in rows}


# -- dry-run and re-triage of open signals ------------------------------------------------------

@dataclass
class Change:
    signal: object
    before: Lane | None
    after: Lane
    reason: str
    rule: object = None


@dataclass
class DryRun:
    total: int = 0
    changes: list = field(default_factory=list)
    manual: int = 0
    moves: Counter = field(default_factory=Counter)  # (from code or '', to code) -> n
    hits: Counter = field(default_factory=Counter)  # rule name / 'Standaardbaan' / 'Terugvalbaan' -> n

    @property
    def unchanged(self):
        return self.total - len(self.changes) - self.manual

    def move_rows(self, lanes=None):
        """[(from name, to name, n)] sorted by n, for the table of moves."""
        names = {lane.code: lane.name for lane in (lanes or Lane.objects.all())}
        return [(names.get(a, 'geen baan') if a else 'geen baan', names.get(b, b), n)
                for (a, b), n in self.moves.most_common()]


def _hit_label(outcome):
    if outcome.rule is not None:
        return f'Regel: {outcome.rule.name}'
    return 'Standaardbaan van de categorie' if outcome.basis == 'category' else 'Terugvalbaan'


def dry_run(rules=None, limit=500, only_open=False):
    """Which of the last `limit` signals would change lane under `rules` (default: the saved active
    rules; unsaved Rule objects are fine). Nothing is written. Manual lanes are counted apart."""
    ruleset = engine.RuleSet.load(rules=rules)
    Signal = signalen.get_model('Signal')
    qs = Signal.objects.order_by('-created_at', '-pk')
    if only_open:
        qs = qs.exclude(status__state__in=signalen.CLOSED_STATES)
    signals = list(signalen.with_current_records(qs)[:limit])
    ids = [s.pk for s in signals]
    states = {s.signal_id: s for s in SignalLane.objects.filter(signal_id__in=ids).select_related('lane')}
    histories = signalen.status_history(ids)
    result = DryRun(total=len(signals))
    for signal in signals:
        state = states.get(signal.pk)
        if state is not None and state.is_manual:
            result.manual += 1
            continue
        outcome = ruleset.decide(ruleset.facts(signal, status_history=histories.get(signal.pk, [])))
        if outcome is None:
            continue
        result.hits[_hit_label(outcome)] += 1
        before = state.lane if state is not None else None
        if before is None or before.pk != outcome.lane.pk:
            result.changes.append(Change(signal, before, outcome.lane, outcome.reason, outcome.rule))
            result.moves[(before.code if before else '', outcome.lane.code)] += 1
    return result


def open_signal_ids():
    """Ids of open signals, oldest first (by the status, so signals without a decision count too)."""
    Signal = signalen.get_model('Signal')
    return list(Signal.objects.exclude(status__state__in=signalen.CLOSED_STATES).order_by('pk')
                .values_list('pk', flat=True))


def retriage_open(dry_run=False, batch_size=500, progress=None):
    """Triage every open signal again with the current rules (manual lanes stay). Returns a DryRun-like
    summary of the moves; with dry_run nothing is written. `progress(n)` is called per batch."""
    engine.clear_cache()
    ruleset = engine.current()
    ids = open_signal_ids()
    result = DryRun(total=len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        signals = list(signalen.with_current_records().filter(pk__in=chunk))
        states = {s.signal_id: s for s in SignalLane.objects.filter(signal_id__in=chunk).select_related('lane')}
        histories = signalen.status_history(chunk)
        for signal in signals:
            state = states.get(signal.pk)
            if state is not None and state.is_manual:
                result.manual += 1
                continue
            outcome = ruleset.decide(ruleset.facts(signal, status_history=histories.get(signal.pk, [])))
            if outcome is None:
                continue
            before = state.lane if state is not None else None
            if before is not None and before.pk == outcome.lane.pk:
                continue
            if not dry_run:
                try:
                    decision = triage_signal(signal, 'retriage_open', ruleset=ruleset)
                except Exception:
                    logger.exception('retriage_open: signal %s failed', signal.pk)
                    result.hits['mislukt'] += 1
                    continue
                if decision is None:
                    continue
            result.changes.append(Change(signal, before, outcome.lane, outcome.reason, outcome.rule))
            result.moves[(before.code if before else '', outcome.lane.code)] += 1
        if progress is not None:
            progress(len(chunk))
    return result


def refresh_areas(batch_size=2000):
    """Recompute the area of every open signal (after an area was added, changed or deleted)."""
    from collections import defaultdict
    ruleset = engine.RuleSet.load()
    ids = list(SignalLane.objects.filter(is_open=True).order_by('pk').values_list('pk', 'area_id'))
    changed = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        points = signalen.points_of([pk for pk, _ in chunk])
        moves = defaultdict(list)
        for pk, area_id in chunk:
            new = ruleset.area_of(points.get(pk))
            if new != area_id:
                moves[new].append(pk)
        for area_id, pks in moves.items():
            changed += SignalLane.objects.filter(pk__in=pks).update(area_id=area_id)
    return changed
