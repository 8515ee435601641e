"""Sentences for the clean pillars that need no pairing of facts, and the registry of all ten.

CWE-682, 691, 693, 697, 435 and 710 are said as groups of facts with their
lines, each group named with its judgement ("asserts in test code",
"divisions guarded against zero"); CWE-664, 703, 284 and 707 pair facts
(an acquisition with its release, a handler with its policy check, a wait
with its bound) and live in their own modules. See `sentences` for what an
`Explanation` holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from secreview.core.model import Evidence
from secreview.review.sentences import Explanation, group_parts, grouped, join, listing, of, plural
from secreview.review.wording_access import explain_284, explain_707
from secreview.review.wording_errors import explain_703
from secreview.review.wording_lifetime import explain_664

# -- CWE-697 -------------------------------------------------------------------------


# What each form of comparison lets through, judged from its operator (`facts_logic.comparison_form`), never from
# the names of what it compares: (form, label, project phrase).
_COMPARISON_FORMS = (
    ("exact", "exact comparisons (== or !=), which only the whole value passes, never a prefix or a look-alike",
     "exact comparisons"),
    ("membership", "membership tests against a collection (in), which only a listed value passes",
     "membership tests against a collection"),
    ("substring", ("substring tests (in a string), which pass for any part of the string: use them only where any "
     "part is acceptable"), "substring tests"),
    ("identity", "identity tests (is) between objects, none against a literal", "identity tests"),
)


def explain_697(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = []
    groups = (
        ("697:constant-time", "constant-time comparisons", "constant-time comparisons"),
        ("697:compare-secret", ("comparisons of values named as secrets (token, digest, password…), none of such a "
         "value with a guess by the timing check's measure (a literal, a class marker or a confirmation value is "
         "on one side)"), "comparisons of secret-named values"),
    )
    parts += group_parts(out, facts, groups, 2)
    compared = [f for f in of(facts, "697:compare-identity", "697:compare-origin", "697:compare-path")]
    for form, label, phrase in _COMPARISON_FORMS:
        items = [f for f in compared if f.subject == form]
        if items:
            parts.append(f"{label}: {listing(out, items, 2)}")
        out.count(phrase, items)
    parts += group_parts(out, facts, (
        ("697:prefix", "prefix or suffix checks, none that the partial-comparison checks judge a host or origin match",
         "prefix or suffix checks"),), 2)
    return out.finish(parts, "no comparison of secrets, tokens, identities, origins or paths")


# -- CWE-682 -------------------------------------------------------------------------


def explain_682(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = []
    fixed = of(facts, "682:division-constant")
    guarded = of(facts, "682:division-guarded")
    computed = of(facts, "682:division-variable")
    total = len(fixed) + len(guarded) + len(computed)
    if total:
        pieces = []
        if fixed:
            pieces.append(f"{len(fixed)} by {'a constant' if len(fixed) == 1 else 'constants'} ({out.lines(fixed)})")
        if guarded:
            pieces.append(f"{len(guarded)} guarded against zero ({out.lines(guarded)})")
        if computed:
            noun = "a value the program holds" if len(computed) == 1 else "values the program holds"
            pieces.append(f"{len(computed)} by {noun}, none converted from input: {listing(out, computed, 2)}")
        parts.append(f"{total} {plural('division', total)}: {join(pieces)}")
    inputs = of(facts, "682:input-number")
    if inputs:
        parts.append(f"input converted to numbers: {listing(out, inputs, 2)}, "
                     "with no division by it in the same expression")
    elif total:
        parts.append("no number is converted from input")
    out.count("divisions by constants", fixed)
    out.count("divisions guarded against zero", guarded)
    out.count("divisions by computed values", computed)
    out.count("numbers converted from input", inputs)
    return out.finish(parts, "no division, and no number converted from input")


# -- CWE-691 -------------------------------------------------------------------------


def explain_691(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = []
    groups = (
        ("691:assert", "asserts outside tests, none about access", "asserts outside tests"),
        ("691:assert-test", "asserts in test code", "asserts in test code"),
        ("691:recursion", ("recursive calls, which at worst Python stops at its recursion limit with a "
         "RecursionError"), "recursive calls"),
        ("691:loop-forever-break", "`while True` loops that break out", "`while True` loops with an exit"),
        ("691:loop-forever", ("`while True` loops without a break, which only an exception or the end of the process "
         "stops, as in a worker or server loop"), "`while True` loops without a break"),
        ("691:loop-on-input", "loops over input, each as long as the input itself", "loops over input"),
        ("691:check", ("path existence or access checks not followed, in their function, by open(), os.remove(), "
         "shutil.move() or another standard call acting on that path, so no such use can act on a stale answer"),
         "path checks with no use after them"),
        ("691:check-used", "path existence or access checks followed by a use of the same path",
         "path checks followed by a use"),
        ("691:use-after-check", ("uses of a path after checking it, none writing to a shared directory such as /tmp "
         "where another user could swap the path in between"), "uses of a path after checking it"),
    )
    if test:  # in a test, an assert is how the test states what must hold
        groups = tuple(("691:assert-test", "asserts, each checking what the test expects", phrase)
                       if kind == "691:assert-test" else (kind, label, phrase) for kind, label, phrase in groups)
    used = {f.subject for f in of(facts, "691:use-after-check")}
    checks = of(facts, "691:check")
    for kind, label, phrase in groups:
        items = of(facts, kind)
        if kind.startswith("691:check"):  # a check is judged by whether its path is used after it
            items = [f for f in checks if (f.subject in used) == (kind == "691:check-used")]
        if items:
            before = len(out.cited)
            shown = out.lines(items) if kind.startswith("691:assert") else listing(out, items, 2)
            if kind == "691:check":  # each check said to have no use after it is a claim the verifier re-checks
                for fact in dict.fromkeys(out.cited[before:]):
                    out.relate("not-used-after", fact, fact)
            parts.append(f"{len(items)} {plural('assert', len(items))}{label[len('asserts'):]} ({shown})"
                         if kind.startswith("691:assert") else f"{label}: {shown}")
        out.count(phrase, items)
    return out.finish(parts, "no assert, recursion, endless loop, loop over input or check-then-use of a path")


# -- CWE-693 -------------------------------------------------------------------------


def explain_693(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
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
    parts += group_parts(out, facts, groups, 2)
    return out.finish(parts, "no hashing, encryption, random numbers, TLS context, tokens, CSRF or security middleware")


# -- CWE-435 -------------------------------------------------------------------------


def explain_435(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = []
    for family, items in grouped(of(facts, "435:parser"), lambda f: f.subject).items():
        distinct = grouped(items, lambda f: f.text)
        if len(distinct) == 1:
            parts.append(f"{family} values are parsed only with {listing(out, items)}")
            out.count(f"{family} parsers used alone", items)
        else:
            parts.append(f"{family} values are parsed with {len(distinct)} parsers, "
                         f"{listing(out, items)}, and the checks found no value handled by two of them")
            out.count(f"{family} parsers used beside another", items)
    return out.finish(parts, "no URL, e-mail, header, HTML or JSON parser is used, so no two can disagree")


# -- CWE-710 -------------------------------------------------------------------------


def explain_710(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = []
    imports = of(facts, "710:import")
    deprecated = of(facts, "710:import-deprecated")
    if imports and not deprecated:
        count = len(imports)
        parts.append(f"{'the' if count > 1 else 'the one'} {count if count > 1 else ''}"
                     f"{' ' if count > 1 else ''}import {plural('statement', count)} ({out.lines(imports)}) "
                     f"{'names' if count == 1 else 'name'} no deprecated module")
    if deprecated:
        parts.append(f"deprecated modules imported: {listing(out, deprecated)}")
    out.count("import statements", imports)
    out.count("imports of deprecated modules", deprecated)
    groups = (
        ("710:debug-off", "debug mode off", "debug settings turned off"),
        ("710:debug-external", "debug mode taken from configuration", "debug settings from configuration"),
        ("710:debug-on", "debug mode on where the checks judge it development-only", "debug settings turned on"),
        ("710:deprecated-call", "deprecated calls", "deprecated calls"),
    )
    parts += group_parts(out, facts, groups, 2)
    if not any(f.kind.startswith("710:debug") for f in facts) and parts:
        parts.append("no debug setting")
    return out.finish(parts, "no imports, debug settings or deprecated calls")


Explain = Callable[[Sequence[Evidence], str], Explanation]
EXPLAIN: dict[str, Explain] = {
    "284": explain_284, "435": explain_435, "664": explain_664, "682": explain_682, "691": explain_691,
    "693": explain_693, "697": explain_697, "703": explain_703, "707": explain_707, "710": explain_710,
}
