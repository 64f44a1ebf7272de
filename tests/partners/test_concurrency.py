"""Two submissions of one partner link at the same moment (real PostgreSQL): exactly one answer wins,
the other is refused, and nothing of the loser stays."""
import threading

import pytest
from django.db import connections

from signals_haarlem.partners import links, services
from signals_haarlem.partners.models import Forward, ForwardAnswer, ForwardEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures('postgresql_only')]


def test_one_link_two_answers_one_wins(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen', send=False)
    token = links.forward_token(forward)
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def worker(i):
        try:
            barrier.wait()
            services.answer_forward(Forward.objects.get(pk=forward.pk), f'Antwoord {i}', token=token)
            outcomes[i] = 'ok'
        except links.LinkRefused as exc:
            outcomes[i] = exc.status
        except Exception as exc:  # the signal's own row lock may refuse the loser too
            outcomes[i] = type(exc).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)).count('ok') == 1, outcomes
    assert ForwardAnswer.objects.count() == 1
    assert ForwardEvent.objects.filter(kind='answered').count() == 1
    forward.refresh_from_db()
    assert forward.status == 'answered' and forward.answer.text in ('Antwoord 0', 'Antwoord 1')
