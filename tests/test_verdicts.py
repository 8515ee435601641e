"""Per-pillar verdicts: golden outputs, and every cited line checked against the code.

Golden files hold the overall verdict and the ten pillar verdicts of a few
files (one corpus file per pillar and two clean examples of our own). After an
intended change, regenerate them with SECREVIEW_UPDATE_GOLDEN=1 and read the
diff; without it the test fails whenever the output changes.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from annotations import CORPUS, corpus_files

from secreview import review_paths, review_source
from secreview.config import Config
from secreview.model import NO_DEFECTS, Evidence, FileReview
from secreview.report import renderer

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
INPUTS = GOLDEN / "inputs"
CLEAN_INPUTS = sorted(INPUTS.glob("*.py"))
PER_PILLAR = [
    "cwe-284/permissions.py", "cwe-435/parsers.py", "cwe-664/lifetime.py", "cwe-682/division.py",
    "cwe-691/races.py", "cwe-693/csrf.py", "cwe-697/comparisons.py", "cwe-703/fail_open.py",
    "cwe-707/sql_injection.py", "cwe-710/debug.py",
]
UPDATE = os.environ.get("SECREVIEW_UPDATE_GOLDEN") == "1"


def _review(path: Path, name: str) -> FileReview:
    review = review_source(path.read_text("utf-8"), filename=name, config=Config())
    (file_review,) = review.files
    return file_review


def _golden_text(name: str, file_review: FileReview, verdict: str) -> str:
    lines = [f"# {name}", f"verdict: {verdict}", ""]
    for v in file_review.verdicts:
        lines.append(f"CWE-{v.pillar} [{v.status}] {v.summary}")
    return "\n".join(lines) + "\n"


def _golden_cases() -> list[tuple[str, Path]]:
    return [(name, CORPUS / name) for name in PER_PILLAR] + [(p.name, p) for p in CLEAN_INPUTS]


@pytest.mark.parametrize(("name", "path"), _golden_cases(), ids=lambda v: str(v))
def test_golden(name: str, path: Path) -> None:
    review = review_source(path.read_text("utf-8"), filename=name, config=Config())
    actual = _golden_text(name, review.files[0], review.verdict)
    expected_path = GOLDEN / (name.replace("/", "__") + ".txt")
    if UPDATE:
        expected_path.write_text(actual, "utf-8")
    assert expected_path.exists(), f"no golden file {expected_path.name}; run with SECREVIEW_UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text("utf-8"), (
        f"verdicts of {name} changed; if intended, regenerate with SECREVIEW_UPDATE_GOLDEN=1 and review the diff")


def test_golden_covers_every_pillar_and_two_clean_files() -> None:
    assert {name.split("/")[0] for name in PER_PILLAR} == {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert len(CLEAN_INPUTS) >= 2
    for path in CLEAN_INPUTS:
        review = review_source(path.read_text("utf-8"), filename=path.name, config=Config())
        assert review.verdict == NO_DEFECTS, [f.rule_id for f in review.findings]


def test_two_clean_files_read_differently() -> None:
    first, second = (_review(p, p.name) for p in CLEAN_INPUTS[:2])
    differing = [a.pillar for a, b in zip(first.verdicts, second.verdicts) if a.summary != b.summary]
    assert len(differing) >= 5, differing
    for file_review in (first, second):
        assert all(v.status == "clean" and "no defect found by this pillar" not in v.summary
                   for v in file_review.verdicts)


# -- every cited line holds the construct its fact names ------------------------------

_CALL_KINDS = re.compile(
    r"^(664:(acquire|deserialise|path|fetch)|703:(timeout|no-timeout|checked|unchecked)|707:sink|284:permission|"
    r"284:listener|435:parser|693:(hash|kdf|hmac|cipher|random|tls|jwt|csrf$)|697:(prefix|constant-time)|"
    r"682:input-number|691:(recursion|check|use-after-check)|710:deprecated-call)")


_ALIASES: dict[str, str] = {}  # local name -> imported name, for the file being checked


def _aliases(tree: ast.AST) -> dict[str, str]:
    """`from yaml import load as yload` -> {'yload': 'load'}: what an imported alias really calls."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name.rsplit(".", 1)[-1]
    return found


def _last_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return _ALIASES.get(func.id, func.id)
    if isinstance(func, ast.Call):
        if _last_name(func.func) == "getattr" and len(func.args) == 2 and isinstance(func.args[1], ast.Constant):
            return str(func.args[1].value)  # getattr(builtins, "eval")(...) calls eval
        return _last_name(func.func)
    return ""


