"""SARIF 2.1.0: the format code-scanning services import (GitHub, Azure DevOps, GitLab).

What such a service needs, and so what this reporter guarantees:

* every registered rule is described in `tool.driver.rules`, not only the ones
  that fired, so a service can show a rule's help and severity for a result of
  an older or newer run too; a result names its rule by `ruleId` *and* by
  `ruleIndex`;
* each rule's `properties.tags` start with `external/cwe/cwe-N` for the
  specific CWE and then the CWE-1000 pillar (GitHub reads these tags, and
  `security-severity`, to classify and rank security alerts);
* `partialFingerprints` keeps a result's identity stable when code moves
  (see `secreview.core.fingerprint`), so dismissed alerts stay dismissed;
* suppressed findings are reported with an `inSource` suppression and their
  justification instead of being dropped, so the waiver can be audited;
* files that could not be reviewed appear as tool execution notifications, so
  "no results" is never mistaken for "reviewed and clean";
* a finding with a mechanical fix (`secreview.fixes`) carries it as a `fix`
  whose replacements a code-scanning UI can offer to apply.

The output is deterministic for a given review and working directory: no
timestamps, no GUIDs, and every list in a fixed order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from secreview.core.fingerprint import FINGERPRINT_VERSION, fingerprints
from secreview.core.model import (
    Confidence,
    Diagnostic,
    DiagnosticKind,
    Evidence,
    Finding,
    Location,
    PillarVerdict,
    Review,
    SecondOpinion,
    Severity,
    Step,
)
from secreview.cwe import catalog
from secreview.rules import all_rules
from secreview.rules.base import Rule

if TYPE_CHECKING:
    from secreview.fixes import Fix

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "secreview"
INFORMATION_URI = "https://github.com/secreview/secreview"
SRCROOT = "%SRCROOT%"
CWE_TAXONOMY = "CWE"

JSONObject = dict[str, Any]

# SARIF has three result levels; critical and high both need fixing before merge.
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# GitHub ranks security alerts by this CVSS-like score (critical >= 9.0, high >= 7.0,
# medium >= 4.0, low > 0); it must be a string holding a number.
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}
# `problem.severity` is GitHub's non-security classification (error/warning/recommendation).
_PROBLEM_SEVERITY = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "recommendation",
}
_PRECISION = {
    Confidence.HIGH: "high",
    Confidence.MEDIUM: "medium",
    Confidence.LOW: "low",
}
# What each diagnostic kind means, for the notification descriptors in `driver.notifications`.
_DIAGNOSTIC_TEXT = {
    DiagnosticKind.SYNTAX: "The file is not valid Python and was not reviewed.",
    DiagnosticKind.NEWER_PYTHON: "The file uses syntax newer than the running Python and was not reviewed.",
    DiagnosticKind.ENCODING: "The file could not be decoded and was not reviewed.",
    DiagnosticKind.BINARY: "The file looks binary and was not reviewed.",
    DiagnosticKind.TOO_LARGE: "The file is larger than the configured limit and was not reviewed.",
    DiagnosticKind.TOO_DEEP: "The file nests too deeply to be analysed safely and was not (fully) reviewed.",
    DiagnosticKind.UNREADABLE: "The file could not be read.",
    DiagnosticKind.SYMLINK_LOOP: "A symbolic link loops back on itself and was not followed.",
    DiagnosticKind.INTERNAL: "secreview failed while reviewing the file; its review is incomplete.",
    DiagnosticKind.CONFIG: "The configuration could not be used as written.",
    DiagnosticKind.LLM: "The language model's second opinion failed for the file; its static review is complete.",
    DiagnosticKind.NOT_IN_TREE: "The change names a file that is not in the reviewed tree; it was not reviewed.",
}


# -- small helpers -------------------------------------------------------------


def _pascal(identifier: str) -> str:
    """'command-injection-shell' -> 'CommandInjectionShell' (SARIF's readable rule name)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", identifier) if part)


def _cwe_uri(cwe: str) -> str:
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"


def _cwe_tags(cwe: str, pillar: str) -> list[str]:
    """Specific CWE first, then its pillar: consumers that read one tag read the precise one."""
    tags = ["security", f"external/cwe/cwe-{cwe}"]
    if pillar != cwe:
        tags.append(f"external/cwe/cwe-{pillar}")
    return tags


def _cwe_name(cwe: str) -> str:
    try:
        return catalog().weakness(cwe).name
    except KeyError:  # a pillar, or a CWE a non-static source reported that is not in the catalogue
        try:
            return catalog().pillar_name(cwe)
        except KeyError:
            return f"CWE-{cwe}"


def _section(doc: str, heading: str) -> str:
    """The text under one `## heading` of a rule's doc, as a single paragraph."""
    lines = doc.splitlines()
    wanted = f"## {heading}".lower()
    body: list[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line.strip().lower() == wanted
            continue
        if inside:
            body.append(line.strip())
    return " ".join(" ".join(body).split())


def _is_absolute(path: str) -> bool:
    return PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()


def _artifact_location(path: str) -> JSONObject:
    """A file's SARIF location: repository-relative where possible.

    Code-scanning services place results by a path relative to the checkout,
    so a relative path is kept relative (against `%SRCROOT%`), an absolute
    path under the working directory is made relative to it, and any other
    absolute path becomes a `file:` URI. Characters a URI may not hold
    (spaces, `<string>`'s angle brackets, a colon that would read as a
    scheme) are percent-encoded.
    """
    if "\\" in path and not PurePosixPath(path).is_absolute():
        posix = PureWindowsPath(path).as_posix()
    else:
        posix = PurePath(path).as_posix()
    if _is_absolute(path):
        try:
            posix = PurePath(path).relative_to(Path.cwd()).as_posix()
        except ValueError:
            pure = PureWindowsPath(path) if PureWindowsPath(path).drive else PurePosixPath(posix)
            return {"uri": pure.as_uri()}
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _region(location: Location, snippet: str | None = None, columns: bool = True) -> JSONObject:
    """A 1-based SARIF region from a `Location` (lines 1-based, columns 0-based as in `ast`).

    `endColumn` is the column *after* the last character, which is what
    `ast`'s end_col_offset already is, so it too only gains 1. An end that is
    unknown (0) or not after the start is left out rather than invented:
    SARIF then reads the region as running to the end of `endLine`.
    """
    start_line = max(location.line, 1)
    end_line = max(location.end_line, start_line)
    region: JSONObject = {"startLine": start_line}
    if columns:
        region["startColumn"] = max(location.column, 0) + 1
    region["endLine"] = end_line
    if columns and location.end_column > 0 and (end_line > start_line or location.end_column > location.column):
        region["endColumn"] = location.end_column + 1
    if snippet:
        region["snippet"] = {"text": snippet}
    return region


def _physical_location(location: Location, snippet: str | None = None, columns: bool = True) -> JSONObject:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact_location(location.path),
            "region": _region(location, snippet, columns),
        }
    }


