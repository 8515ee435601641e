"""Backtracking cost of a regular expression (CWE-1333): exponential and polynomial.

The analysis reads the parse tree of the `re` module's own parser (private:
`re._parser` from 3.11, `sre_parse` before), so it sees the pattern exactly as
`re` does, verbose mode included. Any surprise from that private API means no
answer, never a crash.

Exponential shapes make a backtracking matcher try exponentially many ways to
split a string:

* an unbounded repeat inside an unbounded repeat, where nothing mandatory and
  disjoint separates the iterations: `(a+)+`, `(.*)*`, `(\\w+\\s?)*` (but not
  `(\\d+\\.)+`, whose `.` must separate the runs of digits);
* an unbounded repeat of alternatives that can match the same character:
  `(a|\\w|-x)+` (`(\\w|\\d)+` is merged into one character set by the parser);
* a repeated group of one character and optional characters it also matches:
  `(aa?)+`, and `(a|aa)+`, which the parser turns into `a(?:|a)`.

Polynomial shapes (`polynomial`): a chain of k unbounded single-character
repeats at the top level of the pattern, joined only by characters all of
them can match (`^(.*)=(.*);$`, `\\d+\\d*x`, `[a-z]*[a-z0-9]*!`), followed by
something that can fail, costs n^k; a search (`search`, `findall`, `sub`, ...)
with an unanchored pattern that starts with such a chain retries it from every
position, one degree more (`\\s*;\\s*$` under `search` is quadratic). A lookahead that
scans an unbounded run inside a repeat (`(?:(?=.*x)\\w)+$`) rescans the text at every
iteration: quadratic too.

Each answer carries an attack string (`prefix + pump * n + suffix`) that shows
the cost; the tests run it against the pattern with a time bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # pragma: no cover - which branch runs depends on the Python version
    import re._parser as _sre  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

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
        self.pump = ""  # the ambiguous run an alternation finding found, when it knows one
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

    # -- the exponential shapes ---------------------------------------------
    def find(self, items: list[Item], prefix: tuple[list[Item], ...] = (),
             tail_fails: bool = False) -> tuple[str, str, str] | None:
        """(why, prefix, pump) of the first exponential repeat in `items`; `prefix` (the item runs
        before them, sampled only when a problem is found: sampling is the costly part) leads to them.

        A repeat counts only when a match can still fail after it (`tail_fails`: what follows
        `items` can fail): `(a+)+` alone under `search` succeeds on its first, greedy try."""
        for index, (op, av) in enumerate(items):
            before = (*prefix, items[:index])
            fails_after = tail_fails or self.can_fail(items[index + 1:])
            if op in _REPEATS:
                low, high, body = av
                if (high == _MAXREPEAT or high >= _MANY) and (fails_after or (low >= 2 and self.min_width(body))):
                    problem = self._ambiguous(list(body))
                    if problem:
                        lead = "".join(self.sample(run) for run in before)
                        return problem, lead, self.pump or _pick(self.first_chars(body))
                found = self.find(list(body), before, fails_after)
            elif op == _SUBPATTERN:
                found = self.find(list(av[-1]), before, fails_after)
            elif op == _BRANCH:
                found = next((p for p in (self.find(list(a), before, fails_after) for a in av[1]) if p), None)
            elif op in _ASSERTS:
                found = self.find(list(av[1]), before, fails_after)
            else:
                found = None  # possessive repeats and atomic groups cannot backtrack into themselves
            if found:
                return found
        return None

    # -- the polynomial shapes ----------------------------------------------
    def chain(self, items: list[Item], scanning: bool, whole: bool = False) -> Backtracking | None:
        """The costliest chain of overlapping unbounded repeats at the top level of `items`."""
        best: Backtracking | None = None
        anchored = bool(items) and items[0][0] == _AT and str(items[0][1]) in _START_ANCHORS
        index = 0
        while index < len(items):
            start = index
            chars = self._unbounded_chars(items[index])
            index += 1
            if not chars:
                continue
            count = 1
            while index < len(items):
                op, av = _unwrap(items[index])
                more = self._unbounded_chars(items[index])
                if more is None and op in _SINGLE_CHAR_OPS:
                    more = {c for c in _SAMPLE if self._matches(op, av, c)}
                    if chars & more:
                        chars &= more
                        index += 1
                        continue
                    break
                if more is not None and not chars & more and op in _REPEATS and av[0] == 0:
                    index += 1  # `\d+\s*\S+`: a disjoint repeat that may match nothing joins its neighbours
                    continue
                if not more or not chars & more:
                    break
                chars &= more
                count += 1
                index += 1
            degree = count + (1 if scanning and start == 0 and not anchored else 0)
            if degree < 2:
                continue
            rest = items[index:]
            suffix = self._failing(rest, chars, whole)
            if suffix is None:
                continue
            pump = _pick(chars)
            if best is None or degree > best.degree:
                reason = (f"{count} adjacent unbounded repeats that match the same characters"
                          if count > 1 else "an unbounded repeat at the start of an unanchored search")
                best = Backtracking(degree, reason, self.sample(items[:start]), pump, suffix)
        return best

    def leading_scan(self, items: list[Item]) -> Backtracking | None:
        """Under a search: a way to start a match — an alternative, or the body of a group or of a
        repeat that must run once — that reads up to a few mandatory characters and then an unbounded
        repeat of characters including them, followed by something that can fail: `<.*?>`,
        `(?:\\w+|&.*?;)+`. A run of the leading character makes each start position scan to the end of
        the text: quadratic (Django CVE-2019-14232). The top-level shape without a lead is `chain`'s."""
        if items and items[0][0] == _AT and str(items[0][1]) in _START_ANCHORS:
            return None
        for lead, chars, rest, rivals in self._starts(items, [], nested=False, rivals=[]):
            lead_chars = [self.first_chars([item]) for item in lead]
            if not all(c & chars for c in lead_chars):
                continue
            pump = "".join(_pick(c & chars) for c in lead_chars) or _pick(chars)
            following = self.first_chars(rest)
            if not self.can_fail(rest) or set(pump) & following:
                continue
            if any(pump[0] in self.first_chars(r) and self.unbounded_width(r) for r in rivals):
                continue  # `<.*?>|\S+`: another way to start takes the whole run at once
            suffix = next((c for c in _SUFFIXES if c not in chars and c not in following), "")
            return Backtracking(2, "an unbounded repeat after a short mandatory start, retried at every position "
                                "of a search", "", pump, suffix)
        return None

    def lookahead_in_repeat(self, items: list[Item], tail_fails: bool = False) -> Backtracking | None:
        """A repeated group whose body holds a lookahead that scans an unbounded run (`(?:(?=.*x)\\w)+$`,
        `((?!.*--)\\S)*;`): every iteration rescans the rest of the text, so a run the match later
        gives up on costs n^2. Only where the match can still fail after the repeat."""
        for index, (op, av) in enumerate(items):
            fails_after = tail_fails or self.can_fail(items[index + 1:])
            inner: list[list[Item]] = []
            if op in _REPEATS:
                low, high, body = av
                if (high == _MAXREPEAT or high >= _MANY) and fails_after:
                    found = self._scanning_lookahead(list(body), items[:index])
                    if found:
                        return found
                inner = [list(body)]
            elif op == _SUBPATTERN:
                inner = [list(av[-1])]
            elif op == _BRANCH:
                inner = [list(a) for a in av[1]]
            for sub in inner:
                found = self.lookahead_in_repeat(sub, fails_after)
                if found:
                    return found
        return None

    def _scanning_lookahead(self, body: list[Item], before: list[Item]) -> Backtracking | None:
        """The quadratic answer for a repeat `body` holding, at its top level or one group down, a
        lookahead that starts with an unbounded repeat of characters the body also consumes."""
        flat = [item for item in body for item in (item[1][-1] if item[0] == _SUBPATTERN else [item])]
        consumed = self.first_chars([item for item in flat if item[0] not in _ASSERTS])
        for op, av in flat:
            if op not in _ASSERTS or av[0] != 1:  # lookbehinds are fixed-width in `re`
                continue
            look = list(av[1])
            chars = self._unbounded_chars(look[0]) if look else None
            if not chars:
                continue
            rest = look[1:]
            negative = op == _ASSERTS[1]
            pump_chars = (chars & consumed) - self.first_chars(rest)
            if not pump_chars:
                continue
            # a positive lookahead must still succeed on the run: end it with what the lookahead wants
            tail = "" if negative else self.sample(rest)
            if tail and not all(c in consumed for c in tail):
                continue
            suffix = next((c for c in _SUFFIXES if c not in consumed), None)  # ends the run; the rest fails
            if suffix is None:
                continue
            return Backtracking(2, "a lookahead that scans an unbounded run inside a repeat (each iteration "
                                "rescans the rest of the text)", self.sample(before), _pick(pump_chars),
                                tail + suffix)
        return None

    def _starts(self, items: list[Item], tail: list[Item], nested: bool,
                rivals: list[list[Item]]) -> Iterable[tuple[list[Item], set[str], list[Item], list[list[Item]]]]:
        """(lead, characters of the unbounded repeat after it, what follows, the other alternatives met
        on the way) for each way `items` can start a match, through groups, alternatives and repeats that
        must run at least once."""
        lead: list[Item] = []
        for index, item in enumerate(items):
            op, av = item
            if op in _SINGLE_CHAR_OPS and len(lead) < 3:
                lead.append(item)
                continue
            rest = list(items[index + 1:]) + tail
            chars = self._unbounded_chars(item)
            if chars and (lead or nested):
                yield lead, chars, rest, rivals
            elif not lead and op == _SUBPATTERN:
                yield from self._starts(list(av[-1]), rest, nested, rivals)
            elif not lead and op == _BRANCH:
                alternatives = [list(a) for a in av[1]]
                for alternative in alternatives:
                    others = [a + rest for a in alternatives if a is not alternative]
                    yield from self._starts(alternative, rest, True, rivals + others)
            elif not lead and op in _REPEATS and av[0] >= 1 and not chars:
                yield from self._starts(list(av[2]), [], True, rivals)  # the first iteration's failure fails it
            return

    def unbounded_width(self, items: Iterable[Item]) -> bool:
        """Can `items` match an unbounded number of characters?"""
        for op, av in items:
            if op in _REPEATS and (av[1] == _MAXREPEAT and self.min_width(av[2]) > 0 or self.unbounded_width(av[2])):
                return True
            if op == _SUBPATTERN and self.unbounded_width(av[-1]):
                return True
            if op == _BRANCH and any(self.unbounded_width(a) for a in av[1]):
                return True
        return False

    def _unbounded_chars(self, item: Item) -> set[str] | None:
        """Characters an unbounded repeat of one character position matches (`\\s*`, `(.+)`), else None."""
        op, av = _unwrap(item)
        if op not in _REPEATS or av[1] != _MAXREPEAT or len(av[2]) != 1:
            return None
        inner_op, inner_av = _unwrap(av[2][0])
        if inner_op not in _SINGLE_CHAR_OPS:
            return None
        return {c for c in _SAMPLE if self._matches(inner_op, inner_av, c)}

    def can_fail(self, rest: list[Item]) -> bool:
        """Can `rest` fail to match after a run, so that the matcher backtracks into it?"""
        return self.min_width(rest) > 0 or any(op == _AT and str(av) in _END_ANCHORS for op, av in rest)

    def _failing(self, rest: list[Item], pumped: set[str], whole: bool = False) -> str | None:
        """A character that makes `rest` fail after the pumped run, or None when `rest` cannot fail."""
        if not (whole or self.can_fail(rest)):
            return None  # `\\d+\\d*` alone: the greedy first try succeeds
        following = self.first_chars(rest)
        return next((c for c in _SUFFIXES if c not in pumped and c not in following), None)

    def sample(self, items: Iterable[Item]) -> str:
        """A short string that the sequence `items` matches (best effort: it leads an attack string)."""
        out: list[str] = []
        for op, av in items:
            if op in _REPEATS:
                out.append(self.sample(av[2]) * av[0])
            elif op == _SUBPATTERN:
                out.append(self.sample(av[-1]))
            elif op == _BRANCH:
                out.append(self.sample(av[1][0]) if av[1] else "")
            elif op in _SINGLE_CHAR_OPS:
                out.append(_pick({c for c in _SAMPLE if self._matches(op, av, c)}))
        return "".join(out)

    def _ambiguous(self, body: list[Item]) -> str | None:
        """Can one string be split into iterations of `body` in more than one way?"""
        while len(body) == 1 and body[0][0] == _SUBPATTERN:
            body = list(body[0][1][-1])
        if len(body) == 1 and body[0][0] == _BRANCH:
            alternatives = [list(a) for a in body[0][1][1]]
            single_chars = _SINGLE_CHAR_OPS
            singles = [a for a in alternatives if len(a) == 1 and a[0][0] in single_chars]
            for second in alternatives:
                # `(a|a)`, `(a|\\w|-x)`, `(a|aa)`, `(\\r\\n|\\r|\\n)`: another branch is a run of characters
                # that the single-character branches also match, one iteration per character.
                if not second or any(op not in single_chars for op, _ in second):
                    continue
                others = set().union(*(self.first_chars(a) for a in singles if a is not second))
                run = [self.first_chars([item]) & others for item in second]
                if all(run):
                    self.pump = "".join(_pick(chars) for chars in run)
                    return "alternatives that match the same characters inside a repeat"
            for first, second in _pairs([a for a in alternatives if a and all(op in single_chars for op, _ in a)]):
                # `(?:\\\\|\\.)`: two runs of one length that match the same text, one iteration each way
                run = [self.first_chars([x]) & self.first_chars([y]) for x, y in zip(first, second)]
                if len(first) == len(second) and all(run):
                    self.pump = "".join(_pick(chars) for chars in run)
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
            others = [o for o in body[:index] + body[index + 1:] if self.min_width([o]) > 0]
            for repeat, siblings in self._unbounded_within(item):
                inner = self.first_chars(repeat[2])
                separators = others + siblings
                if inner and all(self.first_chars([o]) & inner for o in separators):
                    return "a repeated group whose inner repeat can take over its neighbours' characters"
        return None

    def _unbounded_within(self, item: Item) -> list[tuple[Any, list[Item]]]:
        """Unbounded repeats that `item` is or holds one optional group down, each with the mandatory
        items beside it in that group: `\\w+`, and `X+` in `(X+V)?` (waitress's header-value shape)."""
        op, av = _unwrap(item)
        if op in _REPEATS and av[1] == _MAXREPEAT:
            return [(av, [])]
        if not (op in _REPEATS and av[1] == 1 and len(av[2]) == 1 and av[2][0][0] == _SUBPATTERN):
            return []
        group = list(av[2][0][1][-1])
        found = []
        for index, inner in enumerate(group):
            inner_op, inner_av = _unwrap(inner)
            if inner_op in _REPEATS and inner_av[1] == _MAXREPEAT:
                siblings = [o for o in group[:index] + group[index + 1:] if self.min_width([o]) > 0]
                found.append((inner_av, siblings))
        return found

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


