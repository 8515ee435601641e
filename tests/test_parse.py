"""Bad input becomes a diagnostic for that file, never an exception."""

from __future__ import annotations

import sys

import pytest

from secreview.core.model import Diagnostic, DiagnosticKind
from secreview.sources.parse import Parsed, parse_bytes, parse_file


def kind_of(result: Parsed | Diagnostic) -> DiagnosticKind | None:
    return result.kind if isinstance(result, Diagnostic) else None


def test_utf8_with_bom_parses() -> None:
    result = parse_bytes("a.py", "\ufeffx = 'é'\n".encode("utf-8-sig"))
    assert isinstance(result, Parsed)
    assert result.source.startswith("x =")


def test_pep263_cookie_is_honoured() -> None:
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    result = parse_bytes("a.py", data)
    assert isinstance(result, Parsed)
    assert "café" in result.source


def test_wrong_encoding_is_a_diagnostic() -> None:
    result = parse_bytes("a.py", b"name = '\xff\xfe caf\xe9'\n")
    assert kind_of(result) is DiagnosticKind.ENCODING
    assert "line 1" in result.message


def test_unknown_encoding_cookie() -> None:
    result = parse_bytes("a.py", b"# coding: klingon\nx = 1\n")
    assert kind_of(result) is DiagnosticKind.ENCODING


def test_binary_file() -> None:
    assert kind_of(parse_bytes("a.py", b"\x7fELF\x00\x00\x01")) is DiagnosticKind.BINARY


def test_huge_file_is_skipped_without_reading_all_of_it(tmp_path) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"x = 1\n" * 2000)
    result = parse_file(str(path), max_bytes=1000)
    assert kind_of(result) is DiagnosticKind.TOO_LARGE


def test_syntax_error_has_line() -> None:
    result = parse_bytes("a.py", b"x = 1\ndef broken(:\n")
    assert kind_of(result) is DiagnosticKind.SYNTAX
    assert result.line == 2


def test_python2_code_is_named_as_such() -> None:
    result = parse_bytes("a.py", b"print 'hello'\n")
    assert kind_of(result) is DiagnosticKind.SYNTAX
    assert "Python 2" in result.message


PYTHON2 = [  # (source, the line of the first evidence, what it is)
    ("try:\n    f()\nexcept TypeError, exc:\n    log(exc)\n", 3, "except with a comma"),
    ("def f():\n    return 1\n\nif x:\n    print x, y\n", 5, "print statement"),
    ("import sys\nprint >>sys.stderr, 'no'\nx = `y`\n", 2, "print statement"),  # line 2 parses in Python 3
    ("def f(code):\n    exec code in {}\n", 2, "exec statement"),
    ("x = `y`\n", 1, "backticks"),
    ("if a <> b:\n    pass\n", 1, "<> operator"),
    ("import os\nos.chmod(p, 0700)\n", 2, "octal"),
    ("n = 10L\n", 1, "long integer"),
    ("s = ur'\\d+'\n", 1, "ur'' string"),
    ("def f():\n    raise ValueError, 'bad'\n", 2, "raise with a comma"),
    # a Python 2 file whose first parse error is the ambiguous except, with a print statement later
    ("try:\n    f()\nexcept ValueError, TypeError:\n    pass\nprint 'x'\n", 5, "print statement"),
    # strings and comments do not count: the evidence is the real statement
    ("s = 'print x  `y` 0700'  # exec code\nif a: print a\n", 2, "print statement"),
]


@pytest.mark.parametrize("code, line, what", PYTHON2)
def test_python2_is_told_by_the_whole_file_with_the_evidence_line(code: str, line: int, what: str) -> None:
    result = parse_bytes("a.py", code.encode())
    assert kind_of(result) is DiagnosticKind.SYNTAX, code
    assert result.message.startswith("Python 2 code: not reviewed"), result.message
    assert result.line == line and what in result.message, result.message
    assert code.splitlines()[line - 1].strip()[:20] in result.message


