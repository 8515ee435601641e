"""Inline suppressions are honoured, need to match, and are counted."""

from __future__ import annotations

from secreview import review_source
from secreview.report.text import render

CODE = """import subprocess, yaml
subprocess.call(cmd, shell=True)  # secreview: ignore[command-injection-shell] cmd is built from constants upstream
subprocess.call(cmd, shell=True)  # secreview: ignore[yaml-unsafe-load] wrong rule id
subprocess.call(cmd, shell=True)  # nosec B602
subprocess.call(cmd, shell=True)  # nosec B101
yaml.load(data)  # nosec
subprocess.call(
    cmd, shell=True)  # secreview: ignore
text = "# secreview: ignore"; subprocess.call(cmd, shell=True)
"""


def test_suppressions() -> None:
    review = review_source(CODE, "s.py")
    reported = [f.location.line for f in review.findings]
    waived = {f.location.line: f.suppressed for f in review.suppressed}
    assert reported == [3, 5, 9]
    assert set(waived) == {2, 4, 6, 7}
    assert waived[2] == "cmd is built from constants upstream"
    assert waived[4] == "nosec"
    assert "4 findings suppressed inline" in render(review)
