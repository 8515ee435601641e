"""How fast is secreview, against the parse floor and against its peers, on real code?

    python bench/speed.py --workdir /tmp/secreview-bench [--corpus stdlib,django,nova]
                          [--semgrep-rules DIR] [--json OUT]

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
to the floor for each, checks the targets of issue 7, and writes a JSON record.
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


def freeze_code(workdir: Path) -> Path:
    """Run a copy of secreview's code, so edits in the work tree during the run cannot change it
    (the cache rightly treats any change to the code as a reason to review everything again)."""
    source = Path(__file__).resolve().parents[1] / "src" / "secreview"
    target = workdir / "code" / time.strftime("%Y%m%d-%H%M%S")
    shutil.copytree(source, target / "secreview", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join([str(target), *filter(None, [os.environ.get("PYTHONPATH")])])
    return target


def measure(tool: str, command: list[str], cwd: Path | None = None, note: str = "") -> Run:
    """Run a command to completion; wall time and the peak RSS of its largest process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
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
    print(f"  {tool:<28} {wall:8.2f} s  cpu {cpu:8.2f} s  {peak_kib / 1024:7.0f} MiB  exit {code}", flush=True)
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


def bench_corpus(name: str, root: Path, workdir: Path, args: argparse.Namespace) -> Corpus:
    files = python_files(root)
    corpus = Corpus(name, str(root), len(files), non_blank_lines(files))
    print(f"\n{name}: {corpus.files:,} files, {corpus.lines:,} non-blank lines ({root})", flush=True)
    listing = workdir / f"{name}.files"
    listing.write_text("\n".join(files), encoding="utf-8")
    out = workdir / "out"
    out.mkdir(exist_ok=True)
    cache = workdir / "cache" / name
    shutil.rmtree(cache, ignore_errors=True)
    secreview = [sys.executable, "-m", "secreview", "scan", str(root), "--no-gitignore", "--format", "json"]
    runs = corpus.runs
    runs.append(measure("floor", [sys.executable, "-c", FLOOR, str(listing)]))
    runs.append(measure("secreview cold --jobs 1",
                        [*secreview, "--jobs", "1", "--no-cache", "-o", str(out / f"{name}-1.json")]))
    cached = [*secreview, "--jobs", "0", "--cache-dir", str(cache)]
    runs.append(measure("secreview cold all cores", [*cached, "-o", str(out / f"{name}-n.json")]))
    runs.append(measure("secreview warm unchanged", [*cached, "-o", str(out / f"{name}-warm.json")]))
    edited = Path(files[len(files) // 2])
    original = edited.read_bytes()
    try:
        edited.write_bytes(original + b"\n# edited by bench/speed.py\nimport os\nos.system(cmd)\n")
        runs.append(measure("secreview warm one edit", [*cached, "-o", str(out / f"{name}-edit.json")],
                            note=f"edited {edited.relative_to(root)}"))
    finally:
        edited.write_bytes(original)
    same = _same_findings(out / f"{name}-1.json", out / f"{name}-n.json", out / f"{name}-warm.json")
    if not same:
        print("  WARNING: --jobs 1, all cores and warm reports differ", flush=True)
    if shutil.which("bandit") and not args.skip_peers:
        runs.append(measure("bandit", ["bandit", "-r", "-q", "-f", "json", "-o", str(out / f"{name}-bandit.json"),
                                       str(root)]))
    else:
        runs.append(Run("bandit", 0, 0, -1, "skipped: " + ("--skip-peers" if args.skip_peers
                                                            else "bandit not installed (pip install '.[bench]')")))
    if shutil.which("ruff") and not args.skip_peers:
        runs.append(measure("ruff --select S", ["ruff", "check", "--select", "S", "--no-cache", "--isolated",
                                                "--exit-zero", "--output-format", "json",
                                                "-o", str(out / f"{name}-ruff.json"), str(root)]))
    else:
        runs.append(Run("ruff --select S", 0, 0, -1, "skipped: " + ("--skip-peers" if args.skip_peers
                                                                     else "ruff not installed (pip install '.[bench]')")))
    if args.semgrep_rules and shutil.which("semgrep") and not args.skip_peers:
        runs.append(measure("semgrep", ["semgrep", "scan", "--metrics=off", "--config", args.semgrep_rules,
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
    for run in corpus.runs:
        if run.tool == tool and run.status != -1:
            return run.wall
    return None


def targets(corpus: Corpus) -> dict[str, dict[str, object]]:
    checked: dict[str, dict[str, object]] = {}
    for label, (tool, limit, against) in TARGETS.items():
        value = _wall(corpus, tool)
        base = _wall(corpus, against) if against else 1.0
        if value is None or not base:
            continue
        measured = value / base
        checked[label] = {"measured": round(measured, 3), "limit": limit, "met": measured <= limit}
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
    parser.add_argument("--json", metavar="FILE", help="the JSON record (default: WORKDIR/speed-<time>.json)")
    args = parser.parse_args()
    workdir = Path(args.workdir).resolve()
    repository = Path(__file__).resolve().parents[1]
    if workdir == repository or repository in workdir.parents:
        parser.error("--workdir must be outside the repository")
    workdir.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    print(f"secreview code under test: {freeze_code(workdir)}")
    corpora = []
    for name in [c.strip() for c in args.corpus.split(",") if c.strip()]:
        root = prepare_stdlib(workdir) if name == "stdlib" else prepare_sdist(workdir, name)
        corpora.append(bench_corpus(name, root, workdir, args))
    print("\n" + table(corpora))
    record = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "corpora": [asdict(c) for c in corpora],
        "targets": {c.name: targets(c) for c in corpora},
    }
    for corpus in corpora:
        for label, result in record["targets"][corpus.name].items():
            print(f"{corpus.name:>8}: {label:<32} {'met' if result['met'] else 'MISSED':<7} "
                  f"(measured {result['measured']}, limit {result['limit']})")
    path = Path(args.json) if args.json else workdir / f"speed-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\nrecord: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
