"""`handouts serve` over HTTP: the same documents as the CLI, and the safety rules.

The server runs as a real process on a loopback port. Browser behaviour (clicking the body
views, printing, the whole practitioner flow) is in test_browser.py.
"""

from __future__ import annotations

import html
import re
import time

import pytest
import yaml

from helpers import (
    CONTENT,
    ROOT,
    check,
    copy_content,
    decode_qr,
    page_image,
    pdf_pages_text,
    run_cli,
)
from serving import Client, start_server

TOKEN = "correct-horse-battery-staple-42"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture
def client(served):
    return Client(served.url)


def load(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


# --- starting -------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_another_address_without_a_token_is_refused(tmp_path, host):
    started = time.monotonic()
    result = run_cli(
        "serve",
        "--host",
        host,
        "--port",
        "0",
        env={"HANDOUTS_SERVE_TOKEN": "", "HANDOUTS_CACHE": str(tmp_path)},
    )
    assert result.returncode == 1
    assert "HANDOUTS_SERVE_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""  # it never said "serving"
    assert time.monotonic() - started < 30


def test_a_short_token_is_refused():
    result = run_cli(
        "serve", "--host", "0.0.0.0", "--port", "0", env={"HANDOUTS_SERVE_TOKEN": "1234"}
    )
    assert result.returncode == 1
    assert "too short" in result.stderr


def test_open_shows_the_page_in_the_browser(tmp_path):
    """--open hands the page's address to the browser ($BROWSER, as Python's webbrowser does)."""
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    server = start_server(tmp_path / "server", "--open", env={"BROWSER": str(browser)})
    try:
        for _ in range(100):
            if opened.exists() and opened.read_text().strip():
                break
            time.sleep(0.1)
        assert opened.read_text().strip() == server.url
    finally:
        server.stop()


def test_a_busy_port_is_one_clear_line(served):
    port = served.url.rsplit(":", 1)[1].strip("/")
    result = run_cli("serve", "--port", port)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot listen on 127.0.0.1:"), result.stderr


# --- what it serves -------------------------------------------------------------------------


def test_served_handout_is_the_one_build_makes(client, tmp_path):
    """Large print on Letter, Japanese: byte for byte what `handouts build` writes."""
    status, headers, pdf = client.request(
        "/pdf?lang=ja&condition=sciatica&kind=handout&paper=letter&large=1"
    )
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store"
    assert "inline" in headers["Content-Disposition"]
    assert "filename*=UTF-8''" in headers["Content-Disposition"]
    built = run_cli(
        "build",
        "--lang",
        "ja",
        "--condition",
        "sciatica",
        "--kind",
        "handout",
        "--paper",
        "letter",
        "--large-print",
        "--out",
        str(tmp_path),
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "ja" / "sciatica-handout-large-letter.pdf").read_bytes() == pdf


def test_personal_sheet_by_post(client):
    token = client.csrf()
    status, headers, pdf = client.post(
        "/aftercare/sheet",
        {
            "csrf_token": token,
            "action": "download",
            "lang": "ja",
            "condition": "sciatica",
            "paper": "a4",
            "patient": "テスト 花子",
            "date": "2026-11-21",
            "point": ["GB30", "ST36"],
            "points": "lv3",
            "next": "2026-11-28T14:30",
            "note": "毎日歩きましょう。",
        },
    )
    assert status == 200, pdf[:300]
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["Cache-Control"] == "no-store"
    text = "".join(pdf_pages_text(pdf))
    assert "テスト 花子 様" in text
    for code in ("GB30", "ST36", "LR3"):  # lv3: an alias, any case
        assert code in text
    assert "2026年11月28日（土）14:30" in re.sub(r"\s+", "", text).replace("14:30", "14:30")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"points": "XX9"}, "unknown point code 'XX9'"),
        ({"date": "21/11/2026"}, "is not a date"),
        ({"patient": "テスト 花子 様"}, "leave out '様'"),
        ({"condition": "../../pyproject"}, "unknown condition"),
    ],
)
def test_bad_input_is_a_clear_message_on_the_page(client, fields, message):
    form = {
        "csrf_token": client.csrf(),
        "action": "preview",
        "lang": "ja",
        "condition": "sciatica",
        "paper": "a4",
        **fields,
    }
    status, headers, body = client.post("/aftercare/sheet", form)
    assert status == 422
    assert headers["Content-Type"].startswith("text/html")
    assert message in html.unescape(body.decode())


def test_an_oversized_form_is_refused_with_a_reason(client):
    form = {
        "csrf_token": client.csrf(),
        "action": "preview",
        "lang": "ja",
        "condition": "sciatica",
        "paper": "a4",
        "note": "あ" * 30000,
    }
    status, _, body = client.post("/aftercare/sheet", form)
    assert status == 413 and "Shorten the note" in body.decode()


