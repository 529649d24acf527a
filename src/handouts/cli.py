"""The command line: parse options, call the library, print results. No work happens here."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from handouts import __version__
from handouts.errors import ContentError, HandoutsError


def _version_message() -> str:
    return f"handouts {__version__} from {Path(__file__).parent} (Python {sys.version.split()[0]})"


def _command_line_first(ctx: click.Context, param: click.Parameter, value):
    """click's order wherever the option is given: the command line (before or after the
    subcommand) beats the environment, which beats the default."""
    if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
        outer = ctx.parent
        while outer is not None:
            if outer.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
                return outer.params[param.name]
            outer = outer.parent
    return value


def content_option(func):
    """One definition of --content, accepted before or after the subcommand."""
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(path_type=Path),
        envvar="HANDOUTS_CONTENT",
        show_envvar=True,
        default=Path("content"),
        show_default=True,
        callback=_command_line_first,
        help="Content folder.",
    )(func)


def _content_dir(ctx: click.Context, value: Path) -> Path:
    """The content folder a command was given (the option's callback applied the precedence)."""
    return value


def _load(content_dir: Path):
    from handouts.content.loader import load_library

    library, diagnostics = load_library(content_dir)
    for warning in diagnostics.warnings:
        click.echo(str(warning), err=True)
    return library


# Every option can also come from the environment: HANDOUTS_<COMMAND>_<OPTION> (e.g.
# HANDOUTS_BUILD_JOBS), or the name an option gives itself (HANDOUTS_CONTENT); --help shows it.
@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "HANDOUTS"}
)
@click.version_option(__version__, message=_version_message(), allow_from_autoenv=False)
@content_option
@click.option("--debug", is_flag=True, help="Show Python tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, content_dir: Path, debug: bool) -> None:
    """Make PDF patient handouts and aftercare sheets from the content folder."""
    ctx.ensure_object(dict)
    ctx.obj.update(debug=debug)
    if debug:
        _configure_logging(debug)


def _configure_logging(debug: bool) -> None:
    """Log format and level, set up only where something logs (--debug, email): commands that
    need no reportlab (list, an unchanged build) then do not import logging (~4 ms)."""
    import logging

    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s: %(message)s"
    )


def _pair(ctx: click.Context, param: click.Parameter, value):
    """--pair A:B: two different language codes, for a bilingual edition."""
    if value is None:
        return None
    first, colon, second = value.partition(":")
    if not colon or not first or not second or first == second:
        raise click.BadParameter(f"'{value}' is not two languages A:B, e.g. en:ja", ctx, param)
    if ctx.params.get("edition") != "bilingual":
        raise click.BadParameter("goes with --edition bilingual", ctx, param)
    return first, second


def edition_options(func):
    """The bilingual edition and furigana (build, aftercare, email)."""
    options = [
        click.option(
            "--edition",
            type=click.Choice(["bilingual"]),
            default=None,
            is_eager=True,
            help="bilingual: every section in two languages (the source language "
            "beside the translation, or --pair).",
        ),
        click.option(
            "--pair",
            metavar="A:B",
            callback=_pair,
            help="The two languages of a bilingual edition, e.g. en:ja (A first).",
        ),
        click.option(
            "--furigana",
            is_flag=True,
            help="Readings over kanji (Japanese; an easy-Japanese edition always has them).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Language (repeatable).")
@click.option(
    "--condition", "conditions", multiple=True, metavar="SLUG", help="Condition (repeatable)."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["handout", "aftercare"]),
    help="Document kind (repeatable).",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size (Letter files end in -letter.pdf).",
)
@click.option(
    "--large-print",
    is_flag=True,
    help="Large print: 18 pt body, one column; up to three times the pages.",
)
@edition_options
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: number of CPUs).",
)
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on warnings too (also those repeated for unchanged documents).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder the documents and manifest.json go to.",
)
@content_option
@click.pass_context
def build(
    ctx,
    langs,
    conditions,
    kinds,
    paper,
    large_print,
    edition,
    pair,
    furigana,
    jobs,
    force,
    strict,
    out_dir,
    content_dir,
):
    """Build every condition x language x kind into OUT (only what changed)."""
    import time

    from handouts.startup import importing

    with importing():
        from handouts.deliver.build import Options, build as run_build, catalogue, plan

    started = time.perf_counter()
    if pair and langs:
        raise click.UsageError("--pair chooses the languages: leave out --lang")
    options = Options(paper, large_print, edition, pair, furigana)
    root = _content_dir(ctx, content_dir)
    cat = catalogue(root)  # read once: the progress bar's total and the build
    total = len(plan(cat, langs, conditions, kinds, options))
    with _progress(total) as advance:
        summary = run_build(
            root,
            out_dir,
            langs,
            conditions,
            kinds,
            options,
            workers=jobs,
            force=force,
            progress=advance,
            catalogued=cat,
        )
    for diagnostic in [*summary.warnings, *summary.errors]:
        click.echo(str(diagnostic), err=True)
    for relative, message in summary.failed:
        click.echo(f"failed: {relative}: {message}", err=True)
    click.echo(
        f"built {len(summary.built)}, skipped {len(summary.skipped)} (unchanged), "
        f"failed {len(summary.failed)} in {time.perf_counter() - started:.1f} s -> {out_dir}"
    )
    if strict and summary.warnings:
        click.echo(f"error: {len(summary.warnings)} warning(s) and --strict", err=True)
    if summary.failed or (strict and summary.warnings):
        ctx.exit(1)


