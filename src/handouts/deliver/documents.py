"""One document in memory and the email that carries it.

What `handouts aftercare`, `handouts email` and the served page share: they only gather input
and show results; every rule (which documents exist, what personal input is valid, page
budgets, what the email says and attaches) is applied here, the same way for all of them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from handouts.compose.composer import EmailText, Personal, email_text, safe_filename
from handouts.content.model import Library
from handouts.deliver.build import Job, Options, plan, render_one
from handouts.errors import HandoutsError
from handouts.records import Record, record

if TYPE_CHECKING:  # the email package costs a cold aftercare sheet ~5 ms; only mail needs it
    from email.message import EmailMessage


@record(frozen=True, eq=False, repr=False)
class Made(Record):
    """A rendered document; `personal` is what the practitioner's input became."""

    data: bytes
    pages: int
    personal: Personal | None


def make(
    library: Library,
    lang: str,
    slug: str,
    kind: str,
    options: Options = Options(),
    fields: dict | None = None,
) -> Made:
    """Render one document in memory; `fields` are the personal options as typed (strings).

    Unknown languages or conditions, bad personal input and a sheet over its page budget are
    HandoutsErrors with a message for the user.
    """
    from handouts.compose.personal import personal_details

    job = edition_job(library, lang, slug, kind, options)  # unknown names: a clear error
    # A handout prints no personal fields, but they are checked all the same (and the
    # patient's name greets them in an email); only a printed sheet needs every character in
    # a font.
    personal = (
        personal_details(library, lang, printed=kind == "aftercare", **fields)
        if fields is not None
        else None
    )
    data, pages = render_one(library, job, options, personal)
    return Made(data, pages, personal)


def edition_job(library: Library, lang: str, slug: str, kind: str, options: Options) -> Job:
    """The one document `lang` asks for: with --edition bilingual, the source language beside
    `lang`, or the --pair (which must include `lang`: the email speaks it)."""
    if options.edition == "bilingual" and options.pair is None:
        source = str(library.settings.source_language)
        if lang == source:
            raise HandoutsError(
                f"the bilingual edition sets {source} beside a translation: "
                f"give the translation with --lang, or --pair {source}:CODE"
            )
        options = replace(options, pair=(source, lang))
    if options.pair is not None and lang not in options.pair:
        raise HandoutsError(f"--lang {lang} is not one of --pair {':'.join(options.pair)}")
    return plan(library, [] if options.pair else [lang], [slug], [kind], options)[0]


def email_message(
    library: Library, lang: str, slug: str, kind: str, to: str, made: Made
) -> tuple[EmailMessage, EmailText]:
    """The email carrying `made`, in the patient's language; the next visit (if any) rides
    along as an iCalendar event."""
    from handouts.deliver import mail

    recipient = mail.validate_address(to)
    personal = made.personal
    text = email_text(library, lang, slug, kind, personal.patient if personal else None)
    event = None
    if personal is not None and personal.next_visit is not None:
        from handouts.compose.visit import visit_event

        labels = library.languages[lang].labels
        event = (
            safe_filename(labels.next_visit) + ".ics",
            visit_event(library, lang, personal.next_visit),
        )
    message = mail.build_message(
        sender=library.clinic.email,
        sender_name=library.languages[lang].clinic.name,
        to=recipient,
        text=text,
        attachment=made.data,
        event=event,
    )
    return message, text
