"""`secreview fleet` on a real local Ray (2 CPUs, started once for the module).

Every per-project report is compared byte for byte with `secreview scan`'s for
the same project, including a project split into one batch per file (so the
cross-module taint flow is only found by the link task).
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="no Ray wheel for this Python or platform: the fleet tests need a real Ray")

import jsonschema  # noqa: E402

from secreview.cli import main  # noqa: E402
from secreview.fleet import worker  # noqa: E402
from secreview.fleet.prepare import ConfigSource  # noqa: E402
from secreview.fleet.run import FleetOptions, run_fleet  # noqa: E402
from secreview.run import filepasses  # noqa: E402
from secreview.settings.config import Config  # noqa: E402

SCHEMA = json.loads((Path(worker.__file__).parent / "summary.schema.json").read_text())

VIEWS = "from flask import request\nfrom app.helpers import run\n\n\ndef view():\n    run(request.args['cmd'])\n"
HELPERS = "import os\n\n\ndef run(command):\n    os.system(command)\n"
SHELL = "import subprocess\n\n\ndef go(cmd):\n    subprocess.call(cmd, shell=True)\n"
CLEAN = "import json\n\n\ndef load(text):\n    return json.loads(text)\n"


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def tar_of(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(text.encode())
            tar.addfile(info, io.BytesIO(text.encode()))
    return path


SDIST = {"lib-1.0/pyproject.toml": '[tool.secreview]\nexclude = ["vendored/"]\n',
         "lib-1.0/lib/__init__.py": "", "lib-1.0/lib/shell.py": SHELL, "lib-1.0/vendored/v.py": SHELL}
WHEEL = {"tool/__init__.py": "", "tool/cli.py": SHELL, "tool/util.py": CLEAN,
         "tool-2.0.dist-info/METADATA": "Name: tool\n"}


@pytest.fixture(scope="module")
def fleet_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Projects of every kind, in one working directory."""
    base = tmp_path_factory.mktemp("fleet")
    write(base / "webapp", {"app/__init__.py": "", "app/views.py": VIEWS, "app/helpers.py": HELPERS})
    write(base / "clean", {"mod.py": CLEAN})
    write(base / "syntax", {"broken.py": "def (:\n"})
    (base / "empty").mkdir()
    (base / "empty/README").write_text("no code here\n")
    tar_of(base / "lib-1.0.tar.gz", SDIST)
    tar_of(base / "evil-0.1.tar.gz", {"evil/../../escape.py": SHELL})
    (base / "broken-1.0.tar.gz").write_bytes(b"\x1f\x8b\x08\x00 this is no gzip stream")
    with zipfile.ZipFile(base / "tool-2.0-py3-none-any.whl", "w") as wheel:
        for name, text in WHEEL.items():
            wheel.writestr(name, text)
    (base / "more.txt").write_text("# listed in a file\nclean\ntool-2.0-py3-none-any.whl\n")
    return base


def fleet(out: Path, *projects: str, **options: object) -> dict:
    """No per-file time budget, here or in `scan`: on a loaded machine it would make reports differ."""
    options.setdefault("cache", False)
    options.setdefault("file_timeout", None)
    return run_fleet(list(projects), FleetOptions(out, **options)).summary  # type: ignore[arg-type]


def by_name(summary: dict) -> dict[str, dict]:
    return {p["name"]: p for p in summary["projects"]}


def scan(target: str, fmt: str, out: Path) -> bytes:
    main(["scan", target, "--format", fmt, "--no-cache", "--file-timeout", "0", "-o", str(out)])
    return out.read_bytes()


def assert_same_as_scan(out: Path, name: str, target: str, tmp: Path) -> None:
    for fmt, suffix in (("json", ".json"), ("sarif", ".sarif")):
        expected = scan(target, fmt, tmp / f"{name}.scan{suffix}")
        assert (out / f"{name}{suffix}").read_bytes() == expected, f"{name}{suffix} differs from secreview scan"


# -- kinds, failures and the summary -----------------------------------------------------------------------------


