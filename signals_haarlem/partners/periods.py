"""Reporting periods: quarters (figures) and review periods by cadence (3, 6 or 12 months).

Periods are calendar-aligned: quarters start on 1 January, April, July and October; half years on
1 January and July. A period is written as `2025-K1` (quarter), `2025-H2` (half year) or `2025`
(year); `2025-Q1` is accepted for a quarter too.
"""
import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER = 3
HALF_YEAR = 6
YEAR = 12
CADENCES = (QUARTER, HALF_YEAR, YEAR)

_CODE = re.compile(r'^\s*(\d{4})(?:-([KQH])([1-4]))?\s*$', re.IGNORECASE)


class PeriodError(ValueError):
    """A period that does not exist or is not in the expected form."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    months: int

    @property
    def end(self):
        """The last day of the period (inclusive)."""
        return _add_months(self.start, self.months) - timedelta(days=1)

    @property
    def end_exclusive(self):
        return _add_months(self.start, self.months)

    @property
    def code(self):
        index = (self.start.month - 1) // self.months + 1
        if self.months == QUARTER:
            return f'{self.start.year}-K{index}'
        if self.months == HALF_YEAR:
            return f'{self.start.year}-H{index}'
        return str(self.start.year)

    @property
    def label(self):
        index = (self.start.month - 1) // self.months + 1
        if self.months == QUARTER:
            return f'{index}e kwartaal {self.start.year}'
        if self.months == HALF_YEAR:
            return f'{index}e halfjaar {self.start.year}'
        return f'jaar {self.start.year}'

    def previous(self):
        return Period(_add_months(self.start, -self.months), self.months)

    def next(self):
        return Period(self.end_exclusive, self.months)

    def quarters(self):
        """The quarters that make up this period."""
        return [Period(_add_months(self.start, i * QUARTER), QUARTER) for i in range(self.months // QUARTER)]

    def contains(self, day):
        return self.start <= day <= self.end

    def __str__(self):
        return self.code


def _add_months(day, months):
    total = day.year * 12 + (day.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def period_of(day, months=QUARTER):
    """The period of `months` months that holds `day`."""
    if months not in CADENCES:
        raise PeriodError(f'Onbekende periodelengte: {months} maanden.')
    first_month = ((day.month - 1) // months) * months + 1
    return Period(date(day.year, first_month, 1), months)


def parse(code, months=None):
    """The Period a code names. With `months`, the code must be a period of that length."""
    match = _CODE.match(str(code or ''))
    if not match:
        raise PeriodError(f'"{code}" is geen geldige periode; schrijf bijvoorbeeld 2025-K1.')
    year, kind, index = int(match.group(1)), (match.group(2) or '').upper(), match.group(3)
    if not 2000 <= year <= 2100:
        raise PeriodError(f'"{code}": jaar buiten bereik.')
    if kind in ('K', 'Q'):
        period = Period(date(year, (int(index) - 1) * 3 + 1, 1), QUARTER)
    elif kind == 'H':
        if int(index) > 2:
            raise PeriodError(f'"{code}": een jaar heeft twee halfjaren (H1, H2).')
        period = Period(date(year, (int(index) - 1) * 6 + 1, 1), HALF_YEAR)
    else:
        period = Period(date(year, 1, 1), YEAR)
    if months is not None and period.months != months:
        raise PeriodError(f'"{code}" is geen {"kwartaal" if months == QUARTER else f"periode van {months} maanden"}.')
    return period
