"""When a program's content counts as stale: plain rules, no Django."""

from __future__ import annotations

import datetime as dt

STALE_AFTER_DAYS = 180


def stale_cutoff(today: dt.date) -> dt.date:
    """Programs last reviewed before this date are stale."""
    return today - dt.timedelta(days=STALE_AFTER_DAYS)


def is_stale(last_reviewed_on: dt.date, *, today: dt.date) -> bool:
    return last_reviewed_on < stale_cutoff(today)
