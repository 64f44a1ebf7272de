"""The hooks triage and re-triage; receivers are idempotent; the reconcile task repairs what they missed."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from signals_haarlem import signalen
from signals_haarlem.triage import engine, receivers, services, tasks
from signals_haarlem.triage.models import Decision, Rule, SignalLane
from tests.factories import GROTE_MARKT, STATION, make_signal

pytestmark = pytest.mark.django_db


def decisions(signal):
    return list(Decision.objects.filter(signal_id=signal.pk).order_by('created_at', 'pk'))


def test_receivers_are_connected_once_with_a_dispatch_uid():
    for hook, receiver in receivers.RECEIVERS:
        signal = getattr(signalen.hooks, hook)
        uids = [entry[0][0] for entry in signal.receivers if entry[0][0] == f'haarlem_triage.{hook}']
        assert len(uids) == 1, hook
    receivers.connect()  # a second connect changes nothing
    assert sum(1 for entry in signalen.hooks.create_initial.receivers
               if entry[0][0] == 'haarlem_triage.create_initial') == 1


def test_create_initial_triages(container_vol, run_on_commit):
    signal = run_on_commit(make_signal, container_vol)
    [decision] = decisions(signal)
    assert decision.trigger == 'create' and decision.lane.code == 'eenvoudig' and decision.created_by is None


def test_no_triage_without_commit(container_vol):
    signal = make_signal(container_vol)  # hooks are sent on commit, which a test transaction never does
    assert decisions(signal) == []


@pytest.mark.parametrize('change, trigger', [
    (lambda s, boom: signalen.set_category(s, boom), 'category'),
])
def test_category_change_retriages(container_vol, boom, run_on_commit, change, trigger):
    signal = run_on_commit(make_signal, container_vol)
    run_on_commit(change, signal, boom)
    latest = decisions(signal)[-1]
    assert latest.trigger == trigger and latest.lane.code == 'complex'


def test_type_change_retriages(lanes, container_vol, run_on_commit):
    Rule.objects.create(name='Klacht', kind='type', params={'types': ['COM']}, lane=lanes['maatwerk'])
    engine.clear_cache()
    signal = run_on_commit(make_signal, container_vol)
    run_on_commit(signalen.set_type, signal, 'COM', 'kcc@haarlem.nl')
    latest = decisions(signal)[-1]
    assert latest.trigger == 'type' and latest.lane.code == 'maatwerk' and 'Type is Klacht' in latest.reason


def test_priority_change_retriages(lanes, container_vol, run_on_commit):
    Rule.objects.create(name='Hoog', kind='priority', params={'priorities': ['high']}, lane=lanes['complex'])
    engine.clear_cache()
    signal = run_on_commit(make_signal, container_vol)
    run_on_commit(signalen.set_priority, signal, 'high')
    assert decisions(signal)[-1].trigger == 'priority' and decisions(signal)[-1].lane.code == 'complex'


def test_location_change_retriages(lanes, container_vol, run_on_commit):
    square = {'type': 'Polygon', 'coordinates': [[[4.630, 52.378], [4.640, 52.378], [4.640, 52.384],
                                                  [4.630, 52.384], [4.630, 52.378]]]}
    Rule.objects.create(name='Centrum', kind='area', params={'geometry': square, 'name': 'Centrum'},
                        lane=lanes['complex'])
    engine.clear_cache()
    signal = run_on_commit(make_signal, container_vol, point=STATION)
    assert decisions(signal)[-1].lane.code == 'eenvoudig'
    run_on_commit(signalen.set_location, signal, *GROTE_MARKT)
    assert decisions(signal)[-1].trigger == 'location' and decisions(signal)[-1].lane.code == 'complex'


def test_repeated_hooks_write_no_second_decision(container_vol, run_on_commit):
    signal = run_on_commit(make_signal, container_vol)
    for _ in range(3):
        run_on_commit(receivers.on_create_initial, sender=None, signal_obj=signal)
        run_on_commit(receivers.on_update_location, sender=None, signal_obj=signal)
    assert len(decisions(signal)) == 1


def test_reopen_request_moves_to_maatwerk(lanes, container_vol, run_on_commit):
    Rule.objects.create(name='Heropenen', kind='repeat_reporter', params={'reopen_request': True},
                        lane=lanes['maatwerk'])
    engine.clear_cache()
    signal = run_on_commit(make_signal, container_vol)
    run_on_commit(signalen.set_status, signal, 'o', 'Opgelost')
    state = SignalLane.objects.get(pk=signal.pk)
    assert not state.is_open and state.resolved_at is not None
    run_on_commit(signalen.set_status, signal, 'reopen requested', 'Melder niet tevreden')
    latest = decisions(signal)[-1]
    assert latest.trigger == 'reopen' and latest.lane.code == 'maatwerk'
    state.refresh_from_db()
    assert state.is_open and state.resolved_at is None and state.lane.code == 'maatwerk'


def test_child_signal_retriages_the_parent(lanes, container_vol, run_on_commit):
    Rule.objects.create(name='Hoofdmelding', kind='parent_child', params={'role': 'parent'}, lane=lanes['complex'])
    engine.clear_cache()
    parent = run_on_commit(make_signal, container_vol)
    assert decisions(parent)[-1].lane.code == 'eenvoudig'
    run_on_commit(make_signal, container_vol, parent=parent)
    latest = decisions(parent)[-1]
    assert latest.trigger == 'child' and latest.lane.code == 'complex'


def test_a_failing_receiver_is_logged_and_the_reconcile_task_triages(container_vol, run_on_commit, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError('database weg')
    monkeypatch.setattr(services, 'triage_signal', broken)
    with caplog.at_level(logging.ERROR, logger='signals_haarlem.triage.tasks'):
        signal = run_on_commit(make_signal, container_vol)  # the signal itself is created fine
    assert decisions(signal) == []
    assert any('Triage of signal' in r.getMessage() and 'failed' in r.getMessage() for r in caplog.records)
    monkeypatch.undo()

    # Within the grace period the reconcile task leaves it to a receiver that may still be running.
    assert tasks.reconcile() == {'triaged': 0, 'unchanged': 0, 'failed': 0}
    assert tasks.reconcile(grace_seconds=0) == {'triaged': 1, 'unchanged': 0, 'failed': 0}
    [decision] = decisions(signal)
    assert decision.trigger == 'reconcile' and decision.lane.code == 'eenvoudig'
    assert tasks.reconcile(grace_seconds=0)['triaged'] == 0  # nothing left to do


def test_a_receiver_that_cannot_queue_is_logged(container_vol, run_on_commit, monkeypatch, caplog):
    def no_broker(*args, **kwargs):
        raise ConnectionError('broker down')
    monkeypatch.setattr(tasks.triage_signal, 'delay', no_broker)
    with caplog.at_level(logging.ERROR, logger='signals_haarlem.triage.receivers'):
        signal = run_on_commit(make_signal, container_vol)
    assert decisions(signal) == [] and 'reconcile task will' in caplog.text


def test_reconcile_picks_up_old_signals_and_outdated_categories(lanes, container_vol, boom):
    old = make_signal(container_vol, created_at=timezone.now() - timedelta(days=3), state='b')
    moved = make_signal(container_vol, created_at=timezone.now() - timedelta(days=3))
    services.triage_signal(moved)
    signalen.set_category(moved, boom)  # hook lost
    SignalLane.objects.filter(pk=moved.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    result = tasks.reconcile()
    assert result['triaged'] == 2 and result['failed'] == 0
    state = SignalLane.objects.get(pk=old.pk)
    assert state.responded_at is not None and state.state == 'b'  # tracking read from the status history
    assert decisions(moved)[-1].lane.code == 'complex' and decisions(moved)[-1].trigger == 'category'


def test_reconcile_keeps_going_when_one_signal_fails(container_vol, monkeypatch):
    first = make_signal(container_vol, created_at=timezone.now() - timedelta(hours=1))
    second = make_signal(container_vol, created_at=timezone.now() - timedelta(hours=1))
    real = services.triage_signal

    def flaky(signal, trigger='create', ruleset=None):
        if getattr(signal, 'pk', signal) == first.pk:
            raise RuntimeError('kapot')
        return real(signal, trigger, ruleset=ruleset)
    monkeypatch.setattr(services, 'triage_signal', flaky)
    assert services.reconcile() == {'triaged': 1, 'unchanged': 0, 'failed': 1}
    assert decisions(second) and not decisions(first)


def test_beat_schedule_lists_the_periodic_tasks():
    from django.conf import settings
    schedule = settings.CELERY_BEAT_SCHEDULE  # what beat gets
    assert schedule['haarlem-triage-reconcile']['task'] == 'signals_haarlem.triage.tasks.reconcile'
    assert schedule['haarlem-triage-check-deadlines']['task'] == 'signals_haarlem.triage.tasks.check_deadlines'
