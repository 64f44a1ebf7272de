"""The one search interface. Elasticsearch when ELASTICSEARCH_URL is set, else (or when Elasticsearch
fails) the database.

    search_signals(queryset, q)   the signals of `queryset` (already limited to what the user may see)
                                  matching `q`, best match first; Signalen's /private/search uses it
    search_complaints(user, q)    the complaints `user` may see matching `q` (none without a complaint role)
    search_for_user(user, q)      both, for the werkplek search box

"SIG-12" or "12" finds that signal, "KL-2025-0001" that complaint. Otherwise every word of `q` must
occur: in a signal's text, address or category name; in a complaint's reference, subject or contents.
"""
import logging
import re

from django.apps import apps
from django.db.models import Case, IntegerField, Q, Value, When

from signals_haarlem import signalen

from . import elastic

logger = logging.getLogger(__name__)

_SIGNAL_ID = re.compile(r'^(?:sig-?)?(\d{1,18})$', re.IGNORECASE)
MAX_TERMS = elastic.MAX_WORDS


def in_order(queryset, ids):
    """`queryset` limited to `ids`, in the order of `ids`."""
    if not ids:
        return queryset.none()
    order = Case(*[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(order)


def _elastic(what, q, search):
    """Ids from Elasticsearch, or None when it is not configured or fails (then the database answers)."""
    if not elastic.enabled():
        return None
    try:
        return elastic.ids(search())
    except Exception:
        logger.exception('Elasticsearch %s search for %r failed; the database search answers instead', what, q)
        return None


# -- signals ----------------------------------------------------------------------------------------

def search_signals(queryset, q):
    """`queryset` narrowed to the signals matching `q` (empty `q`: nothing), best match first with
    Elasticsearch (the database search keeps the queryset's order)."""
    q = (q or '').strip()
    if not q:
        return queryset.none()
    match = _SIGNAL_ID.match(q)
    if match and int(match.group(1)) < 2 ** 62:
        by_id = queryset.filter(pk=int(match.group(1)))
        if by_id.exists():
            return by_id
    found = _elastic('signal', q, lambda: elastic.signal_search(q))
    if found is not None:
        return in_order(queryset, found)
    return database_signals(queryset, q)


def database_signals(queryset, q):
    words = Q()
    for term in q.split()[:MAX_TERMS]:
        words &= (Q(text__icontains=term) | Q(location__address_text__icontains=term)
                  | Q(category_assignment__category__name__icontains=term)
                  | Q(category_assignment__category__parent__name__icontains=term))
    if not queryset.query.order_by:  # newest first, as Signalen's list (whatever the model's default)
        queryset = queryset.order_by('-created_at', '-pk')
    return queryset.filter(words)


# -- complaints -------------------------------------------------------------------------------------

def may_search_complaints(user):
    if not apps.is_installed('signals_haarlem.complaints'):
        return False
    from signals_haarlem.complaints import services
    return services.is_coordinator(user) or services.is_handler(user)


def search_complaints(user, q):
    """The complaints `user` may see (a coordinator all, a handler their own, others none) matching `q`."""
    if not may_search_complaints(user):
        return []
    from signals_haarlem.complaints import services
    queryset = services.visible_complaints(user).select_related('department_concerned', 'handler')
    q = (q or '').strip()
    if not q:
        return queryset.none()
    by_reference = queryset.filter(reference__iexact=q)
    if by_reference.exists():
        return by_reference
    found = _elastic('complaint', q, lambda: elastic.complaint_search(q, user))
    if found is not None:
        return in_order(queryset, found)
    words = Q()
    for term in q.split()[:MAX_TERMS]:
        words &= Q(reference__icontains=term) | Q(subject__icontains=term) | Q(conduct_description__icontains=term)
    return queryset.filter(words).order_by('-received_on', '-pk')


# -- the werkplek search box --------------------------------------------------------------------------

def search_for_user(user, q, limit=25):
    """{'signals': [...], 'signal_count': n, 'complaints': [...] or None (no complaint role),
    'complaint_count': n} for the werkplek search box; at most `limit` of each."""
    signals = search_signals(signalen.visible_signals(user), q)
    result = {'signal_count': signals.count()}
    ids = list(signals.values_list('pk', flat=True)[:limit])
    rows = signalen.with_current_records().in_bulk(ids)
    result['signals'] = [rows[pk] for pk in ids if pk in rows]
    if may_search_complaints(user):
        complaints = search_complaints(user, q)
        result['complaint_count'] = complaints.count()
        result['complaints'] = list(complaints[:limit])
    else:
        result['complaint_count'], result['complaints'] = 0, None
    return result
