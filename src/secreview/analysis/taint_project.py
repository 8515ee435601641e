"""The taint engine's place in a run: a per-file pass and a project pass.

* Per file, `summarise` (registered by `secreview.api` as the `taint-summaries` file pass, see
  `secreview.run.filepasses`) turns the parsed tree into a `ModuleSummary`, in the
  same worker process and on the same tree as the pattern walk, cached with
  the file's review.
* After every file is reviewed, `apply` links the summaries
  (`secreview.analysis.flows`), turns each flow into a finding of the taint
  rule for its sink class, and adds it to the review of the file that holds
  the sink: suppressions and thresholds apply as to any finding, and a
  pattern finding of the same CWE on the same line is dropped in favour of
  the taint finding, which has the path and a better-founded confidence.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from secreview.analysis.project_merge import merge
from secreview.analysis.summaries import ModuleSummary
from secreview.core.model import Diagnostic, DiagnosticKind, FileReview, Finding

if TYPE_CHECKING:  # the engine itself is imported when used: a run where nothing changed never needs it
    from secreview.settings.config import Config
    from secreview.sources.parse import Parsed

PASS_NAME = "taint-summaries"
PASS_VERSION = "23"  # 7: caller steps in summaries (flowaudit); 8: value kinds (secret material) flow as sink-class cuts; 12: names bound to no-text sanitisers prove call sinks safe (ModuleSummary.cleared); 13: Django expression classes and the telnet cleartext sink (frame7); 14: objects the module builds are no cursors, configured redirect templates (prec7); 15: identifier fields of unmodelled call results (prec8); 16: library objects on self, calls of a call's result, SQLAlchemy statement chains (prec9); 17: declared secret options and stored secrets, fast-hash output, secrets in responses (kinds7); 18: literals that may be credentials, module constants across modules (creds7); 19: numbers converted from input, divisor/size/nan sinks (numbers7); 20: typed number sources (FastAPI, Flask converters, JSON), loop and read-size sinks (numbers13); 21: sys.argv[0] is no source (sql22); 22: declared secret options keyed by their group, model and form fields of credential types (secrets13); 23: templates place only the arguments they name (loaders22)
# 9: keyword, name and source-call sinks (kinds6); 10: view_sources (prec6); 11: loop bodies to a fixed point,
# unmodelled calls marked in cuts, ModuleSummary.varies (flow6)


def summarise(parsed: Parsed, module: str) -> bytes:
    """The file pass: a pure function of the parsed file and its module name.

    The summary travels as one pickled `bytes` object: thousands of files' summaries
    held as live tuples and frozensets until the project pass would make every
    garbage collection of the run walk them. Code nested too deeply for the recursive
    evaluator gets an empty summary: the pattern walk recurses as deep and already
    reports the file as too deep to analyse.
    """
    from secreview.analysis.taint import summarise_module

    try:
        summary = summarise_module(parsed.path, parsed.tree, module, parsed.source)
    except RecursionError:
        summary = ModuleSummary(parsed.path, module)
    return pickle.dumps(summary, pickle.HIGHEST_PROTOCOL)


class _Unpickler(pickle.Unpickler):
    """Summaries may come from the on-disk cache: build only the summary types."""

    _ALLOWED = {("secreview.analysis.summaries", name) for name in
                ("ModuleSummary", "FunctionSummary", "CallSite", "SinkEvent", "SourceInfo")} | {
        ("secreview.core.model", "Confidence"), ("secreview.review.suppress", "Waiver"), ("builtins", "frozenset")}

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a taint summary")


def decode(payload: object) -> ModuleSummary | None:
    """The summary a file pass produced, or None for a missing or damaged one."""
    if isinstance(payload, ModuleSummary):
        return payload
    if not isinstance(payload, bytes):
        return None
    try:
        value = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - a damaged or foreign summary is a missing one, as in the cache
        return None
    return value if isinstance(value, ModuleSummary) else None



def apply(results: Sequence[object], config: Config) -> tuple[FileReview, ...]:
    """The file reviews of `results` (run.results.FileResult) with the project's taint findings added."""
    reviews = [r.review for r in results]  # type: ignore[attr-defined]
    summaries = [decode(r.extras.get(PASS_NAME)) for r in results]  # type: ignore[attr-defined]
    from secreview.analysis import imported_classes, imported_patterns

    files = imported_patterns.link(with_flows(reviews, summaries, config),
                                   [r.extras.get(imported_patterns.PASS_NAME) for r in results], config)  # type: ignore[attr-defined]
    return imported_classes.link(files, [r.extras.get(imported_classes.PASS_NAME) for r in results], config)  # type: ignore[attr-defined]


