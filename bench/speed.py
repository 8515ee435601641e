"""How fast is secreview, against the parse floor and against its peers, on real code?

    python bench/speed.py --workdir /tmp/secreview-bench [--corpus stdlib,django,nova]
                          [--semgrep-rules DIR] [--json OUT] [--builds compiled,pure]

Corpora are fetched at run time into --workdir (never into the repository):
this machine's CPython standard library (copied, without site-packages, so
the warm-after-an-edit run can edit a file), and Django and OpenStack Nova
from their source distributions (`pip download --no-deps --no-binary :all:`).

On each corpus, every tool runs as its own process and is timed from the
outside (wall clock; peak memory is the largest resident set of any process
of the run, from `wait4`):

- floor: `ast.parse` of every file, in one process — what any AST-based tool pays;
- secreview cold with `--jobs 1` (no cache), cold on all cores (empty cache),
  warm with nothing changed, and warm after editing one file;
- Bandit (`bandit -r -q -f json`), Ruff's S rules (`ruff check --select S
  --no-cache --isolated`), and Semgrep (`--metrics=off`) with a local rules
  directory when `--semgrep-rules` names one (skipped otherwise: its registry
  rules need the network).

It prints non-blank lines per second, wall time, peak memory and the ratio
to the floor for each, checks the targets of issues 7 and 21, and writes a JSON record.

By default the code under test is a copy of this checkout's sources, run
interpreted. `--builds compiled,pure` installs this checkout twice instead, into
two virtual environments under --workdir: once as `pip install .` builds it
(the modules of compiled-modules.txt compiled with mypyc) and once with
`SECREVIEW_NO_MYPYC=1` (pure Python). Every secreview measurement is then made
with each build in turn, alternating, so that both see the same load on a shared
machine, and the cold `--jobs 1` ratio between them is checked (issue 21). The
targets are judged on the first build named, and on CPU time as well as wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

SDISTS = {"django": "django==5.1", "nova": "nova"}
TARGETS = {  # name: (measurement, limit, what it is compared with)
    "cold --jobs 1 <= 2.5 x floor": ("secreview cold --jobs 1", 2.5, "floor"),
    "cold all cores <= 1.5 x floor": ("secreview cold all cores", 1.5, "floor"),
    "warm unchanged <= 0.1 x cold": ("secreview warm unchanged", 0.1, "secreview cold all cores"),
    "warm unchanged < 1 s": ("secreview warm unchanged", 1.0, None),
    "warm one edit < 1 s": ("secreview warm one edit", 1.0, None),
}
# Issue 21, judged on the first of --builds: against the last one, and tighter warm bounds on Nova.
BUILD_TARGETS = {
    "cold --jobs 1 >= 1.5 x faster than {other}": ("secreview cold --jobs 1", 1 / 1.5, "secreview cold --jobs 1"),
}
NOVA_TARGETS = {
    "warm unchanged < 0.5 s": ("secreview warm unchanged", 0.5, None),
    "warm one edit < 0.7 s": ("secreview warm one edit", 0.7, None),
}
PEAK_LIMIT_MIB = 1024


@dataclass
class Run:
    tool: str
    wall: float
    peak_mib: float
    status: int
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the run's processes (less sensitive to a busy machine)


@dataclass
class Corpus:
    name: str
    root: str
    files: int
    lines: int  # non-blank
    runs: list[Run] = field(default_factory=list)


# -- corpora -------------------------------------------------------------------

def prepare_stdlib(workdir: Path) -> Path:
    source = Path(sysconfig.get_paths()["stdlib"])
    target = workdir / "corpora" / f"stdlib-{sys.version_info[0]}.{sys.version_info[1]}"
    if not target.is_dir():
        shutil.copytree(source, target, symlinks=True,
                        ignore=shutil.ignore_patterns("site-packages", "dist-packages", "__pycache__", "*.pyc"))
    return target


def prepare_sdist(workdir: Path, name: str, requirement: str | None = None) -> Path:
    """Download (once) and unpack an sdist; `requirement` ("nova==34.0.0") pins the version, else SDISTS'."""
    downloads = workdir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    requirement = requirement or SDISTS[name]
    version = requirement.partition("==")[2]

    def matching() -> list[Path]:
        return [p for p in downloads.glob("*.tar.gz") if p.name.lower().startswith(name)
                and (not version or p.name.lower() == f"{name}-{version}.tar.gz")]

    archives = matching()
    unpacked = sorted(p for p in (workdir / "corpora").glob("*") if p.is_dir() and p.name.lower().startswith(name)
                      and (not version or p.name.lower() == f"{name}-{version}"))
    if not archives and unpacked:  # unpacked by an earlier run whose download was since removed
        return unpacked[-1]
    if not archives:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-d", str(downloads), requirement], check=True)
        archives = matching()
    archive = sorted(archives)[-1]
    target = workdir / "corpora" / archive.name[: -len(".tar.gz")]
    if not target.is_dir():
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(target.parent, filter="data")
            else:  # pragma: no cover - Python without PEP 706
                tar.extractall(target.parent)  # noqa: S202 - a pinned sdist from PyPI
    return target


