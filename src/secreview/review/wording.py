"""Sentences for clean pillars, built only from the facts recorded for the file.

Each `explain_<pillar>` reads the facts of one pillar and returns an
`Explanation`: the sentence, the facts whose lines it cites (so that every
line number a reader sees is evidence they can check), and a tally of
what it found under short phrases, which the project-level summary adds up
over all files. When a pillar recorded nothing, the sentence says what was
looked for, specifically, and that none was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from secreview.model import Evidence
from secreview.review.facts_resources import resource_noun

LINE_LIMIT = 4  # line numbers cited per group before "and N more"
PAIRS_SPELLED_OUT = 6  # acquisition/release pairs described one by one; more are summarised per resource


@dataclass
class Explanation:
    """One clean pillar's sentence, the facts it cites, and its findings under short phrases."""

    sentence: str = ""
    cited: list[Evidence] = field(default_factory=list)
    tally: list[tuple[str, list[Evidence]]] = field(default_factory=list)

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
        if facts:
            self.tally.append((phrase, facts))


def _of(facts: Iterable[Evidence], *kinds: str) -> list[Evidence]:
    return [f for f in facts if f.kind in kinds]


def _join(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    if noun.endswith("y") and not noun.endswith(("ey", "ay", "oy")):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")


def _grouped(facts: Iterable[Evidence], key: Callable[[Evidence], str]) -> dict[str, list[Evidence]]:
    groups: dict[str, list[Evidence]] = {}
    for fact in sorted(facts, key=lambda f: f.line):
        groups.setdefault(key(fact), []).append(fact)
    return groups


def _listing(out: Explanation, facts: Sequence[Evidence], limit: int = 3) -> str:
    """'json.load (line 12), pickle.loads (lines 30 and 41)': the distinct texts with their lines."""
    groups = _grouped(facts, lambda f: f.text)
    parts = [f"{text} ({out.lines(items)})" for text, items in list(groups.items())[:limit]]
    if len(groups) > limit:
        parts.append(f"{len(groups) - limit} more")
    return _join(parts)


SENTENCE_PARTS = 8  # clauses per verdict; a file with more gets "and N more"


def _sentence(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    if len(parts) > SENTENCE_PARTS:
        parts = [*parts[:SENTENCE_PARTS], f"and {len(parts) - SENTENCE_PARTS} more"]
    return "; ".join(parts)


def _group_parts(out: Explanation, facts: Sequence[Evidence], groups: Sequence[tuple[str, str, str]],
                 shown: int) -> list[str]:
    """'label: cited lines' for each (kind, label, project phrase) group present, counting every group."""
    parts: list[str] = []
    for kind, label, phrase in groups:
        items = _of(facts, kind)
        if items:
            parts.append(f"{label}: {_listing(out, items, shown)}")
        out.count(phrase, items)
    return parts


# -- CWE-664 -------------------------------------------------------------------------

_VERB = {"file": "opened", "connection": "opened", "process": "started", "lock": "acquired",
         "file descriptor": "opened"}
_RELEASE_PREFERENCE = ("664:release-with", "664:cleanup", "664:release-finally", "664:release")


def _keys(fact: Evidence) -> set[str]:
    return {k for k in fact.subject.split(",") if k}


def _releases_by_key(releases: Sequence[Evidence]) -> dict[str, list[Evidence]]:
    index: dict[str, list[Evidence]] = {}
    for release in releases:
        for key in _keys(release):
            index.setdefault(key, []).append(release)
    return index


def _release_of(acquired: Evidence, releases: dict[str, list[Evidence]]) -> Evidence | None:
    """The release paired with an acquisition: same subject, later in the function (any order for self.x)."""
    candidates = [r for key in _keys(acquired) for r in releases.get(key, ())
                  if r.kind in _RELEASE_PREFERENCE and (r.line >= acquired.line or key.startswith("self."))]
    # A total order, so the sentence never depends on set iteration (i.e. on PYTHONHASHSEED).
    return min(candidates, key=lambda r: (_RELEASE_PREFERENCE.index(r.kind), r.line, r.text), default=None)


def _how_released(release: Evidence) -> str:
    line = f"line {release.line}"
    if release.kind == "664:release-with":
        return f"used as a context manager on {line}"
    if release.kind == "664:cleanup":
        return f"released by the cleanup registered on {line}"
    if release.kind == "664:release-finally":
        return f"released by {release.text} in a finally block on {line}"
    return f"released by {release.text} on {line}"


def _acquired_phrase(out: Explanation, noun: str, items: Sequence[Evidence]) -> str:
    verb = _VERB.get(noun, "created")
    if len(items) == 1:
        return f"the {noun} {verb} on {out.lines(items)}"
    return f"{_plural(noun, len(items))} {verb} on {out.lines(items)}"


def explain_664(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    releases = _releases_by_key(_of(facts, "664:release", "664:release-finally", "664:release-with", "664:cleanup"))
    parts: list[str] = []
    paired: dict[tuple[str, str], list[Evidence]] = {}
    unreleased: list[Evidence] = []
    for acquired in _of(facts, "664:acquire"):
        release = _release_of(acquired, releases)
        if release is None:
            unreleased.append(acquired)
        else:
            paired.setdefault((resource_noun(acquired.text), f"{release.kind}|{release.line}"), []).append(acquired)
    if len(paired) <= PAIRS_SPELLED_OUT:
        for (noun, _), items in paired.items():
            release = _release_of(items[0], releases)
            assert release is not None
            verb = "is" if len(items) == 1 else "are"
            parts.append(f"{_acquired_phrase(out, noun, items)} {verb} {_how_released(release)}")
            out.cited.append(release)
    else:  # many pairs: one clause per kind of resource, citing a few of each side
        for noun, group in _grouped([a for items in paired.values() for a in items],
                                    lambda f: resource_noun(f.text)).items():
            released = [r for r in (_release_of(a, releases) for a in group) if r is not None]
            parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if len(group) == 1 else 'are each'} released, "
                         f"on {out.lines(released)}")
    out.count("resources released explicitly or by a cleanup", [a for items in paired.values() for a in items])
    by_role = (
        ("664:acquire-with", "closed by {its} with-{block}", "resources closed by a with-block"),
        ("664:acquire-exitstack", "registered with an ExitStack", "resources registered with an ExitStack"),
        ("664:acquire-returned", "handed to the caller, which owns {it}", "resources handed to the caller"),
        ("664:acquire-passed", "passed straight to another call", "resources passed straight to another call"),
        ("664:acquire-other", "used at once without being kept", "resources used at once without being kept"),
    )
    for kind, wording, phrase in by_role:
        items = _of(facts, kind)
        for noun, group in _grouped(items, lambda f: resource_noun(f.text)).items():
            one = len(group) == 1
            text = wording.format(its="its" if one else "their", it="it" if one else "them",
                                  block="block" if one else "blocks")
            parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} {text}")
        out.count(phrase, items)
    for noun, group in _grouped(unreleased, lambda f: resource_noun(f.text)).items():
        one = len(group) == 1
        parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} not released in this file")
    out.count("resources not released in their file", unreleased)
    fixtures = _of(facts, "664:fixture")
    if fixtures:
        names = _join([f.text for f in fixtures[:3]])
        parts.append(f"the fixture{'s' if len(fixtures) > 1 else ''} {names} ({out.lines(fixtures)}) "
                     f"tear{'s' if len(fixtures) == 1 else ''} down after {'its' if len(fixtures) == 1 else 'their'}"
                     " yield")
    out.count("pytest fixtures with teardown", fixtures)
    plain, objects = _of(facts, "664:deserialise-plain"), _of(facts, "664:deserialise-object")
    if plain:
        parts.append(f"data-only deserialisers: {_listing(out, plain)}")
    if objects:
        parts.append(f"object deserialisers, none given data the checks trace to an attacker: {_listing(out, objects)}")
    out.count("data-only deserialiser calls", plain)
    out.count("object deserialiser calls", objects)
    fixed, computed = _of(facts, "664:path-constant"), _of(facts, "664:path")
    if fixed:
        parts.append(f"path operations on constant paths ({out.lines(fixed)})")
    if computed:
        parts.append(f"path operations on computed paths: {_listing(out, computed)}")
    out.count("path operations on constant paths", fixed)
    out.count("path operations on computed paths", computed)
    fixed_urls, urls = _of(facts, "664:fetch-constant"), _of(facts, "664:fetch")
    if fixed_urls:
        parts.append(f"requests to constant URLs ({out.lines(fixed_urls)})")
    if urls:
        parts.append(f"requests to computed URLs: {_listing(out, urls)}")
    out.count("outgoing requests to constant URLs", fixed_urls)
    out.count("outgoing requests to computed URLs", urls)
    out.sentence = _sentence(parts) or (
        "no file, socket, connection, process, temporary file, lock or server is acquired, and no deserialiser, "
        "path operation or outgoing request is used")
    return out


