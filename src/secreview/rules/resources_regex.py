"""CWE-1333: regular expressions whose backtracking can take exponential time.

The detector reads the parse tree of the `re` module's own parser (private:
`re._parser` from 3.11, `sre_parse` before), so it sees the pattern exactly
as `re` does. Any surprise from that private API means no finding, never a
crash. It looks for the shapes that make a backtracking matcher try
exponentially many ways to match a string:

* an unbounded repeat inside an unbounded repeat, where nothing mandatory
  and disjoint separates the iterations: `(a+)+`, `(.*)*`, `(\\w+\\s?)*`
  (but not `(\\d+\\.)+`, whose `.` must separate the runs of digits);
* an unbounded repeat of alternatives that can match the same character:
  `(a|\\w|-x)+` (`(\\w|\\d)+` is merged into one character set by the
  parser, so it never reaches the matcher as an alternation);
* a repeated group of one character and optional characters it also
  matches: `(aa?)+`, and `(a|aa)+`, which the parser turns into `a(?:|a)`.

A bounded outer repeat of ten or more (`(.*a){20}`) counts as unbounded.
It does not attempt polynomial (quadratic) blow-ups; those need a subject
much longer than the ones that make the exponential shapes hang.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from typing import Any

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.heuristics import in_test_code
from secreview.rules.neutralization_query import REGEX_CALLS

try:  # pragma: no cover - which branch runs depends on the Python version
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

# Where each `re` function takes its flags, counting from 0.
_FLAGS_POSITION = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2,
                   "split": 3, "sub": 4, "subn": 4}
_MAX_PATTERN = 5000  # longer literals are data, not hand-written patterns
_SAMPLE = [chr(c) for c in range(128)] + ["\u00a0", "\u00e9", "\u0660", "\u4e00", "\u2028"]
_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": lambda c: bool(re.match(r"\d", c)),
    "CATEGORY_NOT_DIGIT": lambda c: not re.match(r"\d", c),
    "CATEGORY_SPACE": lambda c: bool(re.match(r"\s", c)),
    "CATEGORY_NOT_SPACE": lambda c: not re.match(r"\s", c),
    "CATEGORY_WORD": lambda c: bool(re.match(r"\w", c)),
    "CATEGORY_NOT_WORD": lambda c: not re.match(r"\w", c),
    "CATEGORY_LINEBREAK": lambda c: c == "\n",
    "CATEGORY_NOT_LINEBREAK": lambda c: c != "\n",
}

Item = tuple[Any, Any]


def _op(name: str) -> object:
    return getattr(_sre, name, object())  # a fresh object never equals a real opcode


_REPEATS = (_op("MAX_REPEAT"), _op("MIN_REPEAT"))
_SUBPATTERN, _BRANCH, _IN = _op("SUBPATTERN"), _op("BRANCH"), _op("IN")
_LITERAL, _NOT_LITERAL, _ANY = _op("LITERAL"), _op("NOT_LITERAL"), _op("ANY")
_ASSERTS = (_op("ASSERT"), _op("ASSERT_NOT"))
_AT = _op("AT")
_MAXREPEAT = getattr(_sre, "MAXREPEAT", None)
_SINGLE_CHAR_OPS = (_LITERAL, _NOT_LITERAL, _ANY, _IN)
_MANY = 10  # `(.*a){20}`: a bounded outer repeat this large backtracks like an unbounded one


class _Analysis:
    def __init__(self, flags: int) -> None:
        self.ignorecase = bool(flags & re.IGNORECASE)
        self.dotall = bool(flags & re.DOTALL)

    # -- what a single position can match ---------------------------------
    def _matches(self, op: object, av: Any, ch: str) -> bool:
        if op == _LITERAL:
            return ch == chr(av) or (self.ignorecase and ch.lower() == chr(av).lower())
        if op == _NOT_LITERAL:
            return ch != chr(av)
        if op == _ANY:
            return self.dotall or ch != "\n"
        if op == _IN:
            negate = any(str(sub_op) == "NEGATE" for sub_op, _ in av)
            hit = any(self._in_item(sub_op, sub_av, ch) for sub_op, sub_av in av if str(sub_op) != "NEGATE")
            return hit != negate
        return True  # anything else: assume it may match, which only errs towards reporting less

    def _in_item(self, op: object, av: Any, ch: str) -> bool:
        name = str(op)
        if name == "RANGE":
            low, high = av
            return low <= ord(ch) <= high or (self.ignorecase and any(
                low <= ord(c) <= high for c in (ch.lower(), ch.upper())))
        if name == "CATEGORY":
            return _CATEGORIES.get(str(av), lambda c: True)(ch)
        return self._matches(op, av, ch)

    def first_chars(self, items: Iterable[Item]) -> set[str]:
        """Sample characters that can start a match of the sequence `items`."""
        found: set[str] = set()
        for op, av in items:
            if op in _REPEATS:
                found |= self.first_chars(av[2])
                if av[0] > 0:
                    return found
            elif op == _SUBPATTERN:
                found |= self.first_chars(av[-1])
                if self.min_width([(op, av)]) > 0:
                    return found
            elif op == _BRANCH:
                for alternative in av[1]:
                    found |= self.first_chars(alternative)
                return found
            elif op in (_LITERAL, _NOT_LITERAL, _ANY, _IN):
                found |= {c for c in _SAMPLE if self._matches(op, av, c)}
                return found
            else:
                continue  # anchors, lookarounds: zero width
        return found

    def min_width(self, items: Iterable[Item]) -> int:
        total = 0
        for op, av in items:
            if op in _REPEATS:
                total += av[0] * self.min_width(av[2])
            elif op == _SUBPATTERN:
                total += self.min_width(av[-1])
            elif op == _BRANCH:
                total += min((self.min_width(a) for a in av[1]), default=0)
            elif op in (_LITERAL, _NOT_LITERAL, _ANY, _IN):
                total += 1
        return total

    # -- the two exponential shapes -----------------------------------------
    def find(self, items: list[Item]) -> str | None:
        for op, av in items:
            if op in _REPEATS:
                low, high, body = av
                if high == _MAXREPEAT or high >= _MANY:
                    problem = self._ambiguous(list(body))
                    if problem:
                        return problem
                found = self.find(list(body))
            elif op == _SUBPATTERN:
                found = self.find(list(av[-1]))
            elif op == _BRANCH:
                found = next((p for p in (self.find(list(a)) for a in av[1]) if p), None)
            elif op in _ASSERTS:
                found = self.find(list(av[1]))
            else:
                found = None  # possessive repeats and atomic groups cannot backtrack into themselves
            if found:
                return found
        return None

    def _ambiguous(self, body: list[Item]) -> str | None:
        """Can one string be split into iterations of `body` in more than one way?"""
        while len(body) == 1 and body[0][0] == _SUBPATTERN:
            body = list(body[0][1][-1])
        if len(body) == 1 and body[0][0] == _BRANCH:
            alternatives = [list(a) for a in body[0][1][1]]
            single_chars = _SINGLE_CHAR_OPS
            for first in alternatives:
                if len(first) != 1 or first[0][0] not in single_chars:
                    continue
                chars = self.first_chars(first)
                for second in alternatives:
                    # `(a|a)`, `(a|\w|-x)`, `(a|aa)`: the other branch is a run of characters the
                    # single-character branch can also match, one iteration per character.
                    if second is first or not second or any(op not in single_chars for op, _ in second):
                        continue
                    if all(self.first_chars([item]) & chars for item in second):
                        return "alternatives that match the same characters inside a repeat"
            for alternative in alternatives:
                problem = self._ambiguous(alternative)
                if problem:
                    return problem
            return None
        if self._optional_overlap(body):
            return "an optional character that the next iteration can match instead"
        if any(op == _AT and str(av) != "AT_NON_BOUNDARY" for op, av in body):
            return None  # `(.+$\n?)*`, `(\w+\b\s?)*`: an anchor fixes where each iteration ends
        for index, item in enumerate(body):
            op, av = _unwrap(item)
            if op not in _REPEATS or av[1] != _MAXREPEAT:
                continue
            inner = self.first_chars(av[2])
            if not inner:
                continue
            others = body[:index] + body[index + 1:]
            separators = [item for item in others if self.min_width([item]) > 0]
            if all(self.first_chars([item]) & inner for item in separators):
                return "a repeated group whose inner repeat can take over its neighbours' characters"
        return None

    def _optional_overlap(self, body: list[Item]) -> bool:
        """`(aa?)+`, `(a|aa)+` (parsed as `a(?:|a)`): one mandatory character and optional
        ones it also matches, so a run of it splits into iterations in many ways."""
        mandatory: list[Item] = []
        optional: list[list[Item]] = []
        for item in body:
            op, av = _unwrap(item)
            if op in _SINGLE_CHAR_OPS:
                mandatory.append((op, av))
            elif op in _REPEATS and av[0] == 0 and av[1] == 1 and all(o in _SINGLE_CHAR_OPS for o, _ in av[2]):
                optional.append(list(av[2]))
            elif op == _BRANCH and any(not a for a in av[1]) and all(
                    all(o in _SINGLE_CHAR_OPS for o, _ in a) for a in av[1]):
                optional.extend(list(a) for a in av[1] if a)
            else:
                return False
        if len(mandatory) != 1 or not optional:
            return False
        chars = self.first_chars(mandatory)
        return all(self.first_chars([item]) & chars for alternative in optional for item in alternative)


def _unwrap(item: Item) -> Item:
    """A group holding one item is that item: `([a-z]+)` is the repeat inside it."""
    while item[0] == _SUBPATTERN and len(item[1][-1]) == 1:
        item = item[1][-1][0]
    return item


def redos_problem(pattern: str, flags: int = 0) -> str | None:
    """Why `pattern` can backtrack exponentially, or None (also when it cannot be analysed)."""
    if len(pattern) > _MAX_PATTERN:
        return None
    try:
        parsed = _sre.parse(pattern, flags)
        analysis = _Analysis(flags | getattr(parsed.state, "flags", 0))
        return analysis.find(list(parsed))
    except Exception:  # noqa: BLE001 - private API, invalid patterns, deep recursion: no finding
        return None


def _flags(ctx: Context, node: ast.expr | None) -> int | None:
    """Value of a flags expression made of `re.X | re.I ...`; None when not known."""
    if node is None:
        return 0
    total = 0
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Attribute, ast.Name)):
            qual = ctx.qualname(sub) or ""
            if qual.startswith("re.") and isinstance(getattr(re, qual[3:], None), int):
                total |= int(getattr(re, qual[3:]))
            elif qual != "re":
                return None
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, int):
            total |= sub.value
    return total


@rule(
    id="regex-catastrophic-backtracking",
    tests=False,
    name="Regular expression with exponential backtracking (ReDoS)",
    cwe="1333",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=REGEX_CALLS,
    fix="Remove the ambiguity: make the separator mandatory ((\\w+\\s)*\\w*), merge the nested "
    "quantifiers (\\w+ instead of (\\w+)+), use atomic groups or possessive quantifiers ((?>...), ++ "
    "from Python 3.11), or bound the input length before matching.",
)
def regex_catastrophic_backtracking(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds literal patterns passed to `re` functions that contain a nested
    unbounded quantifier whose iterations can divide the same text in many
    ways (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`, `(\\s+|#.*)*`), or a repeated
    alternation whose branches match the same character (`(a|\\w|-x)+`).
    Python already merges all-single-character alternations such as
    `(\\w|\\d)+` into one character set, so those are not reported.

    ## Why is this bad
    Python's `re` backtracks. When a match fails, it tries every way of
    dividing the text between the inner and outer quantifier, which is
    exponential in the text's length: 30 characters can take minutes, so
    one request stalls a worker (CWE-1333).

    ## Example
    ```python
    WORDS = re.compile(r"^(\\w+\\s?)*$")
    ```

    ## Use instead
    ```python
    WORDS = re.compile(r"^\\w+(\\s\\w+)*$")
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    pattern = ctx.constant_value(argument(node, 0, "pattern"))
    if isinstance(pattern, bytes):
        pattern = pattern.decode("latin-1")
    if not isinstance(pattern, str):
        return
    function = (ctx.call_name(node) or "").rsplit(".", 1)[-1]
    flags_node = keyword(node, "flags")
    position = _FLAGS_POSITION.get(function, 99)
    if flags_node is None and len(node.args) > position:
        flags_node = node.args[position]
    flags = _flags(ctx, flags_node.value if isinstance(flags_node, ast.keyword) else flags_node)
    if flags is None:
        return
    problem = redos_problem(pattern, flags)
    if problem:
        ctx.report(node, f"The pattern {pattern!r} has {problem}; a non-matching input of a few dozen "
                   "characters makes matching take exponential time.")
