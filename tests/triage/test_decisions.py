"""Decisions: the mapping and its fallback, deadlines on the working-day calendar, the effects in
Signalen, idempotency, manual lanes that stick, release, agreed dates, append-only history."""
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from signals_haarlem import signalen, workdays
from signals_haarlem.triage import engine, services
from signals_haarlem.triage.models import CategoryLane, Decision, Lane, Rule, SignalLane
from tests.factories import CategoryFactory, make_signal

pytestmark = pytest.mark.django_db
TZ = workdays.TIME_ZONE


def at(*args):
    return datetime(*args, tzinfo=TZ)


def last_day(moment):
    """The last day something due at `moment` (an exclusive end) is on time."""
    return (moment.astimezone(TZ) - timedelta(days=1)).date()


def history(signal):
    return [(line.action, line.description) for line in signalen.history(signal)]


def routing(signal):
    return [department.code for department in signalen.routing_departments(signal)]


# -- mapping and fallback -------------------------------------------------------------------------

def test_category_default_lane(container_vol, boom):
    decision = services.triage_signal(make_signal(boom))
    assert decision.lane.code == 'complex' and decision.basis == 'category'
    assert decision.reason == 'Standaardbaan van categorie Boom'


def test_sub_category_without_lane_uses_its_main_category(lanes, afval):
    CategoryLane.objects.create(category=afval, lane=lanes['complex'])
    grofvuil = CategoryFactory(slug='grofvuil', name='Grofvuil', parent=afval)
    decision = services.triage_signal(make_signal(grofvuil))
    assert decision.lane.code == 'complex' and decision.basis == 'category'
    assert 'hoofdcategorie Afval' in decision.reason


def test_unmapped_category_falls_back_to_the_configured_lane(lanes, settings):
    unmapped = CategoryFactory(slug='iets-nieuws', name='Iets nieuws')
    decision = services.triage_signal(make_signal(unmapped))
    assert decision.lane.code == 'eenvoudig' and decision.basis == 'fallback'
    assert decision.reason == 'Categorie Iets nieuws heeft geen standaardbaan: terugvalbaan'

    settings.HAARLEM = {**settings.HAARLEM, 'TRIAGE_FALLBACK_LANE': 'maatwerk'}
    engine.clear_cache()
    assert services.triage_signal(make_signal(unmapped)).lane.code == 'maatwerk'


def test_fallback_when_the_configured_lane_is_missing_or_inactive(lanes, settings):
    settings.HAARLEM = {**settings.HAARLEM, 'TRIAGE_FALLBACK_LANE': 'bestaat-niet'}
    unmapped = CategoryFactory()
    assert services.triage_signal(make_signal(unmapped)).lane.code == 'eenvoudig'  # first active lane by order
    lanes['eenvoudig'].is_active = False
    lanes['eenvoudig'].save()
    assert services.triage_signal(make_signal(unmapped)).lane.code == 'complex'


def test_mapping_to_an_inactive_lane_falls_back(lanes, boom):
    lanes['complex'].is_active = False
    lanes['complex'].save()
    decision = services.triage_signal(make_signal(boom))
    assert decision.lane.code == 'eenvoudig' and decision.basis == 'fallback'


def test_no_lanes_at_all_means_no_decision(db):
    assert services.triage_signal(make_signal(CategoryFactory())) is None


# -- deadlines ------------------------------------------------------------------------------------

