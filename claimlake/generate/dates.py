"""The fixed calendar of a generated dataset (no wall clock anywhere) and date formatting."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

SERVICE_START = date(2025, 1, 1)
SERVICE_END = date(2026, 6, 30)
FULL_FILE_DATE = date(2024, 12, 16)
# Monthly 834 change files: the first business week of each month after the plan year starts.
CHANGE_MONTHS: tuple[date, ...] = tuple(date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(2, 19))
# 837/835 interchanges carry one fixed creation stamp: the day the dataset was "extracted".
EXTRACT_DATE = date(2026, 12, 1)
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=8192)
def d8(day: date) -> str:
    """CCYYMMDD."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def rd8(first: date, last: date) -> str:
    """CCYYMMDD-CCYYMMDD."""
    return f"{d8(first)}-{d8(last)}"


def yymmdd(day: date) -> str:
    return d8(day)[2:]


def month_end(day: date) -> date:
    nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - ONE_DAY


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def age_on(birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
