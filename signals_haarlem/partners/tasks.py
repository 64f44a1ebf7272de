"""Periodic and background work of the partners app (Celery)."""
import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def expire_forwards():
    from . import services
    return services.expire_forwards()


@shared_task
def remind_open_forwards():
    from . import services
    return services.remind_open_forwards()


@shared_task
def plan_reviews():
    from . import reviews
    return len(reviews.plan_reviews())


@shared_task
def remind_account_holders():
    from . import reviews
    return len(reviews.remind_account_holders())


@shared_task
def chase_late_actions():
    from . import reviews
    return len(reviews.chase_late_actions())


@shared_task
def request_figures():
    from . import figures
    return len(figures.request_figures())


@shared_task
def chase_missing_figures():
    from . import figures
    return len(figures.chase_missing_figures())


@shared_task
def forward_from_backoffice(signal_id, status_id):
    """A `forward to external` set in the Signalen backoffice becomes a partner forward."""
    from . import services
    forward = services.forward_from_status(signal_id, status_id)
    return forward.pk if forward else None


@shared_task
def withdraw_for_closed_signal(signal_id):
    from . import services
    services.withdraw_for_closed_signal(signal_id)