def python_files(root: Path) -> list[str]:
    from secreview.sources.discover import discover

    return discover([str(root)], (), use_gitignore=False).files


def non_blank_lines(files: list[str]) -> int:
    total = 0
    for path in files:
        try:
            with open(path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            pass
    return total


# -- running and measuring -------------------------------------------------------

ENV: dict[str, str] = dict(os.environ)
REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass
class Build:
    """One way of running secreview: its interpreter, its environment, and a label for the table."""

    name: str
    python: str
    env: dict[str, str]
    suffix: str = ""  # appended to the tool names when several builds are compared
    seconds: float = 0.0  # how long building and installing it took

    @property
    def tag(self) -> str:
        """Appended to file names (reports, cache directories) when several builds are compared."""
        return f"-{self.name}" if self.suffix else ""


def freeze_code(workdir: Path) -> Build:
    """Run a copy of secreview's code, so edits in the work tree during the run cannot change it
    (the cache rightly treats any change to the code as a reason to review everything again)."""
    source = REPOSITORY / "src" / "secreview"
    target = workdir / "code" / time.strftime("%Y%m%d-%H%M%S")
    shutil.copytree(source, target / "secreview", ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(ENV)
    env["PYTHONPATH"] = os.pathsep.join([str(target), *filter(None, [os.environ.get("PYTHONPATH")])])
    print(f"secreview code under test: {target}")
    return Build("source", sys.executable, env)


BUILD_ENV = {"compiled": {}, "pure": {"SECREVIEW_NO_MYPYC": "1"}}


def install_build(workdir: Path, name: str) -> Build:
    """This checkout installed as `pip install .` builds it (`compiled`), or pure Python (`pure`),
    into its own virtual environment under `workdir`: an installed copy cannot change during the run."""
    venv = workdir / "builds" / name
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in ENV.items() if k not in ("PYTHONPATH", "SECREVIEW_NO_MYPYC")}
    start = time.perf_counter()
    subprocess.run([python, "-m", "pip", "install", "--quiet", str(REPOSITORY)], check=True,
                   env={**env, **BUILD_ENV[name]})
    seconds = time.perf_counter() - start
    check = subprocess.run([python, "-c", "import secreview.rules.engine as e; print(e.__file__)"], env=env,
                           capture_output=True, text=True, check=True, cwd=workdir)
    print(f"build {name}: {seconds:.0f} s to build and install; secreview.rules.engine from {check.stdout.strip()}")
    return Build(name, python, env, f" [{name}]", seconds)


def measure(tool: str, command: list[str], cwd: Path | None = None, note: str = "",
            env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; wall time and the peak RSS of its largest process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=ENV if env is None else env)
    assert process.stderr is not None
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    errors = process.stderr.read().decode("utf-8", "replace").strip()
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_kib = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)
    code = process.returncode
    if errors and code not in (0, 1):
        note = (note + " " if note else "") + errors.splitlines()[-1][:200]
    cpu = usage.ru_utime + usage.ru_stime
    print(f"  {tool:<40} {wall:8.2f} s  cpu {cpu:8.2f} s  {peak_kib / 1024:7.0f} MiB  exit {code}", flush=True)
    return Run(tool, wall, peak_kib / 1024, code, note, cpu)


