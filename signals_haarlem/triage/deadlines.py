"""The deadlines that follow from a lane's service formula, on the working-day calendar.

All deadlines are exclusive ends (see signals_haarlem.workdays): a term of n working days started on
a date ends at 00:00 after the n-th working day after that date. The response and plan terms run
from the decision's clock start (the report, or the moment the signal entered a new lane); the
resolution term runs from the report, as the resident counts.
"""
from dataclasses import dataclass
from datetime import datetime, time

from signals_haarlem import workdays

from .models import Lane


@dataclass(frozen=True)
class Deadlines:
    response_due: datetime | None
    plan_due: datetime | None
    resolution_due: datetime | None


def compute(lane, reported_at, clock_start, slo=None, calendar=None):
    """Deadlines for a signal reported at `reported_at` in `lane`; `slo` = (n_days, calendar_days) of the
    category's service-level objective, or None."""
    cal = calendar or workdays.get_calendar()

    def term(start, days, calendar_days):
        return cal.deadline(start, days, calendar_days) if days is not None else None

    response_due = term(clock_start, lane.response_days, lane.calendar_days)
    plan_due = term(clock_start, lane.plan_days, lane.calendar_days)
    lane_resolution = term(reported_at, lane.resolution_days, lane.calendar_days)
    category_resolution = term(reported_at, slo[0], slo[1]) if slo else None
    basis = lane.resolution_basis
    if basis == Lane.BASIS_CATEGORY:
        resolution_due = category_resolution or lane_resolution
    elif basis == Lane.BASIS_LONGEST:
        candidates = [d for d in (category_resolution, lane_resolution) if d is not None]
        resolution_due = max(candidates) if candidates else None
    else:  # lane norm; or agreed with the reporter, until then the lane norm
        resolution_due = lane_resolution
    return Deadlines(response_due, plan_due, resolution_due)


def end_of_day(day):
    """The exclusive end of a date (00:00 local on the next day), as the deadlines are stored."""
    from datetime import timedelta
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=workdays.TIME_ZONE)


def last_day(deadline):
    """The last day on which something with this deadline is on time."""
    from datetime import timedelta
    return (deadline.astimezone(workdays.TIME_ZONE) - timedelta(days=1)).date() if deadline else None


def working_days_late(deadline, now):
    """How many working days after its last day `now` is (0 if on time or on the last day)."""
    if deadline is None or now < deadline:
        return 0
    return max(workdays.workdays_between(last_day(deadline), now), 0)