def with_flows(reviews: Sequence[FileReview], summaries: Sequence[ModuleSummary | None],
               config: Config) -> tuple[FileReview, ...]:
    return link_all(reviews, summaries, config, lambda modules, rules: flow_findings(modules, rules))[0]


def flow_findings(modules: Sequence[ModuleSummary], rules: dict[str, Any]) -> dict[str, list[Finding]]:
    """`flow_findings.findings`: the engine is imported when a project is linked, not with this module."""
    from secreview.analysis.flow_findings import findings

    return findings(modules, rules)


def taint_rules(config: Config) -> dict[str, Any]:
    """The selected taint rules by sink class."""
    from secreview.analysis.taint_rules import selected
    from secreview.rules import select_rules

    return selected(select_rules(config.select, config.ignore))


def link_all(reviews: Sequence[FileReview], summaries: Sequence[ModuleSummary | None], config: Config,
             link: Any) -> tuple[tuple[FileReview, ...], Any]:
    """The reviews with the flows `link(modules, rules)` finds, and what else it returned (or None).

    `link` returns findings by path, or (findings by path, extra). A failing link costs the
    taint findings, never the file reviews.
    """
    rules = taint_rules(config)
    modules = [s for s in summaries if isinstance(s, ModuleSummary)]
    if not rules or not modules:
        return tuple(reviews), None
    try:
        found = link(modules, rules)
    except RecursionError:
        return tuple(_with_problem(r, "call chains too deep for the taint engine") for r in reviews), None
    except Exception as exc:  # noqa: BLE001 - a bug in the project pass must not lose the file reviews
        problem = f"internal error in the taint project pass: {type(exc).__name__}: {exc}; please report it"
        return tuple(_with_problem(r, problem, DiagnosticKind.INTERNAL) if i == 0 else r
                     for i, r in enumerate(reviews)), None
    found, extra = found if isinstance(found, tuple) else (found, None)
    waivers = {m.path: m.waivers for m in modules}
    proven = {m.path: (m.cleared, m.dead, m.varies) for m in modules if m.cleared or m.dead or m.varies}
    return tuple(merge(review, found.get(review.path, ()), waivers.get(review.path, {}), config,
                       *proven.get(review.path, ((), (), ()))) for review in reviews), extra


def review_source_flows(review: FileReview, code: str, module: str, config: Config) -> FileReview:
    """`api.review_source`: the same project pass over a project of one file."""
    from secreview.sources.parse import parse_source

    parsed = parse_source(review.path, code)
    if isinstance(parsed, Diagnostic) or not review.reviewed:
        return review
    from secreview.analysis import imported_classes

    try:
        summary = decode(summarise(parsed, module))
        classes = imported_classes.collect(parsed, module)
    except Exception as exc:  # noqa: BLE001 - as in the file pass: the review keeps its other findings
        return _with_problem(review, f"internal error in the taint pass: {type(exc).__name__}: {exc}",
                             DiagnosticKind.INTERNAL)
    return imported_classes.link(with_flows([review], [summary], config), [classes], config)[0]


def _with_problem(review: FileReview, text: str, kind: DiagnosticKind = DiagnosticKind.TOO_DEEP) -> FileReview:
    problem = Diagnostic(review.path, kind, f"{text}; taint findings may be incomplete")
    return dataclasses.replace(review, diagnostics=(*review.diagnostics, problem))
