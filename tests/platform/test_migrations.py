"""Every model change has its migration: a model changed without one would fail on a municipality's
database at the next deploy, not here. (Inside upstream only the Haarlem apps are ours to check:
upstream 2.50.12 has model changes of its own without a migration.)"""
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from signals_haarlem import signalen


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    labels = [config.label for config in apps.get_app_configs() if config.name in settings.HAARLEM_APPS]
    if not signalen.UPSTREAM:
        labels.append('signals')  # the standalone core
    call_command('makemigrations', *labels, '--check', '--dry-run', verbosity=0)  # exits non-zero if one is missing
