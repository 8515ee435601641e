"""The Python API: the same reviews the command line prints.

    >>> import secreview
    >>> review = secreview.review_source("import os\\nos.system(cmd)\\n", filename="x.py")
    >>> [f.rule_id for f in review.findings]
    ['command-injection-shell']
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secreview.analysis import imported_classes, imported_patterns, taint_project
from secreview.core.model import Diagnostic, FileReview, PillarVerdict, Review
from secreview.core.version import __version__
from secreview.run import filepasses
from secreview.settings.config import DEFAULT_FILE_TIMEOUT, Config
from secreview.settings.config import load as load_config
from secreview.sources.discover import MissingPath, discover

# The engine, the rules and review mode are imported where they are used: a run that
# finds nothing changed in the cache needs none of them, and their import is much of it.
if TYPE_CHECKING:
    from secreview.llm.settings import LLMSettings
    from secreview.review.baseline import Baseline
    from secreview.run.cache import Cache
    from secreview.run.results import FileResult


def register_file_passes() -> None:
    """The registration step: the per-file passes of the project-level analyses.

    The taint link and the imported-pattern link each need something computed from every file's
    tree, in the same worker and on the same parse as the rules (and cached with the file's review,
    so the passes are part of the cache fingerprint). The top registers them, so the analyses never
    import the run that calls them. Importing secreview (workers too) runs this once.
    """
    filepasses.register(taint_project.PASS_NAME, taint_project.PASS_VERSION, taint_project.summarise, tests=False)
    filepasses.register(imported_patterns.PASS_NAME, imported_patterns.PASS_VERSION, imported_patterns.collect)
    filepasses.register(imported_classes.PASS_NAME, imported_classes.PASS_VERSION, imported_classes.collect)


register_file_passes()


def review_paths(
    paths: Sequence[str | Path],
    config: Config | None = None,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
    progress: bool = False,
    isolate: bool = False,
) -> Review:
    """Review files and directories. Raises MissingPath or ConfigError for usage errors.

    `jobs` worker processes review files in parallel (the review is identical
    for any number; 0 means one per core); `cache` (`secreview.run.cache.open_cache`) skips unchanged
    files; `file_timeout` seconds bound each file (None: no bound); `progress`
    draws a bar on stderr for long runs; `isolate` reviews in a worker process
    even with one job, so `file_timeout` also stops a hung parse or check.
    """
    names = [str(p) for p in paths]
    if config is None:
        config = load_config(Path(names[0]) if names else None)
    if cache is not None:
        # The selection was checked when this row was stored (the fingerprint holds it and the rules' code).
        found = discover(names, config.exclude, config.gitignore)
        unchanged = cache.unchanged_project(names, found.files)
        if unchanged is not None:
            return Review(files=unchanged.files, verdicts=unchanged.verdicts, diagnostics=tuple(found.diagnostics),
                          tool_version=__version__)
    from secreview.run.analyze import dispatch_for

    dispatch = dispatch_for(config)
    if cache is None:
        found = discover(names, config.exclude, config.gitignore)
    from secreview.run.parallel import FileReviewer, default_jobs, review_many

    reviewer = FileReviewer(config, file_timeout, (dispatch, config.thresholds))
    jobs = jobs or default_jobs()

    def run(some: Sequence[str]) -> list:
        return review_many(some, reviewer, jobs=jobs, cache=cache, progress=progress, isolate=isolate)

    if cache is not None:  # only what the edits can change is reviewed and linked again
        from secreview.analysis.incremental import review_project

        files, verdicts, _ = review_project(cache, names, found.files, run, config)
    else:
        files, verdicts = link_project(run(found.files), config)
    return Review(files=files, verdicts=verdicts, diagnostics=tuple(found.diagnostics), tool_version=__version__)


def review_buffers(
    root: str | Path,
    buffers: Mapping[str, str],
    config: Config | None = None,
    *,
    cache: Cache | None = None,
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
) -> Review:
    """`review_paths([root])` where some files' text is given instead of read: an editor's unsaved buffers.

    `buffers` maps absolute paths to text. Every other file under `root` is read from disk
    (through `cache`, so only files edited on disk are reviewed again), and the taint link
    runs over all of them, so a flow from a buffer into a saved file (or back) is found.
    A buffer under `root` that discovery skips (excluded, ignored) is not reviewed; one
    outside `root`, or not yet saved, is.
    """
    from secreview.review.verdicts import project_verdicts
    from secreview.run.analyze import dispatch_for
    from secreview.run.parallel import FileReviewer, review_many

    top = os.path.abspath(root)
    if config is None:
        config = load_config(Path(top))
    found = discover([top], config.exclude, config.gitignore)
    on_disk = [os.path.abspath(p) for p in found.files]
    listed = set(on_disk)
    wanted = {path: text for path, text in buffers.items()
              if path in listed or not os.path.exists(path) or os.path.commonpath([top, path]) != top}
    reviewer = FileReviewer(config, file_timeout, (dispatch_for(config), config.thresholds))
    unopened = [p for p in on_disk if p not in wanted]
    results = dict(zip(unopened, review_many(unopened, reviewer, cache=cache)))
    results.update((path, reviewer.review_text(path, text)) for path, text in wanted.items())
    ordered = [results[p] for p in (*on_disk, *sorted(wanted.keys() - listed))]
    files = taint_project.apply(ordered, config)
    verdicts = project_verdicts([(f.findings, f.facts) for f in files])
    return Review(files=files, verdicts=verdicts, diagnostics=tuple(found.diagnostics), tool_version=__version__)


def link_project(results: Sequence[FileResult], config: Config) -> tuple[tuple[FileReview, ...],
                                                                          tuple[PillarVerdict, ...]]:
    """The project pass over every file's result (in discovery order), with no cache.

    The cross-module taint flows are added to the review of each sink's file, and the
    project verdicts are built from all of them. `secreview fleet` runs it on a worker
    after a project's file batches.
    """
    from secreview.review.verdicts import project_verdicts

    files = taint_project.apply(results, config)
    return files, project_verdicts([(f.findings, f.facts) for f in files])


def review_source(code: str, filename: str = "<string>", config: Config | None = None) -> Review:
    """Review a string of Python source as if it were the file `filename`."""
    from secreview.run.analyze import dispatch_for, review_text

    config = config or Config()
    file_review = review_text(filename, code, dispatch_for(config), config.thresholds)
    file_review = taint_project.review_source_flows(file_review, code, "", config)
    return Review(files=(file_review,), verdicts=file_review.verdicts, tool_version=__version__)


def apply_llm(review: Review, settings: LLMSettings, config: Config | None = None,
              sources: Mapping[str, str] | None = None) -> Review:
    """Add a language model's second opinion to a finished static review (see `secreview.llm`).

    The static findings are all kept unchanged; the model can add findings
    (`source="llm"`), notes and disagreements (`review.second_opinion`). A
    file whose model answer fails gets an `llm-unavailable` diagnostic and
    keeps its static review. Sources are read from disk unless `sources`
    maps a file's path to its text (e.g. for `review_source`). Raises
    `secreview.llm.client.LLMError` only for an unusable URL.
    """
    from secreview.llm.run import second_opinion

    config = config or Config()
    return second_opinion(review, settings, config.thresholds, sources)


def review_diff(
    diff: str | None = None,
    *,
    rev_range: str | None = None,
    staged: bool = False,
    root: str | Path | None = None,
    paths: Sequence[str | Path] = (),
    config: Config | None = None,
    include_all: bool = False,
    baseline: Baseline | None = None,
    llm: LLMSettings | None = None,
    **review_options: Any,
) -> Review:
    """Review a change: a unified diff (`diff`), `git diff REV_RANGE`, or the staged changes.

    The whole tree is analysed — the work tree, or for `A..B`/`A...B` and
    `staged` the Python files as in B or in the index, written to a temporary
    directory — and the review keeps what the change introduces (see
    `secreview.review.changes`). `root` is where the diff's paths start (default: the
    git work tree holding the current directory, else the current directory);
    `paths` narrows the report to changed files under them. Raises ChangeError
    for a bad diff, revision or repository. With `llm`, a language model's
    second opinion is asked for the changed files (see `apply_llm`) before the
    change is selected, so its findings are kept or counted like any other.
    `review_options` are passed on to `review_paths` (how the tree is analysed).
    """
    from secreview.review import changes
    from secreview.review.verdicts import project_verdicts
    from secreview.sources import git
    from secreview.sources.diff import parse_diff

    if sum((diff is not None, rev_range is not None, staged)) != 1:
        raise ValueError("give exactly one of diff, rev_range or staged=True")
    start = Path(root) if root is not None else Path.cwd()
    if diff is None:
        top = git.toplevel(start)
        text = git.diff(top, rev_range, staged)
        revision = git.new_side(rev_range) if rev_range is not None else None
        snapshot = staged or revision is not None
        description = f"the change {rev_range}" if rev_range is not None else "the staged changes"
    else:
        top = start if root is not None else _toplevel_or(start)
        text, revision, snapshot, description = diff, None, False, "the diff on stdin"
    changed = parse_diff(text)
    if config is None:
        config = load_config(top)
    scope = _scope_filter(top, paths)
    changed = [c for c in changed if scope(c.path)]
    names = {c.path for c in changed}
    if not any(changes.may_be_python(c) for c in changed):  # docs, data, deletions: nothing to analyse
        nothing = Review(files=(), verdicts=project_verdicts([]), tool_version=__version__)
        return changes.select(nothing, changed, description, root=top)
    unwritten: list[Diagnostic] = []
    with tempfile.TemporaryDirectory(prefix="secreview-") as temp:
        tree = top
        if snapshot:
            tree = Path(temp) / "tree"
            unwritten = git.snapshot(top, tree, revision, lambda name: name.endswith((".py", ".pyw", "/.gitignore"))
                                     or name == ".gitignore" or name in names)
            # The result cache is keyed by path: a temporary snapshot would only fill it with dead entries.
            review_options = {k: v for k, v in review_options.items() if k != "cache"}
        full = changes.relocate(review_paths([tree], config, **review_options), tree)
        if llm is not None:
            full = _llm_on_changed_files(full, llm, config, names, tree)
        problems = [*unwritten, *changes.skipped(changed, {fr.path for fr in full.files}, tree)]
    return changes.select(full, changed, description, include_all=include_all, baseline=baseline,
                          diagnostics=problems, root=top)


def _llm_on_changed_files(review: Review, settings: LLMSettings, config: Config, names: set[str],
                          tree: Path) -> Review:
    """`apply_llm` for the files a change touches (paths relative to `tree`); the rest as they were."""
    from secreview.sources.parse import parse_file

    subset = dataclasses.replace(review, files=tuple(f for f in review.files if f.path in names))
    sources = {}
    for file_review in subset.files:
        parsed = parse_file(str(tree / file_review.path), config.max_file_size)
        if not isinstance(parsed, Diagnostic):
            sources[file_review.path] = parsed.source
    opined = apply_llm(subset, settings, config, sources)
    by_path = {f.path: f for f in opined.files}
    return dataclasses.replace(review, files=tuple(by_path.get(f.path, f) for f in review.files),
                               diagnostics=opined.diagnostics, second_opinion=opined.second_opinion)


def _toplevel_or(start: Path) -> Path:
    """The git work tree holding `start`, or `start` itself outside git (a diff on stdin needs no git)."""
    from secreview.sources import git
    from secreview.sources.diff import ChangeError

    try:
        return git.toplevel(start)
    except ChangeError:
        return start


def _scope_filter(top: Path, paths: Sequence[str | Path]) -> Callable[[str], bool]:
    """Whether a diff path (relative to `top`) lies under one of `paths` (all of them when none are given)."""
    if not paths:
        return lambda _: True
    prefixes = []
    for given in paths:
        try:
            prefixes.append(Path(given).resolve().relative_to(top.resolve()).as_posix())
        except ValueError:
            raise MissingPath(f"{given} is outside the repository {top}") from None

    def inside(name: str) -> bool:
        return any(prefix in (".", "") or name == prefix or name.startswith(prefix.rstrip("/") + "/")
                   for prefix in prefixes)

    return inside
