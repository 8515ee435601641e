"""Unbreakable on any input, and harmless to the person running it.

The standard library on this machine (bad encodings, Python 2 files in
lib2to3's test data, the tokenizer's torture tests) is reviewed with no crash
and every unparsable file reported; pathological files cost a diagnostic, not
the run; text from the reviewed code cannot drive the terminal or restructure
a pull-request comment; symbolic links never lead out of the reviewed tree;
and a run writes nothing besides its report and its cache.
"""

from __future__ import annotations

import ast
import json
import re
import sysconfig
import time
import warnings
from pathlib import Path

import pytest

from secreview.api import review_paths, review_source
from secreview.cli import main
from secreview.core.model import DiagnosticKind
from secreview.report import renderer
from secreview.run.parallel import default_jobs
from secreview.settings.config import Config
from secreview.sources.discover import discover

STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Always reviewed: the files written to break tools. The rest: every STRIDE-th file (the whole
# library takes about a minute on two cores; bench/speed.py reviews all of it).
TORTURE = ("test/tokenizedata", "lib2to3", "test/test_lib2to3", "test/badsyntax_", "test/bad_coding",
           "test/encoded_modules", "test/test_tokenize.py", "test/test_source_encoding.py")
STRIDE = 4


def _stdlib_sample() -> list[str]:
    found = discover([str(STDLIB)], ("site-packages/", "dist-packages/"), use_gitignore=False)
    chosen = []
    for index, path in enumerate(found.files):
        relative = Path(path).relative_to(STDLIB).as_posix()
        if index % STRIDE == 0 or any(part in relative for part in TORTURE):
            chosen.append(path)
    return chosen


def _parses(path: str) -> bool:
    try:
        data = Path(path).read_bytes()
        if len(data) > Config().max_file_size or b"\x00" in data[:8192]:
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeDecodeError):
        return False


@pytest.mark.skipif(not STDLIB.is_dir(), reason="no standard library sources on this machine")
def test_standard_library_is_reviewed_without_a_crash(tmp_path: Path) -> None:
    sample = _stdlib_sample()
    assert len(sample) > 300
    listing = tmp_path / "files"
    listing.mkdir()
    review = review_paths(sample, Config(gitignore=False), jobs=default_jobs(), file_timeout=30)
    assert [f.path for f in review.files] == sample
    internal = [d for d in review.all_diagnostics if d.kind is DiagnosticKind.INTERNAL]
    assert internal == []
    by_path = {f.path: f for f in review.files}
    unparsable = [p for p in sample if not _parses(p)]
    assert unparsable, "the sample holds the tokenizer's and lib2to3's broken files"
    for path in unparsable:
        assert not by_path[path].reviewed and by_path[path].diagnostics, path
    for path in sample:
        if by_path[path].reviewed:
            assert not any(d.kind in (DiagnosticKind.SYNTAX, DiagnosticKind.ENCODING)
                           for d in by_path[path].diagnostics), path
    json.loads(renderer("json")(review))  # the report of all of it is still valid JSON


DEEP = {
    "parens.py": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n",
    "sum.py": "x = " + "+".join(["1"] * 100_000) + "\n",
    "attrs.py": "x = a" + ".b" * 100_000 + "\n",
    "unary.py": "x = " + "-" * 100_000 + "1\n",
    "calls.py": "x = f" + "(" * 100_000 + ")" * 100_000 + "\n",
    "indent.py": "".join(" " * i + "if x:\n" for i in range(200)) + " " * 200 + "pass\n",
}


