from django.apps import AppConfig


class StandaloneConfig(AppConfig):
    """The Signalen-compatible core. Its label is `signals`, as upstream's, so that foreign keys to
    'signals.Signal' and the table names are the same in both ways of running."""
    name = 'signals_haarlem.standalone'
    label = 'signals'
    verbose_name = 'Signalen'
    default_auto_field = 'django.db.models.BigAutoField'

    def ready(self):
        from django.db.backends.signals import connection_created

        import config.celery  # noqa: F401  (makes the project's Celery app the current one)

        from . import receivers  # noqa: F401
        connection_created.connect(_sqlite_pragmas, dispatch_uid='signals_sqlite_pragmas')


def _sqlite_pragmas(sender, connection, **kwargs):
    if connection.vendor == 'sqlite':
        with connection.cursor() as cursor:
            cursor.execute('PRAGMA journal_mode=WAL;')
            cursor.execute('PRAGMA synchronous=NORMAL;')
            # Keep the query planner's statistics current (without them SQLite may sort every
            # visible signal for a department's list instead of walking the index).
            cursor.execute('PRAGMA optimize=0x10002;')