def test_mixed_projects_failures_summary_and_index(fleet_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(fleet_dir)
    from secreview.run import progress

    bars: list[tuple[int, str, list[str]]] = []

    class Counting(progress.ProgressBar):  # what the bar is told; drawing it is rich's job
        def __init__(self, total: int, description: str = "reviewing") -> None:
            super().__init__(total, description)
            bars.append((total, description, []))

        def advance(self) -> None:
            bars[-1][2].append("advance")
            super().advance()

        def close(self) -> None:
            bars[-1][2].append("close")
            super().close()

    monkeypatch.setattr(progress, "ProgressBar", Counting)
    out = tmp_path / "out"
    summary = fleet(out, "webapp", "lib-1.0.tar.gz", "@more.txt", "empty", "syntax", "evil-0.1.tar.gz",
                    "broken-1.0.tar.gz", "missing", progress=True)
    assert bars == [(9, "projects", ["advance"] * 9 + ["close"])]  # one bar, counting the nine projects
    jsonschema.validate(summary, SCHEMA)
    projects = by_name(summary)
    assert list(projects) == ["webapp", "lib-1.0", "clean", "tool-2.0-py3-none-any", "empty", "syntax", "evil-0.1",
                              "broken-1.0", "missing"]
    status = {name: (p["status"], p["reason"]) for name, p in projects.items()}
    assert status["webapp"] == status["lib-1.0"] == status["clean"] == status["tool-2.0-py3-none-any"] == ("ok", None)
    assert status["empty"] == ("error", "nothing reviewable: no Python files found")
    assert status["syntax"] == ("error", "nothing reviewable: no Python file could be parsed")
    assert status["evil-0.1"][0] == "error" and "unsafe member" in status["evil-0.1"][1]
    assert status["broken-1.0"][0] == "error" and "cannot unpack the archive" in status["broken-1.0"][1]
    assert status["missing"][0] == "error" and "no such file" in status["missing"][1]

    web = projects["webapp"]
    assert web["kind"] == "directory" and web["files"] == 3 and web["findings"] == 1
    assert web["by_category"]["CWE-707"] == 1 and web["by_severity"]["high"] + web["by_severity"]["critical"] == 1
    assert web["worker"]["pid"] > 0 and web["worker"]["node"] and web["tasks"][0]["kind"] == "project"
    lib = projects["lib-1.0"]
    assert lib["kind"] == "archive" and lib["files"] == 2 and lib["findings"] == 1  # vendored/ excluded by its config
    assert projects["clean"]["findings"] == 0 and projects["tool-2.0-py3-none-any"]["findings"] == 1
    assert summary["totals"] == {"projects": 9, "ok": 4, "error": 5, "timeout": 0, "reused": 0, "findings": 3,
                                 "by_severity": summary["totals"]["by_severity"]}
    assert summary["ray"]["cpus"] == 2

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.{s}" for n in ("webapp", "lib-1.0", "clean", "tool-2.0-py3-none-any", "empty", "syntax")
         for s in ("json", "sarif", "html")] + ["index.html", "summary.json"])
    index = (out / "index.html").read_text()
    for name in ("webapp", "lib-1.0", "clean"):
        assert all(f'href="{name}.{s}"' in index for s in ("sarif", "json", "html"))
    assert "unsafe member" in index and "5 error" in index
    assert json.loads((out / "summary.json").read_text()) == summary


