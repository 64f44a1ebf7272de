"""The cache table of the database cache (CACHES in config/settings/standalone.py: the public create
throttle's counts, shared by every worker process), so that `migrate` is all a new database needs.
Nothing to do when the cache is Redis; running it again changes nothing."""
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command('createcachetable', database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [('signals', '0007_reporter_verification')]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
