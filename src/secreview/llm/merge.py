"""Combine the model's answers with the static review of one file.

The rules, in order of importance:

1. The static review is never reduced: no static finding is removed, and
   none has its severity or confidence changed. A static finding the model
   calls a false positive stays and is listed as a disagreement.
2. A model defect that a static finding supports (same line ± 1, and the
   same CWE or the same pillar) adds the model's explanation to that finding
   as a note, and nothing else.
3. Any other model defect becomes a finding of its own with `source="llm"`,
   at most medium confidence, rule id `llm-cwe-N`, and is listed as a
   disagreement ("model-only"); inline waivers and the run's thresholds
   apply to it as to any finding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from secreview.core.model import Confidence, Disagreement, FileReview, Finding, Location, PillarVerdict
from secreview.cwe import catalog
from secreview.llm.parse import Answer, Defect
from secreview.llm.prompt import Prompt
from secreview.review import suppress
from secreview.review.verdicts import PILLAR_ORDER, file_verdicts
from secreview.settings.config import Thresholds
from secreview.sources.parse import split_lines

MODEL_CONFIDENCE_CAP = Confidence.MEDIUM
EVERYTHING = Thresholds()  # no severity or confidence threshold


def model_rule_id(cwe: str) -> str:
    return f"llm-cwe-{cwe}"


def _supporting(defect: Defect, pillar: str, candidates: Sequence[Finding]) -> Finding | None:
    """The static finding nearest the defect that agrees with it, if any."""
    agreeing = [f for f in candidates
                if abs(f.location.line - defect.line) <= 1 and (f.cwe == defect.cwe or f.pillar == pillar)]
    return min(agreeing, key=lambda f: (abs(f.location.line - defect.line), f.cwe != defect.cwe), default=None)


def _model_finding(path: str, defect: Defect, lines: Sequence[str]) -> Finding:
    weakness = catalog().weakness(defect.cwe)
    text = lines[defect.line - 1].strip() if 0 < defect.line <= len(lines) else ""
    return Finding(
        rule_id=model_rule_id(defect.cwe),
        rule_name=f"Second opinion (language model): {weakness.name}",
        cwe=defect.cwe,
        pillar=weakness.primary_pillar,
        secondary_pillars=weakness.secondary_pillars,
        severity=defect.severity,
        confidence=MODEL_CONFIDENCE_CAP,
        location=Location(path, defect.line, 0, defect.end_line, 0),
        source_line=text,
        message=defect.explanation,
        fix=defect.fix,
        source="llm",
    )


def _opinions(answers: Sequence[Answer]) -> tuple[PillarVerdict, ...]:
    """The model's per-pillar verdicts for the file, parts combined (a defect in any part wins)."""
    names = catalog().pillars
    verdicts = []
    for pillar in PILLAR_ORDER:
        said = [o for a in answers for o in a.pillars if o.pillar == pillar]
        if not said:
            continue
        defects = [o for o in said if o.status == "defect"]
        chosen = defects or said
        summary = " / ".join(dict.fromkeys(o.reason for o in chosen if o.reason))
        verdicts.append(PillarVerdict(pillar, names[pillar], "findings" if defects else "clean", summary))
    return tuple(verdicts)


def merge_file(
    file_review: FileReview,
    source: str,
    results: Sequence[tuple[Prompt, Answer]],
    thresholds: Thresholds = EVERYTHING,
) -> tuple[FileReview, list[Disagreement], tuple[PillarVerdict, ...]]:
    """The file's review with the model's additions, the disagreements, and the model's pillar verdicts."""
    path = file_review.path
    lines = split_lines(source)
    static = list(file_review.findings)
    notes: dict[int, list[str]] = {}  # index into `static` -> notes to add
    disagreements: list[Disagreement] = []
    for prompt, answer in results:
        by_id = dict(prompt.static)
        for assessment in answer.assessments:
            finding = by_id[assessment.ident]
            index = next(i for i, f in enumerate(static) if f is finding)
            if assessment.verdict == "confirmed" and assessment.reason:
                notes.setdefault(index, []).append(f"Second opinion agrees: {assessment.reason}")
            elif assessment.verdict == "false_positive":
                disagreements.append(Disagreement(path, finding.location.line, "static-disputed", finding.cwe,
                                                  finding.rule_id, assessment.reason))
    added: dict[tuple[int, str], Finding] = {}
    for _, answer in results:
        for defect in answer.defects:
            pillar = catalog().weakness(defect.cwe).primary_pillar
            support = _supporting(defect, pillar, static)
            if support is not None:
                index = next(i for i, f in enumerate(static) if f is support)
                notes.setdefault(index, []).append(f"Second opinion: {defect.explanation}")
            elif _supporting(defect, pillar, file_review.suppressed) is None:
                added.setdefault((defect.line, defect.cwe), _model_finding(path, defect, lines))
    for index, extra in notes.items():
        fresh = tuple(n for n in dict.fromkeys(extra) if n not in static[index].notes)
        static[index] = dataclasses.replace(static[index], notes=static[index].notes + fresh)
    kept, waived = suppress.apply(sorted(added.values(), key=lambda f: f.sort_key), source)
    shown = thresholds.shown(kept)
    disagreements += [Disagreement(path, f.location.line, "model-only", f.cwe, f.rule_id, f.message) for f in shown]
    findings = tuple(sorted([*static, *shown], key=lambda f: f.sort_key))
    merged = dataclasses.replace(
        file_review,
        findings=findings,
        suppressed=file_review.suppressed + tuple(waived),
        verdicts=file_verdicts(findings, file_review.facts),
        below_threshold=file_review.below_threshold + len(kept) - len(shown),
    )
    return merged, disagreements, _opinions([a for _, a in results])
