"""The CWE-664 sentence: what is acquired, what releases it, and a judgement of whatever nothing releases.

A resource with a release is said with the release ("released by
conn.close() in a finally block on line 20"); one the framework releases is
said with the framework's rule ("installed with useFixture, which cleans it up
when the test ends"); one that nothing in the file releases is judged: test
resources can only outlive their test, an object's attribute lives as long as
the object, a local is freed by reference counting when its function returns.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.core.model import Evidence
from secreview.review.facts_resources import resource_noun
from secreview.review.sentences import Explanation, grouped, join, listing, of, plural

PAIRS_SPELLED_OUT = 6  # acquisition/release pairs described one by one; more are summarised per resource
SHOWN_NAMES = 3  # fixture or helper names spelled out before "and N others"

_VERB = {"file": "opened", "connection": "opened", "process": "started", "lock": "acquired",
         "file descriptor": "opened", "patch": "made"}
RELEASES = ("664:release-with", "664:cleanup", "664:release-finally", "664:release", "664:handover")


def _keys(fact: Evidence) -> set[str]:
    return {k for k in fact.subject.split(",") if k}


def _releases_by_key(releases: Sequence[Evidence]) -> dict[str, list[Evidence]]:
    index: dict[str, list[Evidence]] = {}
    for release in releases:
        for key in _keys(release):
            index.setdefault(key, []).append(release)
    return index


def release_of(acquired: Evidence, releases: dict[str, list[Evidence]]) -> Evidence | None:
    """The release paired with an acquisition: same subject, later in the function (any order for self.x)."""
    candidates = [r for key in _keys(acquired) for r in releases.get(key, ())
                  if r.kind in RELEASES and (r.line >= acquired.line or key.startswith("self."))]
    # A total order, so the sentence never depends on set iteration (i.e. on PYTHONHASHSEED).
    return min(candidates, key=lambda r: (RELEASES.index(r.kind), r.line, r.text), default=None)


def _how_released(release: Evidence) -> str:
    line = f"line {release.line}"
    if release.kind == "664:release-with":
        return f"used as a context manager on {line}"
    if release.kind == "664:cleanup":
        return f"released by the cleanup registered on {line}"
    if release.kind == "664:release-finally":
        return f"released by {release.text} in a finally block on {line}"
    if release.kind == "664:handover":
        return f"handed to {release.text} on {line}, which owns it from then on"
    return f"released by {release.text} on {line}"


def _acquired_phrase(out: Explanation, noun: str, items: Sequence[Evidence]) -> str:
    verb = _VERB.get(noun, "created")
    if len(items) == 1:
        return f"the {noun} {verb} on {out.lines(items)}"
    return f"{plural(noun, len(items))} {verb} on {out.lines(items)}"


def _names(items: Sequence[Evidence]) -> str:
    names = list(dict.fromkeys(f.text.rsplit(".", 1)[-1] for f in items))
    shown = names[:SHOWN_NAMES]
    rest = len(names) - len(shown)
    return join(shown + ([f"{rest} other {'kind' if rest == 1 else 'kinds'}"] if rest > 0 else []))


def _test_setup(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    """Fixtures, services, patches and configuration overrides of a test, each with what undoes it."""
    parts: list[str] = []
    fixtures = of(facts, "664:fixture-use")
    if fixtures:
        n = len(fixtures)
        parts.append(f"{n} {plural('fixture', n)} ({_names(fixtures)}) installed with useFixture on "
                     f"{out.lines(fixtures)}, which the test framework cleans up when the test ends")
    out.count("fixtures installed with useFixture", fixtures)
    blocks = of(facts, "664:fixture-with")
    if blocks:
        n = len(blocks)
        parts.append(f"{n} {plural('fixture', n)} ({_names(blocks)}) used as a context manager on "
                     f"{out.lines(blocks)}, cleaned up when {'its block exits' if n == 1 else 'each block exits'}")
    out.count("fixtures used as a context manager", blocks)
    services = of(facts, "664:service")
    if services:
        n = len(services)
        helpers = join(list(dict.fromkeys(f.text.split("(")[0] for f in services)))
        parts.append(f"{n} {plural('service', n)} started with the test base's {helpers} on {out.lines(services)}")
    out.count("services started by a test base helper", services)
    decorators = of(facts, "664:patch-decorator")
    functions = grouped(decorators, lambda f: f.subject)
    if len(functions) > 2:
        n = len(decorators)
        parts.append(f"{n} mock.patch decorators on {len(functions)} test methods ({out.lines(decorators)}), "
                     "each undone when its method returns")
    for items in functions.values() if len(functions) <= 2 else ():
        function = items[0].text.rsplit(" on ", 1)[-1]
        n = len(items)
        parts.append(f"{n} mock.patch {plural('decorator', n)} on {function} ({out.lines(items)}), "
                     f"undone when {function} returns")
    out.count("mock.patch decorators", decorators)
    blocks = of(facts, "664:patch-with")
    if blocks:
        one = len(blocks) == 1
        parts.append(f"{'a patch' if one else f'{len(blocks)} patches'} applied by a with-block on "
                     f"{out.lines(blocks)}, undone when {'it exits' if one else 'each exits'}")
    out.count("patches applied by a with-block", blocks)
    started = of(facts, "664:patch-started")
    if started:
        stopall = [f for f in of(facts, "664:cleanup") if f.text.endswith("stopall")]
        how = (f"stopped by the {stopall[0].text} cleanup registered on {out.lines(stopall[:1])}" if stopall else
               "not stopped in this file, which in test code can leak a patch into later tests, not into the product")
        parts.append(f"{len(started)} {plural('patch', len(started))} started with .start() on "
                     f"{out.lines(started)}, {how}")
    out.count("patches started with .start()", started)
    overrides = of(facts, "664:config-override")
    if overrides:
        parts.append(f"configuration overridden for the test with self.flags on {out.lines(overrides)}")
    out.count("configuration overrides", overrides)
    return parts


def _unreleased(out: Explanation, unreleased: Sequence[Evidence]) -> list[str]:
    """Acquisitions nothing in the file releases, each group with the judgement that fits it."""
    parts: list[str] = []
    if out.test:
        for noun, group in grouped(unreleased, lambda f: resource_noun(f.text)).items():
            one = len(group) == 1
            parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} not released in this "
                         f"file, which in test code can only leave {'it' if one else 'them'} to outlive the test, "
                         "not the product")
        out.count("resources not released in their file, which can only outlive their test", list(unreleased))
        return parts
    kept = [f for f in unreleased if any(k.startswith("self.") for k in _keys(f))]
    local = [f for f in unreleased if f not in kept and any("@" in k and k.split("@")[1] != "0" for k in _keys(f))]
    module = [f for f in unreleased if f not in kept and f not in local]
    for noun, group in grouped(kept, lambda f: resource_noun(f.text)).items():
        one = len(group) == 1
        parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} kept on the object with no "
                     f"release in this file, so {'it lives' if one else 'they live'} as long as the object: "
                     "acceptable for a long-lived object, a leak for one made per request")
    for noun, group in grouped(local, lambda f: resource_noun(f.text)).items():
        one = len(group) == 1
        parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} not released explicitly; "
                     f"CPython frees {'it' if one else 'them'} when the function's last reference goes, "
                     "so this is a leak only on other interpreters or while a traceback keeps the frame")
    out.count("resources kept on an object, which lives as long as they do", kept)
    out.count("resources left for reference counting to free when their function returns", local)
    out.count("resources kept at module level for the life of the process", module)
    for noun, group in grouped(module, lambda f: resource_noun(f.text)).items():
        one = len(group) == 1
        parts.append(f"{_acquired_phrase(out, noun, group)} at module level {'is' if one else 'are'} kept for "
                     "the life of the process, as module state is")
    return parts


def explain_664(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts: list[str] = _test_setup(out, facts)
    releases = _releases_by_key(of(facts, *RELEASES))
    paired: dict[tuple[str, str], list[Evidence]] = {}
    unreleased: list[Evidence] = []
    for acquired in of(facts, "664:acquire"):
        release = release_of(acquired, releases)
        if release is None:
            unreleased.append(acquired)
        else:
            paired.setdefault((resource_noun(acquired.text), f"{release.kind}|{release.line}"), []).append(acquired)
    if len(paired) <= PAIRS_SPELLED_OUT:
        for (noun, _), items in paired.items():
            release = release_of(items[0], releases)
            assert release is not None
            verb = "is" if len(items) == 1 else "are"
            parts.append(f"{_acquired_phrase(out, noun, items)} {verb} {_how_released(release)}")
            for acquired in items:
                out.relate("released-by", acquired, release)
    else:  # many pairs: one clause per kind of resource, citing a few of each side
        for noun, group in grouped([a for items in paired.values() for a in items],
                                   lambda f: resource_noun(f.text)).items():
            released = []
            for acquired in group:
                release = release_of(acquired, releases)
                assert release is not None
                released.append(release)
                out.relations.append(("released-by", acquired, release))
            parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if len(group) == 1 else 'are each'} released, "
                         f"on {out.lines(released)}")
    out.count("resources released explicitly or by a cleanup", [a for items in paired.values() for a in items])
    by_role = (
        ("664:acquire-with", "closed by {its} with-{block}", "resources closed by a with-block"),
        ("664:acquire-exitstack", "registered with an ExitStack", "resources registered with an ExitStack"),
        ("664:acquire-returned", "handed to the caller, which owns {it}", "resources handed to the caller"),
        ("664:acquire-passed", "passed straight to another call, which owns {it}",
         "resources passed straight to another call"),
        ("664:acquire-other", "used at once without being kept", "resources used at once without being kept"),
    )
    for kind, wording, phrase in by_role:
        items = of(facts, kind)
        for noun, group in grouped(items, lambda f: resource_noun(f.text)).items():
            one = len(group) == 1
            text = wording.format(its="its" if one else "their", it="it" if one else "them",
                                  block="block" if one else "blocks")
            parts.append(f"{_acquired_phrase(out, noun, group)} {'is' if one else 'are'} {text}")
        out.count(phrase, items)
    parts += _unreleased(out, unreleased)
    used = {release_of(a, releases) for items in paired.values() for a in items}
    cleanups = [c for c in of(facts, "664:cleanup") if c not in used and not c.text.endswith("stopall")]
    if cleanups:
        n = len(cleanups)
        parts.append(f"{n} {plural('cleanup', n)} ({_names(cleanups)}) registered on {out.lines(cleanups)}, "
                     f"which {'runs' if n == 1 else 'run'} when the test ends" if out.test else
                     f"{n} {plural('cleanup', n)} ({_names(cleanups)}) registered on {out.lines(cleanups)}")
    out.count("other cleanups registered", cleanups)
    fixtures = of(facts, "664:fixture")
    if fixtures:
        one = len(fixtures) == 1
        parts.append(f"the pytest fixture{'' if one else 's'} {join([f.text for f in fixtures[:3]])} "
                     f"({out.lines(fixtures)}) tear{'s' if one else ''} down after {'its' if one else 'their'} yield")
    out.count("pytest fixtures with teardown", fixtures)
    parts += _data_handling(out, facts)
    return out.finish(parts, "no file, socket, connection, process, temporary file, lock, server, fixture or patch "
                             "is acquired, and no deserialiser, path operation or outgoing request is used")


def _data_handling(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    """Deserialisers, path operations, outgoing requests and masked log messages."""
    parts: list[str] = []
    plain, objects = of(facts, "664:deserialise-plain"), of(facts, "664:deserialise-object")
    if plain:
        parts.append(f"data-only deserialisers: {listing(out, plain)}")
    if objects:
        parts.append(f"object deserialisers given test data: {listing(out, objects)}" if out.test else
                     f"object deserialisers, none given data the checks trace to an attacker: {listing(out, objects)}")
    out.count("data-only deserialiser calls", plain)
    out.count("object deserialiser calls", objects)
    targets = (("664:path-constant", "664:path", "path operations on {} paths", "path operations on {} paths"),
               ("664:fetch-constant", "664:fetch", "requests to {} URLs", "outgoing requests to {} URLs"))
    for constant_kind, computed_kind, label, phrase in targets:
        fixed, computed = of(facts, constant_kind), of(facts, computed_kind)
        if fixed:
            parts.append(f"{label.format('constant')} ({out.lines(fixed)})")
        if computed:
            parts.append(f"{label.format('computed')}, none traced to input: {listing(out, computed)}")
        out.count(phrase.format("constant"), fixed)
        out.count(phrase.format("computed"), computed)
    masked = of(facts, "664:log-masked")
    if masked:
        parts.append(f"secrets masked before logging with {listing(out, masked)}")
    out.count("secrets masked before logging", masked)
    return parts
