from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search (Elasticsearch when configured). Label `haarlem_search`: upstream Signalen has a `search` app."""
    name = 'signals_haarlem.search'
    label = 'haarlem_search'
    verbose_name = 'Zoeken'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from . import receivers
        receivers.connect()