FLOOR = """
import ast, sys, warnings
warnings.simplefilter("ignore")
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    try:
        with open(path, "rb") as handle:
            ast.parse(handle.read())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
"""


def bench_corpus(name: str, root: Path, workdir: Path, args: argparse.Namespace, builds: list[Build]) -> Corpus:
    files = python_files(root)
    corpus = Corpus(name, str(root), len(files), non_blank_lines(files))
    print(f"\n{name}: {corpus.files:,} files, {corpus.lines:,} non-blank lines ({root})", flush=True)
    listing = workdir / f"{name}.files"
    listing.write_text("\n".join(files), encoding="utf-8")
    out = workdir / "out"
    out.mkdir(exist_ok=True)
    runs = corpus.runs
    runs.append(measure("floor", [sys.executable, "-c", FLOOR, str(listing)]))

    def secreview(build: Build, tool: str, options: list[str], report: str, note: str = "") -> None:
        """One secreview measurement with `build`; each build has its own cache directory."""
        cache = workdir / "cache" / f"{name}{build.tag}"
        cached = ["--no-cache"] if "--no-cache" in options else ["--cache-dir", str(cache)]
        command = [build.python, "-m", "secreview", "scan", str(root), "--no-gitignore", "--format", "json",
                   *[o for o in options if o != "--no-cache"], *cached, "-o", str(out / f"{name}-{report}{build.tag}.json")]
        runs.append(measure(f"secreview {tool}{build.suffix}", command, note=note, env=build.env))

    for build in builds:
        shutil.rmtree(workdir / "cache" / f"{name}{build.tag}", ignore_errors=True)
    # Each measurement with every build in turn, so that they share the machine's load alike.
    for build in builds:
        secreview(build, "cold --jobs 1", ["--jobs", "1", "--no-cache"], "1")
    for build in builds:
        secreview(build, "cold all cores", ["--jobs", "0"], "n")
    # A file stopped at the time budget is not cached, so neither is the project: the "warm" runs
    # would be full links, and timing them as warm runs would be a lie.
    timed_out = {build.suffix: _timed_out(out / f"{name}-n{build.tag}.json") for build in builds}
    if any(timed_out.values()):
        for build in builds:
            for tool in ("warm unchanged", "warm one edit"):
                why = f"skipped: the cold run left {', '.join(timed_out[build.suffix][:3]) or 'no file'} at the time budget"
                runs.append(Run(f"secreview {tool}{build.suffix}", 0, 0, -1, why))
        print("  REFUSING to time the warm runs: the cold run timed out on "
              + "; ".join(f"{', '.join(files)}{suffix}" for suffix, files in timed_out.items() if files)
              + " (not cacheable, so a 'warm' run would link in full); run again on a quieter machine", flush=True)
        return _peers(corpus, root, args, out)
    for build in builds:
        secreview(build, "warm unchanged", ["--jobs", "0"], "warm")
    edited = Path(files[len(files) // 2])
    original = edited.read_bytes()
    try:
        # A new comment each time, so the file is reviewed again even if an earlier bench left its result cached.
        edited.write_bytes(original + f"\n# edited by bench/speed.py {time.time_ns()}\nimport os\nos.system(cmd)\n".encode())
        for build in builds:
            secreview(build, "warm one edit", ["--jobs", "0"], "edit", note=f"edited {edited.relative_to(root)}")
    finally:
        edited.write_bytes(original)
    same = _same_findings(*[out / f"{name}-{report}{build.tag}.json" for build in builds
                            for report in ("1", "n", "warm")])
    if not same:
        print("  WARNING: the reports of --jobs 1, all cores, warm" + (" and the builds" if len(builds) > 1 else "")
              + " differ", flush=True)
    return _peers(corpus, root, args, out)


def _timed_out(report: Path) -> list[str]:
    """The files a run's JSON report says were stopped at the per-file time budget (`timeout` diagnostics).

    Such a file's result is not cached, so neither is the project: the next run links in full.
    A report that cannot be read counts as timed out, so the warm runs are not trusted either.
    """
    try:
        diagnostics = json.loads(report.read_text("utf-8")).get("diagnostics") or []
    except (OSError, ValueError):
        return [f"(no readable report {report.name})"]
    return [d.get("path", "?") for d in diagnostics if d.get("kind") == "timeout"]


def _command(name: str) -> str | None:
    """A peer's command: beside this interpreter first (`pip install '.[bench]'` in a venv that is not
    activated puts it there, not on PATH), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _peers(corpus: Corpus, root: Path, args: argparse.Namespace, out: Path) -> Corpus:
    """Bandit, Ruff's S rules and Semgrep on the same corpus (each skipped when absent or unwanted)."""
    name, runs = corpus.name, corpus.runs
    bandit, ruff, semgrep = _command("bandit"), _command("ruff"), _command("semgrep")
    if bandit and not args.skip_peers:
        runs.append(measure("bandit", [bandit, "-r", "-q", "-f", "json", "-o", str(out / f"{name}-bandit.json"),
                                       str(root)]))
    else:
        runs.append(Run("bandit", 0, 0, -1, "skipped: " + ("--skip-peers" if args.skip_peers
                                                            else "bandit not installed (pip install '.[bench]')")))
    if ruff and not args.skip_peers:
        runs.append(measure("ruff --select S", [ruff, "check", "--select", "S", "--no-cache", "--isolated",
                                                "--exit-zero", "--output-format", "json",
                                                "-o", str(out / f"{name}-ruff.json"), str(root)]))
    else:
        runs.append(Run("ruff --select S", 0, 0, -1, "skipped: " + ("--skip-peers" if args.skip_peers
                                                                     else "ruff not installed (pip install '.[bench]')")))
    if args.semgrep_rules and semgrep and not args.skip_peers:
        runs.append(measure("semgrep", [semgrep, "scan", "--metrics=off", "--config", args.semgrep_rules,
                                        "--json", "-o", str(out / f"{name}-semgrep.json"), str(root)]))
    else:
        why = "no --semgrep-rules DIR given (registry rules need the network)" if not args.semgrep_rules \
            else "semgrep not installed"
        runs.append(Run("semgrep", 0, 0, -1, f"skipped: {why}"))
    return corpus


def _same_findings(*reports: Path) -> bool:
    """The reports of one corpus agree (everything but timestamps and run details)."""
    def essence(path: Path) -> object:
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return (data.get("findings"), data.get("diagnostics"), data.get("pillars"))
    first = essence(reports[0])
    return first is not None and all(essence(r) == first for r in reports[1:])


# -- reporting -------------------------------------------------------------------

def table(corpora: list[Corpus]) -> str:
    lines = ["| corpus | tool | wall (s) | cpu (s) | non-blank lines/s | peak RSS (MiB) | × floor |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for corpus in corpora:
        floor = _wall(corpus, "floor")
        for run in corpus.runs:
            if run.status == -1:
                lines.append(f"| {corpus.name} | {run.tool} | — | — | — | — | {run.note} |")
                continue
            rate = corpus.lines / run.wall if run.wall else 0
            ratio = run.wall / floor if floor else 0
            lines.append(f"| {corpus.name} | {run.tool} | {run.wall:.2f} | {run.cpu:.2f} | {rate:,.0f} | {run.peak_mib:.0f} "
                         f"| {ratio:.2f} |")
    return "\n".join(lines)


def _wall(corpus: Corpus, tool: str) -> float | None:
    return _time(corpus, tool, "wall")


def _time(corpus: Corpus, tool: str, kind: str) -> float | None:
    """The wall or CPU seconds of the first run of `tool` (the lowest, if it was repeated)."""
    times = [getattr(run, kind) for run in corpus.runs if run.tool == tool and run.status != -1]
    return min(times) if times else None


def targets(corpus: Corpus, builds: list[Build]) -> dict[str, dict[str, object]]:
    """The targets, judged on the first build (against the last one for the build ratio), by wall time
    (`measured`) and by CPU time (`measured_cpu`, steadier on a shared machine; `met` needs both)."""
    checked: dict[str, dict[str, object]] = {}
    first, last = builds[0], builds[-1]
    def of_first(tool: str | None) -> str | None:  # the floor is one measurement for every build
        return tool + first.suffix if tool and tool.startswith("secreview") else tool

    wanted = [(label, tool + first.suffix, limit, of_first(against))
              for label, (tool, limit, against) in (TARGETS | (NOVA_TARGETS if corpus.name == "nova" else {})).items()]
    if len(builds) > 1:
        wanted += [(label.format(other=last.name), tool + first.suffix, limit, against + last.suffix)
                   for label, (tool, limit, against) in BUILD_TARGETS.items()]
    for label, tool, limit, against in wanted:
        measured: dict[str, float] = {}
        for kind in ("wall", "cpu"):
            value = _time(corpus, tool, kind)
            # A bound in seconds is on the wall clock: what the user waits for.
            base = _time(corpus, against, kind) if against else (1.0 if kind == "wall" else None)
            if value is not None and base:
                measured[kind] = value / base
        if "wall" not in measured:
            skipped = [run.note for run in corpus.runs if run.tool == tool and run.status == -1]
            if skipped:  # a target that could not be measured is not met: say why instead of leaving it out
                checked[label] = {"measured": None, "limit": limit, "met": False, "note": skipped[0]}
            continue
        checked[label] = {"measured": round(measured["wall"], 3), "measured_cpu": round(measured.get("cpu", 0), 3),
                          "limit": limit, "met": all(m <= limit for m in measured.values())}
    peak = max((r.peak_mib for r in corpus.runs if r.tool.startswith("secreview")), default=0)
    checked["peak memory < 1 GiB"] = {"measured": round(peak), "limit": PEAK_LIMIT_MIB, "met": peak < PEAK_LIMIT_MIB}
    return checked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", required=True, help="where corpora are downloaded and results written "
                                                         "(outside the repository)")
    parser.add_argument("--corpus", default="stdlib,django,nova", help="comma-separated: stdlib, django, nova")
    parser.add_argument("--semgrep-rules", metavar="DIR", help="a local Semgrep rules directory")
    parser.add_argument("--skip-peers", action="store_true", help="time secreview and the floor only")
    parser.add_argument("--builds", metavar="NAMES",
                        help="install and compare builds of this checkout: compiled, pure (e.g. compiled,pure)")
    parser.add_argument("--json", metavar="FILE", help="the JSON record (default: WORKDIR/speed-<time>.json)")
    args = parser.parse_args()
    workdir = Path(args.workdir).resolve()
    repository = Path(__file__).resolve().parents[1]
    if workdir == repository or repository in workdir.parents:
        parser.error("--workdir must be outside the repository")
    workdir.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    if args.builds:
        names = [b.strip() for b in args.builds.split(",") if b.strip()]
        if not names or any(b not in BUILD_ENV for b in names) or len(set(names)) != len(names):
            parser.error(f"--builds takes distinct names among {', '.join(BUILD_ENV)}")
        builds = [install_build(workdir, b) for b in names]
    else:
        builds = [freeze_code(workdir)]
    corpora = []
    for name in [c.strip() for c in args.corpus.split(",") if c.strip()]:
        root = prepare_stdlib(workdir) if name == "stdlib" else prepare_sdist(workdir, name)
        corpora.append(bench_corpus(name, root, workdir, args, builds))
    print("\n" + table(corpora))
    record = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "builds": {b.name: {"python": b.python, "build_seconds": round(b.seconds, 1)} for b in builds},
        "corpora": [asdict(c) for c in corpora],
        "targets": {c.name: targets(c, builds) for c in corpora},
    }
    for corpus in corpora:
        for label, result in record["targets"][corpus.name].items():
            cpu = f", cpu {result['measured_cpu']}" if result.get("measured_cpu") else ""
            if result["measured"] is None:
                print(f"{corpus.name:>8}: {label:<44} {'NOT MEASURED':<7} ({result['note']})")
                continue
            print(f"{corpus.name:>8}: {label:<44} {'met' if result['met'] else 'MISSED':<7} "
                  f"(measured {result['measured']}{cpu}, limit {result['limit']})")
    path = Path(args.json) if args.json else workdir / f"speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\nrecord: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
