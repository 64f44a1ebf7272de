"""Working-day calendar for terms and service norms.

A working day is Monday to Friday, except Dutch public holidays as the Algemene termijnenwet
(art. 3) counts them and closure days (``signals_haarlem.core.models.ClosureDay``). The public
holidays are New Year, Good Friday, Easter Monday, King's Day, 5 May (every year), Ascension Day,
Whit Monday, Christmas Day and Boxing Day (plus Easter and Whit Sunday, which are Sundays anyway).

Dates are local to Europe/Amsterdam: aware datetimes are converted to it before their date is
taken, naive datetimes are taken to be local already.

Deadline convention: a term ends at the *start of the day after its last day*, 00:00 local time
(an exclusive end). Something is late when ``now >= deadline``; the last day on which it is still
on time is ``(deadline - timedelta(days=1)).date()``.

This module imports Django only inside ``get_calendar()``, so the calendar itself works without
Django being set up.
"""
from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_right
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

__all__ = [
    'TIME_ZONE', 'WorkCalendar', 'public_holidays', 'get_calendar', 'clear_cache',
    'is_workday', 'next_workday', 'add_workdays', 'workdays_between', 'deadline', 'add_weeks_term',
]

logger = logging.getLogger(__name__)

TIME_ZONE = ZoneInfo('Europe/Amsterdam')

# How long get_calendar() trusts its cached closure days. Saving or deleting a ClosureDay clears
# the cache in the process that did it; other processes (workers) pick the change up after this.
CACHE_SECONDS = 300.0

_ONE_DAY = timedelta(days=1)


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=None)
def public_holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays of ``year`` that the Algemene termijnenwet counts."""
    import holidays

    # The package's public NL holidays hold Good Friday only in recent versions and 5 May only in
    # lustrum years (every year only with the 'optional' category); the termijnenwet counts both
    # every year, so they are added here whatever the package version does.
    days = set(holidays.country_holidays('NL', years=year))
    days.add(_easter(year) - timedelta(days=2))  # Good Friday
    days.add(date(year, 5, 5))  # Liberation Day
    return frozenset(days)


def _to_date(value: date | datetime) -> date:
    """The local (Europe/Amsterdam) date of a date or datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(TIME_ZONE)
        return value.date()
    return value


