"""Email delivery: address checks, SMTP settings from the environment, MIME, sending.

What the email says comes from handouts.compose (EmailText); this module only turns it into a
message and delivers it. Nothing here logs or prints the password, and nothing logs the
recipient or the patient (personal data stays out of logs).
"""

from __future__ import annotations

import datetime
import email.policy
import html
import ipaddress
import logging
import os
import re
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.characters import first_control, strip_controls
from handouts.deliver.deadline import Deadline
from handouts.errors import HandoutsError
from handouts.output import write_atomic

if TYPE_CHECKING:
    from handouts.compose.composer import EmailText

log = logging.getLogger("handouts")

POLICY = email.policy.SMTP
TIMEOUT = 20.0  # one network operation (connect, one reply)
DEADLINE = 45.0  # the whole delivery, retries included: the front desk waits for it
DEADLINE_RANGE = (1, 600)
SECURITIES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# RFC 5322 dot-atom text (ASCII only: we do not rely on SMTPUTF8 for the local part).
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


# --- addresses and header values ---------------------------------------------------------------


def check_header_value(name: str, value: str) -> None:
    """Refuse values that could break out of a header line (CR, LF, any control character)."""
    char = first_control(value or "")
    if char is not None:
        # The value itself may be personal data (a patient's name): name the character only.
        raise HandoutsError(f"{name} must not contain control characters (found U+{ord(char):04X})")


def _ascii_domain(domain: str) -> str | None:
    """The domain in ASCII (IDNA for internationalized names), or None if it is not valid."""
    if domain.endswith("."):
        return None
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or len(labels) < 2:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if labels[-1].isdigit():  # a TLD is never numeric (no bare IP addresses)
        return None
    return ascii_domain.lower()


def _split_address(address: str) -> tuple[str, str] | None:
    """(local part, ASCII domain) of a plain addr-spec, or None if it is not one."""
    if first_control(address) is not None or address.count("@") != 1:
        return None
    local, domain = address.split("@")
    if not local or len(local) > 64:
        return None
    if not all(_ATOM.fullmatch(atom) for atom in local.split(".")):
        return None
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None or len(local) + 1 + len(ascii_domain) > 254:
        return None
    return local, ascii_domain


def validate_address(address: str) -> str:
    """One plain address (local@domain.tld, no display name, no list); returned stripped."""
    stripped = (address or "").strip()
    check_header_value("the email address", stripped)
    if _split_address(stripped) is None:
        shown = stripped if len(stripped) <= 80 else stripped[:77] + "..."
        raise HandoutsError(
            f"{shown!r} is not a single valid email address "
            "(expected name@example.org, without a display name or commas)"
        )
    return stripped


def _address(address: str, display_name: str = "") -> Address:
    parts = _split_address(address)
    if parts is None:
        raise HandoutsError(f"{address!r} is not a valid email address")
    local, domain = parts
    return Address(display_name=display_name, username=local, domain=domain)


# --- configuration ---------------------------------------------------------------------------


