"""What every pillar's sentence is made of: `Explanation` and the helpers that build its clauses.

Each `explain_<pillar>` (in `wording`, `wording_lifetime`, `wording_errors`,
`wording_access`) reads the facts of one pillar and returns an
`Explanation`: the sentence, the facts whose lines it cites (so that every
line number a reader sees is evidence they can check), the relations between
facts it asserts ("released by", "authorised by", "fails the test after"),
which `secreview.review.claims` checks against the tree, and a tally of what
it found under short phrases, which the project-level summary adds up over
all files. When a pillar recorded nothing, the sentence says what was looked
for, specifically, and that none was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from secreview.core.model import Evidence

LINE_LIMIT = 4  # line numbers cited per group before "and N more"
PAIRS_SPELLED_OUT = 6  # acquisition/release pairs described one by one; more are summarised per resource


@dataclass
class Explanation:
    """One clean pillar's sentence, the facts it cites and relates, and its facts under short phrases.

    `test` says why the file is test code ('' for product code): the sentence then opens with
    "test code:" and judges what it lists as a test's, not the product's.
    """

    test: str = ""
    sentence: str = ""
    cited: list[Evidence] = field(default_factory=list)
    tally: list[tuple[str, list[Evidence]]] = field(default_factory=list)
    relations: list[tuple[str, Evidence, Evidence]] = field(default_factory=list)

    def relate(self, relation: str, fact: Evidence, other: Evidence) -> None:
        """Record that the sentence says `fact` stands in `relation` to `other` (both are cited)."""
        self.relations.append((relation, fact, other))
        self.cited.extend((fact, other))

    def finish(self, parts: Sequence[str], nothing: str) -> Explanation:
        """Join the clauses (or say what was looked for and not found), marking test code."""
        sentence = _sentence(parts) or nothing
        self.sentence = f"test code: {sentence}" if self.test else sentence
        return self

    def lines(self, facts: Sequence[Evidence], limit: int = LINE_LIMIT) -> str:
        """'line 3', 'lines 3 and 8', 'lines 3, 8, 12 and 2 more'; the shown facts are cited."""
        by_line: dict[int, Evidence] = {}
        for fact in sorted(facts, key=lambda f: f.line):
            by_line.setdefault(fact.line, fact)
        shown = list(by_line.values())[:limit]
        self.cited.extend(shown)
        numbers = [str(f.line) for f in shown]
        rest = len(by_line) - len(shown)
        if rest:
            return f"lines {', '.join(numbers)} and {rest} more"
        if len(numbers) == 1:
            return f"line {numbers[0]}"
        return f"lines {', '.join(numbers[:-1])} and {numbers[-1]}"

    def count(self, phrase: str, facts: list[Evidence]) -> None:
        """Tally facts under a phrase for the project summary; a test file's are kept apart as test code's."""
        if facts:
            self.tally.append((f"{phrase} in test code" if self.test else phrase, facts))


def of(facts: Iterable[Evidence], *kinds: str) -> list[Evidence]:
    return [f for f in facts if f.kind in kinds]


def join(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    if noun.endswith("y") and not noun.endswith(("ey", "ay", "oy")):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")


def grouped(facts: Iterable[Evidence], key: Callable[[Evidence], str]) -> dict[str, list[Evidence]]:
    groups: dict[str, list[Evidence]] = {}
    for fact in sorted(facts, key=lambda f: f.line):
        groups.setdefault(key(fact), []).append(fact)
    return groups


def listing(out: Explanation, facts: Sequence[Evidence], limit: int = 3) -> str:
    """'json.load (line 12), pickle.loads (lines 30 and 41)': the distinct texts with their lines."""
    groups = grouped(facts, lambda f: f.text)
    parts = [f"{text} ({out.lines(items)})" for text, items in list(groups.items())[:limit]]
    if len(groups) > limit:
        parts.append(f"{len(groups) - limit} more")
    return join(parts)


SENTENCE_PARTS = 8  # clauses per verdict; a file with more gets "and N more"


def _sentence(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) > SENTENCE_PARTS:
        parts = [*parts[:SENTENCE_PARTS], f"and {len(parts) - SENTENCE_PARTS} more"]
    return "; ".join(parts)


def group_parts(out: Explanation, facts: Sequence[Evidence], groups: Sequence[tuple[str, str, str]],
                 shown: int) -> list[str]:
    """'label: cited lines' for each (kind, label, project phrase) group present, counting every group."""
    parts: list[str] = []
    for kind, label, phrase in groups:
        items = of(facts, kind)
        if items:
            parts.append(f"{label}: {listing(out, items, shown)}")
        out.count(phrase, items)
    return parts


