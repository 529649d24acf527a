"""The served page in a real Chromium, as the front desk and a practitioner use it.

Chromium and chromedriver are Debian's (`apt-get install chromium chromium-driver`; .ci/run
installs them). Without them these tests are skipped, saying so. Patient names are invented.
The last test checks that nothing the browser typed was left on disk or in a log.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import shutil
import subprocess
import time
from urllib.parse import quote

import pytest
import yaml

from helpers import CONTENT, ROOT, decode_qr, page_image, pdf_pages_text
from serving import start_server
from test_email import Recorder, SmtpServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no browser: install Debian's chromium and chromium-driver to run the browser tests",
)

PATIENT = "テスト 花子"
PRACTITIONER = "テスト 健"
NOTE = "今日は腰の張りが強めでした。毎日ゆっくり歩いてください。"
TO = "patient@example.org"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
    "--window-size=1280,1400",
]
WAIT = 20.0


def load(relative: str) -> dict:
    return yaml.safe_load((CONTENT / relative).read_text(encoding="utf-8"))


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """Every place the browser or the server could leave something behind."""
    base = tmp_path_factory.mktemp("browser")
    (base / "browser-tmp").mkdir()
    return {
        "base": base,
        "profile": base / "profile",
        "downloads": base / "downloads",
        "server": base / "server",
        "browser_tmp": base / "browser-tmp",
    }


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer(Recorder())
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture(scope="module")
def served(places, smtp):
    server = start_server(places["server"], env=smtp.env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(places):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={places['profile']}")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(places["downloads"]),
            "download.prompt_for_download": False,
        },
    )
    # chromedriver's own log would record what the test types: the test's, not the page's.
    service = Service(
        CHROMEDRIVER,
        log_output=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(places["browser_tmp"])},
    )
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait_for(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


FETCH = """
const [url, done] = arguments;
fetch(url, {credentials: "same-origin"}).then(r => r.arrayBuffer()).then(buffer => {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  done(btoa(text));
}).catch(error => done("error: " + error));
"""


def fetch(driver, url: str) -> bytes:
    """What the page itself gets from `url` (with its session cookie)."""
    driver.set_script_timeout(60)
    encoded = driver.execute_async_script(FETCH, url)
    assert not encoded.startswith("error"), encoded
    return base64.b64decode(encoded)


def frame_state(driver, frame: str) -> tuple[str, str]:
    return tuple(
        driver.execute_script(
            "const f = document.getElementById(arguments[0]);"
            "const d = f.contentDocument;"
            "return [f.contentWindow.location.href, d ? d.contentType : ''];",
            frame,
        )
    )


def frame_text(driver, frame: str) -> str:
    return driver.execute_script(
        "const d = document.getElementById(arguments[0]).contentDocument;"
        "return d && d.body ? d.body.innerText : '';",
        frame,
    )


# --- the front desk -----------------------------------------------------------------------------


def test_front_desk_prints_a_japanese_sciatica_handout(browser, served):
    from selenium.webdriver.common.by import By

    sciatica = load("ja/conditions/sciatica.yaml")
    browser.get(served.url + "?ui=ja")
    search = browser.find_element(By.ID, "q")
    search.send_keys(sciatica["title"][:2])  # 坐骨: typed in Japanese
    visible = [
        e for e in browser.find_elements(By.CSS_SELECTOR, ".conditions .choice") if e.is_displayed()
    ]
    assert len(visible) == 1 and sciatica["title"] in visible[0].text
    search.clear()
    search.send_keys("SCIATICA")  # and in English
    visible = [
        e for e in browser.find_elements(By.CSS_SELECTOR, ".conditions .choice") if e.is_displayed()
    ]
    assert len(visible) == 1 and sciatica["title"] in visible[0].text
    visible[0].click()
    browser.find_element(By.CSS_SELECTOR, "input[name=lang][value=ja]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=handout]").click()
    browser.find_element(By.ID, "show").click()
    url, kind = wait_for(
        lambda: (
            frame_state(browser, "document")[1] == "application/pdf"
            and frame_state(browser, "document")
        ),
        "the handout in the page",
    )
    assert "condition=sciatica" in url and "lang=ja" in url
    pdf = fetch(browser, url)
    text = "".join(pdf_pages_text(pdf))
    assert sciatica["title"] in text
    assert sciatica["see_a_doctor"]["urgent"][0][:10] in text.replace("\r\n", "")
    codes = decode_qr(page_image(pdf, 0, dpi=150))
    clinic = load("clinic.yaml")
    assert len(codes) == 2
    assert any(c.startswith(f"mailto:{clinic['email']}?subject=") for c in codes)
    assert any(quote(clinic["map_query"], safe="") in c for c in codes)
    browser.find_element(By.CSS_SELECTOR, "button.print[data-frame=document]").click()
    assert browser.execute_script("return document.readyState") == "complete"


# --- the practitioner ---------------------------------------------------------------------------


def fill_sheet(browser, served, points=("GB30", "ST36")):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(served.url + "aftercare?ui=en")
    Select(browser.find_element(By.ID, "condition")).select_by_value("sciatica")
    browser.find_element(By.CSS_SELECTOR, "input[name=lang][value=ja]").click()
    browser.find_element(By.ID, "patient").send_keys(PATIENT)
    browser.find_element(By.ID, "practitioner").send_keys(PRACTITIONER)
    browser.execute_script(
        "document.getElementById('next').value = arguments[0]", "2026-11-28T14:30"
    )
    browser.find_element(By.ID, "note").send_keys(NOTE)
    for code in points:  # click them on the body views
        spot = browser.find_element(By.CSS_SELECTOR, f".spot[data-code={code}] .badge")
        spot.click()


def test_practitioner_clicks_two_points_and_gets_them_highlighted(browser, served):
    from selenium.webdriver.common.by import By

    fill_sheet(browser, served)
    for code in ("GB30", "ST36"):
        spot = browser.find_element(By.CSS_SELECTOR, f".spot[data-code={code}]")
        assert spot.get_attribute("aria-checked") == "true"
        box = browser.find_element(By.CSS_SELECTOR, f"input[name=point][value={code}]")
        assert box.is_selected()
    unticked = browser.find_element(By.CSS_SELECTOR, "input[name=point][value=BL40]")
    assert not unticked.is_selected()
    browser.find_element(By.ID, "preview-button").click()
    url, _ = wait_for(
        lambda: (
            frame_state(browser, "preview")[1] == "application/pdf"
            and frame_state(browser, "preview")
        ),
        "the preview",
    )
    assert "/answer/" in url and "GB30" not in url  # nothing personal in the URL
    pdf = fetch(browser, url)
    text = "".join(pdf_pages_text(pdf))
    ui, points = load("ja/ui.yaml"), load("ja/points.yaml")
    assert f"{PATIENT} 様" in text
    # The legend lists the treated points (and only those) under "points treated today".
    assert ui["treated_points"] in text
    for code in ("GB30", "ST36"):
        assert f"{code} {points[code]['name']}" in text
    for code in ("BL40", "BL23", "LI4"):  # the condition's other points
        assert f"{code} {points[code]['name']}" not in text  # (precautions may name LI4)
    assert_markers_filled(pdf, ("GB30", "ST36"))


def assert_markers_filled(pdf: bytes, codes) -> None:
    """The legend badges of treated points are filled black (highlighted), in the pixels."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    image = page.render(scale=150 / 72).to_pil().convert("L")
    text = textpage.get_text_range()
    for code in codes:
        index = text.index(f"{code} ")
        left, bottom, right, top = textpage.get_charbox(index)
        height = page.get_height()
        # The numbered badge sits just left of the code, on the same line.
        y = (height - (bottom + top) / 2) * 150 / 72
        xs = [(left - d) * 150 / 72 for d in range(8, 20)]
        dark = sum(image.getpixel((int(x), int(y))) < 100 for x in xs)
        assert dark >= len(xs) // 2, f"{code}: badge not filled"


