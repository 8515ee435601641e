"""Parallel review: the same report for any --jobs, and a time budget per file that holds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from secreview.api import review_paths
from secreview.core.model import DiagnosticKind
from secreview.report import renderer
from secreview.run import parallel
from secreview.run.analyze import analyze, dispatch_for
from secreview.run.parallel import FileReviewer, review_files
from secreview.run.results import FileResult
from secreview.settings.config import Config
from secreview.sources.parse import Parsed, parse_source

FILES = {
    "app/__init__.py": "",
    "app/shell.py": "import subprocess as sp\n\ndef run(cmd):\n    sp.call(cmd, shell=True)\n",
    "app/crypto.py": "import hashlib\n\ndef h(x):\n    return hashlib.md5(x).hexdigest()\n",
    "app/broken.py": "def f(:\n    pass\n",
    "app/py2.py": "print 'hello'\n",
    "app/latin.py": b"# -*- coding: latin-1 -*-\nname = '\xe9'\nimport os\nos.system(name)\n",
    "app/binary.py": b"\x00\x01\x02",
    "app/clean.py": "def add(a, b):\n    return a + b\n",
    "app/sub/deep.py": "from .. import shell\nimport pickle\n\ndef load(b):\n    return pickle.loads(b)\n",
    "app/sub/__init__.py": "",
    "app/empty.py": "",
}


def make_tree(root: Path, files: dict[str, str | bytes] = FILES) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif", "text", "markdown"])
def test_output_is_identical_for_any_number_of_jobs(tmp_path: Path, fmt: str) -> None:
    tree = make_tree(tmp_path / "t")
    config = Config(gitignore=False)
    reports = {jobs: renderer(fmt)(review_paths([tree], config, jobs=jobs)) for jobs in (1, 2, 3)}
    assert reports[1] == reports[2] == reports[3]
    one = review_paths([tree], config, jobs=1)
    assert one.findings, "the tree has defects; an empty review would prove nothing"
    assert {d.kind for d in one.all_diagnostics} >= {DiagnosticKind.SYNTAX, DiagnosticKind.BINARY}


def test_isolated_single_job_matches_in_process(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t")
    config = Config(gitignore=False)
    assert review_paths([tree], config, jobs=1) == review_paths([tree], config, jobs=1, isolate=True)


def test_cooperative_deadline_stops_the_walk() -> None:
    source = "".join(f"x{i} = f(a{i}, b{i}) + g(c{i})\n" for i in range(3000))
    parsed = parse_source("big.py", source)
    assert isinstance(parsed, Parsed)
    review = analyze(parsed, dispatch_for(Config()), "big", deadline=time.monotonic() - 1)
    assert [d.kind for d in review.diagnostics] == [DiagnosticKind.TIMEOUT]
    complete = analyze(parsed, dispatch_for(Config()), "big", deadline=time.monotonic() + 60)
    assert complete.diagnostics == ()


def test_a_timed_out_result_is_not_cached() -> None:
    review = analyze(parse_source("x.py", "x = 1\n" * 2000), dispatch_for(Config()), "x",  # type: ignore[arg-type]
                     deadline=time.monotonic() - 1)
    assert not FileResult(review, digest="d").cacheable
    assert FileResult(analyze(parse_source("x.py", "x = 1\n"), dispatch_for(Config())), digest="d").cacheable  # type: ignore[arg-type]


class _Hangs(FileReviewer):
    """Hangs (as a pathological parse would) on files named hang.py; a worker must be killed."""

    def __call__(self, path: str) -> FileResult:
        if path.endswith("hang.py"):
            time.sleep(600)
        return super().__call__(path)


def test_preparing_the_rules_is_not_charged_to_the_first_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh worker imports the rules before its first file; on a busy machine that can outlast a short
    budget, which must not time the file out."""
    from secreview.run import parallel

    real = parallel.dispatch_for
    monkeypatch.setattr(parallel, "dispatch_for", lambda config: (time.sleep(0.6), real(config))[1])
    reviewer = FileReviewer(Config(), file_timeout=0.5)
    result = reviewer.review_text("a.py", "import os\nos.system(x)\n")
    assert result.review.diagnostics == () and [f.rule_id for f in result.review.findings] == [
        "command-injection-shell"]


class _Dies(FileReviewer):
    """Kills its own process on files named die.py, as a crash in C code would."""

    def __call__(self, path: str) -> FileResult:
        if path.endswith("die.py"):
            import os

            os._exit(3)
        return super().__call__(path)


