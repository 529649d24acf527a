"""One document in memory and the email that carries it.

What `handouts aftercare`, `handouts email` and the served page share: they only gather input
and show results; every rule (which documents exist, what personal input is valid, page
budgets, what the email says and attaches) is applied here, the same way for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from handouts.build import Job, Options, plan, render_one
from handouts.compose import EmailText, Personal, email_text, safe_filename
from handouts.model import Library


@dataclass(frozen=True)
class Made:
    """A rendered document; `personal` is what the practitioner's input became."""

    data: bytes
    pages: int
    personal: Personal | None


def make(library: Library, lang: str, slug: str, kind: str, options: Options = Options(),
         fields: dict | None = None) -> Made:
    """Render one document in memory; `fields` are the personal options as typed (strings).

    Unknown languages or conditions, bad personal input and a sheet over its page budget are
    HandoutsErrors with a message for the user.
    """
    from handouts.personal import personal_details

    plan(library, [lang], [slug], [kind])          # unknown names: a clear error with a hint
    # A handout prints no personal fields, but they are checked all the same (and the
    # patient's name greets them in an email); only a printed sheet needs every character in
    # a font.
    personal = (personal_details(library, lang, printed=kind == "aftercare", **fields)
                if fields is not None else None)
    data, pages = render_one(library, Job(lang, slug, kind), options, personal)
    return Made(data, pages, personal)


def email_message(library: Library, lang: str, slug: str, kind: str, to: str,
                  made: Made) -> tuple[EmailMessage, EmailText]:
    """The email carrying `made`, in the patient's language; the next visit (if any) rides
    along as an iCalendar event."""
    from handouts import mail

    recipient = mail.validate_address(to)
    personal = made.personal
    text = email_text(library, lang, slug, kind, personal.patient if personal else None)
    event = None
    if personal is not None and personal.next_visit is not None:
        from handouts.visit import visit_event

        labels = library.languages[lang].labels
        event = (safe_filename(labels.next_visit) + ".ics",
                 visit_event(library, lang, personal.next_visit))
    message = mail.build_message(sender=library.clinic.email,
                                 sender_name=library.languages[lang].clinic.name,
                                 to=recipient, text=text, attachment=made.data, event=event)
    return message, text
