"""The beat schedule and its tasks (eager in tests)."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from signals_haarlem.partners import schedule as partner_schedule
from signals_haarlem.partners import services, tasks
from signals_haarlem.partners.models import Forward

pytestmark = pytest.mark.django_db


def test_beat_schedule_collected_and_tasks_exist():
    schedule = settings.CELERY_BEAT_SCHEDULE  # what beat gets
    ours = {name: entry for name, entry in schedule.items() if name.startswith('partners-')}
    assert set(ours) == set(partner_schedule.BEAT_SCHEDULE)
    for entry in ours.values():
        module, _, name = entry['task'].rpartition('.')
        assert module == 'signals_haarlem.partners.tasks' and callable(getattr(tasks, name))


def test_expire_task_marks_expired_links(partner, signal):
    forward = services.forward_signal(signal, partner, 'Legen', send=False)
    Forward.objects.filter(pk=forward.pk).update(link_expires_at=timezone.now() - timedelta(minutes=1))
    assert tasks.expire_forwards.delay().get() == 1
    forward.refresh_from_db()
    assert forward.status == 'expired'


def test_periodic_tasks_run(partner):
    assert tasks.plan_reviews.delay().get() == 2
    assert tasks.request_figures.delay().get() == 1
    for task in (tasks.remind_open_forwards, tasks.remind_account_holders, tasks.chase_late_actions,
                 tasks.chase_missing_figures):
        assert task.delay().get() == 0
