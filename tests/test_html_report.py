"""The HTML report without a browser: self-contained, the same review as JSON, nothing from the code as markup.

tests/test_html_browser.py opens the same report in headless Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from html_project import BROKEN_NAME, FINDINGS, HOSTILE_NAME, PAYLOAD, SEVERITIES, Elements, data_block, write

from secreview import review_paths, review_source
from secreview.cli import main
from secreview.core.model import ChangeScope, Disagreement, Review, SecondOpinion
from secreview.report import renderer
from secreview.report.html_data import KEPT, excerpt_ranges

render = renderer("html")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("html-project"))


@pytest.fixture(scope="module")
def review(project: Path) -> Review:
    return review_paths([str(project)])


@pytest.fixture(scope="module")
def page(review: Review) -> str:
    return render(review)


def _code(data: dict, path: str) -> dict[int, str]:
    """The code lines the report holds for `path`, by line number."""
    runs = data["code"][str(data["strings"].index(path))]
    return {first + i: text for first, *texts in runs for i, text in enumerate(texts)}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_self_contained_with_a_strict_policy_that_names_the_inline_script_and_style(page: str) -> None:
    elements = Elements(page)
    (policy,) = [a["content"] for a in elements.named("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert policy is not None
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "unsafe" not in policy and "http" not in policy and "data:" not in policy
    scripts = elements.named("script")
    assert [s.get("type") for s in scripts] == ["application/json", None]  # one data block, one script
    assert directives["script-src"] == _sha256(elements.raw["script"][1])
    (style,) = elements.raw["style"]
    assert directives["style-src"] == _sha256(style)
    # The policy comes before anything it governs.
    first_meta = [name for name, _ in elements.tags].index("meta")
    assert elements.tags[first_meta + 1][1].get("http-equiv") == "Content-Security-Policy"
    # Nothing is loaded from anywhere: no src, no stylesheet link, no inline style or handler attribute.
    for name, attrs in elements.tags:
        assert "src" not in attrs and "style" not in attrs, (name, attrs)
        assert not any(key.startswith("on") for key in attrs), (name, attrs)
        assert name not in ("link", "img", "iframe", "object", "embed", "base")
    assert not re.search(r"@import|url\(", style)
    for attrs in elements.named("a"):  # links only; a CWE's page on MITRE or a place in the report
        assert attrs["href"] is not None
        assert attrs["href"].startswith(("#", "https://cwe.mitre.org/data/definitions/")), attrs


def test_reviewed_code_and_file_names_never_become_markup(page: str, review: Review) -> None:
    elements = Elements(page)
    assert len(elements.named("script")) == 2 and not elements.named("img") and not elements.named("svg")
    block = re.search(r'id="secreview-data">(.*?)</script>', page, re.DOTALL)
    assert block is not None and "<" not in block.group(1)  # nothing in the data can end its block
    data = data_block(page)
    code = _code(data, next(fr.path for fr in review.files if fr.path.endswith(HOSTILE_NAME)))
    assert code[5] == f"    # {PAYLOAD}"  # recovered exactly, as text for the script to show
    assert any(HOSTILE_NAME in s for s in data["strings"])
    # In the page's own HTML (the diagnostics) names are escaped.
    assert "&lt;svg onload=window.pwned=4&gt;.py" in page and BROKEN_NAME not in page


def test_the_same_review_as_the_json_report(page: str, review: Review) -> None:
    data, report = data_block(page), json.loads(renderer("json")(review))
    strings = data["strings"]

    def listed(items: list[dict]) -> list[tuple]:
        return [(strings[f["rule"]], strings[f["p"]], f["l"], "CWE-" + f["cwe"], "CWE-" + f["pillar"],
                 strings[f["msg"]], strings[f["fix"]]) for f in items]

    def reported(items: list[dict]) -> list[tuple]:
        return [(f["rule_id"], f["path"], f["line"], f["cwe"], f["pillar"], f["message"], f["fix"]) for f in items]

    assert len(data["findings"]) == FINDINGS
    assert listed(data["findings"]) == reported(report["findings"])
    assert listed(data["suppressed"]) == reported(report["suppressed"])
    assert [strings[f["why"]] for f in data["suppressed"]] == [f["suppressed"] for f in report["suppressed"]]
    by_severity = {label: sum(f["sev"] == level for f in data["findings"])
                   for level, label in ((4, "critical"), (3, "high"), (2, "medium"), (1, "low"))}
    assert by_severity == SEVERITIES == report["summary"]["by_severity"]
    (flow,) = [f for f in data["findings"] if "flow" in f]
    assert [(strings[p], line, strings[d]) for p, line, d in flow["flow"]] == \
        [(s["path"], s["line"], s["description"]) for f in report["findings"] for s in f["flow"]]
    assert [[strings[fr[0]], fr[2]] for fr in data["files"]] == [[f["path"], f["findings"]] for f in report["files"]]
    # The page's own HTML: every category's verdict, every diagnostic, each reporting rule's documentation.
    for pillar in report["pillars"]:
        assert html.escape(pillar["summary"]) in page, pillar
    for diagnostic in report["diagnostics"]:
        assert f'{html.escape(diagnostic["path"])}:{diagnostic["line"]}</td><td class="diagnostic-kind">' \
            f'{diagnostic["kind"]}</td><td>{html.escape(diagnostic["message"])}</td>' in page
    for rule in {f["rule_id"] for f in report["findings"] + report["suppressed"]}:
        assert f'id="rule-{rule}"' in page


def test_excerpt_holds_the_lines_around_a_finding_and_the_flow_steps(page: str) -> None:
    data = data_block(page)
    strings = data["strings"]
    app = next(s for s in strings if s.endswith("app.py"))
    (flow,) = [f for f in data["findings"] if "flow" in f]
    assert flow["ex"] == [[flow["l"] - 2, flow["l"] + 2]]
    code = _code(data, app)
    assert code[12].strip() == 'subprocess.run(f"tar czf {target} /srv/data", shell=True)'
    assert {10, 11, 12, 13, 14} <= set(code) and 5 not in code  # the lines around it, not the whole file
    assert code[17].startswith("    subprocess.call(cmd")  # the suppressed finding's line too


def test_a_long_flagged_span_shows_its_first_and_last_lines() -> None:
    assert excerpt_ranges(10, 10) == [(8, 12)]
    assert excerpt_ranges(1, 3) == [(1, 5)]
    assert excerpt_ranges(10, 24) == [(8, 10 + KEPT - 1), (24 - KEPT + 1, 26)]


def test_code_comes_from_the_callers_text_and_a_stale_file_is_not_shown(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"
    review = review_source(code, "a.py")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("# another file of the same name\n" * 10)
    assert _code(data_block(render(review)), "a.py") == {5: "os.system(cmd)"}  # the flagged line alone
    given = _code(data_block(render(review, sources={"a.py": code})), "a.py")
    assert given == {3: "", 4: "def run(cmd):", 5: "    os.system(cmd)", 6: ""}


def test_line_numbers_are_those_of_the_parser_when_the_file_holds_form_feeds(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("import os\n\x0c\ndef run(cmd):\n    os.system(cmd)\n")
    review = review_paths([str(tmp_path / "f.py")])
    (finding,) = review.findings
    code = _code(data_block(render(review)), finding.location.path)
    assert code[finding.location.line] == "    os.system(cmd)"


def test_review_mode_reads_files_from_the_change_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n")
    monkeypatch.chdir(tmp_path)
    review = review_paths(["pkg/m.py"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    moved = replace(review, change=ChangeScope("the change HEAD~1..HEAD", 1, 5, 1, root=str(tmp_path)))
    page = render(moved)
    assert _code(data_block(page), "pkg/m.py")[4] == "def run(cmd):"
    assert "introduced by this change" in page


def test_cli_writes_an_html_report_for_scan_and_review(project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    out = tmp_path / "report.html"
    assert main(["scan", str(project), "--format", "html", "--output", str(out), "--no-cache"]) == 1
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and len(data_block(page)["findings"]) == FINDINGS
    diff = ("diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -11,0 +12,1 @@\n"
            '+    subprocess.run(f"tar czf {target} /srv/data", shell=True)\n')
    monkeypatch.chdir(project)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(diff.encode())))
    assert main(["review", "--diff", "-", "--format", "html", "--no-cache"]) == 1
    data = data_block(capsys.readouterr().out)
    assert [data["strings"][f["rule"]] for f in data["findings"]] == ["taint-command-injection"]
    assert _code(data, "app.py")[12].endswith("shell=True)")


def test_undecodable_file_names_do_not_stop_the_report(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff.py")
    try:
        (tmp_path / name).write_text("import os\nos.system(input())\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses undecodable names")
    page = render(review_paths([str(tmp_path)]))
    page.encode("utf-8")  # writable as UTF-8
    assert len(data_block(page)["findings"]) == 1


def test_a_clean_review_says_so(tmp_path: Path) -> None:
    page = render(review_source("x = 1\n", "c.py"))
    assert "No security defects are detected in the code</p>" in page
    assert data_block(page)["findings"] == []


def test_a_second_opinion_is_listed_and_its_findings_are_marked(tmp_path: Path) -> None:
    review = review_source("import os\n\n\ndef run(cmd):\n    os.system(cmd)\n", "a.py")
    (static,) = review.findings
    model = replace(static, source="llm", rule_id="llm-cwe-78", notes=("<b>a note</b>",), preexisting=True)
    opinion = SecondOpinion(model="model<i>", prompt_version="3", disagreements=(
        Disagreement("a.py", 5, "model-only", "78", "llm-cwe-78", "<script>window.pwned = 1</script>"),))
    files = (replace(review.files[0], findings=(static, model)),)
    page = render(replace(review, files=files, second_opinion=opinion))
    first, second = data_block(page)["findings"]
    assert "llm" not in first and "pre" not in first and "notes" not in first
    assert (second["llm"], second["pre"], second["notes"]) == (1, 1, ["<b>a note</b>"])
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page and "model&lt;i&gt;" in page
    assert len(Elements(page).named("script")) == 2 and not Elements(page).named("i")
    assert f'id="rule-{static.rule_id}"' in page and 'id="rule-llm-cwe-78"' not in page  # the model's has no doc
