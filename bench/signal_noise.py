"""Signal and noise of secreview's findings on mature projects: how many, and how many are right.

    python bench/signal_noise.py --workdir /work/bench/signal [--sample-out FILE] [--readings FILE]

Downloads at run time the source distributions pinned in PROJECTS (`pip download --no-deps
--no-binary :all:`, into --workdir, never into the repository), unpacks each once and reviews it
with default thresholds (`secreview scan TOP --no-gitignore --format json`, run inside
WORKDIR/src with TOP relative, so the paths and fingerprints in the reports do not depend on where
the workdir is). It then prints

- findings per 10k non-blank lines of reviewed Python, per rule and per project;
- writes a fixed-seed sample of at most --per-project findings of each project (default 40) to
  --sample-out (default WORKDIR/sample.json) for reading: project, path, line, rule, message,
  source line, confidence, severity and fingerprint of each;
- and, when the reading file exists (default bench/signal-reading.json, committed), the
  real / debatable / wrong counts of the sample per rule, per project and per confidence level,
  plus the share of the current sample that has no reading yet.

The reading file is one JSON object keyed by fingerprint (as the JSON report gives it):

    {"<fingerprint>": {"verdict": "real" | "debatable" | "wrong",
                       "reason": "one line: why",
                       "rule": "secret-in-log", "path": "nova-34.0.0/nova/x.py"}}

Only `verdict` and `reason` are required; `rule` and `path` help a human reader and are not
trusted. A reading stays valid as long as the finding keeps its fingerprint (rule id, flagged code,
enclosing function and path; not the line), so readings from an older run carry over. Several
people may add readings: keep the keys sorted (`--normalise` rewrites the file so).

Projects kept aside for an independent check are left out on purpose: requests, Jinja2 and
Paramiko (and the packages HELPERS.md keeps out of advisory benches).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tarfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from speed import non_blank_lines  # bench/ is on sys.path when this script runs

PROJECTS: dict[str, str] = {
    "nova": "nova==34.0.0",
    "django": "Django==5.1",
    "ansible-core": "ansible-core==2.17.5",
    "flask": "flask==3.0.3",
    "celery": "celery==5.4.0",
    "sqlalchemy": "sqlalchemy==2.0.31",
    "pyramid": "pyramid==2.0.2",
    "fastapi": "fastapi==0.111.0",
}
"""Project name -> pinned requirement. Not here on purpose: requests, Jinja2, Paramiko (kept aside)."""

VERDICTS = ("real", "debatable", "wrong")
SEED = 13
PER_PROJECT = 40
DEFAULT_READINGS = Path(__file__).resolve().parent / "signal-reading.json"
SAMPLE_FIELDS = ("project", "path", "line", "rule", "message", "source_line", "confidence", "severity",
                 "fingerprint")


# -- corpora -----------------------------------------------------------------------------------

def _archive_stem(name: str) -> str:
    for suffix in (".tar.gz", ".tgz", ".zip"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _normal(name: str) -> str:
    """pip's normalised project name: 'ansible-core', 'ansible_core' and 'Ansible.Core' are one."""
    return name.lower().replace("-", "_").replace(".", "_")


def archive_for(requirement: str, archives: Iterable[Path]) -> Path | None:
    """The downloaded sdist matching `requirement` ("name==version"), if any."""
    name, _, version = requirement.partition("==")
    wanted = f"{_normal(name)}-{version}"
    for archive in archives:
        if _normal(_archive_stem(archive.name)) == _normal(wanted):
            return archive
    return None


def fetch(workdir: Path, requirement: str) -> Path:
    """Download (once) and unpack (once) one sdist; returns the unpacked top directory."""
    downloads = workdir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    archive = archive_for(requirement, downloads.iterdir())
    if archive is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "--quiet", "-d", str(downloads), requirement], check=True)
        archive = archive_for(requirement, downloads.iterdir())
        if archive is None:
            raise SystemExit(f"pip downloaded no sdist named like {requirement}")
    src = workdir / "src"
    src.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        top = tar.getnames()[0].split("/")[0]
        if not (src / top).is_dir():
            if hasattr(tarfile, "data_filter"):
                tar.extractall(src, filter="data")
            else:  # pragma: no cover - Python without PEP 706
                tar.extractall(src)  # a pinned sdist from PyPI, on a Python without the data filter
    return src / top


