"""The beat schedule: every app's periodic tasks are merged (none lost to a name clash), each names a
registered Celery task with a real schedule, the Celery app of the deployment (config.celery, inside
upstream Signalen upstream's own signals.celery) hands them to beat next to upstream's own entries, and
django-celery-beat's DatabaseScheduler stores them. (tests/platform/test_celery_redis.py runs the real
beat process once more.)"""
import importlib
import sys
import types

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings

from signals_haarlem import signalen
from signals_haarlem.beat import collect

pytestmark = pytest.mark.django_db

#: The periodic tasks the apps must keep: a failing receiver is repaired, terms are watched, data expires.
REQUIRED = {
    'haarlem-triage-reconcile': 'signals_haarlem.triage.tasks.reconcile',
    'haarlem-triage-check-deadlines': 'signals_haarlem.triage.tasks.check_deadlines',
    'complaints-warn-deadlines': 'signals_haarlem.complaints.tasks.warn_deadlines',
    'complaints-remove-expired-contact-details': 'signals_haarlem.complaints.tasks.remove_expired_contact_details',
    'core-anonymise-reporters': 'signals_haarlem.core.tasks.anonymise_reporters',
    'search-index-recent': 'signals_haarlem.search.tasks.index_recent',
    'partners-expire-forward-links': 'signals_haarlem.partners.tasks.expire_forwards',
}


@pytest.fixture
def app():
    """The Celery app that runs beat in this deployment."""
    module = importlib.import_module('signals.celery' if signalen.UPSTREAM else 'config.celery')
    module.app.finalize()
    return module.app


def _per_app():
    result = {}
    for label in settings.HAARLEM_APPS:
        try:
            module = importlib.import_module(f'{label}.schedule')
        except ModuleNotFoundError:
            continue
        result[label] = module.BEAT_SCHEDULE
    return result


def test_collect_merges_every_apps_schedule_without_losing_one():
    merged = collect(settings.HAARLEM_APPS)
    per_app = _per_app()
    assert sum(len(entries) for entries in per_app.values()) == len(merged)  # no two apps use one name
    for entries in per_app.values():
        for name, entry in entries.items():
            assert merged[name] == entry
    assert {name: merged[name]['task'] for name in REQUIRED} == REQUIRED


def test_a_name_used_by_two_apps_is_refused(monkeypatch):
    twin = types.ModuleType('tests.twin.schedule')
    twin.BEAT_SCHEDULE = {'core-anonymise-reporters': {'task': 'x', 'schedule': crontab()}}
    monkeypatch.setitem(sys.modules, 'tests.twin.schedule', twin)
    with pytest.raises(ValueError, match='core-anonymise-reporters'):
        collect(['signals_haarlem.core', 'tests.twin'])


def test_every_scheduled_task_is_a_registered_celery_task_with_a_schedule(app):
    app.loader.import_default_modules()
    registered = set(app.tasks.keys())
    for name, entry in collect(settings.HAARLEM_APPS).items():
        assert entry['task'] in registered, f'{name}: {entry["task"]} is not a registered task'
        assert isinstance(entry['schedule'], (crontab, schedule)), name
        module, _, function = entry['task'].rpartition('.')
        assert callable(getattr(importlib.import_module(module), function))


def test_the_celery_app_hands_the_merged_schedule_to_beat(app):
    assert set(collect(settings.HAARLEM_APPS)) <= set(app.conf.beat_schedule)


def test_database_scheduler_stores_the_schedule(app, monkeypatch):
    from django_celery_beat import schedulers
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler
    # The scheduler closes stale connections before it syncs; on PostgreSQL that would close the test's
    # own transaction under it.
    monkeypatch.setattr(schedulers, 'close_old_connections', lambda: None)
    scheduler = DatabaseScheduler(app=app)
    stored = dict(PeriodicTask.objects.values_list('name', 'task'))
    assert {name: entry['task'] for name, entry in collect(settings.HAARLEM_APPS).items()}.items() <= stored.items()
    retention = PeriodicTask.objects.get(name='core-anonymise-reporters')
    assert (retention.crontab.hour, retention.crontab.minute) == ('3', '0') and retention.enabled
    scheduler.sync()
