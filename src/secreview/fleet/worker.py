"""What runs in a Ray worker: review a batch of files from their bytes, and link a project.

These are plain functions; `secreview.fleet.run` wraps them with `ray.remote`
(so importing this module needs no Ray). Everything a task needs arrives as an
argument: the `Shipment` (put in the object store once per fleet run), the
project's `Config` (once per distinct configuration), the files' bytes (once per
batch) and the results the driver already has (once per project). A worker
builds the rule dispatch once per configuration and keeps it for every later
batch (`_reviewer`), so rules are not rebuilt per file or per task.

Before reviewing anything, a worker checks that it runs the same engine as the
driver (secreview version, code, Python version, per-file passes): on a cluster
whose nodes have another secreview installed, the project fails with a reason
instead of producing reports that a resumed run would wrongly trust.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from functools import lru_cache, partial

from secreview.api import link_project
from secreview.core.gcpause import paused_gc
from secreview.core.model import Diagnostic, Review
from secreview.core.version import __version__
from secreview.fleet.prepare import SourceFile
from secreview.run.cache import fingerprint
from secreview.run.parallel import FileReviewer, guarded
from secreview.run.results import FileResult
from secreview.settings.config import Config


class EngineMismatch(Exception):
    """The worker's secreview is not the driver's."""


@dataclass(frozen=True)
class Shipment:
    """What every task of a fleet run shares, put in the object store once."""

    engine: str  # `engine_id()` on the driver
    version: str
    file_timeout: float | None


@dataclass(frozen=True)
class TaskInfo:
    """Where and for how long one task ran (for the summary and the scaling estimate)."""

    kind: str  # "review" (a batch of files), "link" (the project pass) or "project" (both at once)
    files: int
    seconds: float
    host: str
    node: str  # Ray node id
    pid: int


@dataclass(frozen=True)
class BatchResult:
    results: tuple[tuple[int, FileResult], ...]  # (position in the project, result)
    task: TaskInfo


@dataclass(frozen=True)
class ProjectResult:
    review: Review
    fresh: tuple[tuple[int, FileResult], ...]  # what the workers reviewed, for the driver's cache (if asked)
    tasks: tuple[TaskInfo, ...]


@lru_cache(maxsize=1)
def engine_id() -> str:
    """Everything about this process's secreview that a review depends on, whatever the configuration."""
    return fingerprint(Config())


@lru_cache(maxsize=16)
def _reviewer(config: Config, file_timeout: float | None) -> FileReviewer:
    return FileReviewer(config, file_timeout)


def _check(shipment: Shipment) -> None:
    if engine_id() != shipment.engine:
        import sys

        raise EngineMismatch(f"the worker on {socket.gethostname()} runs another secreview engine "
                             f"(secreview {__version__} on Python {sys.version_info[0]}.{sys.version_info[1]}; "
                             f"the driver runs secreview {shipment.version}): install the same version everywhere")


def _task(kind: str, files: int, started: float) -> TaskInfo:
    try:
        import ray

        node = ray.get_runtime_context().get_node_id()
    except Exception:  # noqa: BLE001 - outside Ray (the functions are plain and tested as such)
        node = ""
    return TaskInfo(kind, files, round(time.perf_counter() - started, 4), socket.gethostname(), node, os.getpid())


def review_batch(shipment: Shipment, config: Config, files: list[SourceFile]) -> BatchResult:
    """Review some of a project's files, each as `secreview scan` would (the per-file pass)."""
    started = time.perf_counter()
    _check(shipment)
    reviewer = _reviewer(config, shipment.file_timeout)
    with paused_gc():  # as the command line does (see secreview.core.gcpause)
        results = tuple((f.index, guarded(f.path, partial(reviewer.review_bytes, f.path, f.data, f.module, f.size,
                                                          f.mtime_ns, f.inode))) for f in files)
    return BatchResult(results, _task("review", len(files), started))


def link(shipment: Shipment, config: Config, done: list[tuple[int, FileResult]], diagnostics: tuple[Diagnostic, ...],
         total: int, keep_fresh: bool, *batches: BatchResult) -> ProjectResult:
    """The project pass over every file's result, once all the project's batches are reviewed."""
    started = time.perf_counter()
    _check(shipment)
    results: list[FileResult | None] = [None] * total
    fresh = tuple(item for batch in batches for item in batch.results)
    for index, result in (*done, *fresh):
        results[index] = result
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:  # a bug in the driver's bookkeeping: never report a project with files left out
        raise RuntimeError(f"{len(missing)} of {total} files have no result")
    with paused_gc():
        files, verdicts = link_project(results, config)
    review = Review(files=files, verdicts=verdicts, diagnostics=diagnostics, tool_version=__version__)
    tasks = (*(b.task for b in batches), _task("link", total, started))
    return ProjectResult(review, fresh if keep_fresh else (), tasks)


def review_project(shipment: Shipment, config: Config, done: list[tuple[int, FileResult]],
                   diagnostics: tuple[Diagnostic, ...], total: int, keep_fresh: bool,
                   files: list[SourceFile]) -> ProjectResult:
    """A project small enough for one task: its batch and its link, with no round trip between them."""
    started = time.perf_counter()
    batch = review_batch(shipment, config, files)
    result = link(shipment, config, done, diagnostics, total, keep_fresh, batch)
    return ProjectResult(result.review, result.fresh, (_task("project", total, started),))
