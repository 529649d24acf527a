"""What time it is, as the tool sees it: today's date (pinnable with HANDOUTS_TODAY=YYYY-MM-DD,
for tests and reproducible CI runs) and the date recorded in PDFs (SOURCE_DATE_EPOCH).

Everything that reads the date calls `today()`; a malformed setting is one clear error.
"""

from __future__ import annotations

import datetime
import os
import re

from handouts.errors import HandoutsError

TODAY = "HANDOUTS_TODAY"
EPOCH = "SOURCE_DATE_EPOCH"
LATEST_EPOCH = 253402300799  # 9999-12-31 23:59:59 UTC: PDF dates have four-digit years


class SettingError(HandoutsError):
    """A malformed environment setting: a usage error (exit 2), like a bad option value."""

    exit_code = 2


def today() -> datetime.date:
    """HANDOUTS_TODAY if set (YYYY-MM-DD), else the system's date."""
    pinned = os.environ.get(TODAY, "").strip()
    if not pinned:
        return datetime.date.today()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", pinned):
            raise ValueError
        return datetime.date.fromisoformat(pinned)
    except ValueError:
        raise SettingError(
            f"{TODAY}={pinned!r} is not a date: write it as YYYY-MM-DD, "
            "e.g. 2026-11-21, or unset it to use the system's date"
        ) from None


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (whole seconds since 1970-01-01 UTC) if set, else None.

    The renderer (reportlab) reads the variable itself and would fail on every document with
    an internal error; a build checks it once first (reproducible-builds.org: a malformed
    value must stop the build)."""
    value = os.environ.get(EPOCH, "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > LATEST_EPOCH:
        raise SettingError(
            f"{EPOCH}={value[:40]!r} is not a time: it must be whole seconds "
            "since 1970-01-01 UTC, e.g. $(git log -1 --format=%ct), "
            "or unset"
        )
    return int(value)
