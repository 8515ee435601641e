"""The driver of a fleet review: hand projects to Ray, collect their reviews, write the outputs.

At most one project per CPU of the cluster is in flight (and at most
`MAX_INFLIGHT_BYTES` of source in the object store), so a fleet of thousands of
projects never holds them all in memory, and a project is handed to Ray when
a CPU is about to be free for it: `--project-timeout` counts from then. A project
whose source is more than `batch_bytes` is cut into batches reviewed as separate
tasks, then linked by one more task (the cross-module taint pass needs all its
files); a smaller project is one task.

Ray retries a task whose worker died (`retries` times); any failure that is
left — a worker that keeps dying, a bug, an engine mismatch, a time budget
exceeded — is recorded for that project, whose tasks are cancelled, and the
others go on.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from secreview.core.model import DiagnosticKind
from secreview.core.version import __version__
from secreview.fleet import archives, worker
from secreview.fleet.outputs import (
    ERROR,
    OK,
    TIMEOUT,
    Record,
    previous_records,
    remove_reports,
    reports_exist,
    summary,
    write_index,
    write_reports,
    write_summary,
)
from secreview.fleet.prepare import BATCH_BYTES, Caches, ConfigSource, Prepared, ProjectError, project_input
from secreview.fleet.projects import Project, projects
from secreview.run.parallel import default_jobs
from secreview.settings.config import DEFAULT_FILE_TIMEOUT

MAX_INFLIGHT_BYTES = 1 << 30  # of source handed to Ray and not yet reviewed
_SUMMARY_EVERY = 1.0  # seconds between rewrites of summary.json while projects finish
_TRANSIENT = (DiagnosticKind.TIMEOUT, DiagnosticKind.INTERNAL, DiagnosticKind.UNREADABLE)


class FleetUnavailable(Exception):
    """Ray is not installed or the cluster cannot be reached (a usage error)."""


@dataclass(frozen=True)
class FleetOptions:
    output_dir: Path
    source: ConfigSource = field(default_factory=ConfigSource)
    address: str | None = None  # an existing cluster (`auto`, `ray://host:10001`); None: a local Ray for this run
    cpus: int = 0  # of the local Ray; 0: every core
    project_timeout: float | None = None  # seconds per project
    file_timeout: float | None = DEFAULT_FILE_TIMEOUT
    force: bool = False  # redo projects a previous run into output_dir already reviewed
    retries: int = 3  # Ray retries of a task whose worker died
    cache: bool = True  # the per-file result cache (directory projects, see prepare.Caches)
    cache_dir: str | None = None
    batch_bytes: int = BATCH_BYTES
    limits: archives.Limits = field(default_factory=archives.Limits)
    progress: bool = False


@dataclass
class FleetResult:
    summary: dict[str, Any]
    warnings: list[str]

    @property
    def findings(self) -> int:
        return int(self.summary["totals"]["findings"])


@dataclass
class _Running:
    prepared: Prepared
    key: str | None
    final: Any  # the ObjectRef of the task that returns the project's review
    refs: list[Any]  # every task of the project, to cancel
    handed: float  # time.monotonic() when handed to Ray
    size: int


def run_fleet(arguments: Sequence[str], options: FleetOptions) -> FleetResult:
    """Review every project named in `arguments` (directories, archives, @FILE lists) on Ray.

    Raises ProjectListError or FleetUnavailable for usage errors; every other
    problem is recorded for the project it concerns.
    """
    todo = projects(list(arguments))
    options.output_dir.mkdir(parents=True, exist_ok=True)
    with ray_session(options.address, options.cpus) as ray:
        return _Fleet(ray, options, todo).run()


@contextmanager
def ray_session(address: str | None, cpus: int = 0) -> Iterator[Any]:
    """Ray, initialised: the caller's session if there is one, else a cluster joined or started for this run."""
    try:
        import ray
    except ImportError as exc:
        raise FleetUnavailable("secreview fleet needs Ray: pip install 'secreview[fleet]'") from exc
    if ray.is_initialized():  # a library caller's own session: used as it is, left running
        yield ray
        return
    try:
        if address is None:
            # An offline tool does not report usage to anyone; a user who wants Ray's statistics can set it to 1.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(num_cpus=cpus or default_jobs(), include_dashboard=False, log_to_driver=False,
                     logging_level=logging.ERROR)
        elif address.startswith("ray://"):
            ray.init(address=address)
        else:
            ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise FleetUnavailable(f"cannot start or join Ray at {address or 'a local cluster'}: {exc}") from exc
    try:
        yield ray
    finally:
        ray.shutdown()


