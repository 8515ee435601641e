"""Mechanical fixes: on every corpus case they apply to, the fixed code parses, the finding is gone,
no other finding appears, and every line the fix does not touch is kept byte for byte."""

from __future__ import annotations

import difflib
import json
import os
import stat
from collections import Counter
from pathlib import Path

import pytest
from annotations import CORPUS, corpus_files

from secreview import review_source
from secreview.cli import main
from secreview.fixes import FIXERS, Fix, fixable_rules, fixer, fixes_for
from secreview.fixes.files import _lines, plan, write
from secreview.fixes.text import Edit, Pos, apply
from secreview.settings.config import Config

# The rules whose corpus cases must get a fix (taint rules share their pattern rule's fixer).
FIXED_RULES = {
    "yaml-unsafe-load", "taint-unsafe-deserialization", "numpy-load-allow-pickle", "torch-load-unsafe",
    "tls-verification-disabled", "tar-extract-unfiltered", "insecure-random-for-secret", "xml-entity-expansion",
    "identity-comparison-with-literal", "debug-mode-enabled", "debug-setting-enabled", "command-injection-shell",
    "taint-command-injection", "insecure-tempfile-mktemp",
}

# Rules the engine reports only when the same value reaches no worse sink (a file-existence oracle
# next to a command injection): fixing the worse sink uncovers them, which is not a finding the fix adds.
# Argument injection too: `tar czf out.tgz {path}` run by a shell took `--to-command=...` as an option
# as well; the argument list the fix writes only makes that visible to the argv sink.
UNCOVERED_BY_A_FIX = {"taint-path-oracle", "taint-argument-injection"}


def _review(text: str, name: str):
    return review_source(text, filename=name, config=Config())


def _corpus_fixes() -> list[tuple[str, str, Fix]]:
    found = []
    for path in corpus_files():
        name = path.relative_to(CORPUS).as_posix()
        text = path.read_text("utf-8")
        found.extend((name, text, fix) for fix in fixes_for(name, text, _review(text, name).findings))
    return found


CORPUS_FIXES = _corpus_fixes()


def _touched_lines(edits: tuple[Edit, ...]) -> set[int]:
    """Original lines (1-based) an edit may change; an insertion of whole lines at a line start touches none."""
    lines: set[int] = set()
    for edit in edits:
        if edit.start == edit.end and edit.start.column == 0 and edit.text.endswith("\n"):
            continue
        lines.update(range(edit.start.line, edit.end.line + 1))
    return lines


def test_at_least_eight_rules_have_fixes_on_the_corpus() -> None:
    fixed = {fix.finding.rule_id for _, _, fix in CORPUS_FIXES}
    assert fixed >= FIXED_RULES, FIXED_RULES - fixed
    assert len(fixed - {r for r in fixed if r.startswith("taint-")}) >= 8
    assert fixable_rules() >= fixed


@pytest.mark.parametrize("name,text,fix", CORPUS_FIXES,
                         ids=[f"{n}:{f.finding.location.line}:{f.finding.rule_id}" for n, _, f in CORPUS_FIXES])
def test_fix_removes_its_finding_and_nothing_else_changes(name: str, text: str, fix: Fix) -> None:
    fixed = apply(text, fix.edits)
    compile(fixed, name, "exec")  # parses (a SyntaxError fails the test)
    touched = _touched_lines(fix.edits)
    old_line: dict[int, int] = {}  # a line of the fixed text -> the line it was (or replaced)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, _lines(text), _lines(fixed), autojunk=False).get_opcodes():
        if tag != "equal":
            assert set(range(i1 + 1, i2 + 1)) <= touched, f"lines {i1 + 1}-{i2} changed outside the fix"
        for j in range(j1, j2):
            old_line[j + 1] = (i1 + j - j1 if tag == "equal" else i1) + 1
    before = Counter((f.rule_id, f.location.line) for f in _review(text, name).findings)
    after = Counter((f.rule_id, old_line[f.location.line]) for f in _review(fixed, name).findings)
    before[(fix.finding.rule_id, fix.finding.location.line)] -= 1
    uncovered = Counter({key: n for key, n in (after - before).items() if key[0] in UNCOVERED_BY_A_FIX})
    assert after - uncovered == +before, "the fix must remove exactly its own finding and add none"


def test_all_fixes_of_a_file_apply_together() -> None:
    by_file: dict[str, list[Fix]] = {}
    texts = {}
    for name, text, fix in CORPUS_FIXES:
        by_file.setdefault(name, []).append(fix)
        texts[name] = text
    from secreview.fixes import combine

    for name, fixes in by_file.items():
        fixed, applied = combine(texts[name], fixes)
        assert applied, name
        compile(fixed, name, "exec")
        remaining = {(f.rule_id, f.source_line) for f in _review(fixed, name).findings}
        assert not remaining & {(f.finding.rule_id, f.finding.source_line) for f in applied}, name


# -- where a fix must not be offered --------------------------------------------------------

@pytest.mark.parametrize("code", [
    # the name reaches os.mkdir: a file already there would break it
    "import os, tempfile\ndef f():\n    d = tempfile.mktemp()\n    os.mkdir(d)\n",
    # returned: what the caller does with it is unknown
    "import tempfile\ndef f():\n    return tempfile.mktemp()\n",
    # opened with "x": fails on a file that exists
    "import tempfile\ndef f():\n    p = tempfile.mktemp()\n    open(p, 'x').close()\n",
])
def test_mktemp_is_left_alone_unless_the_name_is_only_a_path(code: str) -> None:
    findings = [f for f in _review(code, "app.py").findings if f.rule_id == "insecure-tempfile-mktemp"]
    assert findings
    assert fixes_for("app.py", code, findings) == []


