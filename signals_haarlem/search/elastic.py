"""Elasticsearch: the connection, the queries and indexing. Used only when ELASTICSEARCH_URL is set.

The connection is registered in elasticsearch-dsl's registry under the alias `haarlem` (made from
ELASTICSEARCH_URL on first use; tests put a fake client there). Queries return ids, best match first;
the caller (services.py) intersects them with what the user may see and keeps this order.
"""
import logging

from django.apps import apps
from django.conf import settings
from elasticsearch.helpers import bulk
from elasticsearch_dsl import Q, connections

from signals_haarlem import signalen

from .documents import ComplaintDocument, SignalDocument

logger = logging.getLogger(__name__)

ALIAS = 'haarlem'
MAX_WORDS = 8
SIGNAL_FIELDS = ('id_display^5', 'text', 'category^2', 'address_text^2')
COMPLAINT_FIELDS = ('reference^5', 'summary^2', 'text')
#: Filters signal_search() understands: {name: document field}.
SIGNAL_FILTERS = {'state': 'state', 'lane': 'lane', 'type': 'type', 'area': 'area', 'category_id': 'category_id'}


def enabled():
    return bool(getattr(settings, 'ELASTICSEARCH_URL', ''))


def max_results():
    """How many ids a query returns at most (then intersected with what the user may see)."""
    return int(getattr(settings, 'ELASTICSEARCH_MAX_RESULTS', 1000))


def client():
    """The Elasticsearch client (registered on first use)."""
    try:
        return connections.get_connection(ALIAS)
    except KeyError:
        return connections.create_connection(alias=ALIAS, hosts=[settings.ELASTICSEARCH_URL],
                                             timeout=getattr(settings, 'ELASTICSEARCH_TIMEOUT', 5))


# -- queries ----------------------------------------------------------------------------------------

def words_query(q, fields):
    """Every word must match one of the fields (as the database search); stop words never block."""
    words = (q or '').split()[:MAX_WORDS]
    return Q('bool', must=[Q('multi_match', query=word, fields=list(fields), zero_terms_query='all')
                           for word in words])


def signal_search(q, filters=None, limit=None):
    """The search for signals matching `q`; `filters`: {'state'|'lane'|'type'|'area'|'category_id': [values]}."""
    s = SignalDocument.search(using=ALIAS).query(words_query(q, SIGNAL_FIELDS))
    for name, values in (filters or {}).items():
        if name not in SIGNAL_FILTERS:
            raise ValueError(f'Unknown signal search filter {name!r}')
        if values:
            s = s.filter('terms', **{SIGNAL_FILTERS[name]: list(values)})
    return s.sort('_score', {'created_at': {'order': 'desc'}}).source(False).extra(size=limit or max_results())


def complaint_search(q, user, limit=None):
    """The search for complaints matching `q` that `user` may see, or None if they may see none:
    a complaint coordinator searches all complaints, a handler only those assigned to them."""
    from signals_haarlem.complaints import services
    s = ComplaintDocument.search(using=ALIAS).query(words_query(q, COMPLAINT_FIELDS))
    if services.is_coordinator(user):
        pass
    elif services.is_handler(user):
        s = s.filter('term', handler_id=user.pk)
    else:
        return None
    return s.sort('_score', {'received_on': {'order': 'desc'}}).source(False).extra(size=limit or max_results())


def ids(search):
    return [int(hit.meta.id) for hit in search.execute()]


# -- indexing ---------------------------------------------------------------------------------------

def _triage(signal_id):
    """(lane code, [area code]) of the signal's current triage decision, if the triage app knows it."""
    if not apps.is_installed('signals_haarlem.triage'):
        return None, ()
    from signals_haarlem.triage import services as triage
    state = triage.current_state(signal_id)
    if state is None:
        return None, ()
    return state.lane.code, ([state.area.code] if state.area_id else [])


def signal_actions(signal_ids):
    """Bulk actions that bring these signals' documents up to date (deleting those that are gone)."""
    found = set()
    for signal in signalen.with_current_records().filter(pk__in=list(signal_ids)).order_by('pk'):
        found.add(signal.pk)
        lane, areas = _triage(signal.pk)
        yield SignalDocument.from_signal(signal, lane=lane, areas=areas).to_dict(include_meta=True)
    for pk in sorted(set(signal_ids) - found):
        yield {'_op_type': 'delete', '_index': SignalDocument._index._name, '_id': pk}


def complaint_actions(complaint_ids):
    from signals_haarlem.complaints.models import Complaint
    found = set()
    for complaint in Complaint.objects.filter(pk__in=list(complaint_ids)).select_related('department_concerned'):
        found.add(complaint.pk)
        yield ComplaintDocument.from_complaint(complaint).to_dict(include_meta=True)
    for pk in sorted(set(complaint_ids) - found):
        yield {'_op_type': 'delete', '_index': ComplaintDocument._index._name, '_id': pk}


def send(actions, chunk_size=500):
    """Send bulk actions. Returns (done, failed); deleting a document that is not there is no failure."""
    done, errors = bulk(client(), actions, chunk_size=chunk_size, raise_on_error=False, stats_only=False)
    failed = [error for error in errors if (error.get('delete') or {}).get('status') != 404]
    for error in failed[:10]:
        logger.error('Elasticsearch refused a document: %r', error)
    return done, len(failed)


def index_signals(signal_ids):
    return send(signal_actions(signal_ids))


def index_complaints(complaint_ids):
    return send(complaint_actions(complaint_ids))


def ensure_index(document, recreate=False):
    """Create the document's index (with its analyzers and mapping) if it is missing; with `recreate`,
    delete it first. An existing index gets new fields added to its mapping."""
    index = document._index.clone(using=ALIAS)
    if recreate:
        index.delete(ignore=404)
    if not index.exists():
        index.create()
    else:
        client().indices.put_mapping(index=index._name, body=document._doc_type.mapping.to_dict())