def test_code_entry_accepts_aliases_and_the_keyboard_works(browser, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    fill_sheet(browser, served, points=())
    field = browser.find_element(By.ID, "points")
    field.send_keys("lv3", Keys.ENTER)  # an alias, lower case, Enter
    assert browser.find_element(By.CSS_SELECTOR, "input[name=point][value=LR3]").is_selected()
    assert field.get_attribute("value") == ""
    field.send_keys("XX9", Keys.ENTER)
    assert "XX9" in browser.find_element(By.ID, "code-message").text
    field.clear()
    spot = browser.find_element(By.CSS_SELECTOR, ".spot[data-code=KI3]")
    spot.send_keys(Keys.SPACE)  # a badge is a keyboard checkbox
    assert spot.get_attribute("aria-checked") == "true"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=point][value=KI3]").is_selected()
    assert browser.switch_to.active_element == spot


def test_page_reads_at_200_percent_zoom(browser, served):
    """At 200 % a 1280 px window is 640 CSS px wide: nothing may need sideways scrolling."""
    browser.set_window_size(640 + 16, 1000)
    try:
        for path in ("?ui=ja", "aftercare?ui=ja", "aftercare?ui=en"):
            browser.get(served.url + path)
            wide = browser.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert wide[0] <= wide[1], (path, wide)
    finally:
        browser.set_window_size(1280, 1400)


