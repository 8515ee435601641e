"""The fixers by rule id, and the decorator that registers one.

Below the package and its fixer modules (`calls`, `rewrites`): they import this to register, and
`secreview.fixes` imports them (once, in `_load`) to fill it, so no module imports its importer back.
"""

from __future__ import annotations

from collections.abc import Callable

from secreview.fixes.site import Site
from secreview.fixes.text import Edit

Fixer = Callable[[Site], "tuple[str, tuple[Edit, ...]] | None"]
FIXERS: dict[str, list[Fixer]] = {}


def fixer(*rule_ids: str) -> Callable[[Fixer], Fixer]:
    """Register a fixer for the findings of `rule_ids`; it returns (description, edits) or None."""

    def register(func: Fixer) -> Fixer:
        for rule_id in rule_ids:
            FIXERS.setdefault(rule_id, []).append(func)
        return func

    return register
