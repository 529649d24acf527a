"""The next visit as an iCalendar event (RFC 5545), attached to an aftercare email.

The event holds clinic data and the appointment time only: no patient name or note, so a
forwarded invitation says nothing about the patient.
"""

from __future__ import annotations

import datetime
import uuid

from handouts.compose.composer import clinic_name
from handouts.content.model import Library


def visit_event(library: Library, lang: str, when: datetime.datetime) -> bytes:
    """A calendar with one event at `when` (clinic time), lasting the clinic's visit length."""
    import zoneinfo

    from icalendar import Calendar, Event  # only emails with a next visit need it

    language = library.languages[lang]
    clinic = library.clinic
    if clinic.timezone is not None:
        when = when.replace(tzinfo=zoneinfo.ZoneInfo(str(clinic.timezone)))
    calendar = Calendar()
    calendar.add("prodid", "-//handouts//aftercare//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    domain = str(clinic.email).rpartition("@")[2]
    event.add("uid", f"{uuid.uuid4()}@{domain}")
    event.add("dtstamp", datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0))
    event.add("dtstart", when)
    event.add("duration", datetime.timedelta(minutes=clinic.visit_minutes))
    event.add("summary", language.labels.calendar_summary.format(clinic=clinic_name(language)))
    event.add("location", language.clinic.address)
    event.add("organizer", f"mailto:{clinic.email}", parameters={"CN": language.clinic.name})
    calendar.add_component(event)
    if clinic.timezone is not None:
        calendar.add_missing_timezones()
    return calendar.to_ical()