def test_every_control_is_named_and_large(browser, served):
    """Screen readers name every control; every button and choice is a large target."""
    for path in ("?ui=ja", "aftercare?ui=en"):
        browser.get(served.url + path)
        unnamed = browser.execute_script("""
            return [...document.querySelectorAll(
                'input:not([type=hidden]), select, textarea, button, [role=checkbox]')]
              .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                           && !(e.textContent || '').trim())
              .map(e => e.outerHTML.slice(0, 80));""")
        assert unnamed == [], (path, unnamed)
        small = browser.execute_script("""
            const targets = 'button, .choice, select, input:not([type]), input[type=email]';
            return [...document.querySelectorAll(targets)]
              .filter(e => e.getBoundingClientRect().height < 40)
              .map(e => e.outerHTML.slice(0, 80));""")
        assert small == [], (path, small)


def test_email_to_patient_with_the_next_visit(browser, served, smtp):
    import icalendar
    from selenium.webdriver.common.by import By

    fill_sheet(browser, served)
    before = len(smtp.messages)
    browser.find_element(By.ID, "to").send_keys(TO)
    browser.find_element(By.ID, "email-button").click()
    sent = wait_for(
        lambda: TO in frame_text(browser, "preview") and frame_text(browser, "preview"),
        "the email to be sent",
    )
    assert "calendar" in sent
    assert len(smtp.messages) == before + 1
    mail_from, rcpt_tos, raw = smtp.messages[-1]
    assert rcpt_tos == [TO] and mail_from == load("clinic.yaml")["email"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    ui = load("ja/ui.yaml")
    assert message["Subject"] == ui["email_subject_aftercare"].format(
        clinic=load("ja/clinic.yaml")["name"]
    )
    pdf, ics = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    text = "".join(pdf_pages_text(pdf.get_content()))
    assert f"{PATIENT} 様" in text and "GB30" in text and "ST36" in text
    assert ics.get_content_type() == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.year, start.month, start.day, start.hour, start.minute) == (2026, 11, 28, 14, 30)
    assert str(start.tzinfo) == load("clinic.yaml")["timezone"]


def test_email_needs_an_address_first(browser, served, smtp):
    from selenium.webdriver.common.by import By

    fill_sheet(browser, served)
    before = len(smtp.messages)
    browser.find_element(By.ID, "email-button").click()
    message = browser.find_element(By.ID, "send-message")
    assert message.is_displayed()
    assert browser.switch_to.active_element == browser.find_element(By.ID, "to")
    assert len(smtp.messages) == before


def test_form_post_without_csrf_token_is_refused(browser, served):
    from selenium.webdriver.common.by import By

    fill_sheet(browser, served)
    browser.execute_script("document.querySelector('input[name=csrf_token]').remove()")
    browser.find_element(By.ID, "preview-button").click()
    refused = load_catalog()["en"]["form_refused"]
    shown = wait_for(lambda: refused in frame_text(browser, "preview") and True, "the refusal")
    assert shown
    assert frame_state(browser, "preview")[1] == "text/html"


def load_catalog() -> dict:
    path = ROOT / "src" / "handouts" / "deliver" / "web" / "catalog.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- afterwards: nothing personal left behind ----------------------------------------------


def test_zz_no_personal_data_left_on_disk_or_in_logs(browser, served, places):
    """After all of the above: the patient's name and note are nowhere on disk or in a log."""
    browser.get("about:blank")
    needles = [
        value.encode(encoding)
        for value in (PATIENT, NOTE[:8], PRACTITIONER)
        for encoding in ("utf-8", "utf-16-le")
    ]
    needles += [quote(value).encode() for value in (PATIENT, NOTE[:8])]
    # The server's TMPDIR and cache, the browser's TMPDIR, profile and downloads, out/.
    searched = [
        places["server"],
        places["downloads"],
        places["profile"],
        served.cache,
        served.tmp,
        places["browser_tmp"],
        ROOT / "out",
    ]
    found = []
    for place in searched:
        files = [place] if place.is_file() else (list(place.rglob("*")) if place.exists() else [])
        for path in files:
            if not path.is_file():
                continue
            try:
                data = path.read_bytes()
            except OSError:
                continue
            found += [f"{path}: {needle!r}" for needle in needles if needle in data]
    assert found == []
    assert not any(places["downloads"].rglob("*.pdf")) if places["downloads"].exists() else True
    assert "\n".join(served.lines).count(PATIENT) == 0
