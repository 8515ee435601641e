"""Review many files at once: worker processes, a time budget per file, same output for any N.

Each file is reviewed on its own (parse, one walk, suppressions, per-file
passes), so files can go to any worker in any order; results are put back in
discovery order, and the review is identical in content and order whatever
`--jobs` is.

The pool is a handful of processes each holding a file or two over a pipe
(the one it reviews and the next), rather than `concurrent.futures`, because
a file that hangs the parser (a generated 50 MB module, an expression nested
100,000 deep) must cost a diagnostic, not the run: the walk checks a
cooperative deadline itself (`engine.Walker`), and a worker still busy well
past its budget is killed and replaced. No signals are used, so library
callers on any thread are safe. With one job and no `isolate` everything runs
in this process and only the cooperative deadline applies (a parse cannot be
interrupted without another process); the command line always isolates.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Any

from secreview.core.gcpause import paused_gc
from secreview.core.model import Diagnostic, DiagnosticKind, FileReview
from secreview.run import filepasses
from secreview.run.analyze import analyze, dispatch_for, timeout_diagnostic, unreviewed
from secreview.rules.base import is_test_path
from secreview.run.results import FileResult, content_digest
from secreview.settings.config import DEFAULT_FILE_TIMEOUT, Config
from secreview.sources.discover import module_name
from secreview.sources.parse import Parsed, parse_bytes, parse_source, read_file

if TYPE_CHECKING:
    from secreview.run.cache import Cache

_GRACE = 2.0  # a worker is killed at twice its budget plus this: the walk normally stops itself first


class FileReviewer:
    """Reviews one file by path; picklable, so a worker process can hold one.

    Built from the configuration alone: the rule dispatch is rebuilt lazily in
    whichever process uses it, never pickled.
    """

    def __init__(self, config: Config, file_timeout: float | None = DEFAULT_FILE_TIMEOUT,
                 prepared: tuple[Any, Any] | None = None) -> None:
        """`prepared`: the (Dispatch, Thresholds) for `config`, when the caller has them already."""
        self.config = config
        self.file_timeout = file_timeout if file_timeout and file_timeout > 0 else None
        self._prepared = prepared

    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config, "file_timeout": self.file_timeout, "_prepared": None}

    def _dispatch_and_thresholds(self) -> tuple[Any, Any]:
        if self._prepared is None:

            self._prepared = (dispatch_for(self.config), self.config.thresholds)
        return self._prepared

    def __call__(self, path: str) -> FileResult:
        with paused_gc():  # parse, walk and taint summary of one file (see secreview.core.gcpause)
            return self._review(path)

    def _review(self, path: str) -> FileResult:
        read = read_file(path, self.config.max_file_size)
        if isinstance(read, Diagnostic):
            return FileResult(unreviewed(path, read))
        data, status = read
        return self.review_bytes(path, data, module_name(path), status.st_size, status.st_mtime_ns, status.st_ino)

    def review_bytes(self, path: str, data: bytes, module: str, size: int = -1, mtime_ns: int = -1,
                     inode: int = -1) -> FileResult:
        """Review `data` as the file `path` of module `module`, without touching the file system.

        What `secreview fleet` workers run: the bytes were read where the project lives,
        maybe on another machine. `size`, `mtime_ns` and `inode` are the file's status when
        it was read, for the cache.
        """
        deadline = self._deadline()
        stamp = {"digest": content_digest(data), "size": size, "mtime_ns": mtime_ns, "inode": inode}
        return self._review_parsed(path, module, parse_bytes(path, data, self.config.max_file_size), stamp, deadline)

    def review_text(self, path: str, text: str) -> FileResult:
        """Review `text` as the file `path` (an editor's unsaved buffer); not cacheable (no digest)."""
        deadline = self._deadline()
        with paused_gc():
            return self._review_parsed(path, module_name(path), parse_source(path, text), {}, deadline)

    def _deadline(self) -> float | None:
        # A fresh worker imports the rules before its first file: that is the process's cost, not the file's,
        # and on a busy machine it alone could use a short budget (the file would then time out unread).
        self._dispatch_and_thresholds()
        return time.monotonic() + self.file_timeout if self.file_timeout else None

    def _review_parsed(self, path: str, module: str, parsed: Parsed | Diagnostic, stamp: dict[str, Any],
                       deadline: float | None) -> FileResult:
        dispatch, thresholds = self._dispatch_and_thresholds()
        if isinstance(parsed, Diagnostic):
            return FileResult(unreviewed(path, parsed), **stamp)
        if deadline is not None and time.monotonic() > deadline:  # the parse alone used the budget
            return FileResult(unreviewed(path, timeout_diagnostic(path)), **stamp)
        review = analyze(parsed, dispatch, module, thresholds, deadline)
        extras: dict[str, Any] = {}
        problems: list[Diagnostic] = []
        passes = filepasses.registered()
        if not self.config.include_tests and is_test_path(path):
            kept = tuple(item for item in passes if item.tests)
            if len(kept) < len(passes):
                passes, review = kept, replace(review, flows_untraced=True)
        for item in passes:
            try:
                extras[item.name] = item.run(parsed, module)
            except Exception as exc:  # a pass bug costs that pass's result for this file, nothing more
                problems.append(Diagnostic(path, DiagnosticKind.INTERNAL,
                                           f"internal error in {item.name}: {type(exc).__name__}: {exc}"))
        if problems:
            review = _with_diagnostics(review, problems)
        return FileResult(review, extras=extras, **stamp)


def _with_diagnostics(review: FileReview, extra: Sequence[Diagnostic]) -> FileReview:
    return replace(review, diagnostics=(*review.diagnostics, *extra))


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def review_many(
    paths: Sequence[str],
    reviewer: FileReviewer,
    *,
    jobs: int = 1,
    cache: Cache | None = None,
    progress: bool = False,
    isolate: bool = False,
) -> list[FileResult]:
    """Results for `paths` in their order: from the cache where the file is unchanged, else reviewed.

    This is the per-file pass of `api.review_paths`; project-level passes read
    each `FileResult.extras` afterwards.
    """
    bar = None
    if progress:
        from secreview.run.progress import ProgressBar

        bar = ProgressBar(len(paths))
    try:
        lookup = cache.lookup(paths) if cache is not None else None
        results: list[FileResult | None] = [None] * len(paths)
        todo = list(range(len(paths)))
        if lookup is not None:
            todo = lookup.misses
            for index, hit in lookup.hits.items():
                results[index] = hit
                if bar:
                    bar.advance()
        fresh = review_files([paths[i] for i in todo], reviewer, jobs, bar.advance if bar else None,
                             [lookup.sizes.get(i, 0) for i in todo] if lookup is not None else None, isolate)
        for index, result in zip(todo, fresh):
            results[index] = result
        if cache is not None:
            cache.store([paths[i] for i in todo], fresh, lookup)
    finally:
        if bar:
            bar.close()
    return [r for r in results if r is not None]


def review_files(
    paths: Sequence[str],
    reviewer: FileReviewer,
    jobs: int = 1,
    on_done: Callable[[], None] | None = None,
    sizes: Sequence[int] | None = None,
    isolate: bool = False,
) -> list[FileResult]:
    """Review `paths` with up to `jobs` processes; results in the order of `paths`.

    `sizes` (bytes, same order) lets the biggest files start first so no worker
    is left with a large file at the end; it changes timing only, never output.
    `isolate` uses a worker process even for one job, so that the time budget
    holds even inside the parser or a single slow check.
    """
    done = on_done or (lambda: None)
    workers = min(jobs, len(paths))
    if workers > 1 or (workers == 1 and isolate and reviewer.file_timeout):
        try:
            return _Pool(reviewer, workers).run(paths, done, sizes)
        except OSError as exc:  # no processes allowed here (sandbox, limits): one process is still correct
            print(f"secreview: warning: cannot start worker processes ({exc}); reviewing in one process",
                  file=sys.stderr)
    results = []
    for path in paths:
        results.append(_guarded(reviewer, path))
        done()
    return results


def _guarded(reviewer: FileReviewer, path: str) -> FileResult:
    return guarded(path, lambda: reviewer(path))


def guarded(path: str, review: Callable[[], FileResult]) -> FileResult:
    """`review()` of the file `path`, or the file's diagnostic when it raises."""
    try:
        return review()
    except RecursionError:
        return FileResult(unreviewed(path, Diagnostic(path, DiagnosticKind.TOO_DEEP,
                                                      "nesting too deep to analyse; not reviewed")))
    except Exception as exc:  # the last line of defence: one file never stops the run
        return FileResult(unreviewed(path, Diagnostic(path, DiagnosticKind.INTERNAL,
                                                      f"internal error: {type(exc).__name__}: {exc}")))


def _serve(conn: Connection, reviewer: FileReviewer) -> None:
    """A worker: review each path it is sent until it is sent None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # our own process: Ctrl-C is the parent's to handle
    try:
        while True:
            task = conn.recv()
            if task is None:
                return
            index, path = task
            conn.send((index, _guarded(reviewer, path)))
    except (EOFError, OSError, KeyboardInterrupt):
        return


def _start_method() -> multiprocessing.context.BaseContext:
    """Fork where it is safe (Linux, no other threads): instant start, nothing re-imported."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


_DEPTH = 2  # files in flight per worker: the next one waits in the pipe, so the worker never idles on the parent


class _Worker:
    """A worker process and the files sent to it, oldest (the one being reviewed) first."""

    def __init__(self, context: multiprocessing.context.BaseContext, reviewer: FileReviewer) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, reviewer), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.tasks: deque[int] = deque()
        self.started = 0.0  # when the worker began its oldest file

    def give(self, index: int, path: str) -> None:
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(index)
        self.conn.send((index, path))

    def finished(self) -> None:
        """Forget the oldest file (its result has arrived); the next one, already sent, starts now."""
        self.started = time.monotonic()
        self.tasks.popleft()

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class _Pool:
    def __init__(self, reviewer: FileReviewer, size: int) -> None:
        self.reviewer = reviewer
        self.size = size
        self.context = _start_method()
        budget = reviewer.file_timeout
        self.hard_limit = budget * 2 + _GRACE if budget else None

    def run(self, paths: Sequence[str], done: Callable[[], None], sizes: Sequence[int] | None) -> list[FileResult]:
        """Each worker holds up to `_DEPTH` files: it starts the next as soon as it sends a result,
        instead of waiting for this process to read the result and answer (a round trip per file
        cost about a tenth of a one-job run). A worker past its budget, or dead, loses only the file
        it was on: the files queued behind it go back to the front of the queue."""
        order = range(len(paths)) if sizes is None else sorted(range(len(paths)), key=lambda i: -sizes[i])
        queue = deque(order)
        results: list[FileResult | None] = [None] * len(paths)
        workers = [_Worker(self.context, self.reviewer) for _ in range(self.size)]

        def feed(worker: _Worker) -> None:
            # a second file only while there are more left than workers: at the end of the run a
            # file queued behind a slow one would wait while another worker idles
            while queue and (not worker.tasks or (len(worker.tasks) < _DEPTH and len(queue) > len(workers))):
                index = queue.popleft()
                worker.give(index, paths[index])

        def replace(position: int, lost: FileResult) -> None:
            worker = workers[position]
            results[worker.tasks.popleft()] = lost
            done()
            queue.extendleft(reversed(worker.tasks))
            worker.tasks.clear()
            workers[position] = self._replace(worker)
            feed(workers[position])

        try:
            for worker in workers:
                feed(worker)
            while any(w.tasks for w in workers):
                busy = [w for w in workers if w.tasks]
                timeout = None
                if self.hard_limit is not None:
                    timeout = max(0.0, min(w.started for w in busy) + self.hard_limit - time.monotonic())
                ready = wait([w.conn for w in busy], timeout)
                for worker in busy:
                    if worker.conn not in ready:
                        continue
                    try:
                        index, result = worker.conn.recv()
                    except (EOFError, OSError):  # the worker died (killed, out of memory, a crash in C)
                        head = worker.tasks[0]
                        replace(workers.index(worker), _lost(paths[head], "the worker process reviewing this file died"))
                        continue
                    worker.finished()
                    results[index] = result
                    done()
                    feed(worker)
                if self.hard_limit is not None:
                    now = time.monotonic()
                    for position, worker in enumerate(workers):
                        if worker.tasks and now - worker.started > self.hard_limit:
                            head = worker.tasks[0]
                            replace(position, FileResult(unreviewed(paths[head], timeout_diagnostic(paths[head]))))
        finally:
            for worker in workers:
                worker.stop(kill=bool(worker.tasks))
        return [r for r in results if r is not None]

    def _replace(self, worker: _Worker) -> _Worker:
        worker.stop(kill=True)
        return _Worker(self.context, self.reviewer)


def _lost(path: str, why: str) -> FileResult:
    return FileResult(unreviewed(path, Diagnostic(path, DiagnosticKind.INTERNAL, f"{why}; not reviewed")))
