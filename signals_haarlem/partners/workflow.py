"""Transition tables of the partners app (plain dicts, as upstream Signalen's workflow)."""
from django.core.exceptions import ValidationError

from .models import Forward, Review, ReviewAction

FORWARD_TRANSITIONS = {
    Forward.OPEN: (Forward.ANSWERED, Forward.EXPIRED, Forward.WITHDRAWN),
    Forward.ANSWERED: (),
    Forward.EXPIRED: (),
    Forward.WITHDRAWN: (),
}

REVIEW_TRANSITIONS = {
    Review.PLANNED: (Review.HELD, Review.CANCELLED),
    Review.HELD: (Review.HELD,),  # the record may be completed later (each change is a new event)
    Review.CANCELLED: (Review.PLANNED,),
}

ACTION_TRANSITIONS = {
    ReviewAction.OPEN: (ReviewAction.IN_PROGRESS, ReviewAction.DONE, ReviewAction.CANCELLED),
    ReviewAction.IN_PROGRESS: (ReviewAction.OPEN, ReviewAction.DONE, ReviewAction.CANCELLED),
    ReviewAction.DONE: (ReviewAction.IN_PROGRESS,),  # reopened when it turns out not to be done
    ReviewAction.CANCELLED: (ReviewAction.OPEN,),
}

_LABELS = {**dict(Forward.STATUS_CHOICES), **dict(ReviewAction.STATUS_CHOICES), **dict(Review.STATUS_CHOICES)}


def _check(table, from_state, to_state, field='status'):
    if to_state not in table.get(from_state, ()):
        raise ValidationError({field: [f'Van "{_LABELS.get(from_state, from_state)}" naar '
                                       f'"{_LABELS.get(to_state, to_state)}" is niet mogelijk.']})


def check_forward(from_state, to_state):
    _check(FORWARD_TRANSITIONS, from_state, to_state)


def check_review(from_state, to_state):
    _check(REVIEW_TRANSITIONS, from_state, to_state)


def check_action(from_state, to_state):
    _check(ACTION_TRANSITIONS, from_state, to_state)
