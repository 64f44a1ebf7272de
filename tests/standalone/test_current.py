"""The copy of each signal's current values on its row (Signal.current_*): what the list's filters and
the triage read instead of joining the records. (tests/conftest.py also checks it after every test.)"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signals_haarlem import signalen
from signals_haarlem.standalone import current
from signals_haarlem.standalone.models import Signal
from tests.factories import CategoryFactory, make_signal

pytestmark = pytest.mark.django_db


def row(signal):
    return Signal.objects.values(*sorted(current.COLUMNS)).get(pk=signal.pk)


def test_create_copies_the_first_records(category):
    signal = make_signal(category, point=(4.6401, 52.3790), priority='high', type_code='REQ')
    assignment = signal.category_assignment
    assert row(signal) == {
        'current_state': 'm', 'current_category': category.pk, 'current_priority': 'high', 'current_type': 'REQ',
        'current_lon': 4.6401, 'current_lat': 52.3790, 'current_deadline': assignment.deadline,
        'current_deadline_factor_3': assignment.deadline_factor_3}
    assert assignment.deadline is not None  # the category has a service-level objective


def test_every_change_in_one_update_multiple_lands_on_the_row(category):
    signal = make_signal(category)
    other = CategoryFactory()
    Signal.actions.update_multiple({
        'status': {'state': 'b', 'text': 'In behandeling'},
        'category_assignment': {'category': other},
        'priority': {'priority': 'low'},
        'type': {'name': 'MAI'},
        'location': {'geometrie': {'type': 'Point', 'coordinates': [4.65, 52.39]}},
    }, signal)
    values = row(signal)
    assert (values['current_state'], values['current_category'], values['current_priority'],
            values['current_type'], values['current_lon'], values['current_lat']) == \
        ('b', other.pk, 'low', 'MAI', 4.65, 52.39)
    assert values['current_deadline'] == Signal.objects.get(pk=signal.pk).category_assignment.deadline
    # The caller's instance sees the copy too (it is refreshed from the locked row).
    assert signal.current_state == 'b' and signal.current_category_id == other.pk


def test_refused_change_leaves_the_copy(category):
    signal = make_signal(category)
    with pytest.raises(Exception):
        signalen.set_status(signal, 'o', '')  # closing needs a text
    assert row(signal)['current_state'] == 'm'


def test_an_action_reads_no_extra_records_for_the_copy(category):
    """Only the changed aspect is copied, from the record the action just wrote: a status change costs
    the same queries whether or not the row keeps a copy of the other aspects."""
    signal = make_signal(category)
    with CaptureQueriesContext(connection) as ctx:
        signalen.set_status(signal, 'b', 'Opgepakt')
    tables = ' '.join(q['sql'] for q in ctx.captured_queries)
    for table in ('signals_priority', 'signals_type', 'signals_location', 'signals_categoryassignment'):
        assert f'FROM "{table}"' not in tables


def test_saving_only_other_fields_does_not_touch_the_copy(category):
    signal = make_signal(category)
    Signal.objects.filter(pk=signal.pk).update(current_priority='high')  # wrong on purpose
    fresh = Signal.objects.get(pk=signal.pk)
    fresh.save(update_fields=['updated_at'])
    assert row(signal)['current_priority'] == 'high'
    current.refresh_signals()
    assert row(signal)['current_priority'] == 'normal'
    assert current.mismatches() == []


def test_refresh_repairs_rows_written_around_save(category):
    signals = [make_signal(category), make_signal(category, state='b')]
    Signal.objects.update(current_state='', current_category=None, current_lat=None, current_type='SIG')
    assert {(pk, column) for pk, column, _, _ in current.mismatches()} >= {
        (signals[0].pk, 'current_state'), (signals[1].pk, 'current_state'), (signals[0].pk, 'current_lat')}
    assert current.refresh_signals() == 2
    assert current.mismatches() == []
    assert row(signals[1])['current_state'] == 'b'


def test_a_signal_without_records_has_the_defaults():
    signal = Signal.objects.create(text='zonder records', incident_date_start='2025-01-01T00:00:00Z')
    assert row(signal) == {
        'current_state': '', 'current_category': None, 'current_priority': 'normal', 'current_type': 'SIG',
        'current_lon': None, 'current_lat': None, 'current_deadline': None, 'current_deadline_factor_3': None}
    current.refresh_signals()
    assert current.mismatches() == []
