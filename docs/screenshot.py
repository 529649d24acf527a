"""Take docs/serve.png: the front desk page with a Japanese handout shown, in headless Chromium.

Start the page first (`handouts serve`), then: .venv/bin/python docs/screenshot.py [URL]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765/"
TARGET = Path(__file__).with_name("serve.png")

with tempfile.TemporaryDirectory() as profile:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--hide-scrollbars",
                 "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(URL + "?ui=ja&condition=sciatica&lang=ja&show=1")
        time.sleep(4)                      # the PDF viewer draws its first page
        driver.save_screenshot(str(TARGET))
    finally:
        driver.quit()
print(f"wrote {TARGET}")