@contextlib.contextmanager
def _progress(total: int):
    """click's progress bar on a terminal; nothing in CI, where the summary line says it all."""
    if not sys.stderr.isatty() or total < 2:
        yield lambda job: None
        return
    with click.progressbar(
        length=total,
        label="building",
        file=sys.stderr,
        item_show_func=lambda job: job and f"{job.lang}/{job.slug}-{job.kind}",
    ) as bar:
        yield lambda job: bar.update(1, job)


@cli.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@content_option
@click.pass_context
def check(ctx, strict, content_dir):
    """Validate all content; print every problem as path:line:col."""
    from handouts.startup import importing

    with importing():
        from handouts.content.loader import load
        from handouts.deliver.checks import run_checks

    loaded = load(_content_dir(ctx, content_dir))
    diagnostics = list(loaded.diagnostics)
    if loaded.library is not None:
        found, figures = run_checks(loaded.library)
        diagnostics += found
        for line in figures:
            click.echo(line)
    for diagnostic in diagnostics:
        click.echo(str(diagnostic), err=True)
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        ctx.exit(1)


@cli.command(name="list")
@click.option(
    "--reviews",
    is_flag=True,
    help="Show when each condition was reviewed and when its next review is due "
    "(as of HANDOUTS_TODAY if set).",
)
@content_option
@click.pass_context
def list_command(ctx, reviews, content_dir):
    """Show conditions x languages with each translation's state."""
    from handouts.content.loader import load

    loaded = load(_content_dir(ctx, content_dir))
    for diagnostic in loaded.diagnostics.errors:
        click.echo(str(diagnostic), err=True)
    if loaded.library is None:
        raise ContentError(list(loaded.diagnostics.errors))
    library = loaded.library
    if reviews:
        _list_reviews(library)
        return
    source = library.settings.source_language
    states = {(t.lang, t.piece): t for t in loaded.translations}
    langs = sorted(library.languages)
    width = max(len(s) for s in [*library.conditions, "shared files", "condition"]) + 2
    click.echo("condition".ljust(width) + "".join(lang.ljust(10) for lang in langs))
    for slug in library.conditions:
        row = slug.ljust(width)
        for lang in langs:
            record = states.get((lang, f"conditions/{slug}.yaml"))
            row += ("source" if lang == source else record.state if record else "?").ljust(10)
        click.echo(row)
    for lang in langs:
        shared = [t for t in loaded.translations if t.lang == lang and "/" not in t.piece]
        if shared:
            click.echo(f"{lang} shared files: " + ", ".join(f"{t.piece} {t.state}" for t in shared))
    for record in loaded.translations:  # which keys: e.g. ja sciatica: 1 stale key: title
        if record.stale_keys:
            name = (
                record.piece.removeprefix("conditions/").removesuffix(".yaml")
                if record.piece.startswith("conditions/")
                else record.piece
            )
            count = len(record.stale_keys)
            click.echo(
                f"{record.lang} {name}: {count} stale key{'s' if count > 1 else ''}: "
                + ", ".join(record.stale_keys)
            )


