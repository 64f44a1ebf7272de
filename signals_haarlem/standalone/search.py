"""Search over signals: one small interface, `search_signals(queryset, q)`.

Callers only ever pass a queryset (already limited to what the user may see) and get a queryset
back. The implementation is Haarlem's search package (`signals_haarlem.search.services`): the
database search by default ("SIG-12" or "12" finds that signal when it is in `queryset`; otherwise
every word of `q` must occur in the text, the address or the category name, case-insensitive), and
Elasticsearch when ELASTICSEARCH_URL is set (its ids intersected with `queryset`, best match first;
the database answers if Elasticsearch fails).
"""
from signals_haarlem.search.services import search_signals  # noqa: F401
