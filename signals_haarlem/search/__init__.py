"""Search over signals and complaints: the database by default, Elasticsearch when ELASTICSEARCH_URL is set.

One interface (`services.py`): `search_signals(queryset, q)` for Signalen's `/private/search` and
the werkplek, `search_complaints(user, q)` and `search_for_user(user, q)` for the werkplek search box.
Elasticsearch (elasticsearch-dsl 7) lives in `documents.py` (what is indexed) and `elastic.py` (the
connection, the queries and indexing); Celery tasks keep the index current from the Signalen hooks
and the complaints' post_save, and `manage.py reindex` rebuilds it.
"""