# -- the CWE taxonomy ----------------------------------------------------------


class _Taxonomy:
    """The CWE entries the run refers to, so rules and results can point at them by index."""

    def __init__(self, cwes: set[str]) -> None:
        self.ids = sorted(cwes, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))
        self.index = {cwe: i for i, cwe in enumerate(self.ids)}

    def reference(self, cwe: str) -> JSONObject:
        return {"id": cwe, "index": self.index[cwe], "toolComponent": {"name": CWE_TAXONOMY, "index": 0}}

    def references(self, cwe: str, pillar: str) -> list[JSONObject]:
        return [self.reference(c) for c in dict.fromkeys((cwe, pillar))]

    def component(self) -> JSONObject:
        cat = catalog()
        return {
            "name": CWE_TAXONOMY,
            "organization": "MITRE",
            "version": cat.version,
            "releaseDateUtc": cat.date,
            "informationUri": "https://cwe.mitre.org/data/definitions/1000.html",
            "shortDescription": {"text": "The MITRE Common Weakness Enumeration, research view CWE-1000."},
            "isComprehensive": False,
            "taxa": [
                {"id": cwe, "name": _cwe_name(cwe), "shortDescription": {"text": f"CWE-{cwe}: {_cwe_name(cwe)}"},
                 "helpUri": _cwe_uri(cwe)}
                for cwe in self.ids
            ],
        }


# -- rules ---------------------------------------------------------------------


def _rule_properties(cwe: str, pillar: str, severity: Severity, confidence: Confidence) -> JSONObject:
    return {
        "tags": _cwe_tags(cwe, pillar),
        "security-severity": _SECURITY_SEVERITY[severity],
        "precision": _PRECISION[confidence],
        "problem.severity": _PROBLEM_SEVERITY[severity],
        "cwe": f"CWE-{cwe}",
        "pillar": f"CWE-{pillar}",
    }


def _rule_descriptor(rule: Rule, taxonomy: _Taxonomy) -> JSONObject:
    """A registered rule, with the help `secreview explain` prints."""
    pillar = rule.pillar
    doc = rule.doc or rule.name
    what = _section(doc, "What it does") or rule.name
    cwe_line = f"CWE-{rule.cwe}: {_cwe_name(rule.cwe)}, under the CWE-1000 pillar CWE-{pillar}: {_cwe_name(pillar)}."
    cwe_md = (
        f"[CWE-{rule.cwe}]({_cwe_uri(rule.cwe)}): {_cwe_name(rule.cwe)}, under the CWE-1000 pillar "
        f"[CWE-{pillar}]({_cwe_uri(pillar)}): {_cwe_name(pillar)}."
    )
    return {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": what},
        "help": {
            "text": f"{doc}\n\n## Fix\n{rule.fix}\n\n## Classification\n{cwe_line}",
            "markdown": f"{doc}\n\n## Fix\n{rule.fix}\n\n## Classification\n{cwe_md}",
        },
        "helpUri": _cwe_uri(rule.cwe),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "relationships": [
            {"target": ref, "kinds": ["relevant"]} for ref in taxonomy.references(rule.cwe, pillar)
        ],
        "properties": _rule_properties(rule.cwe, pillar, rule.severity, rule.confidence),
    }