def _list_reviews(library) -> None:
    """One line per condition and language: reviewed on, due on, and whether it is due."""
    from handouts import clock
    from handouts.deliver.checks import review_due

    today = clock.today()
    months = library.settings.review_max_months
    click.echo(f"reviews as of {today.isoformat()} (due {months} months after the last)")
    width = max(len(slug) for slug in library.conditions) + 2
    for slug in library.conditions:
        for lang in sorted(library.languages):
            review = library.languages[lang].conditions[slug].review
            if review is None:
                click.echo(f"{slug.ljust(width)}{lang.ljust(6)}never reviewed: due now")
                continue
            due = review_due(review, months)
            state = "OVERDUE" if today > due else f"due in {(due - today).days} days"
            click.echo(
                f"{slug.ljust(width)}{lang.ljust(6)}reviewed {review.date.isoformat()}, "
                f"due {due.isoformat()}: {state}"
            )


@cli.command(name="mark-translated")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@content_option
@click.pass_context
def mark_translated(ctx, paths, content_dir):
    """Record that translation file(s) now match their source text."""
    from handouts.content.loader import load
    from handouts.content.translation import record_keys

    loaded = load(_content_dir(ctx, content_dir))
    if loaded.diagnostics.errors:
        raise ContentError(loaded.diagnostics.errors)  # hashes of broken files mean nothing
    by_path = {t.path.resolve(): t for t in loaded.translations}
    problems = []
    for path in paths:
        record = by_path.get(path.resolve())
        if record is None:
            problems.append(f"{path} is not a translation file under the content folder")
        elif not record.exists:
            problems.append(f"{path} does not exist yet: translate it first")
        elif record.missing_keys:
            problems.append(f"{path} still lacks {', '.join(record.missing_keys)}")
        else:
            changed = record_keys(path, record.key_hashes)
            click.echo(f"{path}: {'marked up to date' if changed else 'already up to date'}")
    if problems:
        raise HandoutsError("; ".join(problems))


