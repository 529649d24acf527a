"""Today's date, pinnable for tests and reproducible runs (HANDOUTS_TODAY=YYYY-MM-DD)."""

from __future__ import annotations

import datetime
import os


def today() -> datetime.date:
    pinned = os.environ.get("HANDOUTS_TODAY", "").strip()
    if pinned:
        try:
            return datetime.date.fromisoformat(pinned)
        except ValueError:
            from handouts.errors import HandoutsError

            raise HandoutsError(f"HANDOUTS_TODAY={pinned!r} is not a date "
                                "(write it as YYYY-MM-DD)") from None
    return datetime.date.today()
