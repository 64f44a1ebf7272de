"""Signal.actions: every allowed and refused transition, history, hooks and refusals that change nothing."""
import pytest
from django.core.exceptions import ValidationError

from signals_haarlem import signalen
from signals_haarlem.standalone import workflow
from signals_haarlem.standalone.models import History, Signal, Status
from tests.factories import CategoryFactory, DepartmentFactory, make_signal

pytestmark = pytest.mark.django_db

ALL_STATES = [code for code, _ in workflow.STATUS_CHOICES]
ALLOWED = [(f, t) for f in ALL_STATES for t in workflow.TRANSITIONS[f]]
REFUSED = [(f, t) for f in ALL_STATES for t in ALL_STATES if t not in workflow.TRANSITIONS[f]]


def force_state(signal, state):
    """Put a signal in `state` directly (test set-up for states only reachable through integrations)."""
    status = Status.objects.create(_signal=signal, state=state, text='opzet')
    signal.status = status
    signal.save()  # not through the workflow, but through save(), which keeps the row's copy of the state
    signal.refresh_from_db()
    return signal


def test_create_initial_writes_every_first_record_and_history(category):
    signal = make_signal(category)
    assert signal.status.state == 'm'
    assert signal.category_assignment.category == category
    assert signal.location.geometrie == {'type': 'Point', 'coordinates': [4.6368, 52.3812]}
    assert signal.priority.priority == 'normal'
    assert signal.type_assignment.name == 'SIG'
    whats = set(History.objects.filter(_signal=signal).values_list('what', flat=True))
    assert {'UPDATE_STATUS', 'UPDATE_LOCATION', 'UPDATE_CATEGORY_ASSIGNMENT', 'UPDATE_SLA', 'UPDATE_PRIORITY',
            'UPDATE_TYPE_ASSIGNMENT'} <= whats


@pytest.mark.parametrize('from_state,to_state', ALLOWED, ids=[f'{f or "new"}->{t}' for f, t in ALLOWED])
def test_allowed_transition(category, from_state, to_state):
    if from_state == '':
        signal = make_signal(category)  # the only way into the workflow is m, on creation
        assert signal.status.state == to_state == 'm'
        return
    signal = force_state(make_signal(category), from_state)
    before = History.objects.filter(_signal=signal).count()
    status = signalen.set_status(signal, to_state, 'Toelichting', user='behandelaar@haarlem.nl')
    signal.refresh_from_db()
    assert signal.status == status and status.state == to_state
    assert History.objects.filter(_signal=signal).count() == before + 1
    line = History.objects.filter(_signal=signal).first()
    assert line.what == 'UPDATE_STATUS' and line.who == 'behandelaar@haarlem.nl'
    assert line.action == f'Status gewijzigd naar: {workflow.label(to_state)}'


@pytest.mark.parametrize('from_state,to_state', REFUSED, ids=[f'{f or "new"}->{t}' for f, t in REFUSED])
def test_refused_transition_changes_nothing(category, from_state, to_state):
    signal = force_state(make_signal(category), from_state) if from_state else make_signal(category)
    if not from_state:
        pytest.skip('a new signal has no refusable source state other than its creation')
    statuses, lines = Status.objects.count(), History.objects.count()
    with pytest.raises(ValidationError) as exc:
        signalen.set_status(signal, to_state, 'Toelichting')
    assert exc.value.message_dict == {
        'state': [f'Invalid state transition from `{workflow.label(from_state)}` to `{workflow.label(to_state)}`.']}
    signal.refresh_from_db()
    assert signal.status.state == from_state
    assert (Status.objects.count(), History.objects.count()) == (statuses, lines)


def test_new_signal_must_start_as_gemeld(category):
    with pytest.raises(ValidationError) as exc:
        Signal.actions.create_initial(
            {'text': 'x', 'incident_date_start': '2026-01-01T10:00:00+01:00'},
            {'geometrie': {'type': 'Point', 'coordinates': [4.63, 52.38]}}, {'state': 'b'},
            {'category': category}, {})
    assert 'state' in exc.value.message_dict
    assert Signal.objects.count() == 0


