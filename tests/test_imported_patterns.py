"""Patterns defined in one module and compiled or applied in another (analysis/imported_patterns.py).

The findings come from a project step over per-file records, so they must be the same with the cache
cold or warm, with one worker or several, and after each kind of edit (the incremental run keeps
stored reviews only while no module's pattern constants changed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secreview.analysis import imported_patterns, incremental
from secreview.cli import main

PROJECT = {
    "lib/__init__.py": "",
    "lib/patterns.py": 'WORDS = r"^(\\w+\\s?)*$"\nPAIR = r"^(.*)=(.*);$"\nLINEAR = r"^[a-z]+$"\nSEP = ","\n',
    "lib/grammar.py": "from lib.patterns import PAIR as KEY_VALUE\n",  # a re-export under another name
    "lib/parse.py": ("import re\n\nfrom lib import grammar, patterns\nfrom lib.patterns import LINEAR, WORDS\n\n"
                     "WORDS_RE = re.compile(WORDS)\nLINEAR_RE = re.compile(LINEAR)\n\n\n"
                     "def parse_cookie(cookie):\n    return re.match(grammar.KEY_VALUE, cookie)\n\n\n"
                     "def words(text):\n    return LINEAR_RE.match(text), re.split(patterns.SEP, text)\n"),
    "lib/quiet.py": "def add(a, b):\n    return a + b\n",
    "tests/test_parse.py": ("import re\n\nfrom lib.patterns import PAIR\n\n\n"
                            "def test_pair(line):\n    re.match(PAIR, line)\n"),
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def scan(root: Path, out: Path, *options: str, prefix: str = "regex-") -> list[tuple[str, int, str, str]]:
    status = main(["scan", str(root), "--no-gitignore", "--format", "json", "-o", str(out), *options])
    assert status in (0, 1)
    found = json.loads(out.read_text(encoding="utf-8"))["findings"]
    return sorted((Path(f["path"]).name, f["line"], f["rule_id"], f["message"]) for f in found
                  if f["rule_id"].startswith(prefix))


def same_every_way(root: Path, tmp_path: Path, prefix: str = "regex-") -> list[tuple[str, int, str, str]]:
    """The findings of rules whose id starts with `prefix`, checked equal cold, warm (twice: the second
    from the stored project) and in parallel."""
    cold = scan(root, tmp_path / "cold.json", "--no-cache", "--jobs", "1", prefix=prefix)
    assert scan(root, tmp_path / "parallel.json", "--no-cache", "--jobs", "2", prefix=prefix) == cold
    for name, jobs in (("warm", "1"), ("again", "2")):
        found = scan(root, tmp_path / f"{name}.json", "--cache-dir", str(tmp_path / "cache"), "--jobs", jobs,
                     prefix=prefix)
        assert found == cold
    return cold


def test_reported_at_the_use_naming_the_defining_module(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    found = same_every_way(root, tmp_path)
    assert [(name, line, rule) for name, line, rule, _ in found] == [
        ("parse.py", 6, "regex-catastrophic-backtracking"),  # compiled here, exponential
        ("parse.py", 11, "regex-polynomial-backtracking"),  # through the re-export, on a cookie parser's parameter
    ]
    assert "`WORDS`, defined in module `lib.patterns`" in found[0][3] and "exponential" in found[0][3]
    assert "`KEY_VALUE`, defined in module `lib.patterns`" in found[1][3] and "quadratic" in found[1][3]


@pytest.fixture
def modes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each cached run linked the project ('incremental' or 'full')."""
    seen: list[str] = []
    original = incremental.review_project

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = original(*args, **kwargs)
        seen.append(outcome[2])
        return outcome

    monkeypatch.setattr(incremental, "review_project", spy)
    return seen


