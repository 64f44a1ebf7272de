"""The Celery app. Eager (in-process) by default; workers and beat when CELERY_BROKER_URL is set."""
import os

from celery import Celery

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.standalone')

app = Celery('signals_haarlem')
app.config_from_object('django.conf:settings', namespace='CELERY')
app.autodiscover_tasks()
# The beat schedule comes from the settings (CELERY_BEAT_SCHEDULE, see signals_haarlem/beat.py).