def _named_callee(text: str) -> str:
    """'sock.close()' -> 'close', 'requests.get timeout=10' -> 'get', 'os.remove(path)' -> 'remove'."""
    return text.split(" ")[0].split("(")[0].rsplit(".", 1)[-1]


def _in_finally(tree: ast.AST, line: int) -> bool:
    return any(isinstance(node, ast.Try) and any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in node.finalbody)
               for node in ast.walk(tree))


def _holds(fact: Evidence, nodes: list[ast.AST], tree: ast.AST) -> bool:
    """Whether the nodes starting on the fact's line include the construct its kind names."""
    kind = fact.kind
    calls = [n for n in nodes if isinstance(n, ast.Call)]
    of = lambda *types: [n for n in nodes if isinstance(n, types)]
    if kind.startswith("703:handler-"):
        handlers = of(ast.ExceptHandler)
        action = kind.rsplit("-", 1)[-1]
        if action == "reraise":
            return any(isinstance(s, ast.Raise) and s.exc is None for h in handlers for s in ast.walk(h))
        if action == "return":
            return any(isinstance(s, ast.Return) for h in handlers for s in ast.walk(h))
        if action == "pass":
            return any(all(isinstance(s, (ast.Pass, ast.Expr)) for s in h.body) for h in handlers)
        return bool(handlers)
    if kind in ("664:release", "664:release-finally"):
        found = any(_last_name(c.func) == _named_callee(fact.text) for c in calls)
        return found and (kind == "664:release" or _in_finally(tree, fact.line))
    if kind == "664:release-with":
        return any(isinstance(n, (ast.Name, ast.Attribute)) for n in nodes) and any(
            isinstance(w, (ast.With, ast.AsyncWith)) and any(i.context_expr.lineno == fact.line for i in w.items)
            for w in ast.walk(tree))
    if kind == "664:cleanup":
        return any(_last_name(c.func) in ("addCleanup", "addAsyncCleanup", "addClassCleanup", "callback",
                                          "push_async_callback", "addfinalizer", "register", "finalize")
                   for c in calls)
    if kind == "664:fixture":
        return any(any(_last_name(d) == "fixture" for d in f.decorator_list)
                   and any(isinstance(y, (ast.Yield, ast.YieldFrom)) for y in ast.walk(f))
                   for f in of(ast.FunctionDef, ast.AsyncFunctionDef))
    if kind == "707:source":
        name = _named_callee(fact.text)
        return any(isinstance(n, ast.Attribute) and n.attr == name for n in nodes) or any(
            _last_name(c.func) == name for c in calls)
    if kind == "707:sink-argv":
        return any(c.args and isinstance(c.args[0], (ast.List, ast.Tuple)) for c in calls)
    if kind in ("284:route", "284:route-protected", "284:authz-decorator", "693:csrf-exempt"):
        return any(f.decorator_list and f.name == fact.text.split(" ")[0]
                   for f in of(ast.FunctionDef, ast.AsyncFunctionDef))
    if kind == "284:authz-class":
        return bool(of(ast.ClassDef))
    if kind == "284:auth-check":
        name = _named_callee(fact.text)
        return any(isinstance(n, ast.Attribute) and n.attr == name for n in nodes)
    if kind.startswith(("284:credential", "693:setting")):
        return bool(of(ast.Assign, ast.AnnAssign))
    if kind == "693:middleware":
        return bool(calls) or any(isinstance(n, ast.Constant) and fact.text in str(n.value) for n in nodes)
    if kind.startswith("697:compare-"):
        return bool(of(ast.Compare))
    if kind.startswith("682:division-"):
        return any(isinstance(b.op, (ast.Div, ast.FloorDiv, ast.Mod)) for b in of(ast.BinOp))
    if kind.startswith("691:assert"):
        return bool(of(ast.Assert))
    if kind.startswith("691:loop-forever"):
        return bool(of(ast.While))
    if kind == "691:loop-on-input":
        return bool(of(ast.For, ast.AsyncFor))
    if kind.startswith("710:import"):
        return bool(of(ast.Import, ast.ImportFrom))
    if kind.startswith("710:debug-"):
        return bool(of(ast.Assign) or calls)
    if _CALL_KINDS.match(kind):
        return any(_last_name(c.func) == _named_callee(fact.text) for c in calls)
    raise AssertionError(f"no construct known for fact kind {kind}")


_CITED = re.compile(r"\blines? (\d+(?:(?:, | and )\d+)*)")


def cited_lines(summary: str) -> set[int]:
    """Line numbers a sentence cites ('lines 3, 8 and 12', not the count in 'and 2 more')."""
    numbers: set[int] = set()
    for match in _CITED.finditer(re.sub(r" and \d+ more", "", summary)):
        numbers.update(int(n) for n in re.split(r", | and ", match.group(1)))
    return numbers


