"""`handouts email` against a real SMTP server (aiosmtpd on loopback), driven through the CLI.

Patient names here are invented. The server records every message it accepts and counts the
commands it saw, so each test can say exactly how many copies were delivered.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from helpers import ROOT, char_sizes, pdf_pages_text

CONTENT = ROOT / "content"
PATIENT_JA = "テスト 花子"
PATIENT_EN = "Hanako Testperson"
TO = "patient@example.org"


# --- helpers ---------------------------------------------------------------------------------


def load_yaml(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_email(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m handouts email ...` with no SMTP settings inherited from the caller."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("HANDOUTS_SMTP_")}
    result = subprocess.run(
        [sys.executable, "-m", "handouts", "email", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr, result.stderr
    return result


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one `error: ...` line (content warnings such as stale translations may precede it)."""
    lines = [
        line for line in result.stderr.splitlines() if line.strip() and ": warning: " not in line
    ]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    return lines[0]


class Recorder:
    """Accepts and stores every message; subclasses refuse at chosen points."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.rcpt_calls = 0
        self.data_calls = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_calls += 1
        refusal = self.refuse_rcpt(self.rcpt_calls)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        refusal = self.refuse_data(self.data_calls, server)
        if refusal:
            return refusal
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content or envelope.content,
            )
        )
        return "250 Message accepted for delivery"

    def refuse_rcpt(self, n: int) -> str | None:
        return None

    def refuse_data(self, n: int, server) -> str | None:
        return None


class SmtpServer:
    def __init__(self, handler: Recorder, **smtp_parameters):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(
            handler, hostname="127.0.0.1", port=self.port, **smtp_parameters
        )

    @property
    def env(self) -> dict:
        return {
            "HANDOUTS_SMTP_HOST": "127.0.0.1",
            "HANDOUTS_SMTP_PORT": str(self.port),
            "HANDOUTS_SMTP_SECURITY": "none",
        }

    @property
    def messages(self):
        return self.handler.messages


@pytest.fixture
def start_server():
    started = []

    def start(handler: Recorder | None = None, **smtp_parameters) -> SmtpServer:
        server = SmtpServer(handler or Recorder(), **smtp_parameters)
        server.controller.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.controller.stop()


@pytest.fixture
def server(start_server) -> SmtpServer:
    return start_server()


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def the_attachment(message) -> email.message.EmailMessage:
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    return attachments[0]


# --- sending for real ------------------------------------------------------------------------


def test_japanese_handout_is_delivered_with_everything_in_place(server):
    result = run_email(
        "--to",
        TO,
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_JA,
        env=server.env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sent to {TO}"
    assert len(server.messages) == 1

    clinic, clinic_ja = load_yaml("clinic.yaml"), load_yaml("ja/clinic.yaml")
    ui, sciatica = load_yaml("ja/ui.yaml"), load_yaml("ja/conditions/sciatica.yaml")
    mail_from, rcpt_tos, raw = server.messages[0]
    assert mail_from == clinic["email"]
    assert rcpt_tos == [TO]

    message = parse(raw)
    (sender,) = message["From"].addresses
    assert sender.addr_spec == clinic["email"]
    assert sender.display_name == clinic_ja["name"]
    assert [a.addr_spec for a in message["To"].addresses] == [TO]
    assert message["Subject"] == ui["email_subject_handout"].format(
        title=sciatica["title"], clinic=clinic_ja["name"]
    )
    assert message["Date"] and message["Message-ID"]
    # headers travel as ASCII (RFC 2047 encoded words), never raw UTF-8
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()

    plain = message.get_body(("plain",)).get_content()
    assert ui["email_greeting"].format(patient=PATIENT_JA) in plain
    assert clinic_ja["address"] in plain
    assert "\n-- \n" in plain.replace("\r\n", "\n")
    html_part = message.get_body(("html",))
    assert html_part is not None and html_part.get_content_type() == "text/html"
    assert html_part.get_content_charset() == "utf-8"
    assert f"<p>{ui['email_greeting'].format(patient=PATIENT_JA)}</p>" in html_part.get_content()

    attachment = the_attachment(message)
    expected_name = (
        ui["attachment_name"].format(title=sciatica["title"], document=ui["handout_label"]) + ".pdf"
    )
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == expected_name
    # RFC 2231 (long names are split into numbered sections: filename*0*=utf-8''...)
    assert re.search(rb"filename\*(0\*)?=utf-8''%", raw), raw[:3000]
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    assert sciatica["title"] in "".join(pdf_pages_text(pdf))


@pytest.mark.parametrize(
    "lang, patient, expected_date",
    [
        ("ja", PATIENT_JA, "2026年11月21日"),
        ("en", PATIENT_EN, "November 21, 2026"),
    ],
)
def test_aftercare_email_carries_the_personal_sheet(server, lang, patient, expected_date):
    result = run_email(
        "--to",
        TO,
        "--kind",
        "aftercare",
        "--lang",
        lang,
        "--condition",
        "leg-pain",
        "--patient",
        patient,
        "--date",
        "2026-11-21",
        "--points",
        "ST36,LV3",
        env=server.env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sent to {TO}"
    assert len(server.messages) == 1
    message = parse(server.messages[0][2])
    ui = load_yaml(f"{lang}/ui.yaml")
    assert message["Subject"] == ui["email_subject_aftercare"].format(
        clinic=load_yaml(f"{lang}/clinic.yaml")["name"]
    )
    text = "".join(pdf_pages_text(the_attachment(message).get_content()))
    assert patient in text
    assert expected_date in text


def test_large_print_sheet_is_delivered_in_large_print(server, tmp_path):
    """The emailed PDF is the large-print sheet `aftercare --large-print` makes, byte for byte."""
    personal = [
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_JA,
        "--date",
        "2026-11-21",
        "--points",
        "GB30,BL40,LV3",
        "--large-print",
    ]
    result = run_email("--to", TO, "--kind", "aftercare", *personal, env=server.env)
    assert result.returncode == 0, result.stderr
    assert len(server.messages) == 1
    pdf = the_attachment(parse(server.messages[0][2])).get_content()
    sizes = char_sizes(pdf)
    assert max(sizes, key=sizes.get) >= 18, sizes  # large print: 18 pt body text
    assert len(pdf_pages_text(pdf)) <= 6  # its budget: three times two pages
    assert f"{PATIENT_JA} 様" in "".join(pdf_pages_text(pdf))
    sheet = tmp_path / "sheet.pdf"
    made = subprocess.run(
        [sys.executable, "-m", "handouts", "aftercare", *personal, "-o", str(sheet)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    assert sheet.read_bytes() == pdf


def test_next_visit_rides_along_as_a_calendar_event(server):
    import datetime
    import zoneinfo

    import icalendar

    result = run_email(
        "--to",
        TO,
        "--kind",
        "aftercare",
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_JA,
        "--next",
        "2026-11-28 14:30",
        "--note",
        "秘密のメモ",
        env={**server.env, "HANDOUTS_TODAY": "2026-11-21"},
    )
    assert result.returncode == 0, result.stderr
    message = parse(server.messages[0][2])
    parts = list(message.iter_attachments())
    assert [p.get_content_type() for p in parts] == ["application/pdf", "text/calendar"]
    ics = parts[1]
    ui, clinic = load_yaml("ja/ui.yaml"), load_yaml("clinic.yaml")
    clinic_ja = load_yaml("ja/clinic.yaml")
    assert ics.get_param("method") == "PUBLISH"
    assert ics.get_filename() == f"{ui['next_visit']}.ics"
    calendar = icalendar.Calendar.from_ical(ics.get_content())
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime.datetime(
        2026, 11, 28, 14, 30, tzinfo=zoneinfo.ZoneInfo(clinic["timezone"])
    )
    assert event.decoded("duration") == datetime.timedelta(minutes=clinic["visit_minutes"])
    assert str(event["location"]) == clinic_ja["address"]
    assert clinic_ja["name"] in str(event["summary"])
    assert calendar.walk("VTIMEZONE")  # the zone travels with the event
    text = ics.get_content() if isinstance(ics.get_content(), str) else ics.get_content().decode()
    assert PATIENT_JA not in text and "秘密" not in text  # no patient data in the event


def test_no_next_visit_no_calendar_event(server):
    result = run_email(
        "--to",
        TO,
        "--kind",
        "aftercare",
        "--lang",
        "en",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_EN,
        env=server.env,
    )
    assert result.returncode == 0, result.stderr
    parts = list(parse(server.messages[0][2]).iter_attachments())
    assert [p.get_content_type() for p in parts] == ["application/pdf"]


# --- not sending -----------------------------------------------------------------------------


def test_dry_run_prints_and_sends_nothing(server):
    result = run_email(
        "--to",
        TO,
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_JA,
        "--dry-run",
        env=server.env,
    )
    assert result.returncode == 0, result.stderr
    ui, sciatica = load_yaml("ja/ui.yaml"), load_yaml("ja/conditions/sciatica.yaml")
    clinic_ja = load_yaml("ja/clinic.yaml")
    subject = ui["email_subject_handout"].format(title=sciatica["title"], clinic=clinic_ja["name"])
    out = result.stdout
    assert f"to: {TO}" in out
    assert f"subject: {subject}" in out
    name = ui["attachment_name"].format(title=sciatica["title"], document=ui["handout_label"])
    assert re.search(rf"attachment: {re.escape(name)}\.pdf \(\d+ bytes\)", out)
    assert "not sent" in out
    assert server.messages == [] and server.handler.rcpt_calls == 0


def test_dry_run_needs_no_smtp_settings():
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_eml_writes_a_private_file_that_parses_back(server, tmp_path):
    target = tmp_path / "message.eml"
    result = run_email(
        "--to",
        TO,
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--patient",
        PATIENT_JA,
        "--eml",
        str(target),
        env=server.env,
    )
    assert result.returncode == 0, result.stderr
    assert str(target) in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != "message.eml"]  # no temp files left
    ui, sciatica = load_yaml("ja/ui.yaml"), load_yaml("ja/conditions/sciatica.yaml")
    message = parse(target.read_bytes())
    assert message["Subject"] == ui["email_subject_handout"].format(
        title=sciatica["title"], clinic=load_yaml("ja/clinic.yaml")["name"]
    )
    assert the_attachment(message).get_content().startswith(b"%PDF")
    assert server.messages == [] and server.handler.rcpt_calls == 0


# --- delivery failures -----------------------------------------------------------------------


def test_closed_port_is_one_clear_line():
    port = free_port()  # nothing listens there any more
    result = run_email(
        "--to",
        TO,
        "--lang",
        "en",
        "--condition",
        "sciatica",
        env={
            "HANDOUTS_SMTP_HOST": "127.0.0.1",
            "HANDOUTS_SMTP_PORT": str(port),
            "HANDOUTS_SMTP_SECURITY": "none",
        },
    )
    assert result.returncode == 1
    line = error_line(result)
    assert "cannot reach" in line and f"127.0.0.1:{port}" in line
    assert result.stdout == ""


class RefuseFirstRcptTemporarily(Recorder):
    def refuse_rcpt(self, n):
        return "451 4.3.0 Try again later" if n == 1 else None


def test_temporary_refusal_is_retried_and_delivered_once(start_server):
    server = start_server(RefuseFirstRcptTemporarily())
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=server.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sent to {TO}"
    assert server.handler.rcpt_calls == 2
    assert len(server.messages) == 1
    # The front desk sees why sending took a moment longer (the retry is logged on stderr).
    assert re.search(
        r"warning: SMTP delivery failed temporarily \(451 .*Try again later\); "
        r"trying again in \d",
        result.stderr,
        re.IGNORECASE,
    ), result.stderr


class RefuseDataPermanently(Recorder):
    def refuse_data(self, n, server):
        return "550 5.7.1 Message rejected as spam"


def test_permanent_refusal_is_not_retried(start_server):
    server = start_server(RefuseDataPermanently())
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=server.env)
    assert result.returncode == 1
    line = error_line(result)
    assert "550" in line and "refused the message" in line
    assert server.handler.data_calls == 1
    assert server.messages == []


class DropAfterData(Recorder):
    """Takes the whole message, then hangs up before answering: the outcome is unknown."""

    def refuse_data(self, n, server):
        server.transport.abort()
        return "250 never seen by the client"


def test_connection_dropped_after_data_is_not_sent_again(start_server):
    server = start_server(DropAfterData())
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=server.env)
    assert result.returncode == 1
    line = error_line(result)
    assert "may or may not have been delivered" in line
    assert server.handler.data_calls == 1


def test_refused_login_never_shows_the_password(start_server):
    password = "Invented-Secret-4711"

    def reject(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    server = start_server(authenticator=reject, auth_require_tls=False)
    env = {**server.env, "HANDOUTS_SMTP_USER": "frontdesk", "HANDOUTS_SMTP_PASSWORD": password}
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=env)
    assert result.returncode == 1
    line = error_line(result)
    assert "login as frontdesk was refused" in line and "535" in line
    assert password not in result.stdout + result.stderr
    assert server.messages == [] and server.handler.rcpt_calls == 0


def test_plain_smtp_is_refused_for_a_remote_host():
    result = run_email(
        "--to",
        TO,
        "--lang",
        "en",
        "--condition",
        "sciatica",
        env={"HANDOUTS_SMTP_HOST": "example.org", "HANDOUTS_SMTP_SECURITY": "none"},
    )
    assert result.returncode == 1
    line = error_line(result)
    assert "HANDOUTS_SMTP_SECURITY=none" in line and "example.org" in line


def test_missing_smtp_host_is_one_clear_line():
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica")
    assert result.returncode == 1
    assert "HANDOUTS_SMTP_HOST is not set" in error_line(result)


# --- TLS (a self-signed certificate the subprocess trusts through SSL_CERT_FILE) ------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def accept_frontdesk(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"frontdesk", b"Invented-Secret-4711")
    return AuthResult(success=ok)


def test_starttls_with_login_delivers(start_server, certificate):
    cert, context = certificate
    server = start_server(
        tls_context=context,
        require_starttls=True,
        authenticator=accept_frontdesk,
        auth_required=True,
    )
    env = {
        **server.env,
        "HANDOUTS_SMTP_SECURITY": "starttls",
        "SSL_CERT_FILE": str(cert),
        "HANDOUTS_SMTP_USER": "frontdesk",
        "HANDOUTS_SMTP_PASSWORD": "Invented-Secret-4711",
    }
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=env)
    assert result.returncode == 0, result.stderr
    assert len(server.messages) == 1


def test_implicit_tls_delivers(start_server, certificate):
    cert, context = certificate
    server = start_server(ssl_context=context)
    env = {**server.env, "HANDOUTS_SMTP_SECURITY": "ssl", "SSL_CERT_FILE": str(cert)}
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=env)
    assert result.returncode == 0, result.stderr
    assert len(server.messages) == 1


def test_untrusted_certificate_is_one_clear_line(start_server, certificate, tmp_path):
    cert, context = certificate
    server = start_server(tls_context=context, require_starttls=True)
    empty = tmp_path / "no-cas.pem"
    empty.write_text("")
    env = {
        **server.env,
        "HANDOUTS_SMTP_SECURITY": "starttls",
        "SSL_CERT_FILE": str(empty),
        "SSL_CERT_DIR": str(tmp_path),
    }
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=env)
    assert result.returncode == 1
    line = error_line(result)
    assert f"TLS with 127.0.0.1:{server.port} failed" in line and "certificate" in line
    assert server.messages == [] and server.handler.rcpt_calls == 0


def test_starttls_required_but_not_offered(server):
    env = {**server.env, "HANDOUTS_SMTP_SECURITY": "starttls"}
    result = run_email("--to", TO, "--lang", "en", "--condition", "sciatica", env=env)
    assert result.returncode == 1
    assert "does not offer STARTTLS" in error_line(result)
    assert server.messages == [] and server.handler.rcpt_calls == 0


# --- header injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value",
    [
        ("--to", "a@example.org\r\nBcc: evil@example.org"),
        ("--patient", "X\r\nBcc: evil@example.org"),
        ("--to", "Evil Person <a@example.org>"),
        ("--to", "a@example.org, evil@example.org"),
    ],
)
def test_header_injection_and_address_lists_are_refused(server, option, value):
    args = {"--to": TO, "--patient": PATIENT_EN, option: value}
    result = run_email(
        "--lang",
        "en",
        "--condition",
        "sciatica",
        *[item for pair in args.items() for item in pair],
        env=server.env,
    )
    if option == "--to":  # not one plain address: a usage error, as click reports one
        assert result.returncode == 2, result.stderr
        assert "Error: Invalid value for '--to'" in result.stderr
    else:  # personal data is validated like the page's form: exit 1
        assert result.returncode == 1
        error_line(result)
    assert server.messages == [] and server.handler.rcpt_calls == 0


# --- the library, in process -----------------------------------------------------------------

from handouts.compose.composer import EmailText  # noqa: E402
from handouts.deliver import mail  # noqa: E402
from handouts.errors import HandoutsError  # noqa: E402


@pytest.mark.parametrize(
    "address",
    [
        "patient@example.org",
        "  first.last+tag@sub.example.co.jp ",
        "a@例え.jp",
    ],
)
def test_valid_addresses(address):
    assert mail.validate_address(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "patient",
        "patient@example",
        "@example.org",
        "a@@example.org",
        "a@b@example.org",
        "Name <a@example.org>",
        "a@example.org,b@example.org",
        "a b@example.org",
        "a..b@example.org",
        ".a@example.org",
        "a@-example.org",
        "a@example..org",
        "a@example.org\nBcc: b@example.org",
        "a\u200b@example.org",
        "a@127.0.0.1",
        "テスト@example.org",
    ],
)
def test_invalid_addresses(address):
    with pytest.raises(HandoutsError):
        mail.validate_address(address)


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\tb", "a\x00b", "a\u2028b", "a\u200eb"])
def test_header_values_with_control_characters(value):
    with pytest.raises(HandoutsError, match="U\\+"):
        mail.check_header_value("the subject", value)


def test_config_from_env():
    config = mail.SmtpConfig.from_env(
        {
            "HANDOUTS_SMTP_HOST": "smtp.example.org",
            "HANDOUTS_SMTP_USER": "frontdesk",
            "HANDOUTS_SMTP_PASSWORD": "Invented-Secret-4711",
        }
    )
    assert (config.host, config.port, config.security) == ("smtp.example.org", 587, "starttls")
    assert "Invented-Secret-4711" not in repr(config)
    assert (
        mail.SmtpConfig.from_env(
            {"HANDOUTS_SMTP_HOST": "h.example.org", "HANDOUTS_SMTP_SECURITY": "ssl"}
        ).port
        == 465
    )
    for host in ("localhost", "127.0.0.2", "::1"):
        assert (
            mail.SmtpConfig.from_env(
                {"HANDOUTS_SMTP_HOST": host, "HANDOUTS_SMTP_SECURITY": "none"}
            ).port
            == 25
        )


@pytest.mark.parametrize(
    "environ, message",
    [
        ({}, "HANDOUTS_SMTP_HOST"),
        ({"HANDOUTS_SMTP_HOST": "h.example.org", "HANDOUTS_SMTP_PORT": "70000"}, "1 to 65535"),
        ({"HANDOUTS_SMTP_HOST": "h.example.org", "HANDOUTS_SMTP_PORT": "smtp"}, "1 to 65535"),
        ({"HANDOUTS_SMTP_HOST": "h.example.org", "HANDOUTS_SMTP_SECURITY": "tls"}, "starttls"),
        ({"HANDOUTS_SMTP_HOST": "h.example.org", "HANDOUTS_SMTP_USER": "u"}, "both"),
        (
            {
                "HANDOUTS_SMTP_HOST": "h.example.org",
                "HANDOUTS_SMTP_PASSWORD": "Invented-Secret-4711",
            },
            "both",
        ),
        ({"HANDOUTS_SMTP_HOST": "10.0.0.1", "HANDOUTS_SMTP_SECURITY": "none"}, "localhost"),
    ],
)
def test_bad_config(environ, message):
    with pytest.raises(HandoutsError, match=message) as info:
        mail.SmtpConfig.from_env(environ)
    assert "Invented-Secret-4711" not in str(info.value.message)


def _text(**changes) -> EmailText:
    values = dict(
        subject="Über <b>",
        paragraphs=("Dear Ana & Bo,", "Line"),
        signature=("Clinic", "1 Main St"),
        attachment_name="案内.pdf",
    )
    return EmailText(**{**values, **changes})


def test_build_message_encodes_names_and_escapes_html():
    message = mail.build_message(
        sender="clinic@例え.jp",
        sender_name="富士 ウェルネス",
        to=TO,
        text=_text(),
        attachment=b"%PDF-1.4",
    )
    raw = mail.as_bytes(message)
    assert raw.split(b"\r\n\r\n", 1)[0].isascii()
    assert b"filename*=utf-8''%E6%A1%88%E5%86%85.pdf" in raw
    parsed = parse(raw)
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.domain) == ("富士 ウェルネス", "xn--r8jz45g.jp")
    assert parsed["Message-ID"].endswith("@xn--r8jz45g.jp>")
    assert parsed["Subject"] == "Über <b>"
    markup = parsed.get_body(("html",)).get_content()
    assert "<p>Dear Ana &amp; Bo,</p>" in markup and "&lt;b&gt;" in markup
    plain = parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain == "Dear Ana & Bo,\n\nLine\n\n-- \nClinic\n1 Main St\n"
    assert the_attachment(parsed).get_filename() == "案内.pdf"


@pytest.mark.parametrize(
    "field, value", [("subject", "Hi\r\nBcc: evil@example.org"), ("attachment_name", "a\n.pdf")]
)
def test_build_message_refuses_control_characters(field, value):
    with pytest.raises(HandoutsError):
        mail.build_message(
            sender="clinic@example.org",
            sender_name="Clinic",
            to=TO,
            text=_text(**{field: value}),
            attachment=b"%PDF",
        )
    with pytest.raises(HandoutsError):
        mail.build_message(
            sender="clinic@example.org",
            sender_name="Clinic\r\nX: y",
            to=TO,
            text=_text(),
            attachment=b"%PDF",
        )


def test_send_retries_temporary_refusals_with_backoff(start_server):
    class AlwaysBusy(Recorder):
        def refuse_rcpt(self, n):
            return "451 4.3.0 Busy"

    server = start_server(AlwaysBusy())
    config = mail.SmtpConfig("127.0.0.1", server.port, security="none")
    message = mail.build_message(
        sender="clinic@example.org", sender_name="Clinic", to=TO, text=_text(), attachment=b"%PDF"
    )
    sleeps = []
    with pytest.raises(HandoutsError, match=r"still refusing temporarily \(451 .*after 3 attempts"):
        mail.send(message, config, attempts=3, backoff=0.5, sleep=sleeps.append)
    assert sleeps == [0.5, 1.0]
    assert server.handler.rcpt_calls == 3 and server.messages == []
