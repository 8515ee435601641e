"""The CWE-703 sentence: what each exception handler does, and how every wait ends.

A handler is described by the strongest thing it does (re-raises, raises
another exception, fails the test, returns...). A wait is described with its
bound and with what happens when the bound is reached ("bounded by
timeout < 10.0, then fails the test on line 157"); a wait with no bound in
view, or a network call with no timeout, is judged rather than listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.core.model import Evidence
from secreview.review.facts_resources import FETCH_CALLS
from secreview.review.sentences import Explanation, grouped, join, listing, of

_ACTION = {  # kind suffix: (singular, plural)
    "reraise": ("re-raises", "re-raise"),
    "raise": ("raises another exception", "raise another exception"),
    "fail": ("turns the exception into a test failure", "turn the exception into a test failure"),
    "return": ("returns", "return"),
    "log": ("logs and carries on", "log and carry on"),
    "continue": ("skips to the next iteration", "skip to the next iteration"),
    "pass": ("ignores the exception", "ignore the exception"),
    "handle": ("handles it in code", "handle it in code"),
}
_NETWORK = frozenset(FETCH_CALLS) | {"socket.create_connection"}
LOOPS_SPELLED_OUT = 3
# What the swallowed-exception check looks for: a handler that ignores the failure of a security decision.
_SWALLOWED = ", around no call that verifies a signature, token, password, permission or certificate"


def _handler_does(actions: set[str]) -> str:
    """'logs and re-raises', 'returns', 'ignores the exception'."""
    terminal = next((a for a in ("reraise", "raise", "fail", "return", "continue") if a in actions), None)
    if terminal is not None:
        return ("logs and " if "log" in actions else "") + _ACTION[terminal][0]
    for action in ("log", "handle"):
        if action in actions:
            return _ACTION[action][0]
    return _ACTION["pass"][0]


def _handlers(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    handlers = [f for f in facts if f.kind.startswith("703:handler-")]
    parts: list[str] = []
    if len(handlers) == 1:
        (one,) = handlers
        caught, _, actions = one.text.partition(": ")
        does = _handler_does(set(actions.split(", ")))
        swallowed = _SWALLOWED if does == _ACTION["pass"][0] and not out.test else ""
        parts.append(f"the one handler ({caught}, {out.lines(handlers)}{swallowed}) {does}")
    elif handlers:
        groups = grouped(handlers, lambda f: f.kind.rsplit("-", 1)[-1])
        described = [f"{len(items)} {_ACTION[action][0 if len(items) == 1 else 1]} ({out.lines(items)}"
                     + (_SWALLOWED if action == "pass" and not out.test else "") + ")"
                     for action, items in sorted(groups.items(), key=lambda kv: list(_ACTION).index(kv[0]))]
        parts.append(f"{len(handlers)} exception handlers: {join(described)}")
    for action, items in grouped(handlers, lambda f: f.kind.rsplit("-", 1)[-1]).items():
        out.count(f"exception handlers that {_ACTION[action][1]}", items)
    return parts


def _polls(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    """Polling loops with their bound and what runs when it is reached, and polling helpers called."""
    parts: list[str] = []
    bounded = of(facts, "703:poll-bounded")
    expiries = {f.subject: f for f in of(facts, "703:poll-expiry")}
    described = []
    for loop in bounded[:LOOPS_SPELLED_OUT]:
        expiry = expiries.get(f"loop@{loop.line}")
        then = ""
        if expiry is not None:
            then = f", then {expiry.text} on line {expiry.line}"
            out.relate("expires-into", loop, expiry)
        described.append(f"line {loop.line} ({loop.text}{then})")
        out.cited.append(loop)
    if bounded:
        rest = len(bounded) - len(described)
        noun = "wait loop" if len(bounded) == 1 else "wait loops"
        parts.append(f"{noun} bounded: {join(described + ([f'{rest} more'] if rest > 0 else []))}")
    out.count("wait loops with a bound", bounded)
    unbounded = of(facts, "703:poll-unbounded")
    if unbounded:
        why = ("in test code a wait that never ends stops the test run, not the product" if out.test else
               "they end only when the awaited state comes, a hang rather than an exposure unless input "
               "decides that state")
        parts.append(f"wait loops with no bound in view: {listing(out, unbounded, 2)}; {why}")
    out.count("wait loops without a bound", unbounded)
    helpers = of(facts, "703:wait-helper")
    local = {f.subject for f in (*bounded, *unbounded)}
    outside = [f for f in helpers if f.text not in local]
    inside = [f for f in helpers if f.text in local]
    if inside:
        parts.append(f"waits through this file's helpers {listing(out, inside, 2)}")
    if outside:
        parts.append(f"waits through polling helpers defined outside this file, {listing(out, outside, 2)}, "
                     "whose bounds are not visible here")
    out.count("waits through polling helpers", helpers)
    return parts


def _timeouts(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    parts: list[str] = []
    limited, unlimited = of(facts, "703:timeout"), of(facts, "703:no-timeout")
    if limited:
        parts.append(f"with a timeout: {listing(out, limited, 2)}")
    local = [f for f in unlimited if f.text not in _NETWORK]
    network = [f for f in unlimited if f.text in _NETWORK]
    if local:
        parts.append(f"waits on the program's own processes or threads without a timeout, which end when "
                     f"those do: {listing(out, local, 2)}")
    if network:
        why = ("in test code a hang fails the test run, not the product" if out.test else
               "they wait as long as the process's default socket timeout allows")
        parts.append(f"network calls without a timeout: {listing(out, network, 2)}; {why}")
    out.count("network calls and waits with a timeout", limited)
    out.count("network calls and waits without a timeout", unlimited)
    checked, unchecked = of(facts, "703:checked"), of(facts, "703:unchecked")
    if checked:
        parts.append(f"subprocess exit status checked ({out.lines(checked)})")
    if unchecked:
        parts.append(f"subprocess exit status ignored, for commands whose failure the code does not act on "
                     f"({out.lines(unchecked)})")
    out.count("subprocesses whose exit status is checked", checked)
    out.count("subprocesses whose exit status is ignored", unchecked)
    return parts


def explain_703(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts = _handlers(out, facts) + _polls(out, facts) + _timeouts(out, facts)
    return out.finish(parts, "no exception handler, wait, network call or subprocess")