def test_deadlines_of_a_friday_before_whitsun(lanes, container_vol, boom):
    """Friday 6 June 2025; Whit Monday 9 June is no working day."""
    friday = at(2025, 6, 6, 16, 30)
    simple = services.triage_signal(make_signal(container_vol, created_at=friday))
    assert simple.response_due is None and simple.plan_due is None
    assert last_day(simple.resolution_due) == date(2025, 6, 12)  # the category's 3 working days: Tue, Wed, Thu
    assert simple.resolution_due == at(2025, 6, 13, 0, 0)

    complex_ = services.triage_signal(make_signal(boom, created_at=friday))
    assert last_day(complex_.response_due) == date(2025, 6, 12)  # 3 working days
    assert last_day(complex_.plan_due) == date(2025, 6, 23)  # 10 working days
    assert last_day(complex_.resolution_due) == date(2025, 7, 7)  # the longest: 20 working days, not Boom's 10

    Rule.objects.create(name='Klacht', kind='type', params={'types': ['COM']}, lane=lanes['maatwerk'])
    engine.clear_cache()
    custom = services.triage_signal(make_signal(container_vol, created_at=friday, type_code='COM'))
    assert last_day(custom.response_due) == date(2025, 6, 10)  # 1 working day: Tuesday, not Whit Monday
    assert last_day(custom.resolution_due) == date(2025, 6, 23)  # provisional 10 working days until agreed


@pytest.mark.parametrize('created, expected', [
    (at(2026, 4, 2, 17, 0), date(2026, 4, 7)),  # Thursday before Easter: Good Friday and Easter Monday off
    (at(2026, 4, 3, 10, 0), date(2026, 4, 7)),  # on Good Friday itself
    (at(2026, 4, 24, 15, 0), date(2026, 4, 28)),  # Friday before King's Day (Monday 27 April 2026)
    (at(2026, 5, 1, 12, 0), date(2026, 5, 4)),  # Friday 1 May: Monday 4 May is a working day
])
def test_one_working_day_over_a_holiday_weekend(lanes, container_vol, created, expected):
    Rule.objects.create(name='Klacht', kind='type', params={'types': ['COM']}, lane=lanes['maatwerk'])
    decision = services.triage_signal(make_signal(container_vol, created_at=created, type_code='COM'))
    assert last_day(decision.response_due) == expected


def test_liberation_day_counts_every_year(lanes, boom):
    """Friday 1 May 2026: 3 working days are Mon 4, Wed 6, Thu 7 May (5 May is off, also in a non-lustrum year)."""
    decision = services.triage_signal(make_signal(boom, created_at=at(2026, 5, 1, 9, 0)))
    assert last_day(decision.response_due) == date(2026, 5, 7)


def test_closure_days_count(lanes, container_vol):
    from signals_haarlem.core.models import ClosureDay
    ClosureDay.objects.create(date=date(2025, 6, 10), reason='Teamdag')
    workdays.clear_cache()
    decision = services.triage_signal(make_signal(container_vol, created_at=at(2025, 6, 6, 9, 0)))
    assert last_day(decision.resolution_due) == date(2025, 6, 13)


def test_calendar_days_lane(lanes, container_vol):
    lane = lanes['eenvoudig']
    lane.resolution_basis, lane.resolution_days, lane.calendar_days = Lane.BASIS_LANE, 7, True
    lane.save()
    decision = services.triage_signal(make_signal(container_vol, created_at=at(2025, 6, 2, 9, 0)))
    assert last_day(decision.resolution_due) == date(2025, 6, 10)  # 9 June is Whit Monday: moves to Tuesday


def test_response_clock_restarts_in_a_new_lane_resolution_counts_from_the_report(lanes, container_vol, monkeypatch):
    reported = at(2025, 6, 2, 9, 0)
    signal = make_signal(container_vol, created_at=reported)
    first = services.triage_signal(signal)
    monkeypatch.setattr(services.timezone, 'now', lambda: at(2025, 6, 4, 11, 0))
    moved = services.retriage(signal, lanes['complex'], 'Meer disciplines nodig', 'tl@haarlem.nl')
    assert moved.clock_start == at(2025, 6, 4, 11, 0)
    assert last_day(moved.response_due) == date(2025, 6, 10)  # 3 working days from Wednesday (Whit Monday off)
    assert last_day(moved.resolution_due) == last_day(services.deadlines.compute(
        lanes['complex'], reported, reported, (3, False)).resolution_due)
    again = services.retriage(signal, lanes['complex'], 'Bevestigd', 'tl@haarlem.nl')
    assert again.clock_start == moved.clock_start and again.response_due == moved.response_due
    assert first.clock_start == reported