def review(top: Path, secreview: str, report: Path) -> dict[str, Any]:
    """Run secreview on `top` from its parent directory, so report paths start with the top's name."""
    done = subprocess.run([secreview, "scan", top.name, "--no-gitignore", "--format", "json",
                           "-o", str(report)], cwd=top.parent, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"secreview failed on {top.name} ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def reviewed_files(report: Mapping[str, Any], base: Path) -> list[str]:
    return [str(base / entry["path"]) for entry in report.get("files", ())]


# -- rates -------------------------------------------------------------------------------------

def per_10k(count: int, lines: int) -> float:
    return 10000.0 * count / lines if lines else 0.0


def rates(findings: Mapping[str, Sequence[Mapping[str, Any]]], lines: Mapping[str, int]) -> dict[str, Any]:
    """Findings per 10k non-blank lines: overall, per project and per rule (over all projects)."""
    total_lines = sum(lines.values())
    by_rule: Counter[str] = Counter(f["rule_id"] for found in findings.values() for f in found)
    return {
        "lines": total_lines,
        "findings": sum(by_rule.values()),
        "per_10k": round(per_10k(sum(by_rule.values()), total_lines), 3),
        "projects": {p: {"lines": lines[p], "findings": len(found),
                         "per_10k": round(per_10k(len(found), lines[p]), 3)}
                     for p, found in sorted(findings.items())},
        "rules": {rule: {"findings": n, "per_10k": round(per_10k(n, total_lines), 3)}
                  for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))},
    }


# -- the sample --------------------------------------------------------------------------------

def sample_entry(project: str, finding: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "project": project,
        "path": finding["path"],
        "line": finding["line"],
        "rule": finding["rule_id"],
        "message": finding["message"],
        "source_line": finding.get("source_line", ""),
        "confidence": finding["confidence"],
        "severity": finding["severity"],
        "fingerprint": finding["fingerprint"],
    }


def sample(project: str, findings: Sequence[Mapping[str, Any]], per_project: int = PER_PROJECT,
           seed: int = SEED) -> list[dict[str, Any]]:
    """At most `per_project` findings, the same ones for the same findings whatever their order."""
    ordered = sorted(findings, key=lambda f: (f["fingerprint"], f["path"], f["line"]))
    chosen = ordered if len(ordered) <= per_project else random.Random(f"{seed}:{project}").sample(
        ordered, per_project)
    return [sample_entry(project, f) for f in sorted(chosen, key=lambda f: (f["path"], f["line"], f["rule_id"]))]


# -- readings ----------------------------------------------------------------------------------

def load_readings(path: Path) -> dict[str, dict[str, str]]:
    """The reading file, checked: every entry has a known verdict and a reason."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"{path}: expected a JSON object keyed by fingerprint")
    for key, reading in data.items():
        if not isinstance(reading, dict) or reading.get("verdict") not in VERDICTS:
            raise ValueError(f"{path}: {key}: verdict must be one of {', '.join(VERDICTS)}")
        if not str(reading.get("reason", "")).strip():
            raise ValueError(f"{path}: {key}: a reading needs a one-line reason")
    return data


def tally(entries: Sequence[Mapping[str, Any]], readings: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Verdict counts of the read part of the sample, per rule, project and confidence; unread share."""
    groups: dict[str, dict[str, Counter[str]]] = {"rule": defaultdict(Counter), "project": defaultdict(Counter),
                                                   "confidence": defaultdict(Counter)}
    unread = 0
    for entry in entries:
        reading = readings.get(entry["fingerprint"])
        if reading is None:
            unread += 1
            continue
        for axis, counts in groups.items():
            counts[entry[axis]][reading["verdict"]] += 1
    read = len(entries) - unread
    overall: Counter[str] = Counter()
    for counts in groups["rule"].values():
        overall.update(counts)
    return {
        "sample": len(entries),
        "unread": unread,
        "unread_share": round(unread / len(entries), 3) if entries else 0.0,
        "overall": {v: overall[v] for v in VERDICTS},
        "real_or_debatable_share": round((overall["real"] + overall["debatable"]) / read, 3) if read else None,
        **{axis: {key: {v: counts[key][v] for v in VERDICTS} for key in sorted(counts)}
           for axis, counts in groups.items()},
        "rules_more_wrong_than_right": sorted(
            rule for rule, c in groups["rule"].items() if c["wrong"] > c["real"] + c["debatable"]),
    }


