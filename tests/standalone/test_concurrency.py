"""Two staff members changing one signal at the same moment (real PostgreSQL, real transactions).

The row lock (`select_for_update(nowait=True)`) makes the second change fail at once with
ConcurrentUpdate (the API answers 409) instead of overwriting: no history record is lost and the
signal is always in a state the workflow allows.
"""
import threading

import pytest
from django.db import connections

from signals_haarlem import signalen
from signals_haarlem.standalone import workflow
from signals_haarlem.standalone.managers import ConcurrentUpdate
from signals_haarlem.standalone.models import History, Signal, Status
from tests.factories import CategoryFactory, make_signal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures('postgresql_only')]


def _race(signal_pk, moves):
    """Run each (state, text) in its own thread at the same moment; return the outcomes."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def worker(i, state, text):
        try:
            signal = Signal.objects.select_related('status').get(pk=signal_pk)
            barrier.wait()
            signalen.set_status(signal, state, text, user=f'medewerker{i}@haarlem.nl')
            outcomes[i] = 'ok'
        except ConcurrentUpdate:
            outcomes[i] = 'conflict'
        except Exception as exc:  # a refused transition after the other one won is also fine
            outcomes[i] = f'refused: {exc}'
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, s, t)) for i, (s, t) in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_status_updates_lose_nothing_and_stay_valid():
    signal = make_signal(CategoryFactory())
    successes = 0
    for round_ in range(15):
        current = Signal.objects.select_related('status').get(pk=signal.pk).status.state
        options = [s for s in workflow.TRANSITIONS[current] if s not in workflow.APPLICATION_ONLY and s != 'o']
        moves = [(options[0], f'ronde {round_} a'), (options[-1], f'ronde {round_} b')]
        outcomes = _race(signal.pk, moves)
        assert all(o in ('ok', 'conflict') or o.startswith('refused') for o in outcomes), outcomes
        successes += outcomes.count("ok")

    signal.refresh_from_db()
    statuses = list(Status.objects.filter(_signal=signal).order_by('created_at', 'pk'))
    # every successful change left exactly one Status record and one history line
    assert len(statuses) == 1 + successes
    assert History.objects.filter(_signal=signal, what='UPDATE_STATUS').count() == 1 + successes
    # the signal points at the newest status, and the chain of states only made allowed moves
    assert signal.status_id == statuses[-1].pk
    chain = [''] + [s.state for s in statuses]
    for before, after in zip(chain, chain[1:]):
        assert after in workflow.TRANSITIONS[before], (before, after)
    assert successes >= 15  # at least one of each pair went through