# -- effects, idempotency, history ----------------------------------------------------------------

def test_effects_routing_and_note(container_vol, boom, run_on_commit):
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    assert routing(signal) == ['EEN']
    notes = [d for a, d in history(signal) if a == 'Notitie toegevoegd:']
    assert notes[-1].startswith('Triage: baan Eenvoudig (Team Eenvoudig). Reden: Standaardbaan van categorie '
                               'Container is vol.')
    signalen.set_category(signal, boom)
    services.triage_signal(signal, 'category')
    assert routing(signal) == ['CPX']
    notes = [d for a, d in history(signal) if a == 'Notitie toegevoegd:']
    assert notes[-1].startswith('Triage: van baan Eenvoudig naar baan Complex (Team Complex). Reden: Standaardbaan '
                               'van categorie Boom.')
    assert 'reactie uiterlijk' in notes[-1] and 'plan uiterlijk' in notes[-1]


def test_same_outcome_twice_writes_one_decision(container_vol):
    signal = make_signal(container_vol)
    assert services.triage_signal(signal) is not None
    assert services.triage_signal(signal, 'location') is None
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1
    assert len([a for a, _ in history(signal) if a == 'Notitie toegevoegd:']) == 1


def test_same_lane_other_reason_is_recorded_without_a_new_note(lanes, container_vol, afval):
    other = CategoryFactory(slug='grofvuil', name='Grofvuil', parent=afval, n_days=5)
    CategoryLane.objects.create(category=other, lane=lanes['eenvoudig'])
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    signalen.set_category(signal, other)
    decision = services.triage_signal(signal, 'category')
    assert decision is not None and decision.lane.code == 'eenvoudig' and 'Grofvuil' in decision.reason
    assert len([a for a, _ in history(signal) if a == 'Notitie toegevoegd:']) == 1
    assert SignalLane.objects.get(pk=signal.pk).category_id == other.pk


def test_decisions_are_append_only(container_vol):
    decision = services.triage_signal(make_signal(container_vol))
    decision.reason = 'anders'
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()


def test_current_lane_is_the_latest_decision(lanes, container_vol):
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    services.retriage(signal, lanes['maatwerk'], 'Melder is kwetsbaar', 'tl@haarlem.nl')
    latest = Decision.objects.filter(signal_id=signal.pk).first()
    state = SignalLane.objects.get(pk=signal.pk)
    assert latest.lane.code == 'maatwerk' and state.decision_id == latest.pk and state.lane.code == 'maatwerk'
    assert Decision.objects.filter(signal_id=signal.pk).count() == 2


# -- manual lanes ---------------------------------------------------------------------------------

def test_manual_lane_sticks_until_released(lanes, container_vol, boom, run_on_commit):
    signal = run_on_commit(make_signal, container_vol)
    decision = run_on_commit(services.retriage, signal, 'maatwerk', '  Melder belde   boos  ', 'tl@haarlem.nl')
    assert decision.is_manual and decision.basis == 'staff' and decision.created_by == 'tl@haarlem.nl'
    assert decision.reason == 'Melder belde boos'
    assert routing(signal) == ['MTW']

    # A category, type and priority change do not move a manual lane.
    run_on_commit(signalen.set_category, signal, boom)
    run_on_commit(signalen.set_priority, signal, 'high')
    state = SignalLane.objects.get(pk=signal.pk)
    assert state.lane.code == 'maatwerk' and state.is_manual
    assert state.category_id == boom.pk  # the queue filter still follows the category
    assert Decision.objects.filter(signal_id=signal.pk).count() == 2

    released = run_on_commit(services.release, signal, 'Gesprek gevoerd', 'tl@haarlem.nl')
    assert released.lane.code == 'complex' and not released.is_manual and released.trigger == 'release'
    assert 'Standaardbaan van categorie Boom (handmatige baan losgelaten: Gesprek gevoerd)' == released.reason
    assert not SignalLane.objects.get(pk=signal.pk).is_manual
    notes = [d for a, d in history(signal) if a == 'Notitie toegevoegd:']
    assert notes[-1].startswith('Triage: handmatige baan losgelaten: van baan Maatwerk naar baan Complex')