def test_edits_give_the_cold_result(tmp_path: Path, modes: list[str]) -> None:
    root = tmp_path / "project"
    write(root, PROJECT)
    same_every_way(root, tmp_path)
    parse, patterns = PROJECT["lib/parse.py"], PROJECT["lib/patterns.py"]
    edits = [
        ("lib/quiet.py", PROJECT["lib/quiet.py"] + "# unrelated\n", 2),
        ("lib/parse.py", "# moved down a line\n" + parse, 2),  # the uses move
        ("lib/patterns.py", patterns.replace("^(.*)=(.*);$", "^([^=]*)=([^;]*);$"), 1),  # the pair is fixed
        ("lib/patterns.py", patterns.replace('"^[a-z]+$"', '"^([a-z]+)+$"'), 3),  # exponential: at its compile
        ("lib/grammar.py", "from lib.patterns import LINEAR as KEY_VALUE\n", 3),  # the re-export changes
        ("lib/patterns.py", patterns, 1),
        ("lib/grammar.py", PROJECT["lib/grammar.py"], 2),
    ]
    for name, text, expected in edits:
        (root / name).write_text(text, encoding="utf-8")
        assert len(same_every_way(root, tmp_path)) == expected, (name, text)
    assert "incremental" in modes, "an edit that changes no pattern constant is re-linked incrementally"


def test_unknown_names_and_constants_are_not_findings(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, {
        "app/__init__.py": "",
        "app/use.py": ("import re\n\nfrom elsewhere import PATTERN\nfrom app.defs import PAIR, missing\n\n\n"
                       "def f(text):\n    return re.match(PATTERN, text), re.match(missing, text), "
                       "re.match(PAIR, 'a=b;')\n"),
        "app/defs.py": 'PAIR = r"^(.*)=(.*);$"\n',
    })
    assert same_every_way(root, tmp_path) == []


def test_defined_follows_re_exports_a_few_levels() -> None:
    records = {
        "a": imported_patterns.ModulePatterns("a", constants={"P": "(x+)+y"}),
        "b": imported_patterns.ModulePatterns("b", aliases={"Q": "a.P"}),
        "c": imported_patterns.ModulePatterns("c", aliases={"R": "b.Q", "LOOP": "c.LOOP"}),
    }
    assert imported_patterns.defined("c.R", records.get) == ("a", "(x+)+y")
    assert imported_patterns.defined("c.LOOP", records.get) is None  # a cycle ends
    assert imported_patterns.defined("d.P", records.get) is None


@pytest.mark.parametrize(("source", "walked"), [
    ('import re\nA = re.compile(r"^a+$")\nB = re.match(rb"x", b"y")\nC = re.sub(f"{x}", "", s)\n', False),
    ('import re\nA = re.compile(R"^a+$")\nB = _lazy_re_compile(Rb"x")\nC = re.search(u"a", s)\n', False),
    ("import re\nA = re.compile(rx)\n", True),  # names that start like a prefix are names
    ("import re\nA = re.compile(rb_word)\n", True),
    ('import re\nA = re.compile(r"^a$")\nB = re.search(\n    patterns.WORD, s)\n', True),
    ("from django.utils.regex_helper import _lazy_re_compile\nA = _lazy_re_compile(fr_WORD)\n", True),
])
def test_only_files_that_pass_a_name_to_re_are_walked_for_uses(source: str, walked: bool, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(imported_patterns, "_uses", lambda parsed, module: calls.append(parsed.path) or [])
    from secreview.sources.parse import parse_source

    imported_patterns.collect(parse_source("pkg/mod.py", source), "pkg.mod")
    assert bool(calls) == walked


def test_a_test_module_is_not_walked_for_uses(monkeypatch) -> None:
    """Uses are recorded outside test code only: in a test module no check can run, so the walk is skipped."""
    from secreview.rules import engine
    from secreview.sources.parse import parse_source

    runs: list[object] = []
    real = engine.Walker.run
    monkeypatch.setattr(engine.Walker, "run", lambda self: (runs.append(self), real(self))[1])
    source = "import re\nfrom lib.patterns import PAIR\n\ndef test_pair(line):\n    re.match(PAIR, line)\n"
    record = imported_patterns.collect(parse_source("tests/test_parse.py", source), "tests.test_parse")
    assert record is not None and record.uses == () and runs == []  # its re-export is still recorded
    record = imported_patterns.collect(parse_source("lib/parse.py", source.replace("test_pair", "parse_pair")),
                                       "lib.parse")
    assert record is not None and [use.name for use in record.uses] == ["lib.patterns.PAIR"] and len(runs) == 1
