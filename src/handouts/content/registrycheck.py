"""Checks of the shared settings: the clinic's (clinic.yaml) and the point registry's
(points.yaml: codes, aliases, each point's place on its diagram view)."""

from __future__ import annotations

import re
from pathlib import Path

from handouts.content import model
from handouts.content.loadfiles import ContentFiles
from handouts.content.schema import suggest, where
from handouts.errors import Diagnostics, Mark

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def check_clinic(clinic: model.ClinicData | None, root: Path, diags: Diagnostics) -> None:
    """The clinic's settings (clinic.yaml): an email address, a time zone, a visit length."""
    if clinic and not EMAIL.match(clinic.email):
        diags.error(clinic.email.mark, f"'{clinic.email}' is not an email address")
    if clinic and clinic.timezone is not None and not _is_timezone(clinic.timezone):
        diags.error(
            clinic.timezone.mark,
            f"'{clinic.timezone}' is not a time zone",
            "an IANA name such as Asia/Tokyo or Europe/London",
        )
    if clinic and not 5 <= clinic.visit_minutes <= 600:
        diags.error(
            Mark(str(root / "clinic.yaml")),
            f"visit_minutes: {clinic.visit_minutes} is not a visit length",
            "minutes, e.g. 60",
        )


def check_registry(
    files: ContentFiles, registry: model.Registry, views: dict[str, tuple[float, float] | None]
) -> dict[str, str]:
    data = files.raw(files.root / "points.yaml")["points"]
    aliases: dict[str, str] = {}
    for code, entry in registry.points.items():
        mark = data.key_marks[code]
        if code != code.upper():
            files.diags.error(
                mark, f"point code '{code}' must be upper case", f"write {code.upper()}"
            )
        for alias in entry.aliases:
            alias_key = alias.upper()
            if alias_key in registry.points or alias_key in aliases:
                files.diags.error(alias.mark, f"alias '{alias}' is already a code or alias")
            aliases[alias_key] = code
        if entry.view is not None:
            if entry.view not in views:
                files.diags.error(
                    entry.view.mark,
                    f"point {code}: no diagram view '{entry.view}'",
                    suggest(entry.view, views)
                    or f"views are the SVG files in {files.root / 'diagrams'}",
                )
            if entry.x is None or entry.y is None:
                files.diags.error(mark, f"point {code} has a view but no x and y position")
            elif size := views.get(entry.view):
                _check_position(files.diags, code, entry, size)
    return aliases


def _check_position(
    diags: Diagnostics, code: str, entry: model.PointEntry, size: tuple[float, float]
):
    """A point outside its view's drawing would be marked off the body, or off the page."""
    for axis, value, limit in (("x", entry.x, size[0]), ("y", entry.y, size[1])):
        if value is not None and value > limit:
            diags.error(
                where(entry, axis),
                f"point {code}: {axis} {value:g} is outside view '{entry.view}' (0 to {limit:g})",
                "positions are in the view's SVG units (docs/diagrams.md)",
            )


def _is_timezone(name: str) -> bool:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
