"""Loader classes and parser factories defined in one module and used in another.

`rules/loader_classes.py` judges a YAML loader, an Unpickler subclass or an XML parser factory by
what it is built on (`secreview.analysis.class_facts`), but a rule sees one file: a use of a class
another module defines (`yaml.load(text, Loader=yamlutil.Loader)`) is deferred. So:

* a file pass (`imported-classes`, see `secreview.run.filepasses`) keeps per module the record of
  its classes, factories and imported names (`class_facts.ModuleClasses`), and walks the loader
  rules once more to collect the uses they deferred, each with a finding to fill in;
* `link` judges each use over every module's record and reports it with the rule's wording, or not
  at all when the class proves safe; a taint finding on the same line gives way the same way (the
  taint pass cannot see the class either). A class no module defines is judged by its name, as the
  rule did before the project was linked, and the message says so.

The result depends only on the per-file records, so a warm, cold, serial or parallel run agrees.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from secreview.analysis.class_facts import ClassUse, ModuleClasses, finder, module_classes, top_level
from secreview.analysis.project_records import Relinker, walk
from secreview.core.model import Finding

if TYPE_CHECKING:
    from secreview.core.model import FileReview
    from secreview.settings.config import Config
    from secreview.sources.parse import Parsed

PASS_NAME = "imported-classes"
PASS_VERSION = "1"
# Only modules whose top-level imports name one of these keep a record (a loader, unpickler or parser
# is built on an imported class, or re-exports one) and are walked for loader and parser uses; a file
# is walked for unpickler uses if it calls `.load()`. (Reading the imports, not the whole text: the
# text searches cost more than the rest of the pass over Nova.)
_WORDS = ("yaml", "ickl", "xml", "XML", "Loader", "Constructor")
_MAKES_PARSERS = ("XMLParser", "defusedxml")
_STDLIB_XML = ("xml.etree", "xml.dom", "xml.sax")  # the parsers `xml-entity-expansion` judges
# A taint finding of these rules on a use's line is about the same loading call.
_SAME_CALL = {"yaml-unsafe-load": "taint-unsafe-deserialization", "xml-entity-expansion": "taint-xxe"}


@dataclass(frozen=True)
class ModuleUses:
    """What the file pass keeps of one module."""

    record: ModuleClasses
    uses: tuple[ClassUse, ...] = ()
    waivers: dict = field(default_factory=dict)  # suppression comments by line, for the uses' lines


def collect(parsed: Parsed, module: str) -> ModuleUses | None:
    """The file pass: this module's record, and the uses of other modules' classes the loader rules deferred."""
    source = parsed.source
    imported = _imported_names(parsed.tree)
    if not imported and ".load()" not in source:
        return None
    record = module_classes(parsed.tree, module, parsed.path, any(w in imported for w in _MAKES_PARSERS)) \
        if imported else ModuleClasses(module)
    may_use = ".load()" in source or ("yaml" in imported and "Loader" in source) or (
        any(parser in imported for parser in _STDLIB_XML) and "arser" in source)
    uses = _uses(parsed, module) if may_use else ()
    if not (record or uses):
        return None
    waivers: dict = {}
    if uses:
        from secreview.review.suppress import waivers as comments

        waivers = comments(source)
    return ModuleUses(record, tuple(uses), waivers)


def _imported_names(tree: ast.Module) -> str:
    """The module's top-level imports that name a word of `_WORDS`, as one text ('' for none)."""
    found = []
    for stmt in top_level(tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            text = " ".join((getattr(stmt, "module", None) or "", *(a.name for a in stmt.names)))
            if any(word in text for word in _WORDS):
                found.append(text)
    return " ".join(found)


def _uses(parsed: Parsed, module: str) -> list[ClassUse]:
    """Walk the module with the loader rules, keeping only the uses they defer."""
    from secreview.rules.loader_classes import DEFERRED

    return walk(parsed, module, DEFERRED, _dispatch())


_DISPATCH: list[Any] = []


def _dispatch() -> Any:
    """The walk's checks: the rules that defer, built once per process."""
    if not _DISPATCH:
        from secreview.rules import REGISTRY
        from secreview.rules.engine import Dispatch

        rules = [REGISTRY[r] for r in ("yaml-unsafe-load", "unsafe-deserialization-pickle", "xml-entity-expansion")]
        _DISPATCH.append(Dispatch(rules, collectors=()))
    return _DISPATCH[0]


# -- the project step ----------------------------------------------------------------

def link(reviews: Sequence[FileReview], extras: Iterable[object], config: Config) -> tuple[FileReview, ...]:
    """The reviews with the uses of other modules' classes judged."""
    records = [e if isinstance(e, ModuleUses) else None for e in extras]
    known = {r.record.module: r.record for r in records if r is not None}
    return tuple(with_findings(review, record, known.get, config) for review, record in zip(reviews, records))


def with_findings(review: FileReview, uses: ModuleUses | None,
                  module: Callable[[str], ModuleClasses | None], config: Config) -> FileReview:
    """One file's review with its deferred uses judged (`module(name)`: a module's record)."""
    if uses is None or not uses.uses or not review.reviewed:
        return review
    from secreview.rules import loader_classes

    find = finder(module)
    found: list[Finding] = []
    safe: set[tuple[int, str]] = set()
    for use in uses.uses:
        judged = loader_classes.judge(use.kind, use.name, find)
        words = loader_classes.wording(use.kind, use.name, judged, use.call, use.origin)
        if words is None:
            safe.add((use.finding.location.line, _SAME_CALL.get(use.finding.rule_id, "")))
            continue
        found.append(dataclasses.replace(use.finding, message=words.message,
                                         confidence=words.confidence or use.finding.confidence))
    review = _without(review, safe)
    taint = {(f.location.line, f.rule_id) for f in review.findings}
    found = [f for f in found if (f.location.line, _SAME_CALL.get(f.rule_id)) not in taint]
    if not found:
        return review
    from secreview.analysis.project_merge import merge
    from secreview.rules import select_rules

    selected = {r.id for r in select_rules(config.select, config.ignore)}
    return merge(review, [f for f in found if f.rule_id in selected], uses.waivers, config)


def _without(review: FileReview, safe: set[tuple[int, str]]) -> FileReview:
    """`review` without the taint findings on loading calls whose class the link proved safe."""
    if not safe:
        return review
    kept = tuple(f for f in review.findings if (f.location.line, f.rule_id) not in safe)
    if len(kept) == len(review.findings):
        return review
    from secreview.review.verdicts import file_verdicts

    return dataclasses.replace(review, findings=kept, verdicts=file_verdicts(kept, review.facts))


def relinker(cache: Any, paths: Sequence[str], modules: Sequence[str], full_digest: dict[str, str],
             digest_now: dict[str, str], results: dict[str, Any], config: Config) -> Relinker:
    """The incremental run's re-link of loader uses: a full link when a module's record changed."""
    return Relinker(PASS_NAME, _record, _record, _judge_file, cache, paths, modules, full_digest, digest_now,
                    results, config)


def _judge_file(review: FileReview, found: object, module: Callable[[str], ModuleClasses | None],
                config: Config) -> FileReview:
    return with_findings(review, found if isinstance(found, ModuleUses) else None, module, config)


def _record(found: object) -> ModuleClasses | None:
    return found.record if isinstance(found, ModuleUses) else None