def _reviewed_files() -> list[tuple[str, str]]:
    files = [(p.relative_to(CORPUS).as_posix(), p.read_text("utf-8")) for p in corpus_files()]
    return files + [(p.name, p.read_text("utf-8")) for p in CLEAN_INPUTS]


def test_every_cited_line_holds_the_named_construct() -> None:
    problems: list[str] = []
    facts_seen = 0
    for name, source in _reviewed_files():
        tree = ast.parse(source)
        _ALIASES.clear()
        _ALIASES.update(_aliases(tree))
        at_line: dict[int, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if hasattr(node, "lineno"):
                at_line.setdefault(node.lineno, []).append(node)
        line_count = len(source.splitlines())
        file_review = _review_from(name, source)
        for verdict in file_review.verdicts:
            evidence_lines = {e.line for e in verdict.evidence}
            if verdict.status == "clean":
                missing = cited_lines(verdict.summary) - evidence_lines
                if missing:
                    problems.append(f"{name} CWE-{verdict.pillar}: cites lines {sorted(missing)} without evidence")
            for fact in verdict.evidence:
                facts_seen += 1
                assert fact.kind.startswith(f"{verdict.pillar}:"), (name, fact)
                if not 1 <= fact.line <= line_count:
                    problems.append(f"{name}:{fact.line}: {fact.kind} cites a line outside the file")
                elif not _holds(fact, at_line.get(fact.line, []), tree):
                    problems.append(f"{name}:{fact.line}: no {fact.kind} construct for {fact.text!r}")
    assert facts_seen > 200
    assert not problems, "\n".join(problems)


def _review_from(name: str, source: str) -> FileReview:
    return review_source(source, filename=name, config=Config()).files[0]


def test_cited_lines_parser() -> None:
    assert cited_lines("closed on line 5; lines 3, 8 and 12 and 4 more; lines 20 and 21") == {3, 5, 8, 12, 20, 21}


# -- content of sentences --------------------------------------------------------------


def test_resource_released_by_cleanup_and_one_not_released() -> None:
    code = (
        "import socket\n"
        "class T:\n"
        "    def test_a(self):\n"
        "        server = self.create_server(name='a')\n"
        "        self.addCleanup(self.delete_server, server['id'])\n"
        "        sock = socket.socket()\n"
        "        sock.connect(('h', 1))\n"
    )
    review = review_source(code, filename="tests/test_a.py", config=Config())
    verdict = next(v for v in review.verdicts if v.pillar == "664")
    assert "the server created on line 4 is released by the cleanup registered on line 5" in verdict.summary
    assert "the socket created on line 6 is not released in this file" in verdict.summary


def test_nothing_found_says_what_was_looked_for() -> None:
    review = review_source("x = 1\n", filename="a.py", config=Config())
    summaries = {v.pillar: v.summary for v in review.verdicts}
    assert "no command, code, SQL, template, LDAP, XPath or HTML-response sink" in summaries["707"]
    assert "no exception handler" in summaries["703"]
    assert review.verdict == NO_DEFECTS


def test_findings_pillar_keeps_its_count_and_suppressed_findings_leave_the_exact_verdict() -> None:
    review = review_source("import os\nos.system(cmd)\n", filename="a.py", config=Config())
    assert next(v for v in review.verdicts if v.pillar == "707").status == "findings"
    waived = review_source("import os\nos.system(cmd)  # secreview: ignore[command-injection-shell] vetted\n",
                           filename="a.py", config=Config())
    assert waived.verdict == NO_DEFECTS == "No security defects are detected in the code"


# -- project level and the machine-readable formats ---------------------------------------


def test_project_summary_counts_over_files_with_examples(tmp_path: Path) -> None:
    for path in CLEAN_INPUTS:
        (tmp_path / path.name).write_text(path.read_text("utf-8"), "utf-8")
    review = review_paths([tmp_path], Config())
    verdict = next(v for v in review.verdicts if v.pillar == "664")
    assert verdict.summary.startswith(f"across {len(CLEAN_INPUTS)} files: ")
    assert verdict.evidence and all(e.path.startswith(str(tmp_path)) for e in verdict.evidence)
    for example in verdict.evidence:
        assert f"{example.path}:{example.line}" in verdict.summary
    text = renderer("text")(review, per_file=True)
    for path in CLEAN_INPUTS:
        file_review = next(f for f in review.files if f.path.endswith(path.name))
        assert next(v for v in file_review.verdicts if v.pillar == "664").summary in " ".join(text.split())
    markdown = renderer("markdown")(review, per_file=True)
    assert "Per file" in markdown and markdown.count("CWE-664 ") >= 1 + len(CLEAN_INPUTS)


def test_json_and_sarif_carry_structured_evidence() -> None:
    path = INPUTS / "test_live_migration.py"
    review = review_source(path.read_text("utf-8"), filename=path.name, config=Config())
    data = json.loads(renderer("json")(review))
    (file_entry,) = data["files"]
    resources = next(p for p in file_entry["pillars"] if p["pillar"] == "CWE-664")
    assert resources["status"] == "clean"
    kinds = {(e["kind"], e["line"]) for e in resources["evidence"]}
    assert ("664:cleanup", 21) in kinds and ("664:release-finally", 45) in kinds
    assert any(e.get("subject") == "self.server@17" for e in resources["evidence"])
    from test_sarif import sarif  # renders and validates against the SARIF 2.1.0 schema

    pillars = sarif(review)["runs"][0]["properties"]["secreview"]["pillars"]
    assert next(p for p in pillars if p["pillar"] == "CWE-664")["evidence"] == resources["evidence"]
    schema = json.loads((TESTS.parent / "src/secreview/report/schema/report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


def test_a_file_that_cannot_be_parsed_gets_no_verdict_sentences() -> None:
    review = review_source("def broken(:\n", filename="bad.py", config=Config())
    (file_review,) = review.files
    assert {v.status for v in file_review.verdicts} == {"not-reviewed"}
    data = json.loads(renderer("json")(review))
    assert {p["status"] for p in data["files"][0]["pillars"]} == {"not-reviewed"}
    schema = json.loads((TESTS.parent / "src/secreview/report/schema/report.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


def test_attribute_acquired_in_setup_is_released_in_teardown() -> None:
    code = (
        "import sqlite3\n"
        "class DbTest:\n"
        "    def tearDown(self):\n"
        "        self.conn.close()\n"
        "    def setUp(self):\n"
        "        self.conn = sqlite3.connect(':memory:')\n"
        "def other():\n"
        "    conn = sqlite3.connect('x.db')\n"
        "    return conn.cursor()\n"
    )
    summary = next(v.summary for v in review_source(code, filename="test_db.py", config=Config()).verdicts
                   if v.pillar == "664")
    assert "the connection opened on line 6 is released by self.conn.close() in tearDown on line 4" in summary
    assert "the connection opened on line 8 is not released in this file" in summary


def test_many_resources_are_summarised_not_listed_one_by_one() -> None:
    code = "import socket\n" + "".join(f"def f{i}():\n    s = socket.socket()\n    s.close()\n" for i in range(200))
    verdict = next(v for v in review_source(code, filename="many.py", config=Config()).verdicts if v.pillar == "664")
    assert verdict.summary == ("sockets created on lines 3, 6, 9, 12 and 196 more are each released, "
                               "on lines 4, 7, 10, 13 and 196 more")
    assert len(verdict.evidence) == 40


def test_files_opened_through_a_method_are_resources() -> None:
    """`path.open()` acquires a file even when the receiver's type is unknown; webbrowser.open does not."""
    from secreview import review_source

    code = ("import webbrowser\n\ndef count(path):\n    with path.open(encoding='utf-8') as handle:\n"
            "        return sum(1 for _ in handle)\n\nwebbrowser.open('https://example.org')\n")
    verdict = next(v for v in review_source(code, "m.py").verdicts if v.pillar == "664")
    assert "line 4" in verdict.summary and "with-block" in verdict.summary
    assert all(e.line != 7 for e in verdict.evidence)


def test_release_chosen_for_a_multi_name_acquisition_does_not_depend_on_the_hash_seed(tmp_path) -> None:
    """`fd, name = mkstemp()` is released by both `os.close(fd)` and `os.unlink(name)`: the
    sentence must cite the same one under every PYTHONHASHSEED (set order once decided it)."""
    import os
    import subprocess
    import sys

    source = tmp_path / "store.py"
    source.write_text(
        "import os\nimport tempfile\n\n\ndef save(data):\n    fd, name = tempfile.mkstemp()\n    try:\n"
        "        os.write(fd, data)\n    finally:\n        os.close(fd)\n        os.unlink(name)\n"
    )
    sentences = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run([sys.executable, "-m", "secreview", "scan", str(source), "--no-cache", "--format", "json"],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=60)
        pillars = __import__("json").loads(done.stdout)["files"][0]["pillars"]
        sentences.add(next(p["summary"] for p in pillars if p["pillar"] == "CWE-664"))
    assert len(sentences) == 1, sentences
    assert "os.close(fd) in a finally block on line 10" in sentences.pop()