def test_retriage_needs_a_reason_and_an_active_lane(lanes, container_vol):
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    with pytest.raises(ValidationError) as exc:
        services.retriage(signal, lanes['complex'], '   ', 'tl@haarlem.nl')
    assert 'reason' in exc.value.message_dict
    lanes['complex'].is_active = False
    lanes['complex'].save()
    with pytest.raises(ValidationError) as exc:
        services.retriage(signal, lanes['complex'], 'reden', 'tl@haarlem.nl')
    assert 'lane' in exc.value.message_dict
    assert Decision.objects.filter(signal_id=signal.pk).count() == 1


def test_release_without_manual_lane_is_refused(container_vol):
    signal = make_signal(container_vol)
    services.triage_signal(signal)
    with pytest.raises(ValidationError):
        services.release(signal, 'reden', 'tl@haarlem.nl')


def test_agreed_date_in_maatwerk(lanes, container_vol, boom):
    signal = make_signal(container_vol)
    services.retriage(signal, lanes['maatwerk'], 'Kwetsbare melder', 'tl@haarlem.nl')
    day = timezone.localdate() + timedelta(days=12)
    decision = services.set_agreed_date(signal, day, 'Gebeld; na de verbouwing', 'mw@haarlem.nl')
    assert decision.resolution_agreed and last_day(decision.resolution_due) == day
    assert decision.is_manual and decision.lane.code == 'maatwerk'
    assert SignalLane.objects.get(pk=signal.pk).due_at <= decision.resolution_due
    with pytest.raises(ValidationError):
        services.set_agreed_date(signal, timezone.localdate() - timedelta(days=1), 'te laat', 'mw@haarlem.nl')
    other = make_signal(boom)
    services.triage_signal(other)
    with pytest.raises(ValidationError) as exc:
        services.set_agreed_date(other, day, 'reden', 'mw@haarlem.nl')
    assert 'vaste afhandeltermijn' in exc.value.message_dict['date'][0]


def test_agreed_date_survives_a_same_lane_retriage(lanes, container_vol):
    Rule.objects.create(name='Klacht', kind='type', params={'types': ['COM']}, lane=lanes['maatwerk'])
    engine.clear_cache()
    signal = make_signal(container_vol, type_code='COM')
    services.triage_signal(signal)
    day = timezone.localdate() + timedelta(days=20)
    services.set_agreed_date(signal, day, 'Afgesproken', 'mw@haarlem.nl')
    signalen.set_priority(signal, 'high')
    services.triage_signal(signal, 'priority')
    state = SignalLane.objects.select_related('decision').get(pk=signal.pk)
    assert state.decision.resolution_agreed and last_day(state.decision.resolution_due) == day


# -- tracking and queue ordering ------------------------------------------------------------------

def test_tracking_response_plan_resolution(lanes, boom, run_on_commit):
    signal = run_on_commit(make_signal, boom)
    state = SignalLane.objects.select_related('decision').get(pk=signal.pk)
    assert state.due_kind == 'response' and state.due_at == state.decision.response_due
    run_on_commit(signalen.set_status, signal, 'b', 'Opgepakt')
    state.refresh_from_db()
    assert state.responded_at is not None and state.due_kind == 'plan'
    run_on_commit(signalen.set_status, signal, 'ingepland', 'Ingepland')
    state.refresh_from_db()
    assert state.planned_at is not None and state.due_kind == 'resolution'
    run_on_commit(signalen.set_status, signal, 'o', 'Klaar')
    state.refresh_from_db()
    assert state.resolved_at is not None and not state.is_open and state.due_at is None
