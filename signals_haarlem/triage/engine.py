"""The triage engine: a compiled rule set and the decision it makes for one signal (no writes).

A RuleSet holds everything a decision needs besides the signal itself, loaded once: lanes, the
category mapping, the active rules (validated and compiled), the categories' service-level
objectives and the areas. `current()` keeps one per process and reloads it when lanes, rules,
mapping or areas are saved in this process, and at the latest after CACHE_SECONDS (other processes).
"""
import logging
import threading
import time
from dataclasses import dataclass

from signals_haarlem import signalen

from . import rules as rule_kinds
from .facts import SignalFacts
from .models import Area, CategoryLane, Lane, Rule, fallback_lane_code

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    lane: Lane
    basis: str  # Decision.BASIS_*
    reason: str
    rule: Rule | None = None


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    kind: rule_kinds.RuleKind
    compiled: dict
    scope: frozenset


class RuleSet:
    def __init__(self, rules, lanes, mapping, slos, areas, fallback_code=None, categories=None):
        self.lanes = {lane.pk: lane for lane in lanes}
        self.lanes_by_code = {lane.code: lane for lane in lanes}
        self.mapping = dict(mapping)  # category id -> lane id
        self.slos = dict(slos)  # category id -> (n_days, calendar_days)
        self.areas = list(areas)  # [(area id, code, name, Shape)]
        self.fallback_code = fallback_code or fallback_lane_code()
        self.categories = categories  # id -> Category (with parent), or None: read from each signal
        context = {'areas': {code: (name, shape) for _, code, name, shape in self.areas}}
        self.rules = []
        for rule in rules:
            compiled = self.compile_rule(rule, context)
            if compiled is not None:
                self.rules.append(compiled)
        self.hints = self._hints()

    def _hints(self):
        """What a decision may fetch once for all rules: the widest repeat-spot and repeat-reporter
        lookups (each rule then filters the rows in Python), instead of one query per rule."""
        hints = {}
        for item in self.rules:
            hint = item.kind.hint(item.compiled)
            if hint is None:
                continue
            name, value = hint
            if name == 'nearby':
                metres, days, other, closed = value
                old = hints.get('nearby', (0, 0, False, False))
                hints['nearby'] = (max(old[0], metres), max(old[1], days), old[2] or other, old[3] or closed)
            elif name == 'reporter':
                hints['reporter'] = max(hints.get('reporter', 0), value)
        return hints

    @classmethod
    def load(cls, rules=None):
        """Load from the database; `rules` (saved or not) replaces the active rules (dry-run)."""
        lanes = list(Lane.objects.select_related('department').order_by('order', 'code'))
        if rules is None:
            rules = list(Rule.objects.filter(is_active=True).order_by('order', 'pk'))
        mapping = dict(CategoryLane.objects.values_list('category_id', 'lane_id'))
        areas = []
        for area in Area.objects.order_by('name', 'pk'):
            try:
                areas.append((area.pk, area.code, area.name, area.shape()))
            except ValueError:
                logger.warning('Area %s has an invalid geometry; ignored', area.code)
        categories = signalen.categories()
        return cls(rules, lanes, mapping, signalen.service_level_objectives(), areas, categories=categories)

    def compile_rule(self, rule, context):
        kind = rule_kinds.get_kind(rule.kind)
        lane = self.lanes.get(rule.lane_id)
        if kind is None:
            logger.warning('Triage rule %s has an unknown kind %r; ignored', rule.pk, rule.kind)
            return None
        if lane is None or not lane.is_active:
            return None
        try:
            params = kind.validate(rule.params)
            compiled = kind.compile(params, context)
        except (rule_kinds.ParamsError, ValueError) as exc:
            logger.warning('Triage rule %s (%s) has invalid parameters; ignored: %s', rule.pk, rule.name, exc)
            return None
        return CompiledRule(rule, kind, compiled, frozenset(params.get('categories') or ()))

    # -- deciding ---------------------------------------------------------------------------------

    def decide(self, facts):
        """The Outcome for a signal's facts: the first matching rule, else the category's default lane,
        else the fallback lane. None only when no active lane exists at all."""
        for item in self.rules:
            if item.scope and not facts.in_scope(item.scope):
                continue
            reason = item.kind.match(facts, item.compiled)
            if reason:
                return Outcome(self.lanes[item.rule.lane_id], 'rule', f'Regel "{item.rule.name}": {reason}',
                               item.rule)
        return self.default_outcome(facts)

    def default_outcome(self, facts):
        for category_id, words in ((facts.category_id, 'categorie'), (facts.category_parent_id, 'hoofdcategorie')):
            lane = self.lanes.get(self.mapping.get(category_id)) if category_id else None
            if lane is not None and lane.is_active:
                if words == 'categorie':
                    reason = f'Standaardbaan van categorie {facts.category_name}'
                else:
                    parent = facts.category.parent.name if facts.category is not None else ''
                    reason = f'Standaardbaan van hoofdcategorie {parent} (categorie {facts.category_name} ' \
                             f'heeft geen eigen standaardbaan)'
                return Outcome(lane, 'category', reason)
        lane = self.fallback_lane()
        if lane is None:
            return None
        return Outcome(lane, 'fallback', f'Categorie {facts.category_name} heeft geen standaardbaan: terugvalbaan')

    def fallback_lane(self):
        lane = self.lanes_by_code.get(self.fallback_code)
        if lane is not None and lane.is_active:
            return lane
        active = [lane for lane in self.lanes.values() if lane.is_active]
        if lane is None:
            logger.warning('Triage fallback lane %r does not exist', self.fallback_code)
        return min(active, key=lambda lane: (lane.order, lane.code)) if active else None

    def facts(self, signal, status_history=None):
        return SignalFacts(signal, status_history=status_history, hints=self.hints, categories=self.categories)

    def decide_signal(self, signal, status_history=None):
        facts = self.facts(signal, status_history=status_history)
        return self.decide(facts), facts

    def area_of(self, point):
        """The id of the first area (by name) that holds the point, or None."""
        if point is None:
            return None
        for area_id, _, _, shape in self.areas:
            if shape.contains(*point):
                return area_id
        return None

    def slo_of(self, category_id):
        return self.slos.get(category_id)


# -- the shared rule set --------------------------------------------------------------------------

_lock = threading.Lock()
_current = None
_loaded_at = 0.0
_generation = 0


def current():
    global _current, _loaded_at
    ruleset = _current
    if ruleset is not None and time.monotonic() - _loaded_at < CACHE_SECONDS:
        return ruleset
    generation = _generation
    ruleset = RuleSet.load()
    with _lock:
        if generation == _generation:
            _current, _loaded_at = ruleset, time.monotonic()
    return ruleset


def clear_cache(**kwargs):
    global _current, _generation
    with _lock:
        _current = None
        _generation += 1