def test_pathological_files_cost_a_diagnostic_not_the_run(tmp_path: Path) -> None:
    for name, text in DEEP.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "huge.py").write_bytes(b"x = 1\n" * (50 * 1024 * 1024 // 6))  # 50 MB
    (tmp_path / "real.py").write_text("import os\nos.system(cmd)\n")
    start = time.monotonic()
    review = review_paths([tmp_path], Config(gitignore=False), jobs=2, file_timeout=2, isolate=True)
    assert time.monotonic() - start < 60
    by_path = {Path(f.path).name: f for f in review.files}
    for name in (*DEEP, "huge.py"):
        assert by_path[name].diagnostics, name
    assert by_path["huge.py"].diagnostics[0].kind is DiagnosticKind.TOO_LARGE
    assert [f.rule_id for f in by_path["real.py"].findings] == ["command-injection-shell"]


def test_a_huge_file_over_the_budget_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "generated.py").write_text("".join(f"v{i} = f(a, b{i}) + g(c)\n" for i in range(300_000)))
    start = time.monotonic()
    review = review_paths([tmp_path], Config(gitignore=False, max_file_size=100 * 1024 * 1024),
                          jobs=1, file_timeout=0.5, isolate=True)
    assert time.monotonic() - start < 30
    assert [d.kind for d in review.files[0].diagnostics] == [DiagnosticKind.TIMEOUT]


ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b1m\x08"


def test_terminal_escapes_in_reviewed_code_are_neutralised() -> None:
    code = f"import os\nos.system(cmd)  # {ESCAPES}\n"
    review = review_source(code, filename=f"evil{ESCAPES}.py")
    assert review.findings
    for color in (False, True):
        text = renderer("text")(review, color=color, per_file=True)
        for char in "\x07\x08\x9b":
            assert char not in text
        assert "\x1b]" not in text and "\x1b[2J" not in text
        if not color:
            assert "\x1b" not in text
        assert "\\x1b" in text  # shown, harmlessly


def test_markdown_and_html_in_code_cannot_change_a_pr_comment() -> None:
    payload = ("</details> <img src=x onerror=alert(1)> [click](https://evil.example) **bold** "
               "\n# Injected heading\n``` closing fence\n@everyone <!-- hide -->")
    code = f"import os\nos.system(cmd)  # {payload.splitlines()[0]}\n" + "".join(
        f"# {line}\n" for line in payload.splitlines()[1:]) + f"eval(x)  # {payload.splitlines()[2]}\n"
    review = review_source(code, filename="app/[x](javascript:alert(1)).py")
    markdown = renderer("markdown")(review, per_file=True)
    outside_code = _outside_fences(markdown)
    assert "<img" not in outside_code and "</details> <img" not in outside_code
    assert "<!--" not in outside_code
    assert not re.search(r"(?<!\\)\]\(", outside_code)  # no link can form: every ] is escaped
    assert not any(line.startswith("# Injected") for line in markdown.splitlines())
    assert outside_code.count("<details>") == outside_code.count("</details>")
    # every fence that opens is closed by a fence of the same length
    fences = [line.strip() for line in markdown.splitlines() if line.strip().startswith("```")]
    assert len(fences) % 2 == 0


def _outside_fences(markdown: str) -> str:
    """The markdown with fenced code blocks removed (their content renders as code)."""
    out, fence = [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped == fence:
            fence = None
        elif fence is None:
            out.append(line)
    return "\n".join(out)


def test_symlinks_out_of_the_reviewed_tree_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("import os\nos.system(cmd)\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "app.py").write_text("x = 1\n")
    (tree / "linked_dir").symlink_to(outside, target_is_directory=True)
    (tree / "linked_file.py").symlink_to(outside / "secret.py")
    (tree / "inside_link.py").symlink_to(tree / "app.py")
    review = review_paths([tree], Config(gitignore=False))
    assert [Path(f.path).name for f in review.files] == ["app.py"]
    assert review.findings == ()


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def test_a_run_writes_nothing_but_its_report_and_cache(tmp_path: Path, monkeypatch) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg").mkdir(parents=True)
    (tree / "pkg" / "__init__.py").write_text("")
    (tree / "pkg" / "app.py").write_text("import os\nimport pickle\nos.system(cmd)\npickle.loads(b)\n")
    (tree / "pyproject.toml").write_text("[tool.secreview]\nmin-severity = \"low\"\n")
    before = _listing(tree)
    monkeypatch.chdir(tree)
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("text", "json", "sarif", "markdown"):
        status = main(["scan", str(tree), "--format", fmt, "--output", str(out / f"report.{fmt}"),
                       "--cache-dir", str(tmp_path / "cache"), "--jobs", "2"])
        assert status == 1
    assert _listing(tree) == before
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.markdown", "report.sarif",
                                                     "report.text"]
    assert any((tmp_path / "cache").iterdir())
