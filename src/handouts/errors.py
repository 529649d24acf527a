"""User-facing problems: one diagnostic type, one exception type."""

from __future__ import annotations

import os

import click

from handouts.records import Record, record


@record(frozen=True, eq=False, repr=False)
class Mark(Record):
    """A place in a content file (1-based line and column)."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.column}"


@record(frozen=True, eq=False, repr=False)
class Diagnostic(Record):
    """One problem found in content, printed as `path:line:col: severity: message`."""

    mark: Mark | None
    message: str
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.mark}: " if self.mark else ""
        text = f"{where}{self.severity}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def display_path(path: str) -> str:
    """Show paths relative to the working directory when they are below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class HandoutsError(click.ClickException):
    """A problem the user can fix; the CLI prints it and exits 1, no traceback."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class ContentError(HandoutsError):
    """Content failed validation; carries every diagnostic found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.is_error]
        super().__init__(f"{len(errors)} content error(s)")

    def show(self, file=None) -> None:
        for diagnostic in self.diagnostics:
            click.echo(str(diagnostic), err=True, file=file)
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class Diagnostics(list):
    """Collects diagnostics while loading; raise_if_errors() stops once at the end."""

    def error(self, mark: Mark | None, message: str, hint: str | None = None) -> None:
        self.append(Diagnostic(mark, message, hint, "error"))

    def warning(self, mark: Mark | None, message: str, hint: str | None = None) -> None:
        self.append(Diagnostic(mark, message, hint, "warning"))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self if not d.is_error]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(list(self))
