"""The JSON report: a documented, versioned schema (docs/json-schema.md and
`report/schema/report.schema.json`). Bump SCHEMA_VERSION on any change a
consumer could notice; add fields in minor versions, never rename."""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

from secreview.core.model import (Diagnostic, Evidence, FileReview, Finding, PillarVerdict, Review, SecondOpinion,
                                  Severity)
from secreview.cwe import catalog
from secreview.report import jsontext

SCHEMA_VERSION = "2.0"  # 1.1: summary.preexisting, summary.baselined, change; 1.2: notes, second_opinion; 1.3: evidence subject; 1.4: summary.in_tests; 2.0: summary.untraced_tests replaces it


def _evidence(item: Evidence) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": item.kind, "path": item.path, "line": item.line, "text": item.text}
    if item.subject:
        data["subject"] = item.subject
    return data


def _verdict(verdict: PillarVerdict) -> dict[str, Any]:
    return {
        "pillar": f"CWE-{verdict.pillar}",
        "name": verdict.name,
        "status": verdict.status,
        "summary": verdict.summary,
        "evidence": [_evidence(e) for e in verdict.evidence],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    from secreview.core.fingerprint import fingerprint

    loc = finding.location
    cat = catalog()
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "cwe": f"CWE-{finding.cwe}",
        "cwe_name": cat.weakness(finding.cwe).name,
        "pillar": f"CWE-{finding.pillar}",
        "pillar_name": cat.pillar_name(finding.pillar),
        "secondary_pillars": [f"CWE-{p}" for p in finding.secondary_pillars],
        "severity": finding.severity.label,
        "confidence": finding.confidence.label,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "source_line": finding.source_line,
        "message": finding.message,
        "fix": finding.fix,
        "flow": [
            {"path": s.location.path, "line": s.location.line, "column": s.location.column,
             "description": s.description}
            for s in finding.path
        ],
        "source": finding.source,
        "fingerprint": fingerprint(finding),
        "notes": list(finding.notes),
    }
    if finding.suppressed is not None:
        data["suppressed"] = finding.suppressed
    if finding.preexisting:
        data["preexisting"] = True  # review mode with --all: not introduced by the change
    return data


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {"path": d.path, "kind": d.kind.value, "message": d.message, "line": d.line}


def _second_opinion(opinion: SecondOpinion | None) -> dict[str, Any] | None:
    if opinion is None:
        return None
    usage = opinion.usage
    return {
        "model": opinion.model,
        "prompt_version": opinion.prompt_version,
        "usage": {"prompt_tokens": usage.prompt_tokens, "completion_tokens": usage.completion_tokens,
                  "requests": usage.requests, "cached": usage.cached},
        "disagreements": [
            {"kind": d.kind, "path": d.path, "line": d.line, "cwe": f"CWE-{d.cwe}", "rule_id": d.rule_id,
             "explanation": d.explanation}
            for d in opinion.disagreements
        ],
        "files": [{"path": path, "pillars": [_verdict(v) for v in verdicts]} for path, verdicts in opinion.opinions],
    }


def to_dict(review: Review) -> dict[str, Any]:
    """The report as a JSON value (what `render` writes, as text)."""
    data = _head(review)
    data["files"] = [_file(fr) for fr in review.files]
    return data


def _file(fr: FileReview) -> dict[str, Any]:
    return {"path": fr.path, "lines": fr.lines, "findings": len(fr.findings),
            "pillars": [_verdict(v) for v in fr.verdicts]}


def _head(review: Review) -> dict[str, Any]:
    """Everything but the per-file entries, which come last."""
    findings = review.findings
    by_severity = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for f in findings:
        by_severity[f.severity.label] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "secreview", "version": review.tool_version, "cwe_catalog": catalog().version},
        "verdict": review.verdict,
        "summary": {
            "files": len(review.files),
            "lines": review.lines,
            "findings": len(findings),
            "by_severity": by_severity,
            "suppressed": len(review.suppressed),
            "below_threshold": review.below_threshold,
            "diagnostics": len(review.all_diagnostics),
            "preexisting": review.preexisting,
            "baselined": review.baselined,
            "untraced_tests": review.untraced_tests,
        },
        "change": None if review.change is None else {
            "description": review.change.description,
            "files": review.change.files,
            "added_lines": review.change.added_lines,
        },
        "pillars": [_verdict(v) for v in review.verdicts],
        "findings": [finding_dict(f) for f in findings],
        "suppressed": [finding_dict(f) for f in review.suppressed],
        "diagnostics": [_diagnostic(d) for d in review.all_diagnostics],
        "second_opinion": _second_opinion(review.second_opinion),
    }


class _FileEntries:
    """The per-file entries as JSON text (the items of the `files` list), as `to_dict` has them.

    They are most of a large project's report (Nova: 7 MB, 15,180 verdicts), and writing them was a
    third of a warm run. Most verdicts cite nothing: a pillar with no fact in the file, in one of a
    few sentences (Nova: 11,975 such verdicts, 25 distinct), so each distinct one is written once.
    The others are written field by field, which takes half the time of building `_verdict`'s dicts
    and encoding them; a test holds the text to the standard encoding of `to_dict`, byte for byte.
    """

    def __init__(self) -> None:
        self.bare: dict[tuple[str, str, str, str], str] = {}

    def verdict(self, verdict: PillarVerdict) -> str:
        if verdict.evidence:
            return _verdict_text(verdict)
        key = (verdict.pillar, verdict.name, verdict.status, verdict.summary)
        text = self.bare.get(key)
        if text is None:
            text = self.bare[key] = _verdict_text(verdict)
        return text

    def entry(self, fr: FileReview) -> jsontext.Encoded:
        pillars = ", ".join([self.verdict(v) for v in fr.verdicts])
        return jsontext.Encoded(f'{{"path": {_string(fr.path)}, "lines": {fr.lines:d}, '
                                f'"findings": {len(fr.findings):d}, "pillars": [{pillars}]}}')


_string = encode_basestring  # a str as JSON text, non-ASCII kept (the encoder's own, in C)


def _verdict_text(verdict: PillarVerdict) -> str:
    """`_verdict(verdict)` as JSON text, with `jsontext.SEPARATORS`."""
    evidence = []
    for item in verdict.evidence:
        subject = f', "subject": {_string(item.subject)}}}' if item.subject else "}"
        evidence.append(f'{{"kind": {_string(item.kind)}, "path": {_string(item.path)}, "line": {item.line:d}, '
                        f'"text": {_string(item.text)}{subject}')
    return (f'{{"pillar": {_string("CWE-" + verdict.pillar)}, "name": {_string(verdict.name)}, '
            f'"status": {_string(verdict.status)}, "summary": {_string(verdict.summary)}, '
            f'"evidence": [{", ".join(evidence)}]}}')


def render(review: Review, **_: Any) -> str:
    data = _head(review)
    entries = _FileEntries()
    data["files"] = [entries.entry(fr) for fr in review.files]
    return jsontext.dumps(data, flat_lists=("files",)) + "\n"