def _pairs(items: list[list[Item]]) -> Iterable[tuple[list[Item], list[Item]]]:
    """Each unordered pair of distinct alternatives."""
    for index, first in enumerate(items):
        for second in items[index + 1:]:
            yield first, second


def _unwrap(item: Item) -> Item:
    """A group holding one item is that item: `([a-z]+)` is the repeat inside it."""
    while item[0] == _SUBPATTERN and len(item[1][-1]) == 1:
        item = item[1][-1][0]
    return item


@dataclass(frozen=True)
class Backtracking:
    """How matching a pattern blows up: `degree` 2, 3... (n^degree steps) or EXPONENTIAL."""

    degree: int
    reason: str
    prefix: str
    pump: str
    suffix: str

    @property
    def exponential(self) -> bool:
        return self.degree >= EXPONENTIAL

    @property
    def cost(self) -> str:
        """'exponential', 'quadratic', 'cubic' or 'n^4'..."""
        return "exponential" if self.exponential else {2: "quadratic", 3: "cubic"}.get(self.degree, f"n^{self.degree}")

    def attack(self, n: int) -> str:
        """The attack string with the pumped part repeated `n` times."""
        return self.prefix + self.pump * n + self.suffix

    def shown(self) -> str:
        """The attack string as Python source, e.g. `'a' * 30 + '!'`."""
        parts = ([repr(self.prefix)] if self.prefix else []) + [f"{self.pump!r} * {30 if self.exponential else 50000}"]
        return " + ".join(parts + ([repr(self.suffix)] if self.suffix else []))