# -- CWE-703 -------------------------------------------------------------------------

_ACTION = {  # kind suffix: (singular, plural)
    "reraise": ("re-raises", "re-raise"),
    "raise": ("raises another exception", "raise another exception"),
    "return": ("returns", "return"),
    "log": ("logs and carries on", "log and carry on"),
    "continue": ("skips to the next iteration", "skip to the next iteration"),
    "pass": ("ignores the exception", "ignore the exception"),
    "handle": ("handles it in code", "handle it in code"),
}


def _handler_does(actions: set[str]) -> str:
    """'logs and re-raises', 'returns', 'ignores the exception'."""
    terminal = next((a for a in ("reraise", "raise", "return", "continue") if a in actions), None)
    if terminal is not None:
        return ("logs and " if "log" in actions else "") + _ACTION[terminal][0]
    for action in ("log", "handle"):
        if action in actions:
            return _ACTION[action][0]
    return _ACTION["pass"][0]


def explain_703(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    handlers = [f for f in facts if f.kind.startswith("703:handler-")]
    if len(handlers) == 1:
        (one,) = handlers
        caught, _, actions = one.text.partition(": ")
        parts.append(f"the one handler ({caught}, {out.lines(handlers)}) {_handler_does(set(actions.split(', ')))}")
    elif handlers:
        groups = _grouped(handlers, lambda f: f.kind.rsplit("-", 1)[-1])
        described = [f"{len(items)} {_ACTION[action][0 if len(items) == 1 else 1]} ({out.lines(items)})"
                     for action, items in sorted(groups.items(), key=lambda kv: list(_ACTION).index(kv[0]))]
        parts.append(f"{len(handlers)} exception handlers: {_join(described)}")
    for action, items in _grouped(handlers, lambda f: f.kind.rsplit("-", 1)[-1]).items():
        out.count(f"exception handlers that {_ACTION[action][1]}", items)
    limited, unlimited = _of(facts, "703:timeout"), _of(facts, "703:no-timeout")
    if limited:
        parts.append(f"with a timeout: {_listing(out, limited, 2)}")
    if unlimited:
        parts.append(f"without a timeout: {_listing(out, unlimited, 2)}")
    out.count("network calls and waits with a timeout", limited)
    out.count("network calls and waits without a timeout", unlimited)
    checked, unchecked = _of(facts, "703:checked"), _of(facts, "703:unchecked")
    if checked:
        parts.append(f"subprocess exit status checked ({out.lines(checked)})")
    if unchecked:
        parts.append(f"subprocess exit status ignored ({out.lines(unchecked)})")
    out.count("subprocesses whose exit status is checked", checked)
    out.count("subprocesses whose exit status is ignored", unchecked)
    out.sentence = _sentence(parts) or "no exception handler, network call, wait or subprocess"
    return out


# -- CWE-707 -------------------------------------------------------------------------

_SINK_HOW = {
    "707:sink-constant": "given only constants",
    "707:sink-argv": "given an argument list without a shell",
    "707:sink-parameterised": "given a constant query with separate parameters",
    "707:sink-variable": "given computed values",
}
_SINKS_LOOKED_FOR = "command, code, SQL, template, LDAP, XPath or HTML-response sink"


def explain_707(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    sources = _of(facts, "707:source")
    sinks = [f for f in facts if f.kind in _SINK_HOW]
    parts: list[str] = []
    if sources:
        parts.append(f"input enters through {_listing(out, sources)}")
    else:
        parts.append("no data from requests, argv, stdin, the environment or sockets enters")
    if sinks:
        for kind, how in _SINK_HOW.items():
            items = _of(sinks, kind)
            if items:
                parts.append(f"{_listing(out, items, 2)} {'is' if len(_grouped(items, lambda f: f.text)) == 1 else 'are'} {how}")
        if sources:
            parts.append("the checks traced no input to any of these sinks")
    else:
        parts.append(f"there is no {_SINKS_LOOKED_FOR}" + (" for it to reach" if sources else ""))
    out.count("places where input enters", sources)
    for kind, how in _SINK_HOW.items():
        out.count(f"sinks {how}", _of(sinks, kind))
    out.sentence = _sentence(parts)
    return out


# -- CWE-284 -------------------------------------------------------------------------


def explain_284(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    groups = (
        ("284:route-protected", "route handlers with an authorisation decorator or dependency",
         "authorised route handlers"),
        ("284:route", "route handlers without an authorisation decorator", "route handlers without one"),
        ("284:authz-decorator", "functions with an authorisation decorator", "authorisation decorators"),
        ("284:authz-class", "views with an access mixin or permission classes", "access-controlled views"),
        ("284:auth-check", "permission or login checks", "permission or login checks"),
        ("284:permission", "permission changes", "permission changes"),
        ("284:credential-external", "credentials read from the environment", "credentials read from the environment"),
        ("284:credential-literal", "credential-named variables given a literal",
         "credential-named variables given a literal"),
        ("284:listener-local", "listeners on loopback only", "listeners on loopback only"),
        ("284:listener-all", "listeners on every interface", "listeners on every interface"),
        ("284:listener", "listeners on a configured host", "listeners on a configured host"),
    )
    parts += _group_parts(out, facts, groups, 3)
    out.sentence = _sentence(parts) or (
        "no route handler, authorisation check, permission change, credential or listening socket")
    return out


# -- CWE-697 -------------------------------------------------------------------------


def explain_697(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    groups = (
        ("697:constant-time", "constant-time comparisons", "constant-time comparisons"),
        ("697:compare-secret", "comparisons involving secret-named values", "comparisons of secret-named values"),
        ("697:compare-identity", "comparisons of identities", "comparisons of identities"),
        ("697:compare-origin", "comparisons of URLs, hosts or origins", "comparisons of URLs, hosts or origins"),
        ("697:compare-path", "comparisons of paths", "comparisons of paths"),
        ("697:prefix", "prefix or suffix checks", "prefix or suffix checks"),
    )
    parts += _group_parts(out, facts, groups, 2)
    out.sentence = _sentence(parts) or "no comparison of secrets, tokens, identities, origins or paths"
    return out


# -- CWE-682 -------------------------------------------------------------------------


def explain_682(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    fixed = _of(facts, "682:division-constant")
    guarded = _of(facts, "682:division-guarded")
    computed = _of(facts, "682:division-variable")
    total = len(fixed) + len(guarded) + len(computed)
    if total:
        pieces = []
        if fixed:
            pieces.append(f"{len(fixed)} by {'a constant' if len(fixed) == 1 else 'constants'} ({out.lines(fixed)})")
        if guarded:
            pieces.append(f"{len(guarded)} guarded against zero ({out.lines(guarded)})")
        if computed:
            noun = "a computed value" if len(computed) == 1 else "computed values"
            pieces.append(f"{len(computed)} by {noun}, {_listing(out, computed, 2)}")
        parts.append(f"{total} {_plural('division', total)}: {_join(pieces)}")
    inputs = _of(facts, "682:input-number")
    if inputs:
        parts.append(f"input converted to numbers: {_listing(out, inputs, 2)}, "
                     "with no division by it in the same expression")
    elif total:
        parts.append("no number is converted from input")
    out.count("divisions by constants", fixed)
    out.count("divisions guarded against zero", guarded)
    out.count("divisions by computed values", computed)
    out.count("numbers converted from input", inputs)
    out.sentence = _sentence(parts) or "no division, and no number converted from input"
    return out


# -- CWE-691 -------------------------------------------------------------------------


def explain_691(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    groups = (
        ("691:assert", "asserts outside tests, none about access", "asserts outside tests"),
        ("691:assert-test", "asserts in test code", "asserts in test code"),
        ("691:recursion", "recursive calls", "recursive calls"),
        ("691:loop-forever-break", "`while True` loops that break out", "`while True` loops with an exit"),
        ("691:loop-forever", "`while True` loops without a break", "`while True` loops without a break"),
        ("691:loop-on-input", "loops over input", "loops over input"),
        ("691:check", "path existence or access checks", "path checks"),
        ("691:use-after-check", "uses of a path after checking it", "uses of a path after checking it"),
    )
    for kind, label, phrase in groups:
        items = _of(facts, kind)
        if items:
            shown = out.lines(items) if kind.startswith("691:assert") else _listing(out, items, 2)
            parts.append(f"{len(items)} {_plural('assert', len(items))}{label[len('asserts'):]} ({shown})"
                         if kind.startswith("691:assert") else f"{label}: {shown}")
        out.count(phrase, items)
    out.sentence = _sentence(parts) or "no assert, recursion, endless loop, loop over input or check-then-use of a path"
    return out


# -- CWE-693 -------------------------------------------------------------------------


def explain_693(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    groups = (
        ("693:kdf", "password hashing or key derivation", "password hashing or key derivation calls"),
        ("693:hash", "digests, none applied to a password", "fast digests"),
        ("693:hmac", "HMACs", "HMACs"),
        ("693:cipher", "cryptography", "cryptography calls"),
        ("693:random-secure", "secure randomness", "secure random calls"),
        ("693:random", "the random module, for values not named as secrets", "uses of the random module"),
        ("693:tls", "TLS contexts", "TLS contexts"),
        ("693:jwt", "JWT", "JWT calls"),
        ("693:csrf", "CSRF protection", "CSRF protection"),
        ("693:csrf-exempt", "CSRF exemptions", "CSRF exemptions"),
        ("693:middleware", "security middleware", "security middleware"),
        ("693:setting", "security settings", "security settings"),
    )
    parts += _group_parts(out, facts, groups, 2)
    out.sentence = _sentence(parts) or (
        "no hashing, encryption, random numbers, TLS context, tokens, CSRF or security middleware")
    return out


# -- CWE-435 -------------------------------------------------------------------------


def explain_435(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    for family, items in _grouped(_of(facts, "435:parser"), lambda f: f.subject).items():
        distinct = _grouped(items, lambda f: f.text)
        if len(distinct) == 1:
            parts.append(f"{family} values are parsed only with {_listing(out, items)}")
            out.count(f"{family} parsers used alone", items)
        else:
            parts.append(f"{family} values are parsed with {len(distinct)} parsers, "
                         f"{_listing(out, items)}, and the checks found no value handled by two of them")
            out.count(f"{family} parsers used beside another", items)
    out.sentence = _sentence(parts) or "no URL, e-mail, header, HTML or JSON parser is used, so no two can disagree"
    return out


# -- CWE-710 -------------------------------------------------------------------------


def explain_710(facts: Sequence[Evidence]) -> Explanation:
    out = Explanation()
    parts: list[str] = []
    imports = _of(facts, "710:import")
    deprecated = _of(facts, "710:import-deprecated")
    if imports and not deprecated:
        count = len(imports)
        parts.append(f"{'the' if count > 1 else 'the one'} {count if count > 1 else ''}"
                     f"{' ' if count > 1 else ''}import {_plural('statement', count)} ({out.lines(imports)}) "
                     f"{'names' if count == 1 else 'name'} no deprecated module")
    if deprecated:
        parts.append(f"deprecated modules imported: {_listing(out, deprecated)}")
    out.count("import statements", imports)
    out.count("imports of deprecated modules", deprecated)
    groups = (
        ("710:debug-off", "debug mode off", "debug settings turned off"),
        ("710:debug-external", "debug mode taken from configuration", "debug settings from configuration"),
        ("710:debug-on", "debug mode on where the checks judge it development-only", "debug settings turned on"),
        ("710:deprecated-call", "deprecated calls", "deprecated calls"),
    )
    parts += _group_parts(out, facts, groups, 2)
    if not any(f.kind.startswith("710:debug") for f in facts) and parts:
        parts.append("no debug setting")
    out.sentence = _sentence(parts) or "no imports, debug settings or deprecated calls"
    return out


EXPLAIN: dict[str, Callable[[Sequence[Evidence]], Explanation]] = {
    "284": explain_284, "435": explain_435, "664": explain_664, "682": explain_682, "691": explain_691,
    "693": explain_693, "697": explain_697, "703": explain_703, "707": explain_707, "710": explain_710,
}