def _adhoc_descriptor(finding: Finding, taxonomy: _Taxonomy) -> JSONObject:
    """A descriptor for a finding whose rule is not registered (e.g. from a non-static source).

    Without it the result could not carry a valid `ruleIndex`.
    """
    return {
        "id": finding.rule_id,
        "name": _pascal(finding.rule_id),
        "shortDescription": {"text": finding.rule_name or finding.rule_id},
        "fullDescription": {"text": finding.rule_name or finding.rule_id},
        "helpUri": _cwe_uri(finding.cwe),
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "relationships": [
            {"target": ref, "kinds": ["relevant"]} for ref in taxonomy.references(finding.cwe, finding.pillar)
        ],
        "properties": _rule_properties(finding.cwe, finding.pillar, finding.severity, finding.confidence),
    }


def _notification_descriptors() -> list[JSONObject]:
    return [
        {
            "id": kind.value,
            "name": _pascal(kind.value),
            "shortDescription": {"text": _DIAGNOSTIC_TEXT.get(kind, kind.value)},
            "defaultConfiguration": {"level": "error" if kind is DiagnosticKind.INTERNAL else "warning"},
        }
        for kind in DiagnosticKind
    ]


# -- results -------------------------------------------------------------------


def _step(step: Step) -> JSONObject:
    location = _physical_location(step.location)
    location["message"] = {"text": step.description}
    return {"location": location}


def _fix(fix: Fix) -> JSONObject:
    """A SARIF `fix`: the edits as replacements of regions of the file as it was reviewed."""
    replacements = []
    for edit in sorted(fix.edits):
        replacement: JSONObject = {"deletedRegion": {
            "startLine": edit.start.line, "startColumn": edit.start.column + 1,
            "endLine": edit.end.line, "endColumn": edit.end.column + 1}}
        if edit.text:
            replacement["insertedContent"] = {"text": edit.text}
        replacements.append(replacement)
    return {"description": {"text": fix.description},
            "artifactChanges": [{"artifactLocation": _artifact_location(fix.finding.location.path),
                                 "replacements": replacements}]}


def _result(finding: Finding, rule_index: int, taxonomy: _Taxonomy, identity: str,
            fix: Fix | None = None) -> JSONObject:
    # `ast` columns count UTF-8 bytes; only on an ASCII line are they also the
    # character columns SARIF means, so elsewhere the region is whole lines.
    exact_columns = finding.source_line.isascii()
    result: JSONObject = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "locations": [_physical_location(finding.location, finding.source_line, exact_columns)],
        "partialFingerprints": {FINGERPRINT_VERSION: identity},
    }
    if finding.path:
        result["codeFlows"] = [{"threadFlows": [{"locations": [_step(s) for s in finding.path]}]}]
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
    if fix is not None:
        result["fixes"] = [_fix(fix)]
    result["taxa"] = taxonomy.references(finding.cwe, finding.pillar)
    result["properties"] = {
        "cwe": f"CWE-{finding.cwe}",
        "pillar": f"CWE-{finding.pillar}",
        "secondaryPillars": [f"CWE-{p}" for p in finding.secondary_pillars],
        "confidence": finding.confidence.label,
        "severity": finding.severity.label,
        "source": finding.source,
    }
    if finding.notes:
        result["properties"]["notes"] = list(finding.notes)
    return result


def _notification(diagnostic: Diagnostic, descriptor_index: dict[str, int]) -> JSONObject:
    kind = diagnostic.kind.value
    notification: JSONObject = {
        "level": "error" if diagnostic.kind is DiagnosticKind.INTERNAL else "warning",
        "message": {"text": f"{kind}: {diagnostic.message}"},
    }
    if diagnostic.path:
        physical: JSONObject = {"artifactLocation": _artifact_location(diagnostic.path)}
        if diagnostic.line and diagnostic.line > 0:
            physical["region"] = {"startLine": diagnostic.line}
        notification["locations"] = [{"physicalLocation": physical}]
    descriptor: JSONObject = {"id": kind}
    if kind in descriptor_index:
        descriptor["index"] = descriptor_index[kind]
    notification["descriptor"] = descriptor
    return notification


