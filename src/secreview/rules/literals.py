"""Whether any string literal of a file can contain a piece of text, from the source text alone.

Checks that read every string literal of a module (a password in a connection URL, a
credential in a known format) only care about literals that contain some needle (`://`,
`password=`, `AKIA`), and walking a whole tree to find its literals costs about as much as
half the engine's own walk. In most files the needle, if the source has it at all, sits in
the licence header or another comment.

A literal's value is made of the text of its tokens, except for what escapes spell, so a
literal whose value contains a needle needs, outside the leading comment block, the needle
itself, an escape that can spell any character (`\\x..`, `\\u....`, `\\U........`, `\\N{...}`,
octal, a backslash-newline), or a token ending with the start of the needle just before its
closing quote (the needle split across implicitly concatenated tokens: `"postgres:" "//..."`).
When none of these is in the source, no literal can hold the needle.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Blank and comment-only lines at the top of a file (licence header, coding line): no token is there.
_LEADING_COMMENTS = re.compile(r"(?:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n))*")
# Escapes that can stand for a needle character (`\n`, `\t`, `\\`, `\'` cannot).
_SPELLING_ESCAPE = re.compile(r"\\[xuUN0-7\r\n]")


@lru_cache(maxsize=16)
def _traces(needles: tuple[str, ...]) -> tuple[str, ...]:
    """The needles, and each proper start of one followed by a closing quote."""
    ends = {f"{needle[:end]}{quote}" for needle in needles for end in range(1, len(needle)) for quote in "\"'"}
    return (*needles, *sorted(ends))


def literal_may_contain(source: str, needles: tuple[str, ...], ignore_case: bool = False) -> bool:
    """Whether some string literal of `source` may contain one of `needles` (`ignore_case`: in
    any case, as `needle in value.lower()` for lower-case needles). False is certain; True is not."""
    text = source[_LEADING_COMMENTS.match(source).end():]  # type: ignore[union-attr]
    if _SPELLING_ESCAPE.search(text):
        return True
    if ignore_case:
        text = text.lower()
        needles = tuple(needle.lower() for needle in needles)
    return any(trace in text for trace in _traces(needles))
