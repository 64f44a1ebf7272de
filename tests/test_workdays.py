"""Tests for the working-day calendar (signals_haarlem.workdays) and the ClosureDay model."""
from datetime import date, datetime, timedelta, timezone

import pytest
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from signals_haarlem import workdays
from signals_haarlem.workdays import TIME_ZONE, WorkCalendar, public_holidays

CAL = WorkCalendar()


# --- an independent, simple reference: walk day by day --------------------------------------

def reference_holidays(year):
    """Public holidays of the Algemene termijnenwet, written out (valid from 2014, King's Day)."""
    e = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return {
        date(year, 1, 1), e - timedelta(days=2), e + timedelta(days=1), kings_day, date(year, 5, 5),
        e + timedelta(days=39), e + timedelta(days=50), date(year, 12, 25), date(year, 12, 26),
    }


def reference_is_workday(d, closures=frozenset()):
    return d.weekday() < 5 and d not in reference_holidays(d.year) and d not in closures


def walk_add_workdays(start, n, closures=frozenset()):
    d = start
    if n == 0:
        while not reference_is_workday(d, closures):
            d += timedelta(days=1)
        return d
    while n:
        d += timedelta(days=1)
        if reference_is_workday(d, closures):
            n -= 1
    return d


def walk_workdays_between(start, end, closures=frozenset()):
    if end < start:
        return -walk_workdays_between(end, start, closures)
    return sum(reference_is_workday(start + timedelta(days=i), closures)
               for i in range(1, (end - start).days + 1))


@pytest.fixture
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


# --- public holidays ------------------------------------------------------------------------

@pytest.mark.parametrize('year', range(2014, 2041))
def test_public_holidays_on_weekdays_match_the_termijnenwet(year):
    ours = {d for d in public_holidays(year) if d.weekday() < 5}
    expected = {d for d in reference_holidays(year) if d.weekday() < 5}
    assert ours == expected


@pytest.mark.parametrize('day', [
    date(2025, 1, 1),    # New Year
    date(2025, 4, 18),   # Good Friday
    date(2025, 4, 21),   # Easter Monday
    date(2026, 4, 27),   # King's Day (Monday)
    date(2025, 5, 5),    # Liberation Day (lustrum year: 80 years)
    date(2026, 5, 5),    # Liberation Day, not a lustrum year (the package's default omits it)
    date(2027, 5, 5),    # idem, a Wednesday
    date(2026, 5, 14),   # Ascension Day
    date(2025, 6, 9),    # Whit Monday
    date(2026, 5, 25),   # Whit Monday
    date(2026, 12, 25),  # Christmas Day (Friday)
    date(2025, 12, 26),  # Boxing Day (Friday)
])
def test_public_holidays_are_not_workdays(day):
    assert day.weekday() < 5
    assert not CAL.is_workday(day)


def test_kings_day_moves_to_saturday_when_27_april_is_a_sunday():
    holidays_2025 = public_holidays(2025)
    assert date(2025, 4, 26) in holidays_2025
    assert date(2025, 4, 27) not in holidays_2025


def test_easter_and_whit_sunday_are_included():
    assert {date(2026, 4, 5), date(2026, 5, 24)} <= public_holidays(2026)


def test_ordinary_days():
    assert CAL.is_workday(date(2026, 5, 15))  # Friday after Ascension
    assert CAL.is_workday(date(2025, 4, 17))  # Thursday before Good Friday
    assert not CAL.is_workday(date(2026, 3, 7))  # Saturday
    assert not CAL.is_workday(date(2026, 3, 8))  # Sunday


def test_holidays_are_cached_per_year():
    assert public_holidays(2026) is public_holidays(2026)


# --- working-day arithmetic -----------------------------------------------------------------

