"""Text, markdown and JSON carry the same review, safely."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from secreview import review_source
from secreview.core.model import NO_DEFECTS
from secreview.report import renderer

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "src/secreview/report/schema/report.schema.json").read_text())
CODE = "import subprocess\nsubprocess.call(cmd, shell=True)  # <script>alert(1)</script> `x` ## \x1b[31m\n"


def test_json_matches_schema_and_content() -> None:
    review = review_source(CODE, "a.py")
    data = json.loads(renderer("json")(review))
    jsonschema.validate(data, SCHEMA)
    (finding,) = data["findings"]
    assert finding["cwe"] == "CWE-78" and finding["pillar"] == "CWE-707"
    assert finding["line"] == 2 and finding["fix"]
    assert [p["pillar"] for p in data["pillars"]][0] == "CWE-284"
    assert data["summary"]["by_severity"]["high"] == 1


def test_clean_json() -> None:
    data = json.loads(renderer("json")(review_source("x = 1\n", "c.py")))
    jsonschema.validate(data, SCHEMA)
    assert data["verdict"] == NO_DEFECTS
    assert all(p["status"] == "clean" for p in data["pillars"])


def test_diagnostic_in_every_format() -> None:
    review = review_source("def (:\n", "broken.py")
    for fmt in ("text", "markdown", "json", "sarif"):
        assert "syntax-error" in renderer(fmt)(review), fmt


def test_text_neutralises_terminal_escapes() -> None:
    text = renderer("text")(review_source(CODE, "a.py"))
    assert "\x1b" not in text and "\\x1b" in text


def _outside_code_blocks(markdown: str) -> list[str]:
    """Lines that markdown renders as markup (code fences render verbatim)."""
    lines, fence = [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped == fence:
            fence = None
        elif fence is None:
            lines.append(line)
    return lines


def test_markdown_cannot_be_restructured_by_reviewed_code() -> None:
    tricky = CODE + "x = 1\nsubprocess.call(y + '````', shell=True)  # ```\n# heading\n"
    markdown = renderer("markdown")(review_source(tricky, "a.py"))
    assert "\x1b" not in markdown
    rendered = _outside_code_blocks(markdown)
    assert not any("<script>" in line for line in rendered)
    assert not any(line.startswith("# heading") for line in rendered)
    # Both findings' fixes are outside fences: the fence in the code did not swallow them.
    assert sum(line.strip().startswith("**Fix:**") for line in rendered) == 2


def test_text_report_is_organised_by_pillar() -> None:
    text = renderer("text")(review_source(CODE + "import yaml\nyaml.load(x)\n", "a.py"))
    assert text.index("CWE-664 Improper Control") < text.index("CWE-707 Improper Neutralization")
    assert "No defect found for the other 8 categories" in text


def test_json_text_is_the_standard_encoding_of_to_dict(tmp_path: Path) -> None:
    """`render` writes each file's entry from pre-encoded verdicts (those citing nothing encoded once);
    the text must be what encoding `to_dict`'s value item by item writes, byte for byte."""
    from secreview import review_paths
    from secreview.report import json as json_report
    from secreview.report import jsontext

    corpus = Path(__file__).resolve().parent / "corpus"
    (tmp_path / "é_unicode.py").write_text('"""ünïcode \\u2028 \\x00 "q"."""\nwith open(p) as f:\n    f.read()\n', "utf-8")
    (tmp_path / "broken.py").write_text("def (:\n", "utf-8")
    (tmp_path / "empty.py").write_text("", "utf-8")
    review = review_paths([str(corpus / "cwe-664"), str(corpus / "cwe-707"), str(tmp_path)])
    assert {v.status for f in review.files for v in f.verdicts} == {"findings", "clean", "not-reviewed"}
    assert any(not v.evidence for f in review.files for v in f.verdicts)
    assert any(v.evidence for f in review.files for v in f.verdicts)
    expected = jsontext.dumps(json_report.to_dict(review), flat_lists=("files",)) + "\n"
    assert renderer("json")(review) == expected