# -- run properties --------------------------------------------------------------


def _evidence(item: Evidence) -> JSONObject:
    data: JSONObject = {"kind": item.kind, "line": item.line, "text": item.text, "path": item.path}
    if item.subject:
        data["subject"] = item.subject  # pairs facts, e.g. a resource with its release
    return data


def _verdict(verdict: PillarVerdict) -> JSONObject:
    return {
        "pillar": f"CWE-{verdict.pillar}",
        "name": verdict.name,
        "status": verdict.status,
        "summary": verdict.summary,
        "evidence": [_evidence(e) for e in verdict.evidence],
    }


def _second_opinion(opinion: SecondOpinion) -> JSONObject:
    usage = opinion.usage
    return {
        "model": opinion.model,
        "promptVersion": opinion.prompt_version,
        "usage": {"promptTokens": usage.prompt_tokens, "completionTokens": usage.completion_tokens,
                  "requests": usage.requests, "cached": usage.cached},
        "disagreements": [
            {"kind": d.kind, "path": d.path, "line": d.line, "cwe": f"CWE-{d.cwe}", "ruleId": d.rule_id,
             "explanation": d.explanation}
            for d in opinion.disagreements
        ],
    }


def _uses_srcroot(node: object) -> bool:
    if isinstance(node, dict):
        return node.get("uriBaseId") == SRCROOT or any(_uses_srcroot(v) for v in node.values())
    if isinstance(node, list):
        return any(_uses_srcroot(v) for v in node)
    return False


# -- the log ---------------------------------------------------------------------


def sarif_log(review: Review, fixes: Mapping[Finding, Fix] | None = None) -> JSONObject:
    """The SARIF log as a JSON-ready dict (for callers that post-process it).

    `fixes`: the mechanical fix of each finding that has one (`secreview.fixes`); by default
    they are made from the reviewed files as they are on disk now.
    """
    from secreview.core.version import __version__

    if fixes is None:
        from secreview.fixes.files import review_fixes

        fixes = review_fixes(review)
    version = review.tool_version or __version__
    rules = all_rules()
    reported = sorted((*review.findings, *review.suppressed), key=lambda f: f.sort_key)

    cwes = {c for r in rules for c in (r.cwe, r.pillar)} | {c for f in reported for c in (f.cwe, f.pillar)}
    taxonomy = _Taxonomy(cwes)

    descriptors = [_rule_descriptor(r, taxonomy) for r in rules]
    rule_index = {r.id: i for i, r in enumerate(rules)}
    for finding in reported:
        if finding.rule_id not in rule_index:
            rule_index[finding.rule_id] = len(descriptors)
            descriptors.append(_adhoc_descriptor(finding, taxonomy))

    notifications = _notification_descriptors()
    notification_index = {d["id"]: i for i, d in enumerate(notifications)}

    run: JSONObject = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
                "notifications": notifications,
                "supportedTaxonomies": [{"name": CWE_TAXONOMY, "index": 0}],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    _notification(d, notification_index) for d in review.all_diagnostics
                ],
            }
        ],
        "taxonomies": [taxonomy.component()],
        "results": [_result(f, rule_index[f.rule_id], taxonomy, identity, fixes.get(f))
                    for f, identity in zip(reported, fingerprints(reported))],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "secreview": {
                "verdict": review.verdict,
                "pillars": [_verdict(v) for v in review.verdicts],
                "cweCatalog": catalog().version,
                "files": len(review.files),
                "lines": review.lines,
                "findings": len(review.findings),
                "suppressed": len(review.suppressed),
                "belowThreshold": review.below_threshold,
            }
        },
    }
    if review.second_opinion is not None:
        run["properties"]["secreview"]["secondOpinion"] = _second_opinion(review.second_opinion)
    if review.change is not None:  # review mode: SARIF's own word for what the change introduced
        for finding, result in zip(reported, run["results"]):
            result["baselineState"] = "unchanged" if finding.preexisting else "new"
        run["properties"]["secreview"]["preexisting"] = review.preexisting
    if review.baselined:
        run["properties"]["secreview"]["baselined"] = review.baselined
    if _uses_srcroot(run["results"]) or _uses_srcroot(run["invocations"]):
        # Review mode names files from the repository root, wherever secreview was started.
        root = review.change.root if review.change is not None else ""
        base = (Path(root) if root else Path.cwd()).as_uri()
        run["originalUriBaseIds"] = {SRCROOT: {"uri": base if base.endswith("/") else base + "/"}}
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def render(review: Review, fixes: Mapping[Finding, Fix] | None = None) -> str:
    """The review as a SARIF 2.1.0 log (JSON, 2-space indent, ASCII-safe)."""
    return json.dumps(sarif_log(review, fixes), indent=2) + "\n"


__all__ = ["render", "sarif_log"]
