"""A fake Elasticsearch client at the task boundary: put into elasticsearch-dsl's connection registry
under the search app's alias, it records what the code sends (bulk lines, searches, index calls) and
answers searches with the ids a test scripts."""
import json

import pytest
from elasticsearch_dsl import connections

from signals_haarlem.search import elastic


class FakeIndices:
    def __init__(self, es):
        self.es = es

    def exists(self, index, **kwargs):
        return index in self.es.created

    def create(self, index, body=None, **kwargs):
        self.es.calls.append(('create', index))
        self.es.created[index] = body if body is not None else kwargs  # elasticsearch 7.15+: named parts
        return {'acknowledged': True}

    def delete(self, index, **kwargs):
        self.es.calls.append(('delete', index))
        self.es.created.pop(index, None)
        return {'acknowledged': True}

    def put_mapping(self, index, body=None, **kwargs):
        self.es.calls.append(('put_mapping', index))
        return {'acknowledged': True}


class FakeElasticsearch:
    def __init__(self):
        self.created = {}
        self.calls = []
        self.bulk_calls = []  # one list of (action, source) per bulk request
        self.documents = {}  # (index, id) -> source
        self.searches = []  # (index, body)
        self.answer = []  # ids the next searches return
        self.fail_search = False
        self.indices = FakeIndices(self)
        from types import SimpleNamespace

        from elasticsearch.serializer import JSONSerializer
        self.transport = SimpleNamespace(serializer=JSONSerializer())  # what the bulk helpers serialise with

    def bulk(self, body, **kwargs):
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        requests, items, i = [], [], 0
        while i < len(lines):
            (op, meta), = lines[i].items()
            i += 1
            source = None
            if op in ('index', 'create', 'update'):
                source, i = lines[i], i + 1
            requests.append((op, meta, source))
            key = (meta['_index'], str(meta['_id']))
            status = 200
            if op == 'delete':
                status = 200 if self.documents.pop(key, None) is not None else 404
            else:
                self.documents[key] = source
            items.append({op: {'_index': meta['_index'], '_id': str(meta['_id']), 'status': status}})
        self.bulk_calls.append(requests)
        return {'took': 1, 'errors': any(item[next(iter(item))]['status'] >= 300 for item in items), 'items': items}

    def search(self, index=None, body=None, **kwargs):
        if body is None:  # elasticsearch 7.15+: elasticsearch-dsl sends the body's parts as named parameters
            body = {('from' if key == 'from_' else key): value for key, value in kwargs.items()}
        self.searches.append((index, body))
        if self.fail_search:
            from elasticsearch.exceptions import ConnectionError
            raise ConnectionError('N/A', 'connection refused', None)
        hits = [{'_index': index[0] if isinstance(index, list) else index, '_type': '_doc', '_id': str(pk),
                 '_score': float(len(self.answer) - n)} for n, pk in enumerate(self.answer)]
        return {'took': 1, 'timed_out': False, 'hits': {'total': {'value': len(hits), 'relation': 'eq'},
                                                         'max_score': 1.0, 'hits': hits}}

    def indexed(self, index_kind):
        """{id: source} of the documents indexed in the signals or complaints index."""
        return {int(pk): source for (index, pk), source in self.documents.items() if index.endswith(index_kind)}


@pytest.fixture
def es(settings):
    """Elasticsearch configured (ELASTICSEARCH_URL) and answered by a fake client."""
    settings.ELASTICSEARCH_URL = 'http://elasticsearch.invalid:9200'
    fake = FakeElasticsearch()
    connections.add_connection(elastic.ALIAS, fake)
    yield fake
    connections.remove_connection(elastic.ALIAS)


@pytest.fixture
def no_es(settings):
    """No ELASTICSEARCH_URL, but a fake client in the registry to prove it is never called."""
    settings.ELASTICSEARCH_URL = ''
    fake = FakeElasticsearch()
    connections.add_connection(elastic.ALIAS, fake)
    yield fake
    connections.remove_connection(elastic.ALIAS)
