"""Fact collectors: what the one walk over a file records to explain each pillar's verdict.

A clean verdict has to say *why* a category does not apply to this file —
which resources are opened and where they are released, what each exception
handler does, whether untrusted input enters at all. Those facts are recorded
during the same walk that runs the rules: a collector registers like a rule
(by node type, call qualified name or method name) and the engine's
`Dispatch` indexes both together, so a collector costs nothing for nodes it
did not ask for and no second pass over the source is needed.

A fact is an `Evidence(kind, line, text, path, subject)`. Its kind is
`"<pillar>:<what>"` (`"664:acquire"`); the prefix files it under a pillar.
`subject` is a scoped name (`"f@12"`: `f` in the function defined on line 12;
`"self.conn@3"`: the attribute of the class defined on line 3) that lets the
wording pair facts, e.g. an acquisition with its release.

The collectors live in one module per pillar and register with `secreview.review.facts_base`;
`all_collectors` is the registration step: it imports them, once, when the engine first builds
a `Dispatch`.
"""

from __future__ import annotations

from secreview.review.facts_base import COLLECTORS, Collector


def all_collectors() -> list[Collector]:
    """Every collector; importing the per-pillar modules registers them."""
    from secreview.review import (  # noqa: F401 - imported to register their collectors
        facts_access,
        facts_exceptions,
        facts_input,
        facts_logic,
        facts_protection,
        facts_resources,
        facts_tests,
        facts_waits,
    )

    return list(COLLECTORS)