def normalise(path: Path) -> None:
    """Rewrite the reading file with sorted keys and one entry per line group (stable diffs)."""
    data = load_readings(path)
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


# -- printing ----------------------------------------------------------------------------------

def format_rates(table: Mapping[str, Any]) -> str:
    total = f"{table['findings']} findings in {table['lines']} non-blank lines: {table['per_10k']:.2f} per 10k"
    out = [total, "", "per project:"]
    out += [f"  {p:<14} {r['findings']:>5} findings {r['lines']:>8} lines {r['per_10k']:>7.2f} /10k"
            for p, r in table["projects"].items()]
    out += ["", "per rule (all projects):"]
    out += [f"  {rule:<40} {r['findings']:>5} {r['per_10k']:>7.2f} /10k" for rule, r in table["rules"].items()]
    return "\n".join(out)


def format_tally(result: Mapping[str, Any]) -> str:
    def row(name: str, counts: Mapping[str, int]) -> str:
        return f"  {name:<40} " + " ".join(f"{counts[v]:>4} {v}" for v in VERDICTS)

    o = result["overall"]
    share = result["real_or_debatable_share"]
    head = (f"sample {result['sample']}, unread {result['unread']} ({100 * result['unread_share']:.0f}%); "
            f"read: {o['real']} real, {o['debatable']} debatable, {o['wrong']} wrong")
    out = [head + (f"; real or debatable {100 * share:.0f}%" if share is not None else "")]
    for axis in ("rule", "project", "confidence"):
        out += ["", f"per {axis}:"] + [row(k, c) for k, c in result[axis].items()]
    if result["rules_more_wrong_than_right"]:
        out += ["", "rules with more wrong than right: " + ", ".join(result["rules_more_wrong_than_right"])]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="downloads, unpacked sources and reports")
    parser.add_argument("--secreview", default=str(Path(sys.executable).with_name("secreview")),
                        help="the secreview executable to measure (default: beside this Python)")
    parser.add_argument("--projects", nargs="*", default=list(PROJECTS), choices=list(PROJECTS))
    parser.add_argument("--per-project", type=int, default=PER_PROJECT)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--sample-out", type=Path, help="default: WORKDIR/sample.json")
    parser.add_argument("--readings", type=Path, default=DEFAULT_READINGS)
    parser.add_argument("--json", type=Path, help="also write rates and tally here")
    parser.add_argument("--normalise", action="store_true", help="only rewrite the reading file sorted")
    args = parser.parse_args(argv)
    if args.normalise:
        normalise(args.readings)
        return 0
    workdir = args.workdir.resolve()
    (workdir / "reports").mkdir(parents=True, exist_ok=True)
    findings: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, int] = {}
    entries: list[dict[str, Any]] = []
    for project in args.projects:
        top = fetch(workdir, PROJECTS[project])
        report = review(top, args.secreview, workdir / "reports" / f"{project}.json")
        findings[project] = report["findings"]
        lines[project] = non_blank_lines(reviewed_files(report, top.parent))  # the rates' denominator
        entries += sample(project, report["findings"], args.per_project, args.seed)
    table = rates(findings, lines)
    print(format_rates(table))
    sample_out = args.sample_out or workdir / "sample.json"
    sample_out.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nsample of {len(entries)} findings written to {sample_out}")
    result = None
    if args.readings.is_file():
        result = tally(entries, load_readings(args.readings))
        print("\n" + format_tally(result))
    if args.json:
        args.json.write_text(json.dumps({"rates": table, "tally": result}, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