class _Fleet:
    def __init__(self, ray: Any, options: FleetOptions, todo: list[Project]) -> None:
        self.ray = ray
        self.options = options
        self.todo = todo
        self.previous = {} if options.force else previous_records(options.output_dir)
        self.records: dict[str, dict[str, Any]] = {}
        self.caches = Caches(options.cache_dir) if options.cache else None
        self.started = time.monotonic()
        self.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.written = 0.0
        resources = ray.cluster_resources()
        self.cpus = max(1, int(resources.get("CPU", 1)))
        self.head = {"tool": {"name": "secreview", "version": __version__}, "engine": worker.engine_id(),
                     "ray": {"address": options.address or "local", "cpus": self.cpus,
                             "nodes": sum(1 for n in ray.nodes() if n.get("Alive"))},
                     "started": self.started_at}
        remote = ray.remote(max_retries=options.retries, retry_exceptions=False)
        self.review_batch = remote(worker.review_batch)
        self.link = remote(worker.link)
        self.review_project = remote(worker.review_project)
        self.shipment = ray.put(worker.Shipment(worker.engine_id(), __version__, options.file_timeout))
        self.configs: dict[Any, Any] = {}  # Config -> its ObjectRef: each configuration is shipped once

    # -- the loop ----------------------------------------------------------------------------------------
    def run(self) -> FleetResult:
        queue = deque(self.todo)
        running: dict[Any, _Running] = {}
        bar = None
        if self.options.progress:
            from secreview.run.progress import ProgressBar

            bar = ProgressBar(len(self.todo), "projects")
        try:
            while queue or running:
                while queue and len(running) < self.cpus and sum(r.size for r in running.values()) < MAX_INFLIGHT_BYTES:
                    started = self._start(queue.popleft())
                    if isinstance(started, Record):
                        self._record(started, bar)
                    else:
                        running[started.final] = started
                if not running:
                    continue
                ready, _ = self.ray.wait(list(running), num_returns=1, timeout=self._poll(running))
                if ready:  # and whatever else finished meanwhile
                    ready, _ = self.ray.wait(list(running), num_returns=len(running), timeout=0)
                for ref in ready:
                    self._record(self._finish(running.pop(ref)), bar)
                for ref in self._expired(running):
                    self._record(self._timed_out(running.pop(ref)), bar)
        finally:
            for left in running.values():  # interrupted: nothing keeps running on the cluster
                self._cancel(left)
            if bar is not None:
                bar.close()
            if self.caches is not None:
                self.caches.close()
            archives.removed()  # no unpacked archive outlives the run
            data = self._write_summary(force=True)
            write_index(self.options.output_dir, data)
        return FleetResult(data, self.caches.warnings if self.caches is not None else [])

    def _poll(self, running: dict[Any, _Running]) -> float:
        if self.options.project_timeout is None:
            return 1.0
        now = time.monotonic()
        first = min(r.handed + self.options.project_timeout for r in running.values())
        return min(1.0, max(0.01, first - now))

    def _expired(self, running: dict[Any, _Running]) -> list[Any]:
        if self.options.project_timeout is None:
            return []
        now = time.monotonic()
        return [ref for ref, r in running.items() if now - r.handed > self.options.project_timeout]

    # -- one project -------------------------------------------------------------------------------------
    def _start(self, project: Project) -> _Running | Record:
        begun = time.monotonic()
        try:
            source = project_input(project, self.options.source, self.caches, self.options.limits)
            key = source.key()
            reused = self._reusable(project, key)
            if reused is not None:
                return reused
            prepared = source.prepare()
        except ProjectError as exc:
            return Record.failed(project, ERROR, str(exc), prepare_seconds=round(time.monotonic() - begun, 4))
        except Exception as exc:  # noqa: BLE001 - a bug met on one project must not stop the others
            if os.environ.get("SECREVIEW_DEBUG"):
                raise
            return Record.failed(project, ERROR, f"internal error on the driver: {type(exc).__name__}: {exc}",
                                 prepare_seconds=round(time.monotonic() - begun, 4))
        ray = self.ray
        config = self.configs.get(prepared.config)
        if config is None:
            config = self.configs[prepared.config] = ray.put(prepared.config)
        done = ray.put(prepared.done)  # the cached results are shipped once, to the task that links
        keep = prepared.cache is not None
        total, diagnostics = len(prepared.paths), prepared.diagnostics
        batches = prepared.batches(self.options.batch_bytes)
        if len(batches) == 1:
            final = self.review_project.remote(self.shipment, config, done, diagnostics, total, keep, batches[0])
            refs = [final]
        else:
            refs = [self.review_batch.remote(self.shipment, config, batch) for batch in batches]
            final = self.link.remote(self.shipment, config, done, diagnostics, total, keep, *refs)
            refs.append(final)
        size = prepared.size
        prepared.todo = []  # the bytes are in the object store now: the driver keeps no copy
        return _Running(prepared, key, final, refs, time.monotonic(), size)

    def _reusable(self, project: Project, key: str | None) -> Record | None:
        """The previous run's record when this project is unchanged and its reports are still there."""
        previous = self.previous.get(project.name)
        if (key is None or previous is None or previous.get("status") != OK or previous.get("key") != key
                or not reports_exist(self.options.output_dir, previous)):
            return None
        fields = {name: previous[name] for name in Record.__dataclass_fields__ if name in previous}
        try:
            return replace(Record(**fields), project=project.given, reused=True)
        except TypeError:  # a record of another shape: redo the project
            return None

    def _finish(self, running: _Running) -> Record:
        prepared = running.prepared
        project = prepared.project
        timing = {"seconds": round(time.monotonic() - running.handed, 4), "prepare_seconds": round(prepared.seconds, 4)}
        try:
            result = self.ray.get(running.final)
        except Exception as exc:  # noqa: BLE001 - Ray's errors, and the task's own (RayTaskError wraps them)
            remove_reports(self.options.output_dir, project.name)
            return Record.failed(project, ERROR, self._failure(exc), **timing)
        review = result.review
        record = Record(project.name, project.given, project.kind, OK, key=running.key, cached=prepared.cached,
                        **timing)
        record.count(review)
        record.ran(result.tasks)
        if not any(f.reviewed for f in review.files):
            record.status, record.key = ERROR, None
            record.reason = ("nothing reviewable: no Python file could be parsed" if review.files
                             else "nothing reviewable: no Python files found")
        if any(d.kind in _TRANSIENT for d in review.all_diagnostics):
            record.key = None  # may come out differently next time: never reused
        writing = time.monotonic()
        record.reports = write_reports(self.options.output_dir, project.name, review)
        if prepared.cache is not None and result.fresh:
            prepared.cache.store([prepared.paths[i] for i, _ in result.fresh], [r for _, r in result.fresh],
                                 prepared.lookup)
        record.write_seconds = round(time.monotonic() - writing, 4)
        return record

    def _failure(self, exc: BaseException) -> str:
        from ray import exceptions

        if isinstance(exc, exceptions.RayTaskError):
            cause = exc.cause
            if isinstance(cause, worker.EngineMismatch):
                return str(cause)
            if isinstance(cause, BaseException) and not isinstance(cause, exceptions.RayError):
                return f"internal error on the worker: {type(cause).__name__}: {_first_line(cause)}"
        if isinstance(exc, (exceptions.WorkerCrashedError, exceptions.NodeDiedError, exceptions.OwnerDiedError,
                            exceptions.ObjectLostError, exceptions.OutOfMemoryError)):
            return (f"the worker died and {self.options.retries} retries did not help: "
                    f"{type(exc).__name__}: {_first_line(exc)}")
        return f"{type(exc).__name__}: {_first_line(exc)}"

    def _timed_out(self, running: _Running) -> Record:
        self._cancel(running)
        project = running.prepared.project
        remove_reports(self.options.output_dir, project.name)
        return Record.failed(project, TIMEOUT, f"over the --project-timeout of {self.options.project_timeout:g} s",
                             seconds=round(time.monotonic() - running.handed, 4),
                             prepare_seconds=round(running.prepared.seconds, 4))

    def _cancel(self, running: _Running) -> None:
        for ref in running.refs:
            try:
                self.ray.cancel(ref, force=True)
            except Exception:  # noqa: BLE001 - already finished or gone: nothing left to stop
                pass

    # -- outputs -----------------------------------------------------------------------------------------
    def _record(self, record: Record, bar: Any) -> None:
        self.records[record.name] = record.as_dict()
        if bar is not None:
            bar.advance()
        self._write_summary()

    def _write_summary(self, force: bool = False) -> dict[str, Any]:
        order = {p.name: i for i, p in enumerate(self.todo)}
        records = sorted(self.records.values(), key=lambda r: order[r["name"]])
        data = summary(records, {**self.head, "seconds": round(time.monotonic() - self.started, 3)})
        now = time.monotonic()
        if force or now - self.written >= _SUMMARY_EVERY:
            write_summary(self.options.output_dir, data)
            self.written = now
        return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"
