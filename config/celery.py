"""The Celery app. Eager (in-process) by default; workers and beat when CELERY_BROKER_URL is set."""
import os

from celery import Celery

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.standalone')

app = Celery('signals_haarlem')
app.config_from_object('django.conf:settings', namespace='CELERY')
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    from signals_haarlem.beat import collect
    sender.conf.beat_schedule = {**collect(), **(sender.conf.beat_schedule or {})}