def test_reports_are_those_of_secreview_scan(fleet_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory split into one batch per file, and an sdist: as `tar xzf A && secreview scan TOP`."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "webapp").symlink_to(fleet_dir / "webapp")
    out = tmp_path / "out"
    summary = fleet(out, "webapp", str(fleet_dir / "lib-1.0.tar.gz"), batch_bytes=1)
    web = by_name(summary)["webapp"]
    assert [t["kind"] for t in web["tasks"]] == ["review", "review", "review", "link"]
    report = json.loads((out / "webapp.json").read_text())
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [
        ("taint-command-injection", "webapp/app/helpers.py")]  # found across two batches by the link
    assert_same_as_scan(out, "webapp", "webapp", tmp_path)
    with tarfile.open(fleet_dir / "lib-1.0.tar.gz") as tar:
        tar.extractall(work, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(work)
    assert_same_as_scan(out, "lib-1.0", "lib-1.0", tmp_path)


def test_wheel_reports_are_those_of_scan_dot_in_its_members(fleet_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    unpacked = tmp_path / "tool-2.0-py3-none-any"
    unpacked.mkdir()
    with zipfile.ZipFile(fleet_dir / "tool-2.0-py3-none-any.whl") as wheel:
        wheel.extractall(unpacked)
    monkeypatch.chdir(unpacked)
    out = tmp_path / "out"
    fleet(out, str(fleet_dir / "tool-2.0-py3-none-any.whl"))
    report = json.loads((out / "tool-2.0-py3-none-any.json").read_text())
    assert [f["path"] for f in report["findings"]] == ["tool/cli.py"]
    assert_same_as_scan(out, "tool-2.0-py3-none-any", ".", tmp_path)


# -- resuming ------------------------------------------------------------------------------------------------------


def test_a_second_run_skips_unchanged_projects(fleet_dir: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "svc", {"svc.py": SHELL, "util.py": CLEAN})
    archive = str(fleet_dir / "lib-1.0.tar.gz")
    out, cache = tmp_path / "out", str(tmp_path / "cache")
    first = by_name(fleet(out, "svc", archive, str(fleet_dir / "empty"), cache=True, cache_dir=cache))
    kept = [p for p in out.iterdir() if p.name.startswith(("svc.", "lib-1.0."))]
    assert len(kept) == 6  # json, sarif and html of each
    stamps = {p.name: p.stat().st_mtime_ns for p in kept}
    reports = {p.name: p.read_bytes() for p in kept}

    second = by_name(fleet(out, "svc", archive, str(fleet_dir / "empty"), cache=True, cache_dir=cache))
    assert [p["reused"] for p in second.values()] == [True, True, False]  # a failed project is tried again
    assert second["svc"]["tasks"] == first["svc"]["tasks"]  # the previous record, not a new review
    assert {n: (out / n).stat().st_mtime_ns for n in stamps} == stamps  # not written again

    (tmp_path / "svc/util.py").write_text(CLEAN + "\n# edited\n")
    third = by_name(fleet(out, "svc", archive, cache=True, cache_dir=cache))
    assert [p["reused"] for p in third.values()] == [False, True]
    assert third["svc"]["cached"] == 1  # svc.py came from the per-file cache, util.py was reviewed
    (tmp_path / "svc/util.py").write_text(CLEAN)

    forced = by_name(fleet(out, "svc", archive, force=True, cache=True, cache_dir=cache))
    assert [p["reused"] for p in forced.values()] == [False, False]
    assert forced["svc"]["cached"] == 2
    assert {n: (out / n).read_bytes() for n in reports} == reports  # the same bytes, from the cache or not


# -- failures on the cluster -----------------------------------------------------------------------------------------


def slow_project(root: Path, lines: int = 15_000) -> Path:
    body = "".join(f"value_{i} = compute_{i % 50}(argument_{i}, key='k{i}')\n" for i in range(lines))
    return write(root, {"generated.py": "import subprocess\n" + body})


def test_project_timeout_is_recorded_and_the_others_finish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    slow_project(tmp_path / "slow", 40_000)
    write(tmp_path / "quick", {"q.py": SHELL})
    out = tmp_path / "out"
    started = time.monotonic()
    projects = by_name(fleet(out, "slow", "quick", project_timeout=0.5))
    assert time.monotonic() - started < 10
    assert (projects["slow"]["status"], projects["slow"]["reason"]) == ("timeout", "over the --project-timeout of 0.5 s")
    assert projects["quick"]["status"] == "ok" and projects["quick"]["findings"] == 1
    assert not (out / "slow.json").exists()


def _ancestors(pid: int) -> set[int]:
    seen = set()
    while pid > 1 and pid not in seen:
        seen.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return seen


class WorkerKiller(threading.Thread):
    """Kills (SIGKILL) this test's own Ray workers once they have run a project task for `after` seconds,
    up to `times` times (other projects' tasks may last that long in a fresh worker: run one project)."""

    def __init__(self, times: int, after: float = 0.3) -> None:
        super().__init__(daemon=True)
        self.times, self.after = times, after
        self.killed: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        busy: dict[int, float] = {}  # worker pid -> when it was first seen running a project task
        while not self.done.is_set() and len(self.killed) < self.times:
            now = time.monotonic()
            running = set()
            for entry in Path("/proc").iterdir():
                try:
                    if entry.name.isdigit() and (entry / "cmdline").read_bytes().startswith(b"ray::review_project"):
                        running.add(int(entry.name))
                except OSError:
                    continue
            # A killed worker can still show its title for a moment (SIGKILL lands later on a busy machine):
            # never count it twice.
            busy = {pid: busy.get(pid, now) for pid in running if pid not in self.killed}
            for pid, since in busy.items():
                if now - since >= self.after and me in _ancestors(pid):
                    os.kill(pid, signal.SIGKILL)
                    self.killed.append(pid)
                    break
            time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds Ray's workers through /proc (Linux)")
def test_a_dying_worker_is_retried_then_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    slow_project(tmp_path / "victim")
    killer = WorkerKiller(times=1)
    killer.start()
    projects = by_name(fleet(tmp_path / "once", "victim", retries=2))
    killer.done.set()
    assert len(killer.killed) == 1
    victim = projects["victim"]
    assert victim["status"] == "ok" and victim["worker"]["pid"] != killer.killed[0]
    assert_same_as_scan(tmp_path / "once", "victim", "victim", tmp_path)

    killer = WorkerKiller(times=2)  # the task and its one retry: the only project task of the run
    killer.start()
    projects = by_name(fleet(tmp_path / "always", "victim", retries=1))
    killer.done.set()
    assert len(killer.killed) == 2
    assert projects["victim"]["status"] == "error"
    assert projects["victim"]["reason"].startswith("the worker died and 1 retries did not help")


def test_a_worker_with_another_engine_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A per-file pass registered on the driver only: the workers' engine differs, and says so."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "p", {"p.py": CLEAN})
    worker.engine_id.cache_clear()
    filepasses.register("driver-only-pass", "1", lambda parsed, module: None)
    try:
        projects = by_name(fleet(tmp_path / "out", "p"))
    finally:
        filepasses.unregister("driver-only-pass")
        worker.engine_id.cache_clear()
    assert projects["p"]["status"] == "error"
    assert "runs another secreview engine" in projects["p"]["reason"]


def test_configuration_and_settings_are_shipped_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "c"):
        write(tmp_path / name, {f"{name}1.py": CLEAN, f"{name}2.py": SHELL})
    put = ray.put
    shipped: list[type] = []

    def counting_put(value: object, **kwargs: object) -> object:
        shipped.append(type(value))
        return put(value, **kwargs)

    monkeypatch.setattr(ray, "put", counting_put)
    fleet(tmp_path / "out", "a", "b", "c", batch_bytes=1,
          source=ConfigSource(overrides={"min_severity": None, "exclude": ()}))
    assert shipped.count(Config) == 1 and shipped.count(worker.Shipment) == 1
    assert shipped.count(list) == 3  # one list of already-known results per project, for its link task


# -- the command line --------------------------------------------------------------------------------------------------


def test_command_line_exit_status_and_output(fleet_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(fleet_dir)
    out = tmp_path / "out"
    assert main(["fleet", "clean", "-d", str(out), "--no-cache"]) == 0
    capsys.readouterr()
    assert main(["fleet", "clean", "webapp", "empty", "-d", str(out), "--no-cache"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "error: empty (empty): nothing reviewable: no Python files found"
    assert printed[1].startswith("3 projects: 2 ok (1 unchanged since the last run), 1 error, 0 timeout; 1 findings")
    assert main(["fleet", "webapp", "-d", str(out), "--no-cache", "--select", "CWE-22"]) == 0  # no finding selected
    assert main(["fleet", "@nowhere.txt", "-d", str(out)]) == 2
    assert main(["fleet", "clean", "-d", str(out), "--select", "no-such-rule"]) == 2
    assert main(["fleet", "clean", "-d", str(out), "--address", "auto", "--jobs", "2"]) == 2
    (tmp_path / "file").write_text("")
    assert main(["fleet", "clean", "-d", str(tmp_path / "file")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_address_joins_a_running_cluster(fleet_dir: Path, tmp_path: Path) -> None:
    """`--address auto` in another process joins the cluster this module started (no Ray of its own).

    Ray resolves `auto` from RAY_ADDRESS first, then from any Ray it finds running on the machine; the
    variable names this module's cluster, so that another Ray on the machine (a CI lane testing another
    Python at the same time) is never the one joined."""
    import subprocess
    import sys

    out = tmp_path / "joined"
    command = [sys.executable, "-m", "secreview", "fleet", "clean", "webapp", "-d", str(out), "--no-cache",
               "--address", "auto"]
    done = subprocess.run(command, cwd=fleet_dir, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "RAY_ADDRESS": ray.get_runtime_context().gcs_address})
    assert done.returncode == 1, done.stderr  # webapp's flow is a finding
    summary = json.loads((out / "summary.json").read_text())
    assert summary["ray"]["address"] == "auto"
    assert {p["name"]: p["status"] for p in summary["projects"]} == {"clean": "ok", "webapp": "ok"}
    assert {p["worker"]["node"] for p in summary["projects"]} <= {n["NodeID"] for n in ray.nodes()}
