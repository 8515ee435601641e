"""What a fleet run leaves in its output directory.

* `<name>.json` and `<name>.sarif` per project: `secreview scan`'s own
  reports, rendered here on the driver (SARIF names the working directory as
  `%SRCROOT%`, so rendering where `secreview scan` would run keeps them
  identical); `<name>.html` as well when the `html` report format exists.
* `summary.json`: every project with its status, counts, durations and
  workers (schema `fleet/summary.schema.json`, documented in docs/fleet.md).
  It is rewritten after every project, so an interrupted run can be resumed.
* `index.html`: one table linking all of it, readable without a server.

Every file is written whole or not at all (`secreview.core.atomic`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from secreview.core.atomic import write_text
from secreview.core.model import Review, Severity
from secreview.fleet.projects import Project
from secreview.fleet.worker import TaskInfo
from secreview.report import FORMATS, renderer
from secreview.review.verdicts import PILLAR_ORDER

SCHEMA_VERSION = "1.0"
SUMMARY, INDEX = "summary.json", "index.html"
OK, ERROR, TIMEOUT = "ok", "error", "timeout"
# The report formats written per project: the machine-readable two always, HTML when the format exists.
REPORT_FORMATS = tuple(f for f in ("json", "sarif", "html") if f in FORMATS)
_SUFFIX = {"json": ".json", "sarif": ".sarif", "html": ".html"}


@dataclass
class Record:
    """One project's line in summary.json (see fleet/summary.schema.json for each field)."""

    name: str
    project: str
    kind: str
    status: str
    reason: str | None = None
    reused: bool = False
    key: str | None = None
    reports: dict[str, str] = field(default_factory=dict)
    files: int = 0
    cached: int = 0
    lines: int = 0
    findings: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {s.label: 0 for s in reversed(Severity)})
    by_category: dict[str, int] = field(default_factory=lambda: {f"CWE-{p}": 0 for p in PILLAR_ORDER})
    suppressed: int = 0
    below_threshold: int = 0
    diagnostics: int = 0
    seconds: float = 0.0
    prepare_seconds: float = 0.0
    write_seconds: float = 0.0
    worker: dict[str, Any] | None = None
    tasks: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def failed(cls, project: Project, status: str, reason: str, **timing: float) -> Record:
        return cls(project.name, project.given, project.kind, status, reason, **timing)

    def count(self, review: Review) -> None:
        self.files, self.lines = len(review.files), review.lines
        self.findings = len(review.findings)
        for finding in review.findings:
            self.by_severity[finding.severity.label] += 1
            self.by_category[f"CWE-{finding.pillar}"] = self.by_category.get(f"CWE-{finding.pillar}", 0) + 1
        self.suppressed, self.below_threshold = len(review.suppressed), review.below_threshold
        self.diagnostics = len(review.all_diagnostics)

    def ran(self, tasks: Iterable[TaskInfo]) -> None:
        self.tasks = [asdict(t) for t in tasks]
        if self.tasks:
            last = self.tasks[-1]  # the task that linked the project and produced its review
            self.worker = {"host": last["host"], "node": last["node"], "pid": last["pid"]}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_reports(directory: Path, name: str, review: Review) -> dict[str, str]:
    """The project's reports, as `secreview scan --format F` renders them; {format: file name}."""
    written = {}
    for name_format in REPORT_FORMATS:
        file_name = name + _SUFFIX[name_format]
        write_text(directory / file_name, renderer(name_format)(review))
        written[name_format] = file_name
    return written


def remove_reports(directory: Path, name: str) -> None:
    """A project that failed this time keeps no report of an earlier run: every file describes this run."""
    for suffix in _SUFFIX.values():
        (directory / (name + suffix)).unlink(missing_ok=True)


def reports_exist(directory: Path, record: Mapping[str, Any]) -> bool:
    reports = record.get("reports")
    return (isinstance(reports, dict) and set(REPORT_FORMATS) <= set(reports)
            and all(isinstance(f, str) and (directory / f).is_file() for f in reports.values()))


def previous_records(directory: Path) -> dict[str, dict[str, Any]]:
    """The projects of the last run into `directory`, by name ({} when there is none or it is unreadable)."""
    try:
        data = json.loads((directory / SUMMARY).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or str(data.get("schema_version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        return {}
    projects = data.get("projects")
    if not isinstance(projects, list):
        return {}
    return {p["name"]: p for p in projects if isinstance(p, dict) and isinstance(p.get("name"), str)}


def summary(records: list[dict[str, Any]], head: Mapping[str, Any]) -> dict[str, Any]:
    totals: dict[str, Any] = {"projects": len(records), OK: 0, ERROR: 0, TIMEOUT: 0,
                              "reused": sum(1 for r in records if r["reused"]),
                              "findings": sum(r["findings"] for r in records),
                              "by_severity": {s.label: 0 for s in reversed(Severity)}}
    for record in records:
        totals[record["status"]] += 1
        for label, count in record["by_severity"].items():
            totals["by_severity"][label] += count
    return {"schema_version": SCHEMA_VERSION, **head, "totals": totals, "projects": records}


def write_summary(directory: Path, data: Mapping[str, Any]) -> None:
    write_text(directory / SUMMARY, json.dumps(data, indent=2) + "\n")


def write_index(directory: Path, data: Mapping[str, Any]) -> None:
    write_text(directory / INDEX, index_page(data))


def index_page(data: Mapping[str, Any]) -> str:
    """A static page: one row per project, its status, counts and report links."""
    severities = [s.label for s in reversed(Severity)]
    head = "".join(f"<th>{h}</th>" for h in ["project", "status", "findings", *severities, "files", "lines",
                                               "seconds", "worker", "reports"])
    rows = []
    for record in data["projects"]:
        links = " ".join(f'<a href="{html.escape(f)}">{html.escape(kind)}</a>'
                         for kind, f in sorted(record["reports"].items()))
        status = record["status"] + (" (reused)" if record["reused"] else "")
        if record["reason"]:
            status += f": {record['reason']}"
        worker = record["worker"] or {}
        where = f"{worker.get('host', '')}:{worker.get('pid', '')}" if worker else ""
        cells = [html.escape(record["name"]), html.escape(status), str(record["findings"]),
                 *(str(record["by_severity"].get(s, 0)) for s in severities), str(record["files"]),
                 str(record["lines"]), f"{record['seconds']:.2f}", html.escape(where), links]
        css = f' class="{record["status"]}"' if record["status"] != OK or record["findings"] else ""
        rows.append(f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    totals = data["totals"]
    caption = (f"{totals['projects']} projects: {totals[OK]} ok ({totals['reused']} reused), {totals[ERROR]} error, "
               f"{totals[TIMEOUT]} timeout; {totals['findings']} findings")
    tool = data["tool"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>secreview fleet</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: .25em .5em; text-align: left; }}
td:nth-child(n+3):nth-child(-n+10) {{ text-align: right; }}
tr.ok td:nth-child(3) {{ font-weight: bold; }}
tr.error td:nth-child(2), tr.timeout td:nth-child(2) {{ color: #a00; }}
</style></head>
<body>
<h1>secreview fleet review</h1>
<p>{html.escape(caption)}. {html.escape(tool['name'])} {html.escape(tool['version'])};
summary: <a href="{SUMMARY}">{SUMMARY}</a>.</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""