def print_options(func):
    """Paper and large print, with the same meaning as in `build` (build.Options)."""
    options = [
        click.option(
            "--paper",
            type=click.Choice(["a4", "letter"]),
            default="a4",
            show_default=True,
            help="Paper size.",
        ),
        click.option(
            "--large-print",
            is_flag=True,
            help="Large print: 18 pt body, one column; up to three times the pages.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def personal_options(func):
    """The personal fields shared by `aftercare` and `email`."""
    options = [
        click.option("--patient", metavar="NAME", help="Patient name (never stored in out/)."),
        click.option("--date", metavar="YYYY-MM-DD", help="Session date."),
        click.option("--points", metavar="CODE,CODE...", help="Points treated (codes or aliases)."),
        click.option(
            "--next", "next_visit", metavar='"YYYY-MM-DD HH:MM"', help="Next appointment."
        ),
        click.option("--practitioner", metavar="NAME", help="Practitioner's name."),
        click.option("--note", metavar="TEXT", help="A personal note (wraps; must fit the page)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _pdf_file(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    if value.suffix.lower() != ".pdf":
        raise click.BadParameter(f"{value}: the output file must end in .pdf")
    return value


def _email_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """One plain address, stripped (mail.validate_address's rules)."""
    from handouts.deliver import mail

    try:
        return mail.validate_address(value)
    except HandoutsError as exc:
        raise click.BadParameter(exc.format_message()) from None


def _refuse_out_dir(path: Path) -> None:
    """Personal sheets never go to out/, which is shared and published by CI."""
    out = Path("out").resolve()
    if path.resolve() == out or out in path.resolve().parents:
        raise HandoutsError(
            f"{path}: personal sheets are not written to out/ (choose another folder)"
        )


@cli.command()
@click.option("--lang", required=True, metavar="CODE", help="The sheet's language, e.g. ja.")
@click.option("--condition", required=True, metavar="SLUG", help="The condition, e.g. sciatica.")
@personal_options
@print_options
@edition_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_pdf_file,
    help="The PDF file to write.",
)
@content_option
@click.pass_context
def aftercare(
    ctx, lang, condition, paper, large_print, edition, pair, furigana, output, content_dir, **fields
):
    """Write one personal aftercare sheet to FILE.pdf."""
    from handouts.startup import importing

    with importing():
        from handouts.deliver.build import Options
        from handouts.deliver.documents import make
        from handouts.output import write_atomic

    _refuse_out_dir(output)
    library = _load(_content_dir(ctx, content_dir))
    made = make(
        library,
        lang,
        condition,
        "aftercare",
        Options(paper, large_print, edition, pair, furigana),
        fields,
    )
    write_atomic(output, made.data, mode=0o600)
    click.echo(f"wrote {output} ({len(made.data) // 1024} KB)")


@cli.command()
@click.option(
    "--to",
    "to",
    required=True,
    metavar="ADDRESS",
    callback=_email_address,
    help="Patient's email address.",
)
@click.option("--lang", required=True, metavar="CODE", help="The patient's language, e.g. ja.")
@click.option("--condition", required=True, metavar="SLUG", help="The condition, e.g. sciatica.")
@click.option(
    "--kind",
    type=click.Choice(["handout", "aftercare"]),
    default="handout",
    show_default=True,
    help="Which document to attach.",
)
@personal_options
@print_options
@edition_options
@click.option(
    "--eml",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the message to this file instead of sending it.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing.")
@content_option
@click.pass_context
def email(
    ctx,
    to,
    lang,
    condition,
    kind,
    paper,
    large_print,
    edition,
    pair,
    furigana,
    eml,
    dry_run,
    content_dir,
    **fields,
):
    """Email a handout or personal aftercare sheet (SMTP from HANDOUTS_SMTP_*)."""
    from handouts.deliver import mail
    from handouts.deliver.build import Options
    from handouts.deliver.documents import email_message, make

    _configure_logging(ctx.obj["debug"])
    recipient = to
    mail.check_header_value("--patient", fields.get("patient") or "")
    if eml is not None:
        _refuse_out_dir(eml)
    config = None if (eml or dry_run) else mail.SmtpConfig.from_env()
    library = _load(_content_dir(ctx, content_dir))
    made = make(
        library, lang, condition, kind, Options(paper, large_print, edition, pair, furigana), fields
    )
    message, text = email_message(library, lang, condition, kind, recipient, made)
    if dry_run:
        extra = "".join(
            f"\nattachment: {part.get_filename()}" for part in list(message.iter_attachments())[1:]
        )
        click.echo(
            f"to: {recipient}\nsubject: {text.subject}\n"
            f"attachment: {text.attachment_name} ({len(made.data)} bytes){extra}\n"
            "not sent (dry run)"
        )
    elif eml is not None:
        mail.write_eml(message, eml)
        click.echo(f"wrote {eml}")
    else:
        mail.send(message, config)
        click.echo(f"sent to {recipient}")


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; other than loopback needs HANDOUTS_SERVE_TOKEN.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@content_option
@click.pass_context
def serve(ctx, host, port, open_browser, content_dir):
    """Serve the front desk and aftercare page (http://127.0.0.1:8765/)."""
    from handouts.deliver.web.server import serve as run_server

    _configure_logging(ctx.obj["debug"])  # internal errors (never what was typed)
    run_server(
        _content_dir(ctx, content_dir),
        host,
        port,
        open_browser,
        announce=lambda line: click.echo(line, err=": error: " in line),
    )


def _show_envvars(group: click.Group) -> None:
    """--help shows each option's environment variable (auto_envvar_prefix above)."""
    for command in [group, *group.commands.values()]:
        for param in command.params:
            # (not --version; --edition is eager only so that --pair can see it)
            if isinstance(param, click.Option) and (not param.is_eager or param.expose_value):
                param.show_envvar = True


_show_envvars(cli)


def _console_safe() -> None:
    """A console that cannot show a character (Windows' cp1252, PYTHONIOENCODING=ascii) gets
    an escape (\\u5750) instead of a crash: Japanese subjects, names and file names are
    printed."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main() -> None:
    _console_safe()
    try:
        # Without standalone mode click returns ctx.exit() codes instead of exiting.
        code = cli.main(standalone_mode=False, prog_name="handouts")
        sys.exit(code if isinstance(code, int) else 0)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:  # usage errors exit 2, ours exit 1
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # an internal error: say so in one line unless debugging
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True
        )
        sys.exit(1)