@pytest.mark.parametrize('state', sorted(workflow.TEXT_REQUIRED))
def test_text_required(category, state):
    signal = make_signal(category)
    if state not in workflow.TRANSITIONS['m']:
        signal = force_state(signal, 'o' if state == 'reopened' else 'b')
    lines = History.objects.count()
    with pytest.raises(ValidationError) as exc:
        signalen.set_status(signal, state, '  ')
    assert exc.value.message_dict == {
        'text': [f'This field is required when changing `state` to `{workflow.label(state)}`.']}
    assert History.objects.count() == lines


def test_unknown_state_refused(category):
    signal = make_signal(category)
    with pytest.raises(ValidationError) as exc:
        signalen.set_status(signal, 'bogus', 'x')
    assert exc.value.message_dict == {'state': ['"bogus" is not a valid choice.']}
    signal.refresh_from_db()
    assert signal.status.state == 'm'


def test_update_multiple_is_all_or_nothing(category):
    signal = make_signal(category)
    other = CategoryFactory(parent=category.parent, slug='andere')
    lines = History.objects.count()
    with pytest.raises(ValidationError):
        Signal.actions.update_multiple({
            'priority': {'priority': 'high'},
            'category_assignment': {'category': other},
            'notes': [{'text': 'notitie'}],
            'status': {'state': 'o', 'text': ''},  # refused: text required
        }, signal)
    signal.refresh_from_db()
    assert signal.priority.priority == 'normal'
    assert signal.category_assignment.category == category
    assert signal.notes.count() == 0
    assert History.objects.count() == lines


def test_history_records_are_append_only(category):
    signal = make_signal(category)
    line = History.objects.filter(_signal=signal).first()
    line.action = 'geknoeid'
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        signal.status.delete()


def test_category_deadline_uses_working_days_and_holidays(category):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    ams = ZoneInfo('Europe/Amsterdam')
    # Thursday 24 December 2026, 3 working days: Christmas and Boxing Day and the weekend don't count.
    signal = make_signal(category, created_at=datetime(2026, 12, 24, 14, 0, tzinfo=ams))
    deadline = signal.category_assignment.deadline.astimezone(ams)
    assert deadline.date().isoformat() == '2026-12-31'  # ends at the start of the day after the 3rd: Wed 30th
    assert signal.category_assignment.deadline_factor_3 > signal.category_assignment.deadline


def test_same_category_is_no_change(category, run_on_commit):
    signal = make_signal(category)
    received = []
    signalen.hooks.update_category_assignment.connect(lambda **kw: received.append(kw), weak=False,
                                                      dispatch_uid='test-same-category')
    try:
        before = signal.category_assignment_id
        run_on_commit(Signal.actions.update_category_assignment, {'category': category}, signal)
        signal.refresh_from_db()
        assert signal.category_assignment_id == before
        assert received == []
    finally:
        signalen.hooks.update_category_assignment.disconnect(dispatch_uid='test-same-category')


def test_routing_departments_and_user_assignment(category, admin_user):
    signal = make_signal(category)
    team = DepartmentFactory(code='CPX', name='Team Complex')
    signalen.set_routing_departments(signal, [team], user='kcc@haarlem.nl')
    routing = signal.signal_departments.get(relation_type='routing')
    assert list(routing.departments.all()) == [team]
    assert History.objects.filter(_signal=signal, what='UPDATE_ROUTING_ASSIGNMENT').exists()
    Signal.actions.update_user_assignment({'user': {'email': admin_user.email}}, signal)
    signal.refresh_from_db()
    assert signal.user_assignment.user == admin_user
    with pytest.raises(ValidationError):
        Signal.actions.update_user_assignment({'user': {'email': 'niemand@haarlem.nl'}}, signal)


def test_bad_location_refused(category):
    signal = make_signal(category)
    for geometrie in ({'type': 'Polygon', 'coordinates': []}, {'type': 'Point', 'coordinates': ['a', 'b']},
                      {'type': 'Point', 'coordinates': [400, 52]}, None):
        with pytest.raises(ValidationError) as exc:
            Signal.actions.update_location({'geometrie': geometrie}, signal)
        assert 'geometrie' in exc.value.message_dict
    assert signal.locations.count() == 1


def test_note_requires_text(category):
    signal = make_signal(category)
    with pytest.raises(ValidationError):
        signalen.add_note(signal, '   ')
    signalen.add_note(signal, 'Gebeld met melder', user='kcc@haarlem.nl')
    assert signal.notes.get().text == 'Gebeld met melder'