def _weekdays_upto(ordinal: int) -> int:
    """Number of Mondays to Fridays among the ordinals 1..ordinal (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _add_weekdays(ordinal: int, k: int) -> int:
    """The ordinal of the k-th (k > 0) Monday-to-Friday day after ``ordinal``."""
    weekday = (ordinal - 1) % 7
    if weekday > 4:  # a weekend day counts as the Friday before it
        ordinal -= weekday - 4
        weekday = 4
    weeks, rest = divmod(k, 5)
    days = 7 * weeks + rest
    if weekday + rest > 4:
        days += 2
    return ordinal + days


def _end_of(day: date) -> datetime:
    """The moment a term whose last day is ``day`` ends: 00:00 local on the next day."""
    return datetime.combine(day + _ONE_DAY, dtime(0), tzinfo=TIME_ZONE)


class WorkCalendar:
    """Monday to Friday minus Dutch public holidays and the given closure days."""

    def __init__(self, closures: Iterable[date] = ()):
        self.closures = frozenset(_to_date(d) for d in closures)
        # year -> (set of blocked weekday ordinals, the same sorted); filled lazily.
        self._blocked: dict[int, tuple[frozenset[int], tuple[int, ...]]] = {}

    def __repr__(self):
        return f'<WorkCalendar closures={len(self.closures)}>'

    def _year(self, year: int) -> tuple[frozenset[int], tuple[int, ...]]:
        try:
            return self._blocked[year]
        except KeyError:
            days = public_holidays(year) | {d for d in self.closures if d.year == year}
            ordinals = {d.toordinal() for d in days if d.weekday() < 5}
            entry = self._blocked[year] = (frozenset(ordinals), tuple(sorted(ordinals)))
            return entry

    def _blocked_count(self, a: int, b: int) -> int:
        """Number of non-working weekdays with ordinal in (a, b], for a < b."""
        count = 0
        for year in range(date.fromordinal(a + 1).year, date.fromordinal(b).year + 1):
            ordinals = self._year(year)[1]
            count += bisect_right(ordinals, b) - bisect_right(ordinals, a)
        return count

    def is_workday(self, d: date | datetime) -> bool:
        """Whether the (local) date of ``d`` is a working day."""
        d = _to_date(d)
        return d.weekday() < 5 and d.toordinal() not in self._year(d.year)[0]

    def next_workday(self, d: date | datetime) -> date:
        """The date of ``d`` if it is a working day, else the first working day after it."""
        d = _to_date(d)
        return d if self.is_workday(d) else self.add_workdays(d, 1)

    def add_workdays(self, start: date | datetime, n: int) -> date:
        """The n-th working day after the date of ``start`` (n == 0: ``next_workday(start)``)."""
        if n < 0:
            raise ValueError(f'n must be >= 0, got {n}')
        if n == 0:
            return self.next_workday(start)
        ordinal = _to_date(start).toordinal()
        remaining = n
        while remaining:
            # Jump `remaining` weekdays ahead, then make up for the blocked days jumped over.
            target = _add_weekdays(ordinal, remaining)
            remaining = self._blocked_count(ordinal, target)
            ordinal = target
        return date.fromordinal(ordinal)

    def workdays_between(self, start: date | datetime, end: date | datetime) -> int:
        """Number of working days d with start < d <= end (dates); negative if end < start."""
        a, b = _to_date(start).toordinal(), _to_date(end).toordinal()
        if a == b:
            return 0
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        return sign * (_weekdays_upto(b) - _weekdays_upto(a) - self._blocked_count(a, b))

    def _calendar_term_last_day(self, start: date, n_days: int) -> date:
        """Last day of a term of n calendar days from ``start``, per the Algemene termijnenwet."""
        last = self.next_workday(start + timedelta(days=n_days))  # art. 1
        # Art. 2: a term of at least three days holds at least two working days.
        if n_days >= 3 and self.workdays_between(start, last) < 2:
            last = self.add_workdays(start, 2)
        return last

    def deadline(self, start: date | datetime, n_days: int, calendar_days: bool = False) -> datetime:
        """The moment (aware, Europe/Amsterdam) a term of ``n_days`` started at ``start`` ends.

        Working days: the term's last day is ``add_workdays(start, n_days)``. Calendar days: it is
        the start date plus ``n_days``, moved to the next working day per the Algemene termijnenwet.
        The term ends at 00:00 local on the day after its last day (see the module docstring).
        """
        if n_days < 0:
            raise ValueError(f'n_days must be >= 0, got {n_days}')
        d = _to_date(start)
        last = self._calendar_term_last_day(d, n_days) if calendar_days else self.add_workdays(d, n_days)
        return _end_of(last)

    def add_weeks_term(self, start: date | datetime, weeks: int) -> date:
        """Last day of a term of ``weeks`` weeks from ``start`` (Awb), moved per the termijnenwet.

        The matching moment is ``deadline(start, 7 * weeks, calendar_days=True)``.
        """
        if weeks < 0:
            raise ValueError(f'weeks must be >= 0, got {weeks}')
        return self._calendar_term_last_day(_to_date(start), 7 * weeks)


# --- the shared calendar, with the closure days from the database -----------------------------

_lock = threading.Lock()
_calendar: WorkCalendar | None = None
_loaded_at = 0.0
_generation = 0


def _load_closures() -> list[date]:
    try:
        from django.db import router, transaction

        from signals_haarlem.core.models import ClosureDay

        # A savepoint keeps a failing query (e.g. a missing table) from breaking an outer
        # transaction on PostgreSQL.
        with transaction.atomic(using=router.db_for_read(ClosureDay)):
            return list(ClosureDay.objects.values_list('date', flat=True))
    except Exception as exc:  # settings, app or table not available
        logger.debug('Closure days not available, using none: %r', exc)
        return []


def get_calendar() -> WorkCalendar:
    """The shared calendar, with the closure days from the database (cached)."""
    global _calendar, _loaded_at
    calendar = _calendar
    if calendar is not None and time.monotonic() - _loaded_at < CACHE_SECONDS:
        return calendar
    generation = _generation
    calendar = WorkCalendar(_load_closures())
    with _lock:
        if generation == _generation:  # not cleared while loading
            _calendar, _loaded_at = calendar, time.monotonic()
    return calendar


def clear_cache() -> None:
    """Forget the shared calendar; the next ``get_calendar()`` reloads the closure days."""
    global _calendar, _generation
    with _lock:
        _calendar = None
        _generation += 1


def is_workday(d: date | datetime) -> bool:
    """``get_calendar().is_workday(d)``."""
    return get_calendar().is_workday(d)


def next_workday(d: date | datetime) -> date:
    """``get_calendar().next_workday(d)``."""
    return get_calendar().next_workday(d)


def add_workdays(start: date | datetime, n: int) -> date:
    """``get_calendar().add_workdays(start, n)``."""
    return get_calendar().add_workdays(start, n)


def workdays_between(start: date | datetime, end: date | datetime) -> int:
    """``get_calendar().workdays_between(start, end)``."""
    return get_calendar().workdays_between(start, end)


def deadline(start: date | datetime, n_days: int, calendar_days: bool = False) -> datetime:
    """``get_calendar().deadline(start, n_days, calendar_days)``."""
    return get_calendar().deadline(start, n_days, calendar_days)


def add_weeks_term(start: date | datetime, weeks: int) -> date:
    """``get_calendar().add_weeks_term(start, weeks)``."""
    return get_calendar().add_weeks_term(start, weeks)
