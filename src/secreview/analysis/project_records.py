"""What the record-based project links share: the walk that collects a file's deferred uses, and the
incremental re-link.

`imported_patterns` (regexes) and `imported_classes` (loader classes, parser factories) each keep,
per module, a record of what other modules may use and the uses a rule could not judge alone; their
link judges the uses over every module's record. Both walk a file with a few checks that append to
`ctx.fact_state[key]`, and both re-link an incremental run the same way (`Relinker`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secreview.core.model import FileReview
    from secreview.settings.config import Config
    from secreview.sources.parse import Parsed


def walk(parsed: Parsed, module: str, key: str, dispatch: Any) -> list:
    """Walk the file with `dispatch` (a `rules.engine.Dispatch`); what its checks append to `ctx.fact_state[key]`."""
    from secreview.rules.base import Context
    from secreview.rules.engine import Walker

    ctx = Context(parsed.path, parsed.source, parsed.tree, module)
    found: list = []
    ctx.fact_state[key] = found
    narrowed = dispatch.for_file(ctx.is_test, ctx)
    if narrowed.checked:  # else no check can run here (a test module, for checks that skip them): no walk
        Walker(ctx, narrowed).run()
    return found


class Relinker:
    """The project step of an incremental run (`secreview.analysis.incremental`) for one record link.

    Files not reviewed again keep their stored reviews, the link's findings included; that holds
    only while no module's exported facts (`exported(extra)`) changed since the last full link, so an
    edit to them asks for a full link (Fallback). A file reviewed again gets its uses judged afresh
    by `judge_file(review, extra, module, config)`, where `module(name)` is that module's
    `record(extra)` (`extra`: the file pass's result for a file).
    """

    def __init__(self, pass_name: str, exported: Callable[[object], object], record: Callable[[object], Any],
                 judge_file: Callable[[FileReview, Any, Callable[[str], Any], Config], FileReview],
                 cache: Any, paths: Sequence[str], modules: Sequence[str], full_digest: dict[str, str],
                 digest_now: dict[str, str], results: dict[str, Any], config: Config) -> None:
        from secreview.analysis.flow_paths import Fallback

        self._name, self._record, self._judge_file = pass_name, record, judge_file
        self._cache, self._results, self._config, self._digest_now = cache, results, config, digest_now
        self._paths = dict(zip(modules, paths))
        for path, result in results.items():
            before = cache.result(path, full_digest[path])
            if before is None:
                raise Fallback(f"no cached review of {path} at the last full link")
            if exported(before.extras.get(pass_name)) != exported(result.extras.get(pass_name)):
                raise Fallback(f"what {path} exports to {pass_name} changed")

    def judge(self, review: FileReview, result: Any) -> FileReview:
        return self._judge_file(review, result.extras.get(self._name), self._module, self._config)

    def _module(self, module: str) -> Any:
        from secreview.analysis.flow_paths import Fallback

        path = self._paths.get(module)
        if path is None:
            return None
        result = self._results.get(path) or self._cache.result(path, self._digest_now[path])
        if result is None:
            raise Fallback(f"no cached review of {path}")
        return self._record(result.extras.get(self._name))
