"""Headless Chromium for tests (and benches) that open a report in a real browser.

Debian's `chromium` and `chromium-driver` packages, driven by selenium (the
`test` extra). `.ci/run` installs the browser where it can (as root, with
apt-get) and then sets SECREVIEW_REQUIRE_BROWSER=1, so a browser that should be
there and does not start fails the run instead of skipping its tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

INSTALL_HINT = "apt-get install -y chromium chromium-driver"
REQUIRED = os.environ.get("SECREVIEW_REQUIRE_BROWSER") == "1"
# Flags that let Chromium run headless as root in a container and keep it off the network.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


def _binary(*names: str) -> str | None:
    return next((found for found in map(shutil.which, names) if found), None)


def missing() -> str | None:
    """Why no browser can be started here, or None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    if _binary("chromium", "chromium-browser") is None:
        return f"Chromium is not installed ({INSTALL_HINT})"
    if _binary("chromedriver") is None:
        return f"chromedriver is not installed ({INSTALL_HINT})"
    return None


def start(width: int = 1280, height: int = 1600) -> tuple[WebDriver, str]:
    """A headless Chromium with a fresh profile, and that profile's directory (remove it after `quit`)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium", "chromium-browser") or ""
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="secreview-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver is named explicitly, so selenium never tries to download one.
    driver = webdriver.Chrome(options=options, service=Service(_binary("chromedriver")))
    driver.set_page_load_timeout(120)
    return driver, profile
