"""The safety rules every request passes.

- Loopback only by default. Another address needs HANDOUTS_SERVE_TOKEN; then every client signs in
  once with it (a form that sets a session cookie) before it sees anything.
- Requests must name this server in their Host header (a web page elsewhere cannot reach the
  page through DNS rebinding).
- Every form post carries the session's CSRF token.
- Strict Content-Security-Policy (scripts only from our static files), no caching of anything
  that may hold patient data, no referrer, no framing by other sites.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import Flask, abort, redirect, request, session, url_for

from handouts.errors import HandoutsError

TOKEN_VARIABLE = "HANDOUTS_SERVE_TOKEN"
MIN_TOKEN = 16
OPEN_ENDPOINTS = {"sign_in", "static", "font", "font_css", "answer"}  # answers: per session
SHARED = {"static", "font", "font_css"}  # hold no patient data: may be cached
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; frame-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'self'; "
    "base-uri 'none'"
)
ATTEMPTS = 5  # failed sign-ins allowed per minute, over all clients


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> str | None:
    """The token the page requires (None on loopback); refuse another address without one."""
    if is_loopback(host):
        return None
    if not token:
        raise HandoutsError(
            f"--host {host} makes the page reachable from other computers: set "
            f"{TOKEN_VARIABLE} to a secret of at least {MIN_TOKEN} characters "
            "first (clients sign in with it), or serve on 127.0.0.1"
        )
    if len(token) < MIN_TOKEN:
        raise HandoutsError(
            f"{TOKEN_VARIABLE} is too short ({len(token)} characters): use at "
            f'least {MIN_TOKEN}, e.g. from: python -c "import secrets; '
            'print(secrets.token_urlsafe(24))"'
        )
    return token


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


class Guard:
    def __init__(self, app: Flask, *, token: str | None, hosts: set[str] | None):
        """`hosts`: the Host header values accepted (None: any, when a token protects)."""
        self.token, self.hosts = token, hosts
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()
        app.extensions["handouts_guard"] = self
        app.before_request(self.before)
        app.after_request(self.after)
        app.jinja_env.globals["csrf_token"] = csrf_token
        app.jinja_env.globals["signed_in_mode"] = token is not None

    def before(self):
        if self.hosts is not None and request.host.lower() not in self.hosts:
            abort(400)
        if (
            self.token is not None
            and request.endpoint not in OPEN_ENDPOINTS
            and not self.signed_in()
        ):
            if request.method != "GET":
                abort(403)
            return redirect(url_for("sign_in", next=request.path))
        if request.method == "POST":
            self.check_form()
        return None

    def check_form(self) -> None:
        """The form must come from our page: the session's token, and no other site's Origin."""
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            abort(403)
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc.lower() != request.host.lower():
            abort(403)
        sent = request.form.get("csrf_token", "")
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(403)

    def signed_in(self) -> bool:
        return session.get("signed_in") == self._proof()

    def _proof(self) -> str:
        assert self.token is not None  # asked only when serving with a token
        return hmac.new(self.token.encode(), b"handouts serve", "sha256").hexdigest()

    def sign_in(self, offered: str) -> str | None:
        """None when signed in, else the catalog word for what went wrong."""
        with self._lock:
            now = time.monotonic()
            while self._failures and now - self._failures[0] > 60:
                self._failures.popleft()
            if len(self._failures) >= ATTEMPTS:
                return "sign_in_wait"
            if self.token and hmac.compare_digest(offered.encode(), self.token.encode()):
                session.clear()
                session["signed_in"] = self._proof()
                return None
            self._failures.append(now)
            return "sign_in_failed"

    @staticmethod
    def after(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "SAMEORIGIN"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        # Pages and PDFs may hold patient data: never kept by the browser or a proxy.
        if request.endpoint in SHARED:
            headers["Cache-Control"] = "no-cache"  # the page's own files, fonts
        else:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
