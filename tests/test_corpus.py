"""Every annotation in the labelled corpus holds, both ways.

For each corpus file: every `# ruleid:` line is reported by that rule, every
`# ok:` line is not, and no rule reports a line that carries no `ruleid`
label for it (an unlabelled finding is a false positive until someone labels
it). Precision and recall per pillar are printed by bench/corpus_report.py
from the same labels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from annotations import CORPUS, corpus_files, corpus_review, labels

from secreview.rules import REGISTRY

FILES = corpus_files()


def test_corpus_is_not_empty() -> None:
    assert len(FILES) >= 10
    assert sum(len(labels(p)) for p in FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_annotations(path: Path) -> None:
    # Reviewed under its path inside the corpus, so that only files the corpus
    # itself names as tests (test_*.py, tests/) are treated as test code.
    # Files of a `*_project` directory are reviewed together (cross-module cases): annotations.corpus_review.
    findings, diagnostics = corpus_review(path)
    assert not diagnostics, diagnostics
    reported = {(f.rule_id, f.location.line) for f in findings}
    # A taint finding replaces a pattern finding of the same CWE on the same sink line
    # (secreview.analysis.taint_project), so it answers for that pattern rule's labels.
    merged = {(f.cwe, f.location.line): (f.rule_id, f.location.line) for f in findings
              if "taint" in REGISTRY[f.rule_id].tags}
    problems = []
    expected_hits = set()
    for label in labels(path):
        assert label.rule_id in REGISTRY, f"{path.name}:{label.line}: unknown rule {label.rule_id}"
        hit = (label.rule_id, label.line) in reported
        replaced = merged.get((REGISTRY[label.rule_id].cwe, label.line))
        if label.expected and not hit and replaced is not None:
            hit = True
            expected_hits.add(replaced)
        if label.expected:
            expected_hits.add((label.rule_id, label.line))
            if not hit:
                problems.append(f"line {label.line}: {label.rule_id} expected but not reported")
        elif hit:
            problems.append(f"line {label.line}: {label.rule_id} reported on a line labelled ok")
    for rule_id, line in sorted(reported - expected_hits):
        problems.append(f"line {line}: {rule_id} reported without a ruleid label")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_every_rule_has_flagged_and_safe_cases() -> None:
    flagged, safe = set(), set()
    for path in FILES:
        for label in labels(path):
            (flagged if label.expected else safe).add(label.rule_id)
    missing = sorted(set(REGISTRY) - flagged) + [f"{r} (no ok twin)" for r in sorted(set(REGISTRY) - safe)]
    assert not missing, "rules without corpus cases: " + ", ".join(missing)


def test_rules_that_skip_test_modules_never_report_there() -> None:
    """A rule declared `tests=False` is not run on test modules at all (`Dispatch.for_file`); the
    declaration must not hide anything: run it anyway on every corpus file, placed under `tests/`."""
    import ast

    from secreview.rules.base import Context
    from secreview.rules.engine import Dispatch, Walker

    quiet = [r for r in REGISTRY.values() if not r.tests]
    dispatch = Dispatch(quiet, collectors=())
    reported = []
    for path in FILES:
        source = path.read_text("utf-8")
        ctx = Context(f"tests/{path.relative_to(CORPUS).as_posix()}", source, ast.parse(source))
        assert ctx.is_test
        Walker(ctx, dispatch).run()
        reported += [f"{path.name}:{f.location.line} {f.rule_id}" for f in ctx.findings]
    assert not reported, "rules declared tests=False report in test modules: " + ", ".join(reported)


def test_test_modules_skip_exactly_the_rules_declared_to_skip_them() -> None:
    from secreview.rules.engine import Dispatch

    rules = list(REGISTRY.values())
    dispatch = Dispatch(rules, collectors=())
    assert dispatch.for_file(False) is dispatch
    in_tests = dispatch.for_file(True)
    ran = {item.id for table in (in_tests.by_type, in_tests.by_call, in_tests.by_method, in_tests.by_attr)
           for items in table.values() for item in items}
    everywhere = {item.id for table in (dispatch.by_type, dispatch.by_call, dispatch.by_method, dispatch.by_attr)
                  for items in table.values() for item in items}
    assert ran == everywhere - {r.id for r in rules if not r.tests}