def test_one_workday_after_christmas_eve_2026_is_monday_28():
    assert date(2026, 12, 24).weekday() == 3  # a Thursday
    assert CAL.add_workdays(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert CAL.deadline(datetime(2026, 12, 24, 16, 0, tzinfo=TIME_ZONE), 1) == \
        datetime(2026, 12, 29, 0, 0, tzinfo=TIME_ZONE)


def test_easter_weekend():
    # Thursday before Easter 2026: Good Friday and Easter Monday are skipped.
    assert CAL.add_workdays(date(2026, 4, 2), 1) == date(2026, 4, 7)
    # Started on Good Friday itself.
    assert CAL.add_workdays(date(2026, 4, 3), 0) == date(2026, 4, 7)
    assert CAL.add_workdays(date(2026, 4, 3), 1) == date(2026, 4, 7)
    assert CAL.add_workdays(date(2026, 4, 3), 2) == date(2026, 4, 8)
    assert CAL.workdays_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    # Summer time by then: the deadline is midnight CEST.
    assert CAL.deadline(datetime(2026, 4, 2, 14, 0, tzinfo=TIME_ZONE), 1) == \
        datetime(2026, 4, 8, 0, 0, tzinfo=TIME_ZONE)
    assert CAL.deadline(datetime(2026, 4, 2, 14, 0, tzinfo=TIME_ZONE), 1).utcoffset() == timedelta(hours=2)


def test_add_workdays_zero_moves_forward_only_when_needed():
    assert CAL.add_workdays(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert CAL.add_workdays(date(2026, 3, 7), 0) == date(2026, 3, 9)
    assert CAL.next_workday(date(2026, 3, 7)) == date(2026, 3, 9)
    assert CAL.next_workday(date(2026, 3, 4)) == date(2026, 3, 4)


def test_workdays_between_is_negative_backwards():
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 9)) == 5
    assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 2)) == -5
    assert CAL.workdays_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_negative_terms_are_refused():
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.deadline(datetime(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        CAL.add_weeks_term(date(2026, 3, 2), -1)


def test_deadline_is_midnight_after_the_last_day():
    # Monday 2 March 2026 + 5 working days = Monday 9 March; the term ends at 10 March 00:00.
    assert CAL.deadline(datetime(2026, 3, 2, 10, 0, tzinfo=TIME_ZONE), 5) == \
        datetime(2026, 3, 10, 0, 0, tzinfo=TIME_ZONE)


def test_datetimes_are_taken_in_amsterdam_time():
    # 23:30 UTC on 23 December is 00:30 on 24 December in Amsterdam.
    utc = datetime(2026, 12, 23, 23, 30, tzinfo=timezone.utc)
    assert CAL.add_workdays(utc, 1) == date(2026, 12, 28)
    assert CAL.add_workdays(datetime(2026, 12, 23, 23, 30), 1) == date(2026, 12, 24)  # naive = local
    assert not CAL.is_workday(datetime(2026, 12, 24, 23, 30, tzinfo=timezone.utc))  # 25 Dec local


def test_calendar_day_term_ending_on_a_weekend_moves_to_monday():
    # Monday 2 March 2026 + 5 days = Saturday 7 March -> Monday 9 March.
    assert CAL.deadline(datetime(2026, 3, 2, 9, 0), 5, calendar_days=True) == \
        datetime(2026, 3, 10, 0, 0, tzinfo=TIME_ZONE)


def test_calendar_day_term_holds_two_workdays():
    # Algemene termijnenwet art. 2: 3 days from Thursday 24 December 2026 would end on Monday
    # 28 December (art. 1) with only one working day in it, so it runs to Tuesday 29 December.
    assert CAL.deadline(datetime(2026, 12, 24, 9, 0, tzinfo=TIME_ZONE), 3, calendar_days=True) == \
        datetime(2026, 12, 30, 0, 0, tzinfo=TIME_ZONE)


def test_six_weeks_ending_on_a_holiday_moves_to_the_next_workday():
    assert CAL.add_weeks_term(date(2026, 11, 13), 6) == date(2026, 12, 28)  # Christmas -> Monday
    assert CAL.add_weeks_term(date(2026, 4, 2), 6) == date(2026, 5, 15)  # Ascension -> Friday
    assert CAL.add_weeks_term(date(2026, 3, 3), 6) == date(2026, 4, 14)  # an ordinary Tuesday
    assert CAL.deadline(datetime(2026, 11, 13, 11, 0), 42, calendar_days=True) == \
        datetime(2026, 12, 29, 0, 0, tzinfo=TIME_ZONE)


def test_closures_given_to_the_calendar():
    cal = WorkCalendar([date(2026, 3, 4)])
    assert not cal.is_workday(date(2026, 3, 4))
    assert cal.add_workdays(date(2026, 3, 3), 1) == date(2026, 3, 5)
    assert cal.workdays_between(date(2026, 3, 2), date(2026, 3, 9)) == 4


# --- the shared calendar and ClosureDay -----------------------------------------------------

def test_shared_calendar_without_database_has_no_closures(fresh_cache):
    calendar = workdays.get_calendar()
    assert calendar.closures == frozenset()
    assert workdays.add_workdays(date(2026, 12, 24), 1) == date(2026, 12, 28)


@pytest.mark.django_db
def test_closure_day_is_respected_and_removing_it_restores(fresh_cache):
    from signals_haarlem.core.models import ClosureDay

    day = date(2026, 3, 4)  # a Wednesday
    assert workdays.is_workday(day)
    closure = ClosureDay.objects.create(date=day, reason='Personeelsdag')
    assert not workdays.is_workday(day)
    assert workdays.add_workdays(date(2026, 3, 3), 1) == date(2026, 3, 5)
    assert workdays.workdays_between(date(2026, 3, 2), date(2026, 3, 9)) == 4
    assert workdays.deadline(datetime(2026, 3, 3, 12, 0), 1) == datetime(2026, 3, 6, tzinfo=TIME_ZONE)

    closure.delete()
    assert workdays.is_workday(day)
    assert workdays.add_workdays(date(2026, 3, 3), 1) == day


@pytest.mark.django_db
def test_shared_calendar_is_loaded_once(fresh_cache, django_assert_num_queries):
    from signals_haarlem.core.models import ClosureDay

    ClosureDay.objects.create(date=date(2026, 3, 4), reason='Personeelsdag')
    workdays.get_calendar()
    with django_assert_num_queries(0):
        assert not workdays.is_workday(date(2026, 3, 4))
        workdays.add_workdays(date(2026, 3, 2), 10)
        workdays.workdays_between(date(2026, 3, 2), date(2026, 6, 1))
        workdays.deadline(datetime(2026, 3, 2, 12, 0), 5)


def test_closure_day_admin_and_labels():
    from django.contrib import admin

    from signals_haarlem.core.models import ClosureDay

    assert ClosureDay._meta.verbose_name == 'Sluitingsdag'
    assert admin.site._registry[ClosureDay].list_display == ('date', 'reason')


# --- properties against the day-by-day walk -------------------------------------------------

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
CLOSURES = st.frozensets(DATES, max_size=15)
TERMS = st.integers(min_value=0, max_value=300)
DATETIMES = st.builds(
    lambda d, seconds, tz: datetime.combine(d, datetime.min.time()).replace(tzinfo=tz)
    + timedelta(seconds=seconds),
    DATES, st.integers(min_value=0, max_value=86399), st.sampled_from([None, TIME_ZONE, timezone.utc]),
)
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(start=DATES, n=TERMS, closures=CLOSURES)
def test_add_workdays_matches_walk(start, n, closures):
    assert WorkCalendar(closures).add_workdays(start, n) == walk_add_workdays(start, n, closures)


@PROPERTY
@given(start=DATES, end=DATES, closures=CLOSURES)
def test_workdays_between_matches_walk(start, end, closures):
    assert WorkCalendar(closures).workdays_between(start, end) == walk_workdays_between(start, end, closures)


@PROPERTY
@given(day=DATES, closures=CLOSURES)
def test_is_workday_matches_reference(day, closures):
    assert WorkCalendar(closures).is_workday(day) == reference_is_workday(day, closures)


@PROPERTY
@given(start=DATES, end=DATES, closures=CLOSURES)
def test_add_workdays_inverts_workdays_between(start, end, closures):
    cal = WorkCalendar(closures)
    n = cal.workdays_between(start, end)
    if end <= start:
        assert n <= 0
        return
    reached = cal.add_workdays(start, n)
    if n > 0:
        # The last working day on or before `end`.
        assert start < reached <= end
        assert cal.is_workday(reached)
        assert cal.workdays_between(reached, end) == 0
    if cal.is_workday(end):
        assert reached == end
    assert cal.add_workdays(start, n + 1) > end


@PROPERTY
@given(start=DATETIMES, n=TERMS, calendar_days=st.booleans(), closures=CLOSURES)
def test_deadline_properties(start, n, calendar_days, closures):
    cal = WorkCalendar(closures)
    end = cal.deadline(start, n, calendar_days=calendar_days)
    aware_start = start if start.tzinfo else start.replace(tzinfo=TIME_ZONE)
    assert end > aware_start
    assert end.tzinfo is TIME_ZONE and end.hour == end.minute == end.second == end.microsecond == 0
    last_day = end.date() - timedelta(days=1)
    start_date = aware_start.astimezone(TIME_ZONE).date()
    assert cal.is_workday(last_day)
    if calendar_days:
        assert last_day >= start_date + timedelta(days=n)
        if n >= 3:
            assert cal.workdays_between(start_date, last_day) >= 2
    elif n == 0:
        assert last_day == cal.next_workday(start_date)
    else:
        assert cal.workdays_between(start_date, last_day) == n


@PROPERTY
@given(start=DATES, weeks=st.integers(min_value=0, max_value=26), closures=CLOSURES)
def test_weeks_term_is_first_workday_from_the_plain_end(start, weeks, closures):
    cal = WorkCalendar(closures)
    last = cal.add_weeks_term(start, weeks)
    plain = start + timedelta(weeks=weeks)
    assert cal.is_workday(last)
    if weeks:
        # Terms of weeks always hold two working days unless closures block them, so art. 1 decides.
        expected = walk_add_workdays(plain, 0, closures)
        if walk_workdays_between(start, expected, closures) >= 2:
            assert last == expected
    assert cal.deadline(start, 7 * weeks, calendar_days=True).date() == last + timedelta(days=1)