@pytest.mark.parametrize("code", [
    "import subprocess\ndef f(n):\n    subprocess.run('ls ' + n + ' | wc -l', shell=True)\n",  # a pipe
    "import subprocess\ndef f(n):\n    subprocess.run(n + ' --help', shell=True)\n",  # the program is a value
    "import subprocess\ndef f(n):\n    subprocess.run(\"grep '\" + n + \"' log\", shell=True)\n",  # quoting
    "import os\ndef f(n):\n    os.system('ping ' + n)\n",  # os.system returns a status, not a process
])
def test_shell_commands_that_are_not_plain_words_keep_their_shell(code: str) -> None:
    findings = [f for f in _review(code, "app.py").findings if "command" in f.rule_id]
    assert findings
    assert fixes_for("app.py", code, findings) == []


def test_a_new_import_never_shadows_a_name_the_file_uses() -> None:
    code = ("import random\nsecrets = {}\n\ndef token():\n    session_id = random.getrandbits(128)\n"
            "    return session_id\n")
    findings = [f for f in _review(code, "app.py").findings if f.rule_id == "insecure-random-for-secret"]
    assert findings
    assert fixes_for("app.py", code, findings) == []
    unshadowed = code.replace("secrets = {}", "cache = {}")
    fixes = fixes_for("app.py", unshadowed, _review(unshadowed, "app.py").findings)
    assert apply(unshadowed, fixes[0].edits).startswith("import random\nimport secrets\ncache = {}\n")


def test_removing_an_argument_keeps_every_comment_or_is_not_offered() -> None:
    above = "import requests\nrequests.get(\n    'https://x',\n    # staging only\n    verify=False,\n    timeout=5,\n)\n"
    fixed = apply(above, fixes_for("app.py", above, _review(above, "app.py").findings)[0].edits)
    assert fixed == "import requests\nrequests.get(\n    'https://x',\n    # staging only\n    timeout=5,\n)\n"
    beside = "import requests\nrequests.get(\n    'https://x',\n    verify=False,  # staging only\n    timeout=5,\n)\n"
    findings = _review(beside, "app.py").findings
    assert [f.rule_id for f in findings] == ["tls-verification-disabled"]
    assert fixes_for("app.py", beside, findings) == []  # the comment would go with the argument


def test_a_fix_whose_result_would_not_parse_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import yaml\nyaml.load(data)\n"
    findings = _review(code, "app.py").findings

    @fixer("yaml-unsafe-load")
    def broken(site):
        return "break it", (Edit(Pos(2, 0), Pos(2, 4), "yaml ."),)

    monkeypatch.setitem(FIXERS, "yaml-unsafe-load", [broken])
    assert fixes_for("app.py", code, findings) == []


def test_findings_from_another_version_of_the_file_get_no_fix() -> None:
    code = "import yaml\nyaml.load(data)\n"
    findings = _review(code, "app.py").findings
    assert fixes_for("app.py", "import yaml\n\nyaml.load(data)\n", findings) == []


# -- files ------------------------------------------------------------------------------

LATIN1 = ('# -*- coding: latin-1 -*-\r\n"""Caf\xe9."""\r\nimport yaml\r\n\r\n\r\ndef read(text):\r\n'
          '    return yaml.load(text)  # \xe9t\xe9\r\n')


def _scan(tmp_path: Path, *options: str) -> int:
    return main(["scan", str(tmp_path), "--no-cache", "--jobs", "1", *options])


def test_fix_writes_in_place_keeping_encoding_line_ends_and_mode(tmp_path: Path, capsys) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(LATIN1.encode("latin-1"))
    target.chmod(0o640)
    assert _scan(tmp_path, "--fix", "--format", "json") == 0  # what remains after the fix: nothing
    assert target.read_bytes() == LATIN1.replace("yaml.load", "yaml.safe_load").encode("latin-1")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]  # no temporary file left behind


def test_diff_shows_the_fix_and_writes_nothing(tmp_path: Path, capsys) -> None:
    target = tmp_path / "app.py"
    target.write_bytes(LATIN1.encode("latin-1"))
    assert _scan(tmp_path, "--diff") == 1
    out = capsys.readouterr().out
    assert "-    return yaml.load(text)  # \xe9t\xe9\r\n+    return yaml.safe_load(text)  # \xe9t\xe9\r\n" in out
    assert out.startswith(f"--- a/{(tmp_path / 'app.py').as_posix()}")
    assert target.read_bytes() == LATIN1.encode("latin-1")


def test_diff_without_fixes_says_so_and_exits_clean(tmp_path: Path, capsys) -> None:
    (tmp_path / "app.py").write_text("import pickle\ndef f(b):\n    return pickle.loads(b)\n")
    assert _scan(tmp_path, "--diff") == 0
    assert capsys.readouterr().out == ""


def test_a_file_changed_after_the_review_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "app.py"
    target.write_text("import yaml\nyaml.load(data)\n")
    review = review_source(target.read_text(), filename=str(target))
    planned = plan(review)
    assert len(planned) == 1
    target.write_text("import yaml\nyaml.load(data)\nprint('edited meanwhile')\n")
    assert "changed while it was being fixed" in (write(planned[0]) or "")
    assert target.read_text().endswith("edited meanwhile')\n")


def test_a_failed_write_costs_the_fix_not_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "app.py"
    target.write_text("import yaml\nyaml.load(data)\n")
    planned = plan(review_source(target.read_text(), filename=str(target)))

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    assert "cannot write the fix" in (write(planned[0]) or "")
    assert target.read_text() == "import yaml\nyaml.load(data)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]