# Around the bad file, enough files that each worker holds one queued behind the file it is on: the
# queued files must be handed on, not lost with the worker.
_AROUND = {"a.py": "import os\nos.system(x)\n", "b.py": "eval(x)\n", "c.py": "exec(x)\n",
           "d.py": "import os\nos.popen(x)\n", "z.py": "eval(y)\n"}


def _paths_around(tmp_path: Path, bad: str) -> list[str]:
    tree = make_tree(tmp_path, {**_AROUND, bad: "x = 1\n"})
    return [str(tree / n) for n in ("a.py", "b.py", bad, "c.py", "d.py", "z.py")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hung_worker_is_killed_and_the_run_goes_on(tmp_path: Path, jobs: int, monkeypatch) -> None:
    # Killed at twice the budget plus the grace: 6 s, room for a worker process to start and review a.py on a
    # busy machine (CI runs two suites side by side; at 3.5 s a.py itself timed out at load 20).
    monkeypatch.setattr(parallel, "_GRACE", 5.0)
    paths = _paths_around(tmp_path, "hang.py")
    start = time.monotonic()
    results = review_files(paths, _Hangs(Config(), file_timeout=0.5), jobs=jobs, isolate=True)
    assert time.monotonic() - start < 30
    assert [r.review.path for r in results] == paths
    assert [d.kind for d in results[2].review.diagnostics] == [DiagnosticKind.TIMEOUT]
    assert all(r.review.findings and not r.review.diagnostics for i, r in enumerate(results) if i != 2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_dead_worker_costs_one_file(tmp_path: Path, jobs: int) -> None:
    paths = _paths_around(tmp_path, "die.py")
    results = review_files(paths, _Dies(Config()), jobs=jobs, isolate=True)
    assert [r.review.path for r in results] == paths
    assert [d.kind for d in results[2].review.diagnostics] == [DiagnosticKind.INTERNAL]
    assert all(r.review.findings and not r.review.diagnostics for i, r in enumerate(results) if i != 2)


def test_a_worker_holds_the_next_file_while_it_reviews_one(tmp_path: Path, monkeypatch) -> None:
    """One job: the next file is already in the worker's pipe when it sends a result, until the last file."""
    sent: list[int] = []
    real = parallel._Worker.give
    monkeypatch.setattr(parallel._Worker, "give",
                        lambda self, index, path: (sent.append(len(self.tasks)), real(self, index, path))[1])
    paths = _paths_around(tmp_path, "e.py")
    results = review_files(paths, FileReviewer(Config()), jobs=1, isolate=True)
    assert [r.review.path for r in results] == paths
    assert sent == [0, 1, 1, 1, 1, 0]  # files in flight when each was sent; the last goes to an idle worker


def test_reviewer_survives_pickling() -> None:
    import pickle

    reviewer = FileReviewer(Config(select=("CWE-78",)), 3.0, (dispatch_for(Config()), None))
    copy = pickle.loads(pickle.dumps(reviewer))
    assert copy.config == reviewer.config and copy.file_timeout == 3.0 and copy._prepared is None


def test_same_report_across_processes_hash_seeds_and_jobs(tmp_path: Path) -> None:
    """Set order changes with the hash seed of each process; nothing in the report may follow it."""
    import os
    import subprocess
    import sys

    tree = make_tree(tmp_path / "t", {
        **FILES,
        "app/sink.py": "import os\n\ndef run(cmd):\n    os.system('echo ' + cmd)\n",
        "app/entry.py": "import sys\nfrom app.sink import run\n\ndef main():\n    run(sys.argv[1])\n\n"
                        "def other():\n    run(input())\n\ndef view(request):\n    run(request.args['x'])\n",
    })
    reports = set()
    for seed, jobs in (("1", "1"), ("2", "2")):
        out = tmp_path / f"report-{seed}.json"
        subprocess.run([sys.executable, "-m", "secreview", "scan", str(tree), "--no-cache", "--jobs", jobs,
                        "--format", "json", "--output", str(out)], env={**os.environ, "PYTHONHASHSEED": seed},
                       check=False, timeout=120)
        reports.add(out.read_text("utf-8"))
    assert len(reports) == 1


def test_progress_bar_stays_quiet_off_a_terminal_and_for_short_runs(capsys, monkeypatch) -> None:
    from secreview.run import progress

    assert not progress.wanted()  # pytest's captured stderr is not a terminal
    bar = progress.ProgressBar(50)
    for _ in range(50):
        bar.advance()
    bar.close()
    assert bar.done == 50 and capsys.readouterr().err == ""  # under a second: nothing drawn
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "_REFRESH", 0.0)
    long = progress.ProgressBar(3)
    for _ in range(3):
        long.advance()
    assert long._bar is not None
    long.close()
    assert long._bar is None
