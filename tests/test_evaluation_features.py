"""Code run by design (a profile script read from the user's home, a management command's -c)
is a low-severity finding that says so; code from elsewhere keeps the rule's severity."""

from __future__ import annotations

from pathlib import Path

from secreview import review_source
from secreview.model import Severity

CORPUS = Path(__file__).parent / "corpus" / "cwe-707" / "evaluation_by_design.py"

OTHER = '''\
def run(handler, snippet):
    exec(snippet)
'''


def _eval_findings(code: str, path: str):  # type: ignore[no-untyped-def]
    return {f.location.line: f for f in review_source(code, path).findings if f.rule_id == "code-injection-eval"}


def test_features_are_low_with_a_by_design_message() -> None:
    found = _eval_findings(CORPUS.read_text(), "app/features.py")
    assert sorted(found) == [18, 36, 43]
    assert found[18].severity is Severity.HIGH and "by design" not in found[18].message
    for line in (36, 43):
        assert found[line].severity is Severity.LOW
        assert "by design" in found[line].message


def test_other_code_keeps_its_severity() -> None:
    found = _eval_findings(OTHER, "app/run.py")
    assert [(line, f.severity) for line, f in found.items()] == [(2, Severity.HIGH)]
