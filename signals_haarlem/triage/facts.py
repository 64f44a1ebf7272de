"""What the rules look at: one signal's facts, read once through the boundary.

Facts that need the database (nearby signals, the reporter's other signals, the status history,
child signals) are fetched only when a rule asks for them, and then once.
"""
from datetime import timedelta
from functools import cached_property

from signals_haarlem import signalen

from .rules import category_path, normalise_text


def complaint_about(signal_id):
    """Through the complaints app's services, when it is installed."""
    from django.apps import apps
    if not apps.is_installed('signals_haarlem.complaints'):
        return None
    from signals_haarlem.complaints import services
    return services.complaint_about(signal_id)


class SignalFacts:
    def __init__(self, signal, status_history=None, hints=None, categories=None):
        self.signal = signal
        self.pk = signal.pk
        self.created_at = signal.created_at
        snap = signalen.snapshot(signal)
        category = None
        if snap.category_id is not None:
            # The rule set's categories (with their parents), so loading the signal needs no joins for them.
            category = categories.get(snap.category_id) if categories is not None else None
            if category is None:
                category = signalen.category_of(signal)
        self.category = category
        self.category_id = category.pk if category is not None else None
        self.category_parent_id = category.parent_id if category is not None else None
        self.category_name = category.name if category is not None else '(geen categorie)'
        self.category_path = category_path(category)
        self.main_slug = self.category_path.split('/', 1)[0] if self.category_path else ''
        self.type_code = snap.type_code
        self.priority = snap.priority
        self.point = (float(snap.point[0]), float(snap.point[1])) if snap.point else None
        self.state = snap.state
        self.parent_id = signal.parent_id
        self._status_history = status_history
        self._hints = hints or {}
        self._cache = {}

    @cached_property
    def normalised_text(self):
        signal = self.signal
        return normalise_text(f'{signal.text or ""}\n{getattr(signal, "text_extra", "") or ""}')

    def in_scope(self, scope):
        """Whether the category is in a set of category paths ("main" or "main/sub")."""
        return self.category_path in scope or self.main_slug in scope

    def nearby(self, metres, days, same_category=True, open_only=True):
        """Ids of other signals nearby (see signalen.nearby_signals). When the rule set's widest lookup
        covers this one, that is fetched once and filtered here."""
        key = ('nearby', metres, days, same_category, open_only)
        if key in self._cache:
            return self._cache[key]
        hint = self._hints.get('nearby')
        if hint and metres <= hint[0] and days <= hint[1] and (same_category or hint[2]) and \
                (open_only or hint[3]):
            if 'nearby_rows' not in self._cache:
                self._cache['nearby_rows'] = signalen.nearby_signals(
                    self.signal, hint[0], hint[1], same_category=not hint[2], open_only=not hint[3], details=True)
            since = self.created_at - timedelta(days=days)
            result = [row.id for row in self._cache['nearby_rows']
                      if row.metres <= metres and row.created_at >= since
                      and (not same_category or row.category_id == self.category_id)
                      and (not open_only or row.state not in signalen.CLOSED_STATES)]
        else:
            result = signalen.nearby_signals(self.signal, metres, days, same_category=same_category,
                                             open_only=open_only)
        self._cache[key] = result
        return result

    def same_reporter(self, days):
        key = ('reporter', days)
        if key in self._cache:
            return self._cache[key]
        widest = self._hints.get('reporter')
        if widest and days <= widest:
            if 'reporter_rows' not in self._cache:
                self._cache['reporter_rows'] = signalen.same_reporter_signals(self.signal, widest, details=True)
            since = self.created_at - timedelta(days=days)
            result = [pk for pk, created in self._cache['reporter_rows'] if created >= since]
        else:
            result = signalen.same_reporter_signals(self.signal, days)
        self._cache[key] = result
        return result

    @property
    def status_history(self):
        if self._status_history is None:
            self._status_history = signalen.status_history([self.pk]).get(self.pk, [])
        return self._status_history

    def had_state(self, states):
        if self._status_history is not None:
            return any(state in states for state, _ in self._status_history)
        key = ('had_state', tuple(sorted(states)))
        if key not in self._cache:
            if 'children' not in self._cache:  # both in one query: the next rule likely asks the other
                self._cache[key], self._cache['children'] = signalen.states_and_children(self.signal, states)
            else:
                self._cache[key] = signalen.had_state(self.signal, states)
        return self._cache[key]

    def complaint(self):
        """The reference of a complaint about this signal (complaints app), or None."""
        if 'complaint' not in self._cache:
            self._cache['complaint'] = complaint_about(self.pk)
        return self._cache['complaint']

    def children_count(self):
        if 'children' not in self._cache:
            self._cache['children'] = signalen.child_count(self.signal)
        return self._cache['children']
