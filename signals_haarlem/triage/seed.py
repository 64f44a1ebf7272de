"""Demo data: triage decisions for freshly seeded signals (called by `manage.py seed_demo`).

The decisions are the ones the live triage makes (same rule set, same engine, same deadlines), but
written in bulk and without the per-signal effects in Signalen (routing, note), so that a 100k-signal
benchmark database seeds quickly. A small share of open signals also gets a manual re-triage by a
team lead, so the werkplek shows what that looks like.
"""
import random
from collections import defaultdict

from django.utils import timezone

from signals_haarlem import signalen

from . import deadlines, engine
from .facts import SignalFacts
from .models import NO_DUE, Decision, SignalLane
from .services import next_due, tracking_from_history

CHUNK = 1000
MANUAL_SHARE = 0.02
MANUAL_REASONS = (
    'Melder belde met aanvullende informatie: meer disciplines nodig.',
    'Na overleg met de wijkbeheerder: dit is een standaardklus.',
    'Melder is kwetsbaar; persoonlijk contact nodig.',
)


class _PrefetchedFacts(SignalFacts):
    """Facts with the child counts of a whole chunk fetched at once."""

    def __init__(self, signal, status_history, children, hints):
        super().__init__(signal, status_history=status_history, hints=hints)
        self._cache['children'] = children


def _child_counts(ids):
    from django.db.models import Count
    Signal = signalen.get_model('Signal')
    rows = Signal.objects.filter(parent_id__in=ids).values('parent_id').annotate(n=Count('pk'))
    counts = defaultdict(int)
    for row in rows:
        counts[row['parent_id']] = row['n']
    return counts


def seed_demo(signals, rng=None, stdout=None):
    """Create triage decisions for `signals` (objects or ids) that have none yet. Returns the number made."""
    rng = rng or random.Random(4)
    ids = sorted({getattr(s, 'pk', s) for s in signals})
    done = set(SignalLane.objects.filter(pk__in=ids).values_list('pk', flat=True))
    ids = [pk for pk in ids if pk not in done]
    ruleset = engine.current()
    if not ruleset.lanes:
        if stdout is not None:
            stdout.write('triage: no lanes (run load_haarlem_fixtures first); no decisions made')
        return 0
    made = manual = 0
    now = timezone.now()
    lanes = [lane for lane in ruleset.lanes.values() if lane.is_active]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        histories = signalen.status_history(chunk)
        children = _child_counts(chunk)
        items = []
        for signal in signalen.with_current_records().filter(pk__in=chunk).order_by('pk'):
            facts = _PrefetchedFacts(signal, histories.get(signal.pk, []), children[signal.pk], ruleset.hints)
            outcome = ruleset.decide(facts)
            if outcome is None:
                continue
            due = deadlines.compute(outcome.lane, signal.created_at, signal.created_at,
                                    ruleset.slo_of(facts.category_id))
            decision = Decision(
                signal_id=signal.pk, lane=outcome.lane, basis=outcome.basis, rule=outcome.rule,
                rule_snapshot=outcome.rule.snapshot() if outcome.rule is not None else None, reason=outcome.reason,
                trigger='seed', created_at=signal.created_at, clock_start=signal.created_at,
                response_due=due.response_due, plan_due=due.plan_due, resolution_due=due.resolution_due)
            items.append((signal, facts, decision))
        Decision.objects.bulk_create([decision for _, _, decision in items], batch_size=500)

        extra = []
        for signal, facts, decision in items:
            tracking = tracking_from_history(facts.status_history, facts.state)
            if tracking[3] and len(lanes) > 1 and rng.random() < MANUAL_SHARE:
                lane = rng.choice([lane for lane in lanes if lane.pk != decision.lane_id])
                moment = signal.created_at + (decision.response_due - signal.created_at) / 3 \
                    if decision.response_due else signal.created_at
                moment = min(moment, now)
                due = deadlines.compute(lane, signal.created_at, moment, ruleset.slo_of(facts.category_id))
                extra.append((signal, facts, Decision(
                    signal_id=signal.pk, lane=lane, basis=Decision.BASIS_STAFF, reason=rng.choice(MANUAL_REASONS),
                    trigger='staff', is_manual=True, created_by='teamleider@haarlem.nl', created_at=moment,
                    clock_start=moment, response_due=due.response_due, plan_due=due.plan_due,
                    resolution_due=due.resolution_due)))
        Decision.objects.bulk_create([decision for _, _, decision in extra], batch_size=500)
        latest = {signal.pk: (signal, facts, decision) for signal, facts, decision in items + extra}

        states = []
        for signal, facts, decision in latest.values():
            responded_at, planned_at, resolved_at, is_open, state = tracking_from_history(facts.status_history,
                                                                                          facts.state)
            due_at, due_kind = next_due(decision, responded_at, planned_at, resolved_at, is_open)
            states.append(SignalLane(
                signal_id=signal.pk, decision=decision, lane=decision.lane, is_manual=decision.is_manual,
                category_id=facts.category_id, area_id=ruleset.area_of(facts.point), state=state, is_open=is_open,
                responded_at=responded_at, planned_at=planned_at, resolved_at=resolved_at, due_at=due_at,
                due_kind=due_kind, queue_order=due_at or NO_DUE))
        SignalLane.objects.bulk_create(states, batch_size=500)
        made += len(items) + len(extra)
        manual += len(extra)
    if stdout is not None:
        stdout.write(f'triage: {made} decisions for {len(ids)} signals ({manual} manual re-triages)')
    return made
