"""The rule pack: one module per CWE-1000 pillar; importing them registers the rules.

Also `base` (Rule, the `@rule` registry, the Context a check sees) and `engine` (the walker that
runs the checks and the fact collectors over a tree, once). Importing this package is the
registration step of the rules (the taint rules too, from `secreview.analysis.taint_rules`).

Layer 3 of docs/architecture.md, with `analysis` and `review`. May import: `secreview.core`,
`secreview.cwe`, `secreview.sources`, `secreview.settings`, `secreview.analysis`, `secreview.review`.
"""

from __future__ import annotations

from collections.abc import Iterable

from secreview.analysis import taint_rules  # noqa: F401,E402 - registers the taint rules (one per sink class)
from secreview.cwe import catalog
from secreview.rules import (  # noqa: F401 - imported to register their rules
    access_control,
    access_control_secrets,
    access_control_tls,
    calculation,
    comparison,
    control_flow,
    exceptions,
    interaction,
    neutralization,
    neutralization_query,
    neutralization_sql,
    neutralization_web,
    prompt_injection,
    protection,
    protection_settings,
    protection_transport,
    resources,
    resources_bounds,
    resources_containment,
    resources_exposure,
    resources_files,
    resources_library_paths,
    resources_lifetime,
    resources_network,
    resources_redirects,
    resources_regex,
    resources_xml,
    standards,
    standards_settings,
)
from secreview.rules.base import REGISTRY, Rule


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by pillar then id."""
    return sorted(REGISTRY.values(), key=lambda r: (int(r.pillar), r.id))


def _matches(item: Rule, selector: str) -> bool:
    selector = selector.strip()
    if selector == item.id:
        return True
    if selector.upper().startswith("CWE"):
        number = catalog().normalise(selector)
        return number == item.cwe or number == item.pillar
    return False


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """Rules chosen by id, specific CWE (`CWE-78`) or pillar (`CWE-707`)."""
    select, ignore = list(select), list(ignore)
    chosen = [r for r in all_rules() if not select or any(_matches(r, s) for s in select)]
    return [r for r in chosen if not any(_matches(r, s) for s in ignore)]


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """Selectors that match no rule: a typo in --select must not silently select nothing."""
    rules = all_rules()
    return [s for s in selectors if not any(_matches(r, s) for r in rules)]
