"""Run `handouts serve` as a user would (a real process on a free loopback port) and talk to it."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from helpers import CONTENT, ROOT

TODAY = "2026-11-21"


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    log: Path  # the server's stderr
    tmp: Path  # its TMPDIR
    cache: Path  # its HANDOUTS_CACHE
    lines: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(base: Path, extra: dict | None = None) -> dict:
    """A clean environment: no SMTP or token settings from the caller, private temp and cache."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HANDOUTS_SMTP_", "HANDOUTS_SERVE_"))
    }
    (base / "tmp").mkdir(parents=True, exist_ok=True)
    env.update(
        HANDOUTS_CACHE=str(base / "cache"),
        TMPDIR=str(base / "tmp"),
        HANDOUTS_TODAY=TODAY,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


def start_server(
    base: Path, *args: str, env: dict | None = None, content: Path = CONTENT, timeout: float = 60
) -> Served:
    """Start the server on a free port; returns once it says where it listens."""
    base.mkdir(parents=True, exist_ok=True)
    log = base / "server.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "handouts",
                "serve",
                "--port",
                "0",
                "--content",
                str(content),
                *args,
            ],
            cwd=ROOT,
            env=server_env(base, env),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            found = re.search(r"on (http://\S+/) ", line)
            if found:
                served = Served(process, found.group(1), log, base / "tmp", base / "cache", lines)
                threading.Thread(target=_drain, args=(process, lines), daemon=True).start()
                return served
    finally:
        timer.cancel()
    process.wait()
    raise AssertionError(f"the server did not start: {lines} {log.read_text()}")


def _drain(process, lines):
    for line in process.stdout:
        lines.append(line.rstrip("\n"))


class Client:
    """A browser-like HTTP client: keeps the session cookie, does not follow redirects."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # loopback
            urllib.request.HTTPCookieProcessor(self.jar),
            NoRedirect(),
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        """(status, headers, body bytes) of GET (no data) or POST (form data)."""
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def post(self, path: str, data: dict, headers: dict | None = None):
        """A form post as a browser makes it: the answer is fetched where the 303 points."""
        status, answer_headers, body = self.request(path, data, headers)
        assert status == 303, (status, body[:300])
        location = answer_headers["Location"].removeprefix(self.base)
        assert location.startswith("/answer/"), location
        return self.request(location)

    def csrf(self, path: str = "/aftercare") -> str:
        status, _, body = self.request(path)
        assert status == 200, body[:500]
        return re.search(rb'name="csrf_token" value="([^"]+)"', body).group(1).decode()
