"""Two first decisions for one signal at the same moment (real PostgreSQL row locks): staff retriaging a
signal that was not triaged yet, twice at once. Both are recorded, one after the other, and the signal
has one current lane: neither request fails on the current lane's key (a 500 found by schemathesis)."""
import threading

import pytest
from django.db import connections

from signals_haarlem.triage import services
from signals_haarlem.triage.models import Decision, SignalLane
from tests.factories import make_signal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures('postgresql_only')]


def test_two_first_retriages_at_once_both_recorded(lanes, container_vol):
    signal = make_signal(container_vol)
    SignalLane.objects.filter(signal_id=signal.pk).delete()  # (not triaged yet, whatever the hooks did)
    before = Decision.objects.filter(signal_id=signal.pk).count()
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def worker(i, lane):
        try:
            barrier.wait()
            services.retriage(signal, lanes[lane], f'Reden {i}', f'tl{i}@haarlem.nl')
            outcomes[i] = 'ok'
        except Exception as exc:
            outcomes[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, lane)) for i, lane in enumerate(('complex', 'maatwerk'))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ['ok', 'ok']
    decisions = list(Decision.objects.filter(signal_id=signal.pk).order_by('pk')[before:])
    assert len(decisions) == 2 and {d.created_by for d in decisions} == {'tl0@haarlem.nl', 'tl1@haarlem.nl'}
    state = SignalLane.objects.get(signal_id=signal.pk)
    assert state.decision == decisions[-1] and state.lane == decisions[-1].lane and state.is_manual
