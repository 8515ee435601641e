"""Tell Python 2 source from Python newer than the one secreview runs on.

Asked only about a file that did not parse. One line cannot decide it:
`except TypeError, exc:` is Python 2 (bind the exception to `exc`) and, since
PEP 758, also Python 3.14 (catch either class). So the whole file is read, as
tokens (so nothing inside a string or comment counts), for constructs that no
Python 3 accepts: print and exec statements, backticks, `<>`, `0700` octals,
`10L` longs, `ur''` strings, `raise E, value`. The shared `except` form counts
only as `except Class, name:` with a lowercase name (PEP 758 lists exception
classes, which are CapWords; Python 2 binds a variable there). The first piece
of evidence is shown to the user, so a wrong guess is easy to see.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import NamedTuple

_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})
_ABUTTING_PREFIXES = frozenset({"ur", "uR", "Ur", "UR"})
# After `print` at the start of a statement, these still make a Python 3 expression (`print in x`).
_EXPRESSION_WORDS = frozenset({"in", "is", "and", "or", "if", "else", "for", "not"})
_OLD_OCTAL = re.compile(r"0+[1-7][0-7]*\Z")  # `0700`; `0` and `00` are valid Python 3
_VALUE_TOKENS = frozenset({tokenize.NAME, tokenize.STRING, tokenize.NUMBER})


class Evidence(NamedTuple):
    line: int
    what: str  # "a print statement"


def python2_evidence(source: str) -> Evidence | None:
    """The first construct in `source` that only Python 2 accepts, or None."""
    tokens = _tokens(source)
    statement_start = True
    for position, token in enumerate(tokens):
        found = _evidence_at(tokens, position, statement_start)
        if found is not None:
            return Evidence(token.start[0], found)
        statement_start = token.type in _STATEMENT_START or (token.type == tokenize.OP and token.string in ":;")
    return None


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of `source` up to where the tokenizer gives up (comments and blank lines left out)."""
    tokens = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                tokens.append(token)
    except (tokenize.TokenError, SyntaxError, ValueError):  # unterminated string, bad dedent: what we have
        pass
    return tokens


def _evidence_at(tokens: list[tokenize.TokenInfo], position: int, statement_start: bool) -> str | None:
    token = tokens[position]
    after = tokens[position + 1] if position + 1 < len(tokens) else None
    abutting = after is not None and after.start == token.end
    # Python 3.12+ tokenizes `0700`, `<>` and a backtick as one NUMBER/OP token each; older
    # tokenizers split them (`0` then `700`, `<` then `>`, an ERRORTOKEN backtick).
    if token.string == "`" and token.type in (tokenize.ERRORTOKEN, tokenize.OP):
        return "backticks for repr()"
    if token.type == tokenize.NUMBER:
        if abutting and after.type == tokenize.NUMBER and token.string == "0" or _OLD_OCTAL.match(token.string):
            return "an octal literal without 0o"
        if abutting and after.type == tokenize.NAME and after.string in ("L", "l") and token.string[-1:].isdigit():
            return "a long integer literal (L suffix)"
        return None
    if token.type == tokenize.OP:
        if token.string == "<>" or token.string == "<" and abutting and after.string == ">":
            return "the <> operator"
        return None
    if token.type != tokenize.NAME or after is None:
        return None
    if token.string in _ABUTTING_PREFIXES and abutting and after.type == tokenize.STRING:
        return "a ur'' string"
    if not statement_start or after.start[0] != token.start[0]:
        return None
    if token.string == "print" and (after.type in _VALUE_TOKENS and after.string not in _EXPRESSION_WORDS
                                    or after.string == ">>"):
        return "a print statement"
    if token.string == "exec" and after.type in (tokenize.NAME, tokenize.STRING) \
            and after.string not in _EXPRESSION_WORDS:
        return "an exec statement"
    if token.string == "raise" and _top_level_commas(tokens, position + 1):
        return "raise with a comma (raise E, value)"
    if token.string == "except":
        items = _top_level_items(tokens, position + 1)
        if len(items) == 2 and len(items[1]) == 1 and items[1][0].type == tokenize.NAME \
                and items[1][0].string[:1].islower():
            return "except with a comma binding a name (except X, name:)"
    return None


def _top_level_items(tokens: list[tokenize.TokenInfo], start: int) -> list[list[tokenize.TokenInfo]]:
    """The comma-separated parts of the rest of the statement, outside brackets (up to a top-level colon)."""
    items: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for token in tokens[start:]:
        if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            break
        if token.type == tokenize.OP:
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif depth == 0 and token.string == ":":
                break
            elif depth == 0 and token.string == ",":
                items.append([])
                continue
        if token.type != tokenize.NL:
            items[-1].append(token)
    return items


def _top_level_commas(tokens: list[tokenize.TokenInfo], start: int) -> bool:
    return len(_top_level_items(tokens, start)) > 1