def resolve(host: str) -> list[str]:
    """The addresses `host` stands for (IPv4 first): itself if it is an IP address, else what
    the system's resolver says (empty when it says nothing)."""
    name = host.strip().strip("[]")
    try:
        return [str(ipaddress.ip_address(name))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name.rstrip("."), None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    found = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    return [str(ip) for ip in sorted(found, key=lambda ip: (ip.version, ip))]


def all_loopback(addresses: list[str]) -> bool:
    """True when there are addresses and every one is a loopback address (IPv4-mapped too)."""

    def loopback(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return ip.is_loopback

    return bool(addresses) and all(loopback(a) for a in addresses)


def loopback_addresses(host: str) -> list[str] | None:
    """The host's addresses if it resolves, and only, to loopback addresses; else None.
    A name proves nothing ("localhost" may be mapped anywhere): its addresses do."""
    addresses = resolve(host)
    return addresses if all_loopback(addresses) else None


def is_loopback(host: str) -> bool:
    return loopback_addresses(host) is not None


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send. The password never appears in repr, messages or logs."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "starttls"
    address: str | None = None  # security none: the checked loopback address to connect to
    deadline: float = DEADLINE  # seconds the whole delivery may take

    @property
    def where(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @classmethod
    def from_env(cls, environ=os.environ) -> SmtpConfig:
        def get(name: str) -> str:
            return (environ.get(name) or "").strip()

        host = get("HANDOUTS_SMTP_HOST")
        if not host:
            raise HandoutsError(
                "HANDOUTS_SMTP_HOST is not set: set it to your SMTP server "
                "(e.g. smtp.example.org), or use --eml FILE / --dry-run"
            )
        if first_control(host) is not None or any(c.isspace() for c in host):
            raise HandoutsError("HANDOUTS_SMTP_HOST must be a single host name")

        security = get("HANDOUTS_SMTP_SECURITY").lower() or "starttls"
        if security not in SECURITIES:
            raise HandoutsError(
                f"HANDOUTS_SMTP_SECURITY must be starttls, ssl or none (got {security!r})"
            )

        port_text = get("HANDOUTS_SMTP_PORT")
        if port_text:
            try:
                port = int(port_text, 10)
            except ValueError:
                port = 0
            if not 1 <= port <= 65535:
                raise HandoutsError(
                    f"HANDOUTS_SMTP_PORT must be a number from 1 to 65535 (got {port_text!r})"
                )
        else:
            port = DEFAULT_PORTS[security]

        user = get("HANDOUTS_SMTP_USER") or None
        password = environ.get("HANDOUTS_SMTP_PASSWORD") or None
        if user and not password:
            raise HandoutsError(
                "HANDOUTS_SMTP_USER is set but HANDOUTS_SMTP_PASSWORD is not: set both, or neither"
            )
        if password and not user:
            raise HandoutsError(
                "HANDOUTS_SMTP_PASSWORD is set but HANDOUTS_SMTP_USER is not: set both, or neither"
            )

        deadline_text = get("HANDOUTS_SMTP_TIMEOUT")
        deadline = DEADLINE
        if deadline_text:
            try:
                deadline = float(deadline_text)
            except ValueError:
                deadline = -1.0
            low, high = DEADLINE_RANGE
            if not low <= deadline <= high:
                raise HandoutsError(
                    f"HANDOUTS_SMTP_TIMEOUT must be a number of seconds from "
                    f"{low} to {high} (got {deadline_text!r})"
                )

        address = None
        if security == "none":
            # Checked by address, and the connection goes to the checked address: a name that
            # resolves elsewhere later (DNS rebinding) cannot redirect the unencrypted message.
            loopback = loopback_addresses(host)
            if loopback is None:
                found = resolve(host)
                seen = (
                    f" (it resolves to {', '.join(found[:3])})"
                    if found
                    else " (the name does not resolve)"
                )
                raise HandoutsError(
                    f"HANDOUTS_SMTP_SECURITY=none sends unencrypted and is only "
                    f"allowed for a server on this computer (localhost), not "
                    f"{host}{seen}: use starttls or ssl"
                )
            address = loopback[0]
        return cls(
            host=host,
            port=port,
            user=user,
            password=password,
            security=security,
            address=address,
            deadline=deadline,
        )


# --- the message ------------------------------------------------------------------------------


def _plain_body(text: EmailText) -> str:
    parts = ["\n\n".join(p.strip() for p in text.paragraphs)]
    if text.signature:
        parts.append("-- \n" + "\n".join(text.signature))
    return "\n\n".join(parts) + "\n"


def _html_body(text: EmailText) -> str:
    def lines(values) -> str:
        return "<br>\n".join(html.escape(v) for v in values)

    paragraphs = [f"<p>{lines(p.strip().splitlines())}</p>" for p in text.paragraphs]
    if text.signature:
        paragraphs.append(f'<p style="color:#555555">-- <br>\n{lines(text.signature)}</p>')
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(text.subject)}</title>\n</head>\n<body>\n"
        + "\n".join(paragraphs)
        + "\n</body>\n</html>\n"
    )


def _transfer_encoding(body: str) -> str:
    """Never 8bit (servers without 8BITMIME); readable quoted-printable for mostly-ASCII text."""
    non_ascii = sum(1 for c in body if ord(c) > 127)
    return "quoted-printable" if non_ascii * 5 <= len(body) else "base64"


def build_message(
    *,
    sender: str,
    sender_name: str,
    to: str,
    text: EmailText,
    attachment: bytes,
    event: tuple[str, bytes] | None = None,
) -> EmailMessage:
    """The message with the PDF attached, and `event` (file name, iCalendar bytes) if given."""
    check_header_value("the sender name", sender_name)
    check_header_value("the sender address", sender)
    check_header_value("the recipient address", to)
    check_header_value("the subject", text.subject)
    check_header_value("the attachment name", text.attachment_name)
    if _split_address(sender.strip()) is None:
        raise HandoutsError(
            f"the clinic email {sender!r} (content/clinic.yaml) is not a valid address to send from"
        )
    validate_address(to)
    from_address = _address(sender.strip(), sender_name)

    message = EmailMessage(policy=POLICY)
    message["From"] = from_address
    message["To"] = _address(to)
    message["Subject"] = text.subject
    message["Date"] = format_datetime(datetime.datetime.now(datetime.timezone.utc))
    message["Message-ID"] = make_msgid(domain=from_address.domain)

    plain, markup = _plain_body(text), _html_body(text)
    message.set_content(plain, subtype="plain", charset="utf-8", cte=_transfer_encoding(plain))
    message.add_alternative(markup, subtype="html", charset="utf-8", cte=_transfer_encoding(markup))
    # With policy SMTP a non-ASCII name is written per RFC 2231: filename*=utf-8''..., split
    # into numbered sections (filename*0*=utf-8''...; filename*1*=...) when it is long.
    message.add_attachment(
        attachment, maintype="application", subtype="pdf", filename=text.attachment_name
    )
    if event is not None:
        name, calendar = event
        check_header_value("the calendar file name", name)
        message.add_attachment(
            calendar,
            maintype="text",
            subtype="calendar",
            filename=name,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    for part in message.walk():  # MIME-Version belongs in the top-level header only
        if part is not message:
            del part["MIME-Version"]
    return message


def as_bytes(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=POLICY)


def write_eml(message: EmailMessage, path: Path) -> None:
    write_atomic(Path(path), as_bytes(message), mode=0o600)


# --- sending ---------------------------------------------------------------------------------


class _Tracking:
    """Knows whether the message body went out, so an unknown outcome is never retried; keeps
    every network wait within the delivery's deadline."""

    body_sent = False
    _in_data = False
    _raw_sock = None

    def __init__(self, *args, deadline: Deadline, **kwargs):
        self.deadline = deadline
        super().__init__(*args, **kwargs)

    def _get_socket(self, host, port, timeout):
        self.deadline.watch(self)
        return super()._get_socket(host, port, min(timeout, self.deadline.remaining() + 0.1))

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def getreply(self):
        reply = super().getreply()
        if self._in_data and reply[0] == 354:  # the server now reads the message itself
            self.body_sent = True
        return reply


class _Raw(smtplib.SMTP):
    """Keeps the plain TCP socket, so the deadline can cut a TLS handshake in progress too
    (SMTP_SSL wraps the socket before smtplib stores it)."""

    def _get_socket(self, host, port, timeout):
        self._raw_sock = super()._get_socket(host, port, timeout)
        return self._raw_sock


class _SMTP(_Tracking, _Raw):
    pass


class _SMTP_SSL(_Tracking, smtplib.SMTP_SSL, _Raw):
    pass


class _Temporary(Exception):
    """A 4xx reply before the server took the message: safe to try again."""

    def __init__(self, reply: str, dropped: bool = False):
        super().__init__(reply)
        self.reply = reply
        self.dropped = dropped  # the connection closed early (before the message went out)


def _reply(code: int, text) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = strip_controls(" ".join(str(text or "").split()))
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{code} {text}".strip()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return f"host not found ({exc.strerror or exc})"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({exc.verify_message or exc.reason or exc})"
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _refused(code: int, text) -> Exception:
    reply = _reply(code, text)
    if 400 <= code < 500:
        return _Temporary(reply)
    if code == 530:
        return HandoutsError(
            f"the server refused the message ({reply}): it requires a login, "
            "set HANDOUTS_SMTP_USER and HANDOUTS_SMTP_PASSWORD"
        )
    return HandoutsError(f"the server refused the message ({reply})")


def _scrub(exc: Exception, config: SmtpConfig) -> Exception:
    """Make sure the password never leaves this module in an error message."""
    if isinstance(exc, HandoutsError) and config.password and config.password in exc.message:
        return HandoutsError(exc.message.replace(config.password, "***"))
    return exc


def _attempt(connection: list, config: SmtpConfig, envelope, deadline: Deadline) -> None:
    """One connection (appended to `connection` for closing), one sendmail.
    Raises _Temporary or HandoutsError."""
    where = config.where
    phase = "connect"
    smtp: _SMTP | _SMTP_SSL | None = None
    timeout = min(TIMEOUT, deadline.remaining() + 0.1)
    try:
        # Pass the host to the constructor: smtplib uses it for TLS certificate checks
        # (SMTP_SSL and starttls); it raises SMTPConnectError if the greeting is not 220.
        # Without TLS the connection goes to the loopback address checked in from_env.
        if config.security == "ssl":
            smtp = _SMTP_SSL(
                config.host,
                config.port,
                timeout=timeout,
                deadline=deadline,
                context=ssl.create_default_context(),
            )
        else:
            smtp = _SMTP(
                config.address or config.host, config.port, timeout=timeout, deadline=deadline
            )
        connection.append(smtp)
        smtp.ehlo()
        if config.security == "starttls":
            phase = "tls"
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.user:
            phase = "login"
            smtp.login(config.user, config.password or "")  # from_env: a user has one
        phase = "send"
        sender, recipients, data = envelope
        smtp.sendmail(sender, recipients, data)
    except smtplib.SMTPAuthenticationError as exc:
        raise HandoutsError(
            f"SMTP login as {config.user} was refused ({_reply(exc.smtp_code, exc.smtp_error)})"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        if phase == "tls":
            raise HandoutsError(
                f"TLS with {where} failed: the server does not offer STARTTLS "
                "(for port 465 set HANDOUTS_SMTP_SECURITY=ssl)"
            ) from None
        if phase == "login":
            raise HandoutsError(
                f"{where} does not offer a login (AUTH); "
                "unset HANDOUTS_SMTP_USER/PASSWORD or check the "
                "security setting"
            ) from None
        raise HandoutsError(f"{where} does not support what sending needs: {exc}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        replies = list(exc.recipients.values())
        if replies and all(400 <= code < 500 for code, _ in replies):
            raise _Temporary(_reply(*replies[0])) from None
        code, text = next(
            ((c, t) for c, t in replies if c >= 500),
            replies[0] if replies else (0, "all recipients refused"),
        )
        raise _refused(code, text) from None
    except smtplib.SMTPServerDisconnected as exc:
        if smtp is not None and smtp.body_sent:
            raise HandoutsError(
                f"the connection to {where} dropped after the message was "
                "sent; it may or may not have been delivered - check before "
                "sending again"
            ) from None
        if phase == "connect":
            raise HandoutsError(
                f"cannot reach SMTP server {where}: no SMTP greeting "
                f"({_reason(exc)}); check HANDOUTS_SMTP_PORT and "
                "HANDOUTS_SMTP_SECURITY"
            ) from None
        if phase == "tls":
            raise HandoutsError(f"TLS with {where} failed: {_reason(exc)}") from None
        raise _Temporary(_reason(exc), dropped=True) from None
    except smtplib.SMTPResponseException as exc:
        # SMTPSenderRefused, SMTPDataError, SMTPConnectError, SMTPHeloError, STARTTLS replies
        if 400 <= exc.smtp_code < 500:
            raise _Temporary(_reply(exc.smtp_code, exc.smtp_error)) from None
        if phase == "tls":
            raise HandoutsError(
                f"TLS with {where} failed ({_reply(exc.smtp_code, exc.smtp_error)})"
            ) from None
        if phase == "connect":
            raise HandoutsError(
                f"SMTP server {where} refused the connection "
                f"({_reply(exc.smtp_code, exc.smtp_error)})"
            ) from None
        raise _refused(exc.smtp_code, exc.smtp_error) from None
    except ssl.SSLError as exc:
        hint = ""
        if config.security == "ssl" and not isinstance(exc, ssl.SSLCertVerificationError):
            hint = (
                " (if the server uses STARTTLS, e.g. on port 587, "
                "set HANDOUTS_SMTP_SECURITY=starttls)"
            )
        raise HandoutsError(f"TLS with {where} failed: {_reason(exc)}{hint}") from None
    except smtplib.SMTPException as exc:
        if phase == "login":
            raise HandoutsError(f"SMTP login as {config.user} failed: {exc}") from None
        raise HandoutsError(f"sending through {where} failed: {exc}") from None
    except OSError as exc:
        if smtp is not None and smtp.body_sent:
            raise HandoutsError(
                f"the connection to {where} dropped after the message was "
                "sent; it may or may not have been delivered - check before "
                "sending again"
            ) from None
        if phase == "connect":
            raise HandoutsError(f"cannot reach SMTP server {where}: {_reason(exc)}") from None
        if phase == "tls":
            raise HandoutsError(f"TLS with {where} failed: {_reason(exc)}") from None
        raise HandoutsError(
            f"the connection to {where} failed before the message was sent: {_reason(exc)}"
        ) from None


def _envelope(message: EmailMessage) -> tuple[str, list[str], bytes]:
    senders = message["From"].addresses
    recipients = [
        a.addr_spec
        for name in ("To", "Cc", "Bcc")
        if message[name] is not None
        for a in message[name].addresses
    ]
    if len(senders) != 1 or not recipients:
        raise HandoutsError("the message needs one sender and at least one recipient")
    return senders[0].addr_spec, recipients, as_bytes(message)


def send(
    message: EmailMessage,
    config: SmtpConfig,
    *,
    attempts: int = 3,
    backoff: float = 1.0,
    sleep=time.sleep,
) -> None:
    """Deliver once, within config.deadline seconds in all. 4xx refusals before the server took
    the message are retried with backoff while time remains; anything after the message went
    out is never retried (no duplicate emails)."""
    envelope = _envelope(message)
    attempts = max(1, attempts)
    last: _Temporary | None = None
    tried = 0
    with Deadline(config.deadline) as deadline:
        for attempt in range(attempts):
            if attempt:
                assert last is not None  # only a temporary refusal comes back here
                delay = backoff * 2 ** (attempt - 1)
                if delay >= deadline.remaining():
                    break  # no time left for another try: report the last refusal
                log.warning(
                    "SMTP delivery failed temporarily (%s); trying again in %.1f s",
                    last.reply,
                    delay,
                )
                sleep(delay)
            log.debug("SMTP attempt %d to %s (%s)", attempt + 1, config.where, config.security)
            connection: list = []
            tried += 1
            try:
                _attempt(connection, config, envelope, deadline)
                return
            except Exception as exc:
                if deadline.expired:
                    raise _scrub(_too_slow(config, connection), config) from None
                if isinstance(exc, _Temporary):
                    last = exc
                elif isinstance(exc, HandoutsError):
                    raise _scrub(exc, config) from None
                else:
                    raise
            finally:
                for smtp in connection:
                    try:
                        smtp.quit()
                    except Exception:
                        try:
                            smtp.close()
                        except Exception:
                            pass
    assert last is not None  # every attempt returned, raised or set it
    if last.dropped:
        problem = (
            f"the connection to {config.where} kept closing before the message was "
            f"sent ({last.reply}) after {_count(tried)}"
        )
    else:
        problem = f"the server is still refusing temporarily ({last.reply}) after {_count(tried)}"
    raise _scrub(HandoutsError(problem), config)


def _count(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _too_slow(config: SmtpConfig, connection: list) -> HandoutsError:
    if any(smtp.body_sent for smtp in connection):
        return HandoutsError(
            f"{config.where} did not confirm the message within "
            f"{config.deadline:g} s; it may or may not have been delivered - "
            "check before sending again"
        )
    return HandoutsError(
        f"delivery through {config.where} did not finish within "
        f"{config.deadline:g} s (the server answers too slowly); nothing was "
        "sent (HANDOUTS_SMTP_TIMEOUT sets the limit)"
    )