EXPONENTIAL = 99  # the degree given to exponential backtracking
_START_ANCHORS = frozenset({"AT_BEGINNING", "AT_BEGINNING_STRING"})
_END_ANCHORS = frozenset({"AT_END", "AT_END_STRING", "AT_BOUNDARY", "AT_NON_BOUNDARY"})
_SUFFIXES = ("!", "\x00", "\n", "=", "a", "0", " ", "-", "\u2028")
_PREFERRED = "a0 =x-_.!"


def _pick(chars: set[str]) -> str:
    """A readable member of `chars` (letters first), or 'a' when it is empty."""
    return next((c for c in _PREFERRED if c in chars), min(chars) if chars else "a")


@lru_cache(maxsize=2048)
def analyse(pattern: str, flags: int = 0, *, scanning: bool = False, whole: bool = False) -> Backtracking | None:
    """The worst backtracking `pattern` allows, or None (also when it cannot be analysed).

    Memoised: one pattern is compiled in one place and used in several (each use asks again).
    `scanning` is true for the functions that retry the pattern at every position
    (`search`, `findall`, `finditer`, `sub`, `subn`, `split`), which adds one degree
    to a chain at the start of an unanchored pattern; `whole` for `fullmatch`, where the end
    of the subject can always fail the match.
    """
    if len(pattern) > _MAX_PATTERN:
        return None
    try:
        parsed = _sre.parse(pattern, flags)
        analysis = _Analysis(flags | getattr(parsed.state, "flags", 0))
        items = list(parsed)
        found = analysis.find(items, tail_fails=whole)
        if found:
            problem, prefix, pump = found
            follow = "!" if pump != "!" else "\x00"
            return Backtracking(EXPONENTIAL, problem, prefix, pump, follow)
        found_chain = analysis.chain(items, scanning, whole)
        if found_chain is None and scanning:
            found_chain = analysis.leading_scan(items)
        return found_chain or analysis.lookahead_in_repeat(items, tail_fails=whole)
    except Exception:  # noqa: BLE001 - private API, invalid patterns, deep recursion: no answer
        return None


def redos_problem(pattern: str, flags: int = 0) -> str | None:
    """Why `pattern` can backtrack exponentially, or None (also when it cannot be analysed)."""
    found = analyse(pattern, flags)
    return found.reason if found and found.exponential else None