NOT_PYTHON2 = [  # Python 3 that fails to parse for another reason: no Python 2 evidence to find
    "print(x)\nprint\nexec(code)\nx = 0o700\ns = rb'x'\nraise ValueError('a, b')\ndef broken(:\n",
    "print in items\nprint - 1\nexec if a else b\ndef broken(:\n",  # still expressions in Python 3
    "try:\n    f()\nexcept (ValueError, TypeError) as exc:\n    pass\ndef broken(:\n",
    "x = 00\ny = 0\nz = a < b > c\ndef broken(:\n",  # zeros alone are a Python 3 literal
]


@pytest.mark.parametrize("code", NOT_PYTHON2)
def test_python3_with_a_syntax_error_is_not_called_python2(code: str) -> None:
    result = parse_bytes("a.py", code.encode())
    assert kind_of(result) is DiagnosticKind.SYNTAX
    assert "Python 2" not in result.message, result.message


def test_deep_nesting_is_a_diagnostic() -> None:
    result = parse_bytes("a.py", ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n").encode())
    assert kind_of(result) is DiagnosticKind.TOO_DEEP


NEWER_SYNTAX = [
    ((3, 12), "type Point = tuple[int, int]\n"),
    ((3, 12), "def first[T](xs: list[T]) -> T:\n    return xs[0]\n"),
    ((3, 12), "names = {'a': 1}\nprint(f\"{names[\"a\"]}\")\n"),
    ((3, 14), "name = 'x'\ngreeting = t\"hello {name}\"\n"),
    ((3, 14), "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"),
]


@pytest.mark.parametrize("needs, code", NEWER_SYNTAX)
def test_newer_syntax_says_which_python_is_needed(needs: tuple[int, int], code: str) -> None:
    result = parse_bytes("a.py", code.encode())
    if sys.version_info[:2] >= needs:
        assert isinstance(result, Parsed)
        return
    assert kind_of(result) is DiagnosticKind.NEWER_PYTHON, code
    assert f"Python {needs[0]}.{needs[1]}" in result.message and "run secreview under" in result.message


def test_unreadable_path_is_a_diagnostic(tmp_path) -> None:
    assert kind_of(parse_file(str(tmp_path / "missing.py"))) is DiagnosticKind.UNREADABLE


def test_code_too_deep_for_the_walker_is_a_diagnostic_and_others_are_reviewed(tmp_path) -> None:
    from secreview import review_paths
    from secreview.settings.config import Config

    (tmp_path / "deep.py").write_text("x = " + " + ".join(["a"] * 1500) + "\n")
    (tmp_path / "vuln.py").write_text("import os\nos.system(cmd)\n")
    review = review_paths([tmp_path], Config())
    assert [d.kind for d in review.all_diagnostics] == [DiagnosticKind.TOO_DEEP]
    assert [f.rule_id for f in review.findings] == ["command-injection-shell"]


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_finding_quotes_its_own_line_when_the_file_holds_characters_splitlines_breaks_at(separator: str) -> None:
    # The tokenizer reads these as ordinary characters (a form feed is whitespace, the others may sit
    # in a comment); str.splitlines() breaks lines at them, which shifted every quoted line after one.
    from secreview.api import review_source

    code = f"import os\n# {separator} a comment\ndef run(cmd):\n    os.system(cmd)\n"
    review = review_source(code, "f.py")
    assert [(f.location.line, f.source_line) for f in review.findings] == [(4, "os.system(cmd)")]


def test_split_lines_counts_lines_as_the_parser_does() -> None:
    from secreview.sources.parse import split_lines

    assert split_lines("a\r\nb\rc\nd\x0ce") == ["a", "b", "c", "d\x0ce"]
    # without a carriage return (the fast path): the same pieces, an empty last one after a final newline
    assert split_lines("a\nb\x0cc\n\nd\u2028e\n") == ["a", "b\x0cc", "", "d\u2028e", ""]
    assert split_lines("") == [""]
