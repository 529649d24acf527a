"""Benchmark: requests against a warm `handouts serve`, as the front desk and a practitioner make
them. Target: 95th percentile under 100 ms for each.

Run from the repository root:  .venv/bin/python bench/serve.py [--requests N]
It starts the server (a real process on a free loopback port), lets it warm up, then measures
over one keep-alive connection:
  0. the first request of each of 32 generic documents (rendered, then kept in memory);
  1. a Japanese sciatica handout (GET /pdf ...), what "Show" and "Print" ask for;
  2. a personal aftercare sheet in Japanese with three points, a note and a next visit: the form
     post and the GET of its answer (Post/Redirect/Get), the whole round trip a browser makes.
The names are invented.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


class Connection:
    """One keep-alive connection that keeps the session cookie, like a browser tab."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response, payload


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float | None:
    """The server's CPU time so far (Linux), steadier than wall time on a shared machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(label: str, action, count: int, pid: int) -> tuple[float, float]:
    for _ in range(5):  # warm: first renders, connection, caches
        action()
    times = []
    cpu_before = cpu_seconds(pid)
    for _ in range(count):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    cpu_after = cpu_seconds(pid)
    median, p95 = statistics.median(times), percentile(times, 0.95)
    verdict = "ok" if p95 < TARGET_MS else "OVER TARGET"
    cpu = (
        f"   server CPU {(cpu_after - cpu_before) * 1000 / count:5.1f} ms/request"
        if cpu_before is not None and cpu_after is not None
        else ""
    )
    print(f"{label:40s} median {median:6.1f} ms   p95 {p95:6.1f} ms{cpu}   ({verdict}, n={count})")
    return median, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDOUTS_SERVE_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "handouts", "serve", "--port", "0"],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        for line in server.stdout:
            found = re.search(r"on (http://\S+/) ", line)
            if found:
                url = found.group(1)
                break
        if url is None:
            raise SystemExit("the server did not start")
        tab = Connection(url)
        status, _, page = tab.request("GET", "/aftercare")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()

        def handout():
            status, _, pdf = tab.request(
                "GET", "/pdf?lang=ja&condition=sciatica&kind=handout&paper=a4"
            )
            assert status == 200 and pdf.startswith(b"%PDF"), status

        form = {
            "csrf_token": token,
            "action": "preview",
            "lang": "ja",
            "condition": "sciatica",
            "paper": "a4",
            "patient": "テスト 花子",
            "practitioner": "テスト 健",
            "date": "2026-11-21",
            "next": "2026-11-28T14:30",
            "point": ["GB30", "BL40", "ST36"],
            "note": "毎日ゆっくり歩いてください。",
        }

        def sheet():
            status, response, _ = tab.request("POST", "/aftercare/sheet", form)
            assert status == 303, status
            location = urlsplit(response.getheader("Location")).path
            status, _, pdf = tab.request("GET", location)
            assert status == 200 and pdf.startswith(b"%PDF"), status

        # Each generic document is rendered on its first request, then kept: time those first.
        firsts = [
            f"/pdf?lang={lang}&condition={slug}&kind={kind}&paper={paper}{large}"
            for lang in ("ja", "en")
            for slug in ("sciatica", "leg-pain")
            for kind in ("handout", "aftercare")
            for paper in ("a4", "letter")
            for large in ("", "&large=1")
        ]
        times = []
        for path in firsts:
            started = time.perf_counter()
            status, _, _ = tab.request("GET", path)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{'first request of each generic document':40s} median "
            f"{statistics.median(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms   "
            f"(rendered, then kept; n={len(times)})"
        )
        results = [
            measure("Japanese sciatica handout (GET)", handout, args.requests, server.pid),
            measure("personal aftercare sheet (POST + GET)", sheet, args.requests, server.pid),
        ]
        print(
            f"load average while measuring: {os.getloadavg()[0]:.1f} (2 CPUs)"
            if hasattr(os, "getloadavg")
            else ""
        )
        if any(p95 >= TARGET_MS for _, p95 in results):
            print(f"target: p95 under {TARGET_MS:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