def test_email_without_smtp_settings_says_so(client):
    form = {
        "csrf_token": client.csrf(),
        "action": "email",
        "lang": "en",
        "condition": "sciatica",
        "paper": "a4",
        "to": "patient@example.org",
    }
    status, _, body = client.post("/aftercare/sheet", form)
    assert status == 422 and "HANDOUTS_SMTP_HOST is not set" in body.decode()


def test_search_finds_conditions_by_name_in_any_language(client):
    sciatica_ja = load("ja/conditions/sciatica.yaml")["title"]
    leg_pain_en = load("en/conditions/leg-pain.yaml")["title"]
    for query, expected in (
        (sciatica_ja[:2], "sciatica"),
        (leg_pain_en.upper(), "leg-pain"),
        ("ＳＣＩＡＴＩＣＡ", "sciatica"),
    ):  # full-width Latin too
        status, _, body = client.request("/?q=" + _quote(query))
        assert status == 200
        visible = re.findall(
            rb'<label class="choice" data-search="[^"]*">\s*<input type="radio" '
            rb'name="condition" value="([^"]+)"',
            body,
        )
        assert [v.decode() for v in visible] == [expected], query


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def test_both_languages_in_the_page_itself(client):
    for lang in ("en", "ja"):
        ui = load(f"{lang}/ui.yaml")
        status, headers, body = client.request(f"/aftercare?ui={lang}")
        page = body.decode()
        assert f'<html lang="{lang}">' in page
        for label in ("patient", "practitioner", "next_visit", "treated_points"):
            assert ui[label] in page  # the content's own labels
        for caption in ui["views"].values():
            assert caption in page
    # the choice is remembered for the next page
    status, _, body = client.request("/")
    assert b'<html lang="ja">' in body


# --- safety -----------------------------------------------------------------------------------


def test_form_post_without_the_csrf_token_is_refused(client):
    form = {
        "action": "preview",
        "lang": "en",
        "condition": "sciatica",
        "paper": "a4",
        "patient": "Hanako Testperson",
    }
    client.csrf()  # a session exists...
    status, _, body = client.post("/aftercare/sheet", form)
    assert status == 403 and not body.startswith(b"%PDF")  # ...but the form lacks its token
    other = Client(client.base).csrf()  # another session's token
    status, _, _ = client.post("/aftercare/sheet", {**form, "csrf_token": other})
    assert status == 403
    status, _, body = client.post("/aftercare/sheet", {**form, "csrf_token": client.csrf()})
    assert status == 200 and body.startswith(b"%PDF")


def test_posts_are_answered_by_a_redirect_only_the_poster_can_follow(client):
    """Post/Redirect/Get: the browser never keeps a posted form (it would, on disk, to offer
    resubmitting it); the answer waits in memory for the session that posted."""
    form = {
        "csrf_token": client.csrf(),
        "action": "preview",
        "lang": "en",
        "condition": "sciatica",
        "paper": "a4",
        "patient": "Hanako Testperson",
    }
    status, headers, body = client.request("/aftercare/sheet", form)
    assert status == 303 and body.count(b"Hanako") == 0
    location = headers["Location"].removeprefix(client.base)
    assert "Hanako" not in location
    stranger = Client(client.base)
    assert stranger.request(location)[0] == 404  # not this session's answer
    status, headers, pdf = client.request(location)
    assert status == 200 and pdf.startswith(b"%PDF")
    assert headers["Cache-Control"] == "no-store"
    assert client.request(location)[2] == pdf  # the PDF viewer may ask again


def test_a_form_from_another_site_is_refused(client):
    form = {
        "csrf_token": client.csrf(),
        "action": "preview",
        "lang": "en",
        "condition": "sciatica",
        "paper": "a4",
    }
    status, _, _ = client.post("/aftercare/sheet", form, headers={"Origin": "http://evil.example"})
    assert status == 403


def test_the_host_header_must_name_this_computer(client):
    status, _, _ = client.request("/", headers={"Host": "rebound.example:8765"})
    assert status == 400
    port = client.base.rsplit(":", 1)[1]
    status, _, _ = client.request("/", headers={"Host": f"localhost:{port}"})
    assert status == 200


def test_strict_security_headers_and_no_inline_script(client):
    status, headers, body = client.request("/aftercare")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    page = body.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # scripts are files
    assert not re.search(r"\son[a-z]+=", page)  # no event attributes
    assert not re.search(r"\sstyle=", page)  # no inline styles
    forms = re.findall(r"<form[^>]*>", page)
    assert forms and all('method="post"' in f for f in forms if "sheet" in f)


TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2f..%2fpyproject.toml",
    "/static//etc/passwd",
    "/fonts/../../pyproject.toml",
    "/fonts/NotoSans/..%2f..%2fpyproject.toml",
    "/fonts/NotoSans/licence.ttf",
    "/fonts/..%2F..%2Fpyproject/regular.ttf",
    "/fonts/NotoSans/regular.ttf/../../../../pyproject.toml",
    "/pdf?lang=../../etc&condition=passwd&kind=handout&paper=a4",
    "/pdf?lang=en&condition=../../../pyproject&kind=handout&paper=a4",
    "/pdf?lang=en&condition=sciatica&kind=../../pyproject.toml&paper=a4",
    "/pdf?lang=%2Fetc%2Fpasswd&condition=sciatica&kind=handout&paper=a4",
    "/aftercare?condition=../../pyproject&lang=../etc",
    "/%2e%2e/%2e%2e/pyproject.toml",
    "/content/handouts.yaml",
    "/../content/handouts.yaml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_request_reads_files_outside_content_and_fonts(client, path):
    status, headers, body = client.request(path)
    if status == 308:  # werkzeug merges doubled slashes: follow it
        location = headers["Location"].removeprefix(client.base)
        assert location.startswith("/") and "//" not in location
        status, headers, body = client.request(location)
    secrets = [b"[build-system]", b"root:x:0:0", b"source_language"]
    assert not any(secret in body for secret in secrets), path
    assert status in (200, 400, 404, 422), status
    if status == 200:  # an ordinary page (e.g. unknown choice ignored)
        assert body.lstrip().startswith(b"<!doctype html>"), path


def test_only_the_bundled_fonts_are_served(client):
    fonts = yaml.safe_load((ROOT / "fonts" / "fonts.yaml").read_text(encoding="utf-8"))
    for family, files in fonts.items():
        status, headers, body = client.request(f"/fonts/{family}/regular.ttf")
        assert status == 200 and body == (ROOT / "fonts" / files["regular"]).read_bytes()
    status, _, body = client.request("/static/app.js")
    assert status == 200 and b"DOMContentLoaded" in body


def test_token_mode_needs_a_sign_in(tmp_path):
    server = start_server(tmp_path, "--host", "0.0.0.0", env={"HANDOUTS_SERVE_TOKEN": TOKEN})
    try:
        base = server.url.replace("0.0.0.0", "127.0.0.1")
        client = Client(base)
        status, headers, _ = client.request("/aftercare")
        assert status == 302 and headers["Location"].startswith("/login")
        status, _, body = client.request("/pdf?lang=en&condition=sciatica&kind=handout&paper=a4")
        assert status == 302 and not body.startswith(b"%PDF")
        status, _, _ = client.post("/aftercare/sheet", {"action": "preview"})
        assert status == 403
        token = client.csrf("/login")
        status, _, body = client.post("/login", {"csrf_token": token, "token": "wrong" * 5})
        assert status == 401
        status, _, _ = client.post("/login", {"token": TOKEN})  # no CSRF token
        assert status == 403
        status, headers, _ = client.request(
            "/login?next=/aftercare", {"csrf_token": token, "token": TOKEN}
        )
        assert status == 302 and headers["Location"] == "/aftercare"
        status, _, body = client.request("/pdf?lang=en&condition=sciatica&kind=handout&paper=a4")
        assert status == 200 and body.startswith(b"%PDF")
        # another client still has to sign in
        assert Client(base).request("/")[0] == 302
    finally:
        server.stop()


def test_content_errors_show_the_same_lines_as_check(tmp_path):
    content = copy_content(tmp_path)
    server = start_server(tmp_path / "server", content=content)
    try:
        client = Client(server.url)
        assert client.request("/")[0] == 200
        broken = content / "en" / "conditions" / "sciatica.yaml"
        original = broken.read_text(encoding="utf-8")
        broken.write_text(original.replace("title: Sciatica", "title: [Sciatica"), encoding="utf-8")
        expected = [line for line in check(content).stderr.splitlines() if ": error: " in line]
        assert expected
        time.sleep(1.2)  # the page looks once a second
        status, _, body = client.request("/")
        assert status == 503
        shown = [html.unescape(m) for m in re.findall(r"<code>(.*?)</code>", body.decode())]
        assert shown == expected
        broken.write_text(original, encoding="utf-8")  # fixed: the page works again
        time.sleep(1.2)
        assert client.request("/")[0] == 200
        (content / "handouts.yaml").rename(content / "settings.yaml")  # no content at all
        time.sleep(1.2)
        status, _, body = client.request("/aftercare")
        assert status == 503 and b"no content found" in body
    finally:
        server.stop()


def test_served_pdf_qr_codes_decode(client):
    status, _, pdf = client.request("/pdf?lang=ja&condition=sciatica&kind=aftercare&paper=a4")
    assert status == 200
    assert len(decode_qr(page_image(pdf, 0, dpi=150))) == 2
