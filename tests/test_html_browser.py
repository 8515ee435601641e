"""The HTML report in a real browser: headless Chromium draws it, filters it, and runs no script from the code.

One browser for the module (starting one takes about a second). Skipped, with
the reason, only where Chromium or its driver is not installed; `.ci/run`
installs them and then requires them (see tests/browser.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from html_project import BROKEN_NAME, FINDINGS, HOSTILE_NAME, PAYLOAD, write

from secreview import review_paths
from secreview.report import renderer

pytestmark = pytest.mark.browser
PAGE_SIZE = 50


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    reason = browser.missing()
    if reason is not None:
        if browser.REQUIRED:
            pytest.fail(f"SECREVIEW_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"needs headless Chromium: {reason}")
    started, profile = browser.start()
    yield started
    started.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = write(tmp_path_factory.mktemp("html-project"))
    out = tmp_path_factory.mktemp("html-report") / "report.html"
    out.write_text(renderer("html")(review_paths([str(project)])), encoding="utf-8")
    return out


@pytest.fixture
def page(driver: Any, report: Path) -> Any:
    """The report freshly opened, its script finished."""
    driver.get(report.as_uri())  # without the #filters an earlier test left in the address
    wait(driver, "return document.documentElement.dataset.ready !== undefined")
    driver.get_log("browser")  # start each test with an empty console
    return driver


def wait(driver: Any, script: str, expected: Any = True) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.execute_script(script) == expected,
                                    f"{script} never returned {expected!r}")


def shown(driver: Any, list_id: str = "findings-list") -> list[dict[str, str]]:
    """The findings drawn in a list: severity, CWE, where, rule."""
    return driver.execute_script("""
        return Array.from(document.querySelectorAll('#' + arguments[0] + ' article.finding'), (card) => ({
            severity: card.querySelector('.badge').textContent, cwe: card.querySelector('a.cwe').textContent,
            where: card.querySelector('.where').textContent, rule: card.querySelector('.rule').textContent}));""",
        list_id)


def filtered(driver: Any, expected: int) -> list[dict[str, str]]:
    wait(driver, "return document.documentElement.dataset.filtered", str(expected))
    return shown(driver)


def status(driver: Any, name: str = "findings") -> str:
    return driver.find_element("id", f"{name}-status").text


def test_renders_every_part_and_takes_a_screenshot(page: Any, tmp_path: Path) -> None:
    assert status(page) == f"Showing 1–{PAGE_SIZE} of {FINDINGS}"
    cards = shown(page)
    assert len(cards) == PAGE_SIZE
    assert cards[0] == {"severity": "critical", "cwe": "CWE-78 OS Command Injection", "where": "line 12",
                        "rule": "taint-command-injection"}
    first = page.find_element("css selector", "#findings-list article.finding")
    hit = first.find_element("css selector", "pre.code .line.hit")
    assert hit.get_attribute("data-n") == "12" and "shell=True" in hit.text
    assert [line.get_attribute("data-n") for line in first.find_elements("css selector", "pre.code > .line")][:5] == \
        ["10", "11", "12", "13", "14"]
    steps = first.find_elements("css selector", "ol.flow > li")
    assert [step.find_element("css selector", ".where").text.rsplit("/", 1)[-1] for step in steps] == \
        ["app.py:10", "app.py:11", "app.py:12"]  # source, the f-string step, the sink
    assert first.find_element("css selector", ".fix").text.startswith("Fix: ")
    assert first.find_element("css selector", "a.rule").get_attribute("href").endswith("#rule-taint-command-injection")
    suppressed = page.find_element("id", "suppressed-list").text
    assert "Suppressed: cmd is a constant from the config" in suppressed
    assert "syntax-error" in page.find_element("id", "diagnostics").text
    screenshot = tmp_path / "report.png"
    assert page.save_screenshot(str(screenshot))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000
    assert [entry for entry in page.get_log("browser") if entry["level"] == "SEVERE"] == []


def test_no_script_from_the_reviewed_code_runs(page: Any) -> None:
    page.find_element("css selector", "input[name=file]").send_keys("onerror")
    (_, spread) = filtered(page, 2)
    assert page.execute_script("return window.pwned") is None
    assert page.title.startswith("secreview: ") and "pwned" not in page.title
    assert page.execute_script("return document.querySelectorAll('img, svg, iframe').length") == 0
    assert page.execute_script("return document.scripts.length") == 2  # the data block and the report's script
    lines = [line.text for line in page.find_elements("css selector", "#findings-list pre.code .line")]
    assert f"    # {PAYLOAD}" in lines  # shown as text, exactly
    heading = page.find_element("css selector", "#findings-list h3.file-head").text
    assert HOSTILE_NAME in heading
    assert BROKEN_NAME in page.find_element("id", "diagnostics").text
    # The flagged span of 15 lines shows its first and last lines around a gap.
    assert spread["where"] == "line 10"
    last = page.find_elements("css selector", "#findings-list article.finding")[1]
    assert last.find_element("css selector", ".gap").text == "⋯"


def test_filters_change_what_is_shown(page: Any) -> None:
    from selenium.webdriver.support.select import Select

    page.find_element("css selector", "input[name=sev][value='3']").click()  # hide high
    cards = filtered(page, 4)
    assert sorted(card["severity"] for card in cards) == ["critical", "low", "low", "medium"]
    assert status(page) == f"Showing 1–4 of 4 matching the filters (of {FINDINGS})"
    Select(page.find_element("name", "pillar")).select_by_value("664")
    cards = filtered(page, 3)
    assert {card["cwe"].split()[0] for card in cards} == {"CWE-775", "CWE-1327", "CWE-377"}
    page.find_element("css selector", "button[type=reset]").click()
    filtered(page, FINDINGS)
    Select(page.find_element("name", "rule")).select_by_value("code-injection-eval")
    assert len(filtered(page, 70)) == PAGE_SIZE
    page.find_element("css selector", "#findings [data-go=next]").click()
    wait(page, "return document.getElementById('findings-status').textContent", "Showing 51–70 of 70 matching "
         f"the filters (of {FINDINGS})")
    assert {card["rule"] for card in shown(page)} == {"code-injection-eval"} and len(shown(page)) == 20
    page.find_element("css selector", "button[type=reset]").click()
    file_box = page.find_element("css selector", "input[name=file]")
    file_box.send_keys("app.py")
    assert [card["rule"] for card in filtered(page, 1)] == ["taint-command-injection"]
    assert status(page, "files") == "Showing 1–1 of 1 matching the filters (of 4)"
    assert status(page, "suppressed") == "Showing 1–1 of 1"


def test_a_category_link_filters_and_a_reload_keeps_the_filters(page: Any, report: Path) -> None:
    page.find_element("css selector", "#categories a[data-show-pillar='664']").click()
    cards = filtered(page, 4)
    assert {card["cwe"] for card in cards} >= {"CWE-502 Deserialization of Untrusted Data"}
    assert "cat=664" in page.current_url
    page.refresh()
    wait(page, "return document.documentElement.dataset.ready !== undefined")
    assert page.find_element("name", "pillar").get_attribute("value") == "664"
    assert len(filtered(page, 4)) == 4


def test_file_sections_open_with_their_verdicts(page: Any) -> None:
    names = [s.text for s in page.find_elements("css selector", "#files-list details.file summary .path")]
    assert [name.rsplit("/", 1)[-1] for name in names] == ["<svg onload=window.pwned=4>.py", "app.py", "many.py",
                                                           "x<img src=y onerror=window.pwned=3>.py"]
    files = page.find_elements("css selector", "#files-list details.file")
    assert "not reviewed" in files[0].text
    many = files[2]
    assert "74 findings" in many.text
    many.find_element("css selector", "summary").click()  # drawn on the toggle event, which comes a moment later
    wait(page, "return document.querySelectorAll('#files-list ul.verdicts > li').length", 10)
    verdicts = many.find_elements("css selector", "ul.verdicts > li")
    assert len(verdicts) == 10 and verdicts[0].text.startswith("CWE-284 Improper Access Control: ")
    many.find_element("css selector", "button.show-file").click()
    assert {card["where"] for card in filtered(page, 74)} >= {"line 8"}


def test_light_and_dark_schemes_follow_the_system(page: Any, report: Path) -> None:
    background = "return getComputedStyle(document.body).backgroundColor"
    try:
        for scheme, colour in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(13, 17, 23)")):
            page.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                 {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            assert page.execute_script(background) == colour, scheme
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
