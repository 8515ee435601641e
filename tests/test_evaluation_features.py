"""Code run by design (a profile script read from the user's home, a management command's -c,
the line a cmd.Cmd console's user typed) is a low-severity finding that says so; code from
elsewhere keeps the rule's severity; an import loader's exec of module code is not reported."""

from __future__ import annotations

from pathlib import Path

from secreview import review_source
from secreview.core.model import Severity

CORPUS = Path(__file__).parent / "corpus" / "cwe-707" / "evaluation_by_design.py"
SOURCE = CORPUS.read_text()


def _line_of(text: str) -> int:
    """The line of the first statement containing `text` (the corpus file's own layout)."""
    return next(number for number, line in enumerate(SOURCE.splitlines(), 1) if text in line and "#" not in line)


def _eval_findings(code: str, path: str):  # type: ignore[no-untyped-def]
    return {f.location.line: f for f in review_source(code, path).findings if f.rule_id == "code-injection-eval"}


def test_features_are_low_with_a_by_design_message() -> None:
    found = _eval_findings(SOURCE, "app/features.py")
    features = [_line_of("exec(open(profile)"), _line_of("exec(compile(startup_code"), _line_of('exec(options["command"]'), _line_of("eval(args, {})"),
                _line_of('compile(args + "\\n"'), _line_of("exec(code, {})")]
    others = [_line_of('return compile(source, filename, "exec")'), _line_of("exec(self.source, namespace)")]
    assert sorted(found) == sorted(features + others)
    for line in features:
        assert found[line].severity is Severity.LOW and "by design" in found[line].message, line
    for line in others:
        assert found[line].severity is Severity.HIGH and "by design" not in found[line].message, line


def test_an_import_loader_running_module_code_is_not_reported() -> None:
    found = _eval_findings(SOURCE, "app/features.py")
    assert _line_of("exec(code, module.__dict__)") not in found
    assert _line_of("code = compile(self.source, module.__name__") not in found


def test_other_code_keeps_its_severity() -> None:
    found = _eval_findings("def run(handler, snippet):\n    exec(snippet)\n", "app/run.py")
    assert [(line, f.severity) for line, f in found.items()] == [(2, Severity.HIGH)]
