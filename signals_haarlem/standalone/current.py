"""The copy of a signal's current values on its own row (Signal.current_*), and keeping it right.

A signal points at its current status, category assignment, priority, type and location records.
The list's filters and count and the triage's lookups need a few values of those records for many
signals at once; reading them from the signal's row spares five joins. Every change goes through
Signal.save() (Signal.actions saves the locked row after pointing it at a new record), which copies
the values of the records that changed. Rows written around save() (bulk seeding, the migration that
added the columns) are put right with refresh().
"""
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

#: record field on Signal -> {column on Signal: (field on the record, value when there is no record)}
ASPECTS = {
    'status': {'current_state': ('state', '')},
    'category_assignment': {'current_category_id': ('category_id', None), 'current_deadline': ('deadline', None),
                            'current_deadline_factor_3': ('deadline_factor_3', None)},
    'priority': {'current_priority': ('priority', 'normal')},
    'type_assignment': {'current_type': ('name', 'SIG')},
    'location': {'current_lon': ('lon', None), 'current_lat': ('lat', None)},
}
#: Signal fields whose change means the copy must be refreshed, and the copy's columns.
SOURCES = frozenset(ASPECTS) | frozenset(f'{name}_id' for name in ASPECTS)
COLUMNS = frozenset(column.removesuffix('_id') for columns in ASPECTS.values() for column in columns)

_UNKNOWN = object()


def record_ids(signal):
    """{record field: id} as loaded or saved (fields deferred at loading are left out)."""
    return {name: signal.__dict__[f'{name}_id'] for name in ASPECTS if f'{name}_id' in signal.__dict__}


def copy(signal, loaded=None):
    """Copy the values of the signal's current records that changed since `loaded` (record_ids() at
    loading; None: a new signal, copy all) onto its current_* columns. Reads a record from the
    database only when it was assigned by id rather than as an object."""
    for name, columns in ASPECTS.items():
        attname = f'{name}_id'
        if attname not in signal.__dict__:
            continue  # deferred: not changed through this instance
        record_id = signal.__dict__[attname]
        if loaded is not None and loaded.get(name, _UNKNOWN) == record_id:
            continue
        record = getattr(signal, name) if record_id is not None else None
        for column, (field, default) in columns.items():
            setattr(signal, column, getattr(record, field) if record is not None else default)


def refresh(signal_model, record_model, queryset=None):
    """Recompute the copy with one UPDATE (correlated subqueries) for `queryset` (default: every signal).
    `record_model(name)` gives the model of a record field ('status' -> Status); with the migration's
    historical models too."""
    if queryset is None:
        queryset = signal_model.objects.all()
    values = {}
    for name, columns in ASPECTS.items():
        model = record_model(name)
        for column, (field, default) in columns.items():
            value = Subquery(model.objects.filter(pk=OuterRef(f'{name}_id')).values(field)[:1])
            if default is not None:
                value = Coalesce(value, Value(default))
            values[column.removesuffix('_id')] = value
    return queryset.update(**values)


RECORD_MODELS = {'status': 'Status', 'category_assignment': 'CategoryAssignment', 'priority': 'Priority',
                 'type_assignment': 'Type', 'location': 'Location'}


def refresh_signals(queryset=None):
    """refresh() with the installed models (e.g. after bulk inserts)."""
    from django.apps import apps
    return refresh(apps.get_model('signals', 'Signal'),
                   lambda name: apps.get_model('signals', RECORD_MODELS[name]), queryset)


def mismatches(queryset=None, limit=20):
    """[(signal id, column, stored, expected)] where the copy differs from the current records (the
    test suite checks this after every test that touches the database)."""
    from django.apps import apps
    Signal = apps.get_model('signals', 'Signal')
    queryset = Signal.objects.all() if queryset is None else queryset
    pairs = [(column.removesuffix('_id'), f'{name}__{field}', default)
             for name, columns in ASPECTS.items() for column, (field, default) in columns.items()]
    found = []
    for row in queryset.order_by('pk').values('pk', *[c for c, _, _ in pairs], *[p for _, p, _ in pairs]).iterator():
        for column, path, default in pairs:
            expected = row[path] if row[path] is not None else default
            if row[column] != expected:
                found.append((row['pk'], column, row[column], expected))
                if len(found) >= limit:
                    return found
    return found
