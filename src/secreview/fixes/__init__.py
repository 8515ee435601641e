"""Mechanical fixes: edits that turn a flagged line into its safe form.

A fixer is registered for one or more rule ids (`@fixer("yaml-unsafe-load")`)
and given the finding's node in a fresh parse of the file (`Site`); it returns
a `Fix` — a description and text edits — or None where the safe form is not
unambiguous. The rule modules know nothing of their fixes, so a fix never
costs a review anything; they are computed only when asked for (`scan --fix`,
`--diff`, SARIF `fixes`, the language server's code actions).

A fix edits the text at the node's positions and never unparses the module,
so formatting and comments outside the edited span stay byte for byte; a fix
whose result would not parse is dropped (`fixes_for`), and files are written
only by `secreview.fixes.files`, atomically.

Layer 5 of docs/architecture.md. May import the lower layers (core, cwe, sources, settings, the checks,
`run`); the reports use it (SARIF `fixes`, `--diff`), the language server too.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from secreview.core.model import Finding
from secreview.fixes.registry import FIXERS, fixer
from secreview.fixes.site import Site
from secreview.fixes.text import Edit, apply, overlaps, parses


@dataclass(frozen=True)
class Fix:
    """The edits that fix one finding, with a sentence saying what they do."""

    finding: Finding
    description: str
    edits: tuple[Edit, ...]


def _load() -> None:
    """The registration step: the fixer modules register with `registry` when imported, here and only here."""
    from secreview.fixes import calls, rewrites  # noqa: F401 - registering the fixers


def fixable_rules() -> frozenset[str]:
    """The rule ids that have a fixer (some of whose findings may still have no fix)."""
    _load()
    return frozenset(FIXERS)


def fixes_for(path: str, text: str, findings: Iterable[Finding]) -> list[Fix]:
    """The fixes for `findings` in the file `path` whose text is `text`, in the findings' order.

    A finding gets no fix when its rule has no fixer, its node is not in this text
    (the file changed since it was reviewed), the fixer declines, or the edited text
    would not parse.
    """
    _load()
    wanted = [f for f in findings if f.rule_id in FIXERS and f.suppressed is None]
    if not wanted:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    from secreview.fixes.site import Module

    module = Module(path, text, tree, [(f.location.line, f.location.column, f.location.end_line,
                                        f.location.end_column) for f in wanted])
    found: list[Fix] = []
    for finding in wanted:
        if module.text.line(finding.location.line).strip() != finding.source_line:
            continue  # the file is no longer the text that was reviewed
        for node in module.nodes_at(finding):
            made = _first_fix(finding, Site(finding, node, module))
            if made is not None and parses(apply(text, made.edits)):
                found.append(made)
                break
    return found


def _first_fix(finding: Finding, site: Site) -> Fix | None:
    for func in FIXERS[finding.rule_id]:
        made = func(site)
        if made is not None:
            description, edits = made
            return Fix(finding, description, edits)
    return None


def combine(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """The text with as many fixes as fit together (in order; one that overlaps an earlier one waits
    for the next run), and the fixes applied. The result is checked to parse; if it does not, nothing
    is applied."""
    chosen: list[Fix] = []
    edits: list[Edit] = []
    for fix in fixes:
        if any(overlaps(new, old) for new in fix.edits for old in edits):
            continue
        chosen.append(fix)
        edits.extend(fix.edits)
    fixed = apply(text, edits)
    if not parses(fixed):
        return text, []
    return fixed, chosen


__all__ = ["FIXERS", "Edit", "Fix", "combine", "fixable_rules", "fixer", "fixes_for"]
