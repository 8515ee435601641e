"""Review one file: parse, walk once with the selected rules, apply suppressions.

Every failure — unreadable, undecodable, unparsable, too deep for the
recursion limit, or a bug in a rule — becomes a diagnostic for this file
alone; `review_file` never raises for what the file contains.
"""

from __future__ import annotations

from secreview.core.gcpause import paused_gc
from secreview.core.model import Diagnostic, DiagnosticKind, FileReview
from secreview.review import suppress
from secreview.review.claims import verify_file, verifying
from secreview.review.verdicts import file_verdicts
from secreview.rules.base import Context
from secreview.rules.engine import Dispatch, FileTimeout, Walker
from secreview.settings.config import Config, ConfigError, Thresholds
from secreview.sources.discover import module_name
from secreview.sources.parse import Parsed, parse_file, parse_source


def analyze(parsed: Parsed, dispatch: Dispatch, module: str = "", thresholds: Thresholds = Thresholds(),
            deadline: float | None = None) -> FileReview:
    """Run the checks over a parsed file, split off suppressed and below-threshold findings.

    `deadline` (a `time.monotonic()` value) bounds the walk: past it, the file keeps
    what was found so far plus a `timeout` diagnostic, instead of holding up the run.
    """
    ctx = Context(parsed.path, parsed.source, parsed.tree, module)
    diagnostics: list[Diagnostic] = []
    with paused_gc():  # see secreview.core.gcpause
        try:
            Walker(ctx, dispatch.for_file(ctx.is_test, ctx), deadline).run()
        except FileTimeout:
            diagnostics.append(timeout_diagnostic(parsed.path))
        except RecursionError:
            diagnostics.append(Diagnostic(parsed.path, DiagnosticKind.TOO_DEEP,
                                          "code nests too deeply to analyse; findings for this file may be incomplete"))
        except Exception as exc:  # a rule bug must not stop the run or hide other files
            rule = ctx.rule.id if ctx.rule else "engine"
            diagnostics.append(Diagnostic(parsed.path, DiagnosticKind.INTERNAL,
                                          f"internal error in {rule}: {type(exc).__name__}: {exc}; "
                                          "please report it — findings for this file may be incomplete"))
    ordered = sorted(ctx.findings, key=lambda f: f.sort_key)
    kept, waived = suppress.apply(ordered, parsed.source)
    shown = thresholds.shown(kept)
    lines = parsed.source.count("\n") + (0 if parsed.source.endswith("\n") or not parsed.source else 1)
    if verifying():  # --verify-verdicts: every claim of the verdicts is checked against the tree
        diagnostics += [Diagnostic(parsed.path, DiagnosticKind.INTERNAL, f"verdict claim not supported: {problem}")
                        for problem in verify_file(parsed.tree, parsed.path, shown, ctx.facts)]
    return FileReview(
        path=parsed.path,
        lines=lines,
        findings=tuple(shown),
        suppressed=tuple(waived),
        diagnostics=tuple(diagnostics),
        facts=tuple(ctx.facts),
        verdicts=file_verdicts(shown, ctx.facts),
        below_threshold=len(kept) - len(shown),
    )


def dispatch_for(config: Config) -> Dispatch:
    """The walk's dispatch for the rules `config` selects; a selector naming no rule is a usage error."""
    from secreview.rules import select_rules, unknown_selectors

    unknown = unknown_selectors([*config.select, *config.ignore])
    if unknown:
        raise ConfigError(f"unknown rule or CWE in select/ignore: {', '.join(unknown)} (see `secreview rules`)")
    return Dispatch(select_rules(config.select, config.ignore))


def timeout_diagnostic(path: str) -> Diagnostic:
    return Diagnostic(path, DiagnosticKind.TIMEOUT, "review stopped at the per-file time budget (--file-timeout); "
                      "findings for this file may be incomplete")


def unreviewed(path: str, diagnostic: Diagnostic) -> FileReview:
    """The review of a file that could not be read or parsed: its diagnostic only."""
    return FileReview(path=path, lines=0, diagnostics=(diagnostic,),
                      verdicts=file_verdicts((), (), reviewed=False), reviewed=False)


def review_file(path: str, dispatch: Dispatch, max_bytes: int, thresholds: Thresholds = Thresholds(),
                deadline: float | None = None) -> FileReview:
    parsed = parse_file(path, max_bytes)
    if isinstance(parsed, Diagnostic):
        return unreviewed(path, parsed)
    return analyze(parsed, dispatch, module_name(path), thresholds, deadline)


def review_text(path: str, source: str, dispatch: Dispatch, thresholds: Thresholds = Thresholds()) -> FileReview:
    parsed = parse_source(path, source)
    if isinstance(parsed, Diagnostic):
        return FileReview(path=path, lines=source.count("\n") + 1, diagnostics=(parsed,),
                          verdicts=file_verdicts((), (), reviewed=False), reviewed=False)
    return analyze(parsed, dispatch, "", thresholds)
