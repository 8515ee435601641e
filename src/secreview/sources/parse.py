"""Read and parse one file, turning every failure into a diagnostic.

Decoding follows PEP 263 and PEP 3120 exactly as the interpreter does
(`tokenize.detect_encoding`: BOM, then the coding cookie, then UTF-8). A file
that cannot be reviewed yields a `Diagnostic` for that file alone; nothing
here raises for bad input.

When a file fails to parse, we check whether it is Python 2 code
(`secreview.sources.python2`, from the whole file) or uses syntax from a newer Python
than the one secreview runs on, so the user is told which, and for newer
syntax to run secreview under that Python, instead of reading a bare
"invalid syntax".
"""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
import warnings
from dataclasses import dataclass

from secreview.core.model import Diagnostic, DiagnosticKind
from secreview.sources.python2 import python2_evidence

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Parsed:
    """A successfully parsed file."""

    path: str
    source: str
    tree: ast.Module


def decode(path: str, data: bytes) -> str | Diagnostic:
    """Bytes to text the way Python would read the file, or a diagnostic."""
    if b"\x00" in data[:8192]:
        return Diagnostic(path, DiagnosticKind.BINARY, "binary file (contains NUL bytes); not reviewed")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "encoding problem" in str(exc) or "unknown encoding" in str(exc):
            return Diagnostic(path, DiagnosticKind.ENCODING, f"bad encoding declaration: {exc}", exc.lineno)
        encoding = "utf-8"  # no usable cookie and not UTF-8 in the first lines: report where decoding fails
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        where = ""
        if isinstance(exc, UnicodeDecodeError):
            line = data[: exc.start].count(b"\n") + 1
            where = f" at line {line}"
        return Diagnostic(
            path,
            DiagnosticKind.ENCODING,
            f"cannot decode as {encoding}{where}: {exc}; declare the file's encoding (PEP 263) or save it as UTF-8",
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def parse_source(path: str, source: str) -> Parsed | Diagnostic:
    """Parse text with the stdlib parser; never raises for bad input."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not our report
            tree = ast.parse(source, filename=path, type_comments=False)
    except SyntaxError as exc:
        return _syntax_diagnostic(path, source, exc)
    except (RecursionError, MemoryError):
        return Diagnostic(path, DiagnosticKind.TOO_DEEP, "nesting too deep for the Python parser; not reviewed")
    except ValueError as exc:  # e.g. source code string cannot contain null bytes
        return Diagnostic(path, DiagnosticKind.SYNTAX, f"cannot parse: {exc}")
    return Parsed(path, source, tree)


def parse_bytes(path: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed | Diagnostic:
    if len(data) > max_bytes:
        return Diagnostic(
            path,
            DiagnosticKind.TOO_LARGE,
            f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit (raise it with --max-file-size); not reviewed",
        )
    text = decode(path, data)
    if isinstance(text, Diagnostic):
        return text
    return parse_source(path, text)


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, os.stat_result] | Diagnostic:
    """At most `max_bytes + 1` bytes of a file and its status at the time of reading (for the cache)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1), os.fstat(handle.fileno())
    except OSError as exc:
        kind = DiagnosticKind.SYMLINK_LOOP if getattr(exc, "errno", None) == 40 else DiagnosticKind.UNREADABLE
        return Diagnostic(path, kind, f"cannot read: {exc.strerror or exc}")


def parse_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Parsed | Diagnostic:
    read = read_file(path, max_bytes)
    if isinstance(read, Diagnostic):
        return read
    return parse_bytes(path, read[0], max_bytes)


# -- newer-syntax detection ----------------------------------------------------

# Line breaks as the Python tokenizer (and so `ast` line numbers) counts them;
# str.splitlines() also breaks at form feeds, \x1c-\x1e, NEL and U+2028/9, which
# the tokenizer reads as ordinary characters, so its line N is not ast's line N.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """`text` as a list of lines numbered like `ast` numbers them (line N is item N-1)."""
    if "\r" not in text:  # nearly every file: the same pieces, several times faster than the pattern
        return text.split("\n")
    return _LINE_BREAK.split(text)


# (minimum version, feature, pattern on the offending line or message)
_NEWER_FEATURES: tuple[tuple[tuple[int, int], str, re.Pattern[str], str], ...] = (
    ((3, 12), "a PEP 695 type alias (`type X = ...`)", re.compile(r"^\s*type\s+\w+\s*(\[.*\])?\s*="), "line"),
    ((3, 12), "PEP 695 generic syntax (`def f[T]()` / `class C[T]`)", re.compile(r"^\s*(async\s+)?(def|class)\s+\w+\s*\["), "line"),
    ((3, 12), "a PEP 701 f-string (quotes, backslashes or comments inside the braces)", re.compile(r"f-string"), "msg"),
    ((3, 14), "a PEP 750 template string (t-string)", re.compile(r"(^|[^\w])t['\"]"), "line"),
    ((3, 14), "PEP 758 `except` without parentheses", re.compile(r"^\s*except\*?\s+\w[\w.]*\s*,"), "line"),
    ((3, 11), "PEP 654 `except*`", re.compile(r"^\s*except\s*\*"), "line"),
    ((3, 10), "a `match` statement", re.compile(r"^\s*match\s+.+:\s*$"), "line"),
)


def _syntax_diagnostic(path: str, source: str, exc: SyntaxError) -> Diagnostic:
    line_no = exc.lineno or 0
    lines = split_lines(source)
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else (exc.text or "")
    message = exc.msg or "invalid syntax"
    if "too many nested" in message or "too many statically nested" in message:
        return Diagnostic(path, DiagnosticKind.TOO_DEEP, f"nesting too deep for the Python parser: {message}", line_no)
    evidence = python2_evidence(source)  # not CPython's "Missing parentheses" hint: `print - 1` gets it too
    if evidence is not None:
        quoted = lines[evidence.line - 1].strip() if 0 < evidence.line <= len(lines) else ""
        return Diagnostic(path, DiagnosticKind.SYNTAX,
                          f"Python 2 code: not reviewed (line {evidence.line}: {evidence.what}, `{quoted[:80]}`); "
                          "secreview reviews Python 3 code only", evidence.line)
    running = sys.version_info[:2]
    for version, feature, pattern, where in _NEWER_FEATURES:
        if version <= running:
            continue
        if pattern.search(message if where == "msg" else line):
            need = ".".join(map(str, version))
            have = ".".join(map(str, running))
            return Diagnostic(
                path,
                DiagnosticKind.NEWER_PYTHON,
                f"uses {feature}, which needs Python {need}+, but secreview runs on Python {have}; "
                f"install and run secreview under Python {need} or newer to review this file",
                line_no,
            )
    return Diagnostic(path, DiagnosticKind.SYNTAX, f"syntax error: {message}", line_no)
