"""The periodic tasks of the partners app, for Celery beat (merged by signals_haarlem/beat.py into the
settings' CELERY_BEAT_SCHEDULE, so no Django import here)."""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    'partners-expire-forward-links': {'task': 'signals_haarlem.partners.tasks.expire_forwards',
                                      'schedule': crontab(minute=5)},
    'partners-remind-open-forwards': {'task': 'signals_haarlem.partners.tasks.remind_open_forwards',
                                      'schedule': crontab(hour=8, minute=15, day_of_week='1-5')},
    'partners-plan-reviews': {'task': 'signals_haarlem.partners.tasks.plan_reviews',
                              'schedule': crontab(hour=6, minute=30)},
    'partners-remind-account-holders': {'task': 'signals_haarlem.partners.tasks.remind_account_holders',
                                        'schedule': crontab(hour=7, minute=45, day_of_week='1-5')},
    'partners-chase-late-actions': {'task': 'signals_haarlem.partners.tasks.chase_late_actions',
                                    'schedule': crontab(hour=8, minute=0, day_of_week='1-5')},
    'partners-request-figures': {'task': 'signals_haarlem.partners.tasks.request_figures',
                                 'schedule': crontab(hour=7, minute=0, day_of_week='1-5')},
    'partners-chase-missing-figures': {'task': 'signals_haarlem.partners.tasks.chase_missing_figures',
                                       'schedule': crontab(hour=7, minute=30, day_of_week='1-5')},
}
