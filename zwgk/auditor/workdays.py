"""China working days (工作日): statutory holidays off, adjusted weekend workdays (调休) on.

Timeliness rules count 工作日 — 条例 Art.26 (20 working days), 解读 within 3 working days — so
a plain weekday count is wrong around 春节 and 国庆. The data comes from `chinese_calendar`,
which only knows the years the State Council has announced; for any other year these
functions return None and the checks say `needs_review` instead of guessing.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

_DAY = timedelta(days=1)


def is_workday(day: date) -> bool | None:
    """True on a China working day, False on a holiday or weekend, None for an unknown year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def working_days_between(start: date, end: date) -> int | None:
    """Working days after `start` up to and including `end`.

    Same day → 0; the next working day → 1. A 解读 published on 2023-10-09 for a policy of
    2023-09-28 is 3 (29 Sep–6 Oct are holidays, Sat 7 and Sun 8 Oct are 调休 workdays).
    When `end` is before `start` the count is negative (working days after `end` up to and
    including `start`, with a minus sign). None when a year in between has no calendar data.
    """
    if end == start:
        return 0
    if end < start:
        n = working_days_between(end, start)
        return None if n is None else -n
    # counted from each year's running totals (a document written years before it was published
    # spans a thousand days; an audit counts hundreds of thousands of such spans)
    last = _year(end.year)
    if last is None:
        return None
    if start.year == end.year:
        first = last
    elif start.month == 12 and start.day == 31:
        first = (0,)  # nothing of its year is counted: its year need not be known
        start = date(start.year, 1, 1)
    else:
        first = _year(start.year)
    if first is None:
        return None
    if start.year == end.year:
        return last[_nth(end)] - first[_nth(start)]
    between = 0
    for y in range(start.year + 1, end.year):
        year = _year(y)
        if year is None:
            return None
        between += year[-1]
    return first[-1] - first[_nth(start)] + between + last[_nth(end)]


def _nth(day: date) -> int:
    return day.timetuple().tm_yday - 1


@lru_cache(maxsize=None)
def _year(y: int) -> tuple[int, ...] | None:
    """Working days of year `y` from 1 January up to and including each of its days; None when
    the calendar has no data for it."""
    out, n, day = [], 0, date(y, 1, 1)
    while day.year == y:
        ok = is_workday(day)
        if ok is None:
            return None
        n += ok
        out.append(n)
        day += _DAY
    return tuple(out)


def add_working_days(start: date, n: int) -> date | None:
    """The date `n` working days after `start` (before it when n < 0); `start` itself for 0.

    None when the walk reaches a year without calendar data.
    """
    step = _DAY if n >= 0 else -_DAY
    left = abs(n)
    day = start
    while left:
        day += step
        ok = is_workday(day)
        if ok is None:
            return None
        if ok:
            left -= 1
    return day
