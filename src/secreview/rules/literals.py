"""Whether any string literal of a file can contain a piece of text, from the source text alone.

Checks that read every string literal of a module (a password in a connection URL, a
credential in a known format) only care about literals that contain some needle (`://`,
`password=`, `AKIA`), and walking a whole tree to find its literals costs about as much as
half the engine's own walk. In most files the needle, if the source has it at all, sits in
the licence header or another comment.

A literal's value is made of the text of its tokens, except for what escapes spell, so a
literal whose value contains a needle needs, outside the leading comment block, the needle
itself, an escape that can spell any character (`\\x..`, `\\u....`, `\\U........`, `\\N{...}`,
octal), or the needle split: its start ending one token of an implicit concatenation
(`"postgres:" "//..."`, the next token's quote after nothing but spaces, line ends and
comments) or a line inside the string, before a backslash-newline. When none of these
is in the source, no literal can hold the needle.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

# Blank and comment-only lines at the top of a file (licence header, coding line): no token is there.
_LEADING_COMMENTS = re.compile(r"(?:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n))*")
# Escapes that can spell any character, a needle's too (`\\n`, `\\t`, `\\'` and the like cannot).
_SPELLING_ESCAPE = re.compile(r"\\[xuUN0-7]")
# What follows the end of a needle's start when the needle is split: the closing quote of one token of an
# implicit concatenation and the next token's prefix and opening quote, with spaces, line ends, comments
# and backslash-newlines between; or a backslash-newline inside the string itself. Written to begin with
# its first character (a quote or a backslash), so that `re` looks for that character at C speed, and
# then to ask (`{ends}`) that a needle's start can end just before it: the few places worth a look.
# (A comment is matched with its line end, so that text can be split into these pieces only one way:
# a split found from a place is the only one there.)
_SPLIT = (r"[\"'\\](?<=[{ends}].)(?:(?<=\\)(?:\r\n|\r|\n)"
          r"|(?<!\\)(?:\s|\\(?:\r\n|\r|\n)|#[^\r\n]*[\r\n])*[A-Za-z]{{0,2}}[\"'])")


@lru_cache(maxsize=16)
def _splits(ends: str) -> re.Pattern[str]:
    """Splits that follow one of the characters `ends` (the last characters of the needles' starts)."""
    return re.compile(_SPLIT.format(ends=re.escape(ends)))


@lru_cache(maxsize=16)
def _starts(needles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each proper start of a needle (where a split needle's first token ends), with the characters that
    follow it in the needles (what the next token must begin with)."""
    following: dict[str, set[str]] = {}
    for needle in needles:
        for end in range(1, len(needle)):
            following.setdefault(needle[:end], set()).add(needle[end])
    return tuple(sorted((start, "".join(sorted(chars))) for start, chars in following.items()))


def literal_may_contain(source: str, needles: tuple[str, ...], ignore_case: bool = False) -> bool:
    """Whether some string literal of `source` may contain one of `needles` (`ignore_case`: in
    any case, as `needle in value.lower()` for lower-case needles). False is certain; True is not."""
    return literal_lines(source, needles, ignore_case) != []


def _split_needles(text: str, needles: tuple[str, ...]) -> Iterator[int]:
    """Where a needle split across tokens or lines begins in `text`.

    Each split after a character that can end a needle's start is asked whether such a start ends
    there (one `endswith` with all the starts) and whether the next token begins with the character
    that follows that start in a needle (or with what can spell it: an escape, a further quote).
    Splits are looked for from each place found on, so one inside another is not missed."""
    starts = _starts(needles)
    ends = tuple(start for start, _ in starts)
    search = _splits("".join(sorted({start[-1] for start in ends}))).search
    split = search(text)
    while split is not None:
        at, end = split.span()
        if end < len(text) and text.endswith(ends, 0, at):
            after = text[end]
            for start, following in starts:
                if text.startswith(start, at - len(start), at) and (after in following or after in "\\\"'"):
                    yield at - len(start)
                    break
        split = search(text, at + 1)


def literal_lines(source: str, needles: tuple[str, ...], ignore_case: bool = False) -> list[int] | None:
    """The lines (sorted numbers) that hold some text of every string literal of `source` that may contain one
    of `needles` (`ignore_case`: in any case, as `needle in value.lower()` for lower-case needles).

    These are the lines of a needle, an escape that can spell one or a split needle's start outside the
    leading comments: each lies inside such a literal's text. More lines than needed, never fewer: none
    says for certain that no literal holds a needle. None when lines cannot be told from the text (a
    carriage return, which the parser counts as a line end too).
    """
    if "\r" in source:
        return None
    skipped = _LEADING_COMMENTS.match(source).end()  # type: ignore[union-attr]
    text = source[skipped:]
    escapes = [match.start() for match in _SPELLING_ESCAPE.finditer(text)]
    if ignore_case:  # (lowering keeps every line end, so line numbers hold)
        text = text.lower()
        needles = tuple(needle.lower() for needle in needles)
    found: list[int] = []
    for needle in needles:
        at = text.find(needle)
        while at != -1:
            found.append(at)
            at = text.find(needle, at + 1)
    found.extend(_split_needles(text, needles))
    if not found and not escapes:
        return []  # (nearly every file: no line to count)
    first = source.count("\n", 0, skipped) + 1
    lines = set(_line_numbers(source[skipped:], escapes, first))
    lines.update(_line_numbers(text, found, first))
    return sorted(lines)


def _line_numbers(text: str, offsets: list[int], first: int) -> Iterator[int]:
    """The line number of each offset into `text`, whose first line is line `first`."""
    line, last = first, 0
    for offset in sorted(offsets):
        line += text.count("\n", last, offset)
        last = offset
        yield line


def literals_on_lines(tree: ast.Module, lines: list[int]) -> list[tuple[ast.Constant, str]]:
    """The string literals (with their text) of the statements of `tree` that touch one of `lines`, in the
    order `ast.walk` yields them: the statements elsewhere are not walked (a statement's text, with its
    decorators, holds all of its literals)."""
    found: list[tuple[ast.Constant, str]] = []
    queue: list[ast.AST] = [tree]
    index = 0
    while index < len(queue):
        current = queue[index]
        index += 1
        if isinstance(current, ast.Constant) and isinstance(current.value, str):
            found.append((current, current.value))
        for field in current._fields:
            value = getattr(current, field, None)
            if isinstance(value, ast.AST):
                if not isinstance(value, ast.stmt) or _touches(value, lines):
                    queue.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and (not isinstance(item, ast.stmt) or _touches(item, lines)):
                        queue.append(item)
    return found


def _touches(statement: ast.stmt, lines: list[int]) -> bool:
    """Whether the statement's text (from its first decorator to its end) is on one of `lines`."""
    first = statement.lineno
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and statement.decorator_list:
        first = min(first, *(decorator.lineno for decorator in statement.decorator_list))
    last = statement.end_lineno if statement.end_lineno is not None else first
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last
