"""Search over signals: one small interface, `search_signals(queryset, q)`.

This is the database backend (the embedded default): "SIG-12" or "12" finds that signal when it is
in `queryset`; otherwise every word of `q` must occur in the text, the address or the category name
(case-insensitive).
A later Elasticsearch backend goes behind the same function; callers only ever pass a queryset
(already limited to what the user may see) and get a queryset back.
"""
import re

from django.db.models import Q

_ID = re.compile(r'^(?:sig-?)?(\d{1,18})$', re.IGNORECASE)
MAX_TERMS = 8


def search_signals(queryset, q):
    """`queryset` narrowed to the signals matching the search text `q` (empty `q`: nothing)."""
    q = (q or '').strip()
    if not q:
        return queryset.none()
    match = _ID.match(q)
    if match and int(match.group(1)) < 2 ** 62:
        by_id = queryset.filter(pk=int(match.group(1)))
        if by_id.exists():
            return by_id
    words = Q()
    for term in q.split()[:MAX_TERMS]:
        words &= (Q(text__icontains=term) | Q(location__address_text__icontains=term)
                  | Q(category_assignment__category__name__icontains=term)
                  | Q(category_assignment__category__parent__name__icontains=term))
    return queryset.filter(words)
