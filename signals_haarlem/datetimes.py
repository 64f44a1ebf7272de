"""Dates and times that users type, kept within what the database and time-zone arithmetic can hold.

Python's datetime reaches from year 1 to 9999, but converting 0001-01-01 in Europe/Amsterdam to UTC
falls before year 1 (an OverflowError, a 500 where the user deserves a 400). Real dates in this domain
lie well inside 1900..2199; outside that a field gets a plain Dutch error.
"""
from datetime import datetime, timezone as dt_timezone

from django.utils import timezone
from rest_framework import serializers

EARLIEST = datetime(1900, 1, 1, tzinfo=dt_timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=dt_timezone.utc)
OUT_OF_RANGE = 'Geef een datum tussen 1900 en 2199.'


def in_range(value):
    """Whether a datetime (naive: in the current time zone) lies within 1900..2199."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return EARLIEST <= value < LATEST
    except (OverflowError, ValueError):
        return False


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, with a 400 instead of a 500 for datetimes outside 1900..2199."""

    def to_internal_value(self, value):
        try:
            result = super().to_internal_value(value)
        except OverflowError:
            raise serializers.ValidationError(OUT_OF_RANGE) from None
        if not in_range(result):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return result
