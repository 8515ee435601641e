"""A fleet review on Ray against `secreview scan` run one project after another, on real sdists.

    python bench/fleet.py --workdir /tmp/secreview-fleet-bench [--cpus N] [--json OUT]

Downloads the source distributions in SDISTS at run time (`pip download
--no-deps --no-binary :all:`, into --workdir, never into the repository),
unpacks each once (not timed), and times from the outside:

- sequential: `secreview scan TOP --format json --no-cache` for one project
  after another (each on all cores, as a user would run it), and
- fleet: `secreview fleet ARCHIVE... --no-cache` on an embedded local Ray
  with --cpus cores (default: all), reading the archives themselves.

Both run in the directory the archives were unpacked in, so the fleet's
per-project JSON and SARIF must be byte-identical to scan's: the bench checks
every one. From the per-task times in the fleet's summary.json it then
estimates the wall time on a cluster of C cores: the fleet's tasks (each
project's batches, then its link) list-scheduled on C workers, bounded below
by the driver's own serial work (discovery, reading and unpacking, rendering
and writing reports), plus the measured Ray start and stop.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

# Pure-Python projects of every size, none of those kept aside for independent checks (see HELPERS.md).
SDISTS = [
    "flask==3.0.3", "click==8.1.7", "itsdangerous==2.2.0", "attrs==23.2.0", "idna==3.7", "six==1.16.0",
    "packaging==24.1", "pyparsing==3.1.2", "python-dateutil==2.9.0.post0", "pytz==2024.1", "toml==0.10.2",
    "bottle==0.12.25", "httpx==0.27.0", "httpcore==1.0.5", "h11==0.14.0", "anyio==4.4.0", "sqlalchemy==2.0.31",
    "alembic==1.13.2", "marshmallow==3.21.3", "mako==1.3.5", "webob==1.8.7", "waitress==3.0.0",
    "gunicorn==22.0.0", "falcon==3.1.3", "pygments==2.18.0", "docutils==0.21.2", "babel==2.15.0",
    "rich==13.7.1", "celery==5.4.0", "kombu==5.3.7", "redis==5.0.7", "djangorestframework==3.15.2",
    "pyramid==2.0.2", "cherrypy==18.10.0", "fastapi==0.111.0", "boltons==24.0.0", "more-itertools==10.3.0",
]
CLUSTER_CORES = (2, 8, 32, 128)
ARCHIVES = (".tar.gz", ".zip", ".tgz")


def download(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for spec in SDISTS:
        name = spec.split("==")[0].lower().replace("-", "_")
        if any(p.name.lower().replace("-", "_").startswith(name + "-") for p in directory.iterdir()):
            continue
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                               "--quiet", "-d", str(directory), spec], capture_output=True, text=True)
        if done.returncode:
            print(f"  could not download {spec}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    return sorted(p for p in directory.iterdir() if p.name.endswith(ARCHIVES))


def unpack(archives: list[Path], into: Path) -> dict[Path, str]:
    """Each archive's top-level directory under `into` (unpacked once; the bench never times this)."""
    into.mkdir(parents=True, exist_ok=True)
    tops = {}
    for archive in archives:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as bundle:
                names = bundle.namelist()
                top = names[0].split("/")[0]
                if not (into / top).exists():
                    bundle.extractall(into)
        else:
            with tarfile.open(archive) as tar:
                top = tar.getnames()[0].split("/")[0]
                if not (into / top).exists():
                    tar.extractall(into, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(into)
        tops[archive] = top
    return tops


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        print(f"  {' '.join(command[:4])}...: exit {done.returncode}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    return time.perf_counter() - started, done.returncode


def sequential(tops: dict[Path, str], cwd: Path, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for top in tops.values():
        for fmt in ("json", "sarif"):
            seconds, _ = timed([sys.executable, "-m", "secreview", "scan", top, "--format", fmt, "--no-cache",
                                "-o", str(out / f"{top}.{fmt}")], cwd)
            if fmt == "json":  # the SARIF run is only for the identity check: not part of the timing
                total += seconds
    return total


def schedule(projects: list[dict], cores: int) -> float:
    """Makespan of the fleet's tasks on `cores` workers: projects in order, each one's batches on the
    earliest free worker, its link after the last of them (greedy list scheduling)."""
    free = [0.0] * cores
    for project in projects:
        tasks = project["tasks"]
        ends = []
        for task in tasks:
            if task["kind"] == "link":
                continue
            worker = min(range(cores), key=free.__getitem__)
            free[worker] += task["seconds"]
            ends.append(free[worker])
        links = [t for t in tasks if t["kind"] == "link"]
        if links:
            worker = min(range(cores), key=free.__getitem__)
            free[worker] = max(free[worker], max(ends, default=0.0)) + links[0]["seconds"]
    return max(free)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", default="/tmp/secreview-fleet-bench", type=Path)
    parser.add_argument("--cpus", type=int, default=0, help="cores of the local Ray (default: all)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    work = args.workdir.resolve()
    print(f"downloading {len(SDISTS)} sdists into {work / 'sdists'} ...", file=sys.stderr)
    archives = download(work / "sdists")
    if len(archives) < 30:
        print(f"only {len(archives)} sdists could be downloaded; the bench needs 30", file=sys.stderr)
        return 2
    unpacked = work / "unpacked"
    tops = unpack(archives, unpacked)
    cores = args.cpus or len(os.sched_getaffinity(0))

    print(f"secreview scan, {len(tops)} projects one after another ...", file=sys.stderr)
    scan_out = work / "scan-out"
    shutil.rmtree(scan_out, ignore_errors=True)
    scan_seconds = sequential(tops, unpacked, scan_out)

    print("secreview fleet on a local Ray ...", file=sys.stderr)
    fleet_out = work / "fleet-out"
    shutil.rmtree(fleet_out, ignore_errors=True)
    command = [sys.executable, "-m", "secreview", "fleet", *map(str, archives), "-d", str(fleet_out), "--no-cache"]
    if args.cpus:
        command += ["--jobs", str(args.cpus)]
    fleet_seconds, _ = timed(command, unpacked)
    summary = json.loads((fleet_out / "summary.json").read_text())
    projects = summary["projects"]

    different = [top for top in tops.values() for fmt in ("json", "sarif")
                 if (fleet_out / f"{top}.{fmt}").read_bytes() != (scan_out / f"{top}.{fmt}").read_bytes()]
    failed = [(p["name"], p["status"], p["reason"]) for p in projects if p["status"] != "ok"]
    files = sum(p["files"] for p in projects)
    lines = sum(p["lines"] for p in projects)
    task_seconds = sum(t["seconds"] for p in projects for t in p["tasks"])
    driver = sum(p["prepare_seconds"] + p["write_seconds"] for p in projects)
    ray_overhead = max(0.0, fleet_seconds - summary["seconds"])
    longest = max(projects, key=lambda p: sum(t["seconds"] for t in p["tasks"]))
    estimates = {c: max(schedule(projects, c), driver) + ray_overhead for c in CLUSTER_CORES}

    print(f"\n{len(projects)} projects, {files:,} files, {lines:,} lines; {cores} cores on this machine")
    print(f"identical per-project reports (JSON and SARIF): {2 * len(tops) - len(different)} of {2 * len(tops)}"
          + (f"; DIFFERENT: {different}" if different else ""))
    if failed:
        print(f"projects not ok: {failed}")
    print(f"secreview scan, one project after another: {scan_seconds:.1f} s")
    print(f"secreview fleet, local Ray with {summary['ray']['cpus']} CPUs: {fleet_seconds:.1f} s "
          f"({scan_seconds / fleet_seconds:.2f}x); of which Ray start and stop {ray_overhead:.1f} s")
    print(f"task time {task_seconds:.1f} s in {sum(len(p['tasks']) for p in projects)} tasks; driver's serial work "
          f"{driver:.1f} s; longest project {longest['name']} "
          f"({sum(t['seconds'] for t in longest['tasks']):.1f} s in {len(longest['tasks'])} tasks)")
    print("\n| cores | estimated fleet wall time | vs scan one after another |\n|---:|---:|---:|")
    for c, seconds in estimates.items():
        print(f"| {c} | {seconds:.1f} s | {scan_seconds / seconds:.1f}x |")
    if args.json:
        args.json.write_text(json.dumps({
            "projects": len(projects), "files": files, "lines": lines, "cores": cores, "scan_seconds": scan_seconds,
            "fleet_seconds": fleet_seconds, "ray_overhead": ray_overhead, "task_seconds": task_seconds,
            "driver_seconds": driver, "estimates": estimates, "different": different, "failed": failed}, indent=2))
    return 1 if different or failed else 0


if __name__ == "__main__":
    sys.exit(main())
