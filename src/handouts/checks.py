"""Content checks beyond the schema (placeholder until issue 5's checks land)."""

from __future__ import annotations

from handouts.errors import Diagnostic
from handouts.model import Library


def run_checks(library: Library) -> tuple[list[Diagnostic], list[str]]:
    return [], []
