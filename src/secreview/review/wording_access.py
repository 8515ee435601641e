"""The CWE-284 and CWE-707 sentences: who may call a handler, and where outside data goes.

A route handler is said with what authorises it: a decorator or dependency
on its `def`, the access mixin or permission classes of its view class, or a
policy or permission check in its body (`context.can(...)`, cited by line).
A handler with none of these is judged, never listed as reassurance. Input
sources and sinks are said together: which data enters, what each sink is
given, and whether the checks traced any input to a sink.
"""

from __future__ import annotations

from collections.abc import Sequence

from secreview.core.model import Evidence
from secreview.review.sentences import Explanation, group_parts, grouped, join, listing, of, plural

HANDLERS_SPELLED_OUT = 4


def _name(fact: Evidence) -> str:
    return fact.text.split(" ", 1)[0]


def _routes(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    """Route handlers by what authorises them: their declaration, their class, their body, or nothing."""
    parts: list[str] = []
    protected = of(facts, "284:route-protected")
    if protected:
        parts.append(f"route handlers authorised where they are declared: {listing(out, protected, 3)}")
    out.count("route handlers authorised by a decorator, dependency or view class", protected)
    checks = grouped(of(facts, "284:auth-check"), lambda f: f.subject)
    open_routes = of(facts, "284:route")
    checked = [r for r in open_routes if r.subject in checks]
    delegated = _delegations(facts, [r for r in open_routes if r.subject not in checks], checks)
    refusing = {f.subject for f in of(facts, "284:route-refusing")}
    removed = [r for r in open_routes if r.subject in refusing]
    unchecked = [r for r in open_routes if r.subject not in checks and r not in delegated and r not in removed]
    if checked:
        described = []
        for route in checked[:HANDLERS_SPELLED_OUT]:
            check = checks[route.subject][0]
            out.relate("authorised-by", route, check)
            described.append(f"{_name(route)} (line {route.line}, {check.text} on line {check.line})")
        rest = len(checked) - len(described)
        parts.append(f"route handlers that check authorisation in their body: "
                     f"{join(described + ([f'{rest} more'] if rest > 0 else []))}")
    out.count("route handlers with an authorisation check in their body", checked)
    if delegated:
        described = []
        for route, (call, method) in list(delegated.items())[:HANDLERS_SPELLED_OUT]:
            check = checks[method.subject][0]
            out.relate("delegates-to", route, call)
            out.relate("calls", call, method)
            out.relate("authorised-by", method, check)
            described.append(f"{_name(route)} (line {route.line}) through self.{call.text} (line {call.line}), "
                             f"whose body calls {check.text} on line {check.line}")
        rest = len(delegated) - len(described)
        parts.append(f"route handlers authorised by a method they call: "
                     f"{join(described + ([f'{rest} more'] if rest > 0 else []))}")
    out.count("route handlers authorised by a method they call", list(delegated))
    if removed:
        parts.append(f"route handlers that only raise an error, as removed endpoints do, so there is nothing to "
                     f"authorise: {listing(out, removed, 3)}")
        for route in removed:
            out.relations.append(("only-raises", route, route))
    out.count("route handlers that only raise an error", removed)
    if unchecked:
        where = ("in test code they serve the test only" if out.test else
                 "not reported, since nothing in this file says they must be private: their access control, "
                 "if any, lies in middleware, the router or the code they call")
        parts.append(f"route handlers with no authorisation decorator, dependency or check in their body: "
                     f"{listing(out, unchecked, 3)}; {where}")
    out.count("route handlers with no authorisation of their own, not reported: nothing marks them private",
              unchecked)
    used = {c.line for r in checked for c in checks[r.subject]}
    used |= {checks[method.subject][0].line for _, method in delegated.values()}
    parts += _decorated(out, facts, checks, used)
    others = [c for c in of(facts, "284:auth-check") if c.line not in used]
    if others:
        parts.append(f"permission, policy or login checks: {listing(out, others, 3)}")
    out.count("permission, policy or login checks", others)
    return parts


def _delegations(facts: Sequence[Evidence], routes: Sequence[Evidence],
                 checks: dict[str, list[Evidence]]) -> dict[Evidence, tuple[Evidence, Evidence]]:
    """Route handlers with no check of their own that call a method of this file which checks:
    route -> (the `self.method(...)` call, the method's `284:checking-method` fact)."""
    methods = {f.text: f for f in of(facts, "284:checking-method") if f.subject in checks}
    calls = grouped(of(facts, "284:delegate"), lambda f: f.subject)
    found: dict[Evidence, tuple[Evidence, Evidence]] = {}
    for route in routes:
        call = next((c for c in calls.get(route.subject, ()) if c.text in methods), None)
        if call is not None:
            found[route] = (call, methods[call.text])
    return found


def _decorated(out: Explanation, facts: Sequence[Evidence], checks: dict[str, list[Evidence]],
               used: set[int]) -> list[str]:
    """Functions with an authorisation decorator, each with the checks in its own body."""
    decorated = of(facts, "284:authz-decorator")
    if not decorated:
        return []
    described = []
    for function in decorated[:HANDLERS_SPELLED_OUT]:
        inside = checks.get(function.subject, [])[:1]
        out.cited.append(function)
        if inside:
            out.relate("authorised-by", function, inside[0])
            used.add(inside[0].line)
            described.append(f"{function.text} (line {function.line}, and {inside[0].text} on line {inside[0].line})")
        else:
            described.append(f"{function.text} (line {function.line})")
    rest = len(decorated) - len(described)
    out.count("authorisation decorators", decorated)
    return [f"functions with an authorisation decorator: {join(described + ([f'{rest} more'] if rest > 0 else []))}"]


def _credentials(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    parts: list[str] = []
    literal = of(facts, "284:credential-literal")
    if literal:
        why = ("test values, not production credentials" if out.test else
               "values the hard-coded credential checks do not judge to be secrets (placeholders, names, "
               "empty or example values)")
        parts.append(f"credential-named variables given a literal: {listing(out, literal, 3)}, {why}")
    out.count("credential-named variables given a literal", literal)
    options = of(facts, "284:credential-option")
    if options:
        parts.append(f"credential options declared secret=True, which oslo.config masks when it logs its options: "
                     f"{listing(out, options, 3)}")
    out.count("configuration options declared secret", options)
    return parts


# What each permission change lets other users do (`facts_access.permission_judgement`): (judgement, label, phrase).
_PERMISSION_JUDGEMENTS = (
    ("private", "permission changes that let no other user write", "permission changes private to owner or group"),
    ("umask-narrows", ("creation modes with write for other users, which the process umask (0o022 by default) "
     "narrows before the file exists"), "creation modes narrowed by the umask"),
    ("umask-read", "umask calls whose old value is kept, the idiom that reads the umask to set it back",
     "umask reads"),
    ("computed", ("permission changes with a mode computed at run time (a setting or a parameter), which this file "
     "does not fix and the world-writable check judges only as literals"), "permission changes with computed modes"),
    ("open", ("permission changes that let other users write, in test code or in a form the world-writable check "
     "does not report"), "permission changes open to other users"),
)


def _permissions(out: Explanation, facts: Sequence[Evidence]) -> list[str]:
    """Permission changes, each group said with what it lets other users do."""
    changes = of(facts, "284:permission")
    parts = []
    for judgement, label, phrase in _PERMISSION_JUDGEMENTS:
        items = [f for f in changes if f.subject == judgement]
        if items:
            parts.append(f"{label}: {listing(out, items, 3)}")
        out.count(phrase, items)
    return parts


def explain_284(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    parts = _routes(out, facts)
    groups = (
        ("284:authz-class", "views with an access mixin or permission classes", "access-controlled views"),
        ("284:credential-external", "credentials read from the environment", "credentials read from the environment"),
    )
    parts += group_parts(out, facts, groups, 3)
    parts += _permissions(out, facts)
    parts += _credentials(out, facts)
    listeners = (
        ("284:listener-local", "listeners on loopback only", "listeners on loopback only"),
        ("284:listener-all", "listeners on every interface" + (", test servers" if test else ""),
         "listeners on every interface"),
        ("284:listener", "listeners on a configured host", "listeners on a configured host"),
    )
    parts += group_parts(out, facts, listeners, 3)
    return out.finish(parts, "no route handler, authorisation check, permission change, credential or listening "
                             "socket")


_SINK_HOW = {
    "707:sink-constant": "given only constants",
    "707:sink-argv": "given an argument list without a shell",
    "707:sink-parameterised": "given a constant query with separate parameters",
    "707:sink-variable": "given computed values",
}
_SINKS_LOOKED_FOR = "command, code, SQL, template, LDAP, XPath or HTML-response sink"


def explain_707(facts: Sequence[Evidence], test: str = "") -> Explanation:
    out = Explanation(test)
    sources = of(facts, "707:source")
    sinks = [f for f in facts if f.kind in _SINK_HOW]
    parts: list[str] = []
    if sources:
        parts.append(f"input enters through {listing(out, sources)}")
    else:
        parts.append("no data from requests, argv, stdin, the environment or sockets is read in this file")
    if sinks:
        for kind, how in _SINK_HOW.items():
            items = of(sinks, kind)
            if items:
                verb = "is" if len(grouped(items, lambda f: f.text)) == 1 else "are"
                parts.append(f"{listing(out, items, 2)} {verb} {how}")
        if sources:
            parts.append("the checks traced no input to any of these sinks")
    else:
        parts.append(f"there is no {_SINKS_LOOKED_FOR}" + (" for it to reach" if sources else ""))
    privileged = of(facts, "707:privileged")
    if privileged:
        n = len(grouped(privileged, lambda f: f.text))
        parts.append(f"privileged {plural('operation', n)} run through nova.privsep: {listing(out, privileged, 3)}; "
                     "they run as root, and what reaches a command, path or file inside them is judged in "
                     "the privsep module's own verdict")
    out.count("places where input enters", sources)
    for kind, how in _SINK_HOW.items():
        out.count(f"sinks {how}", of(sinks, kind))
    out.count("privileged operations through privsep", privileged)
    return out.finish(parts, "")
