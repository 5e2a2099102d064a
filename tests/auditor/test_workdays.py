"""China working days: 调休 weekends count, statutory holidays do not, unknown years say so."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zwgk.auditor.workdays import add_working_days, is_workday, working_days_between


@pytest.mark.parametrize(
    "start, end, expected",
    [
        # 29 Sep - 6 Oct 2023 are holidays; Sat 7 and Sun 8 Oct are 调休 workdays
        (date(2023, 9, 28), date(2023, 10, 9), 3),
        (date(2023, 9, 28), date(2023, 10, 7), 1),
        (date(2023, 9, 28), date(2023, 10, 6), 0),
        # 春节 2023: 21-27 Jan off, Sat 28 / Sun 29 Jan on
        (date(2023, 1, 20), date(2023, 1, 30), 3),
        (date(2023, 1, 13), date(2023, 2, 15), 20),
        (date(2023, 2, 15), date(2023, 2, 15), 0),
        (date(2023, 2, 15), date(2023, 2, 16), 1),
        (date(2023, 2, 17), date(2023, 2, 20), 1),   # Fri → Mon
        (date(2023, 2, 15), date(2023, 3, 15), 20),
        # 劳动节 2023: 29 Apr - 3 May off, Sun 23 Apr and Sat 6 May on
        (date(2023, 4, 28), date(2023, 5, 4), 1),
        (date(2023, 4, 28), date(2023, 5, 6), 3),
        # across a year boundary (1 Jan 2024 is a holiday)
        (date(2023, 12, 29), date(2024, 1, 2), 1),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_end_before_start_is_negative():
    assert working_days_between(date(2023, 10, 9), date(2023, 9, 28)) == -3


@pytest.mark.parametrize("start, end", [(date(2099, 1, 1), date(2099, 2, 1)),
                                        (date(2023, 12, 1), date(2099, 1, 1)),
                                        (date(1990, 1, 1), date(1990, 1, 10))])
def test_uncovered_year_is_none(start, end):
    assert working_days_between(start, end) is None


def test_is_workday():
    assert is_workday(date(2023, 10, 7)) is True       # 调休 Saturday
    assert is_workday(date(2023, 10, 2)) is False      # 国庆 Monday
    assert is_workday(date(2023, 10, 14)) is False     # ordinary Saturday
    assert is_workday(date(2099, 6, 1)) is None


def test_add_working_days():
    assert add_working_days(date(2023, 9, 28), 3) == date(2023, 10, 9)
    assert add_working_days(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert add_working_days(date(2023, 10, 9), -3) == date(2023, 9, 28)
    assert add_working_days(date(2023, 9, 30), 0) == date(2023, 9, 30)
    assert add_working_days(date(2023, 1, 13), 20) == date(2023, 2, 15)
    assert add_working_days(date(2099, 1, 1), 1) is None


covered = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))


@settings(max_examples=200, deadline=None)
@given(covered, st.integers(min_value=0, max_value=60))
def test_add_then_count_round_trips(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_workday(end)


@settings(max_examples=100, deadline=None)
@given(covered, covered)
def test_antisymmetric_and_bounded(a, b):
    n = working_days_between(a, b)
    assert n == -working_days_between(b, a)
    assert abs(n) <= abs((b - a).days)


@settings(max_examples=50, deadline=None)
@given(covered, covered, covered)
def test_additive(a, b, c):
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)


def test_next_day_after_a_working_day_is_one_only_when_it_works():
    d = date(2023, 9, 28)
    assert working_days_between(d, d + timedelta(days=1)) == 0   # 29 Sep, 中秋


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2002, 6, 1), max_value=date(2028, 6, 30)),
       st.dates(min_value=date(2002, 6, 1), max_value=date(2028, 6, 30)))
def test_counted_from_running_totals_as_the_calendar_counts_day_by_day(a, b):
    """working_days_between counts from each year's running totals; the calendar's own day-by-day
    count (chinese_calendar.get_workdays) gives the same, and None where it has no data."""
    import chinese_calendar

    start, end = min(a, b), max(a, b)
    try:
        expected = len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) if end > start else 0
    except NotImplementedError:
        expected = None
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("start, end, expected", [
    (date(2003, 12, 31), date(2004, 1, 5), 2),    # 2003 has no data, but none of its days counts
    (date(2003, 12, 30), date(2004, 1, 5), None),  # 31 Dec 2003 would count
    (date(2026, 12, 30), date(2026, 12, 31), 1),
    (date(2026, 12, 31), date(2027, 1, 1), None),
])
def test_the_edges_of_the_calendar(start, end, expected):
    assert working_days_between(start, end) == expected
