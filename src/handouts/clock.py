"""Today's date: HANDOUTS_TODAY=YYYY-MM-DD pins it (tests, reproducible CI), else the system date."""

from __future__ import annotations

import datetime
import os

from handouts.errors import HandoutsError


def today() -> datetime.date:
    pinned = os.environ.get("HANDOUTS_TODAY", "").strip()
    if not pinned:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(pinned)
    except ValueError:
        raise HandoutsError(f"HANDOUTS_TODAY='{pinned}' is not a date; write it as 2026-11-21") from None
