"""Indexing: the Signalen hooks and the complaints' saves queue Celery tasks (eager in tests) that send
documents in bulk to Elasticsearch, here a fake client at the task boundary; nothing is sent without
ELASTICSEARCH_URL. `manage.py reindex` creates the indices and sends everything in batches."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from signals_haarlem import signalen
from signals_haarlem.complaints import fixtures as complaint_fixtures
from signals_haarlem.complaints import services as complaint_services
from signals_haarlem.search import elastic, tasks
from tests.factories import CategoryFactory, make_signal

pytestmark = pytest.mark.django_db


def _complaint(**overrides):
    complaint_fixtures.load()
    data = {'channel': 'brief', 'form': 'schriftelijk', 'received_on': datetime.date(2025, 3, 3),
            'complainant_name': 'Petra de Vries', 'complainant_email': 'petra@example.com',
            'complainant_address': 'Zijlweg 12', 'complainant_postcode': '2013 DE', 'complainant_city': 'Haarlem',
            'subject': 'Onvriendelijk behandeld aan de balie', 'conduct_description': 'De medewerker was onbeleefd.',
            'conduct_date': datetime.date(2025, 2, 27), **overrides}
    return complaint_services.register_complaint(data)


def test_a_new_signal_and_its_changes_are_indexed_through_the_hooks(es, run_on_commit):
    signal = run_on_commit(make_signal, CategoryFactory(name='Container is vol'), text='Container puilt uit',
                           reporter={'email': 'melder@example.com', 'phone': '0612345678'})
    assert es.indexed('signals')[signal.pk]['state'] == 'm'
    assert es.indexed('signals')[signal.pk]['text'] == ['Container puilt uit']

    run_on_commit(signalen.set_status, signal, 'b', 'Opgepakt')
    assert es.indexed('signals')[signal.pk]['state'] == 'b'
    # every request carried only this signal's document, never contact details
    assert all(op == 'index' and meta['_id'] == signal.pk for call in es.bulk_calls for op, meta, _ in call)
    assert 'melder@example.com' not in str(es.bulk_calls) and '0612345678' not in str(es.bulk_calls)


def test_nothing_is_sent_without_elasticsearch_url(no_es, run_on_commit):
    signal = run_on_commit(make_signal, CategoryFactory())
    run_on_commit(signalen.set_status, signal, 'b', 'Opgepakt')
    run_on_commit(_complaint)
    assert tasks.index_signal(signal.pk) is None
    assert no_es.bulk_calls == [] and no_es.searches == []


def test_a_saved_complaint_is_indexed_after_commit(es, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = _complaint()
    source = es.indexed('complaints')[complaint.pk]
    assert source['reference'] == complaint.reference and source['state'] == 'ontvangen'
    assert 'petra' not in str(source).lower()


def test_a_receiver_that_cannot_queue_logs_and_loses_nothing_else(es, run_on_commit, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError('broker down')
    monkeypatch.setattr(tasks.index_signal, 'delay', broken)
    signal = run_on_commit(make_signal, CategoryFactory())
    assert signal.pk and es.bulk_calls == []
    assert 'Could not queue indexing of signal' in caplog.text
    # the periodic task repairs it
    assert tasks.index_recent() == {'signals': (1, 0), 'complaints': (0, 0)}
    assert signal.pk in es.indexed('signals')


def test_a_signal_that_is_gone_is_deleted_from_the_index(es):
    signal = make_signal(CategoryFactory())
    assert elastic.index_signals([signal.pk, 999999]) == (1, 0)  # the missing one: a delete, 404 is fine
    ops = [(op, meta['_id']) for op, meta, _ in es.bulk_calls[-1]]
    assert ops == [('index', signal.pk), ('delete', 999999)]


def test_indexing_failure_is_retried(es, monkeypatch):
    signal = make_signal(CategoryFactory())
    calls = []

    def failing(ids):
        calls.append(ids)
        raise ConnectionError('elasticsearch down')
    monkeypatch.setattr(elastic, 'index_signals', failing)
    result = tasks.index_signal.apply(args=[signal.pk])
    assert result.failed() and len(calls) == 1 + tasks.index_signal.max_retries


# -- manage.py reindex --------------------------------------------------------------------------------

def test_reindex_creates_the_indices_and_sends_everything_in_batches(es):
    category = CategoryFactory()
    signals = [make_signal(category, text=f'Melding {n}') for n in range(5)]
    complaint = _complaint()
    out, err = io.StringIO(), io.StringIO()

    call_command('reindex', batch_size=2, stdout=out, stderr=err)

    assert [call for call in es.calls if call[0] == 'create'] == [('create', 'haarlem-signals'),
                                                                  ('create', 'haarlem-complaints')]
    assert es.created['haarlem-signals']['settings']['analysis']['analyzer']['haarlem_dutch']['tokenizer'] == 'standard'
    assert [len(call) for call in es.bulk_calls] == [2, 2, 1, 1]  # signals in batches of 2, then the complaint
    assert set(es.indexed('signals')) == {s.pk for s in signals}
    assert set(es.indexed('complaints')) == {complaint.pk}
    assert 'meldingen: 5 geïndexeerd in haarlem-signals' in out.getvalue()
    assert 'klachten: 1 geïndexeerd in haarlem-complaints' in out.getvalue()
    assert '5/5' in err.getvalue()  # the progress bar

    # again: the indices exist (mapping updated, not recreated); --recreate deletes them first
    call_command('reindex', only='signals', stdout=io.StringIO(), stderr=io.StringIO())
    assert ('put_mapping', 'haarlem-signals') in es.calls
    call_command('reindex', only='complaints', recreate=True, no_progress=True, stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert es.calls[-2:] == [('delete', 'haarlem-complaints'), ('create', 'haarlem-complaints')]


def test_reindex_needs_elasticsearch(no_es):
    with pytest.raises(CommandError, match='ELASTICSEARCH_URL'):
        call_command('reindex', stdout=io.StringIO(), stderr=io.StringIO())
    assert no_es.bulk_calls == []
