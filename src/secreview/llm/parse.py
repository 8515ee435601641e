"""Read a model's answer defensively, trusting nothing it says about the code.

Models wrap JSON in prose or markdown fences, invent line numbers, misquote
code and make up CWE ids. So: the first JSON object that can be decoded is
taken, wherever it sits; its structure is checked against the answer schema
by hand (the schema is small and `jsonschema` is not a runtime dependency);
then every defect is checked against the file — the line must be one the
model was shown, the quoted code must be that line, the CWE must exist in
the catalogue (free-text names are mapped through it). What fails is listed
as a problem; the caller retries once with the problems as feedback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from secreview.core.model import Severity
from secreview.cwe import catalog
from secreview.review.verdicts import PILLAR_ORDER

_CWE_ID = re.compile(r"\bCWE[-_ :]?(\d{1,5})\b", re.IGNORECASE)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_ROW_PREFIX = re.compile(r"^\s*\d+\s*\|\s?")
_ASSESSMENTS = ("confirmed", "false_positive", "unsure")
_MIN_QUOTE = 8  # a fragment shorter than this (e.g. "x") proves nothing about the line
_MAX_TEXT = 2000  # characters kept of any one explanation, fix or reason: a report is not a transcript


def _text(value: str) -> str:
    value = value.strip()
    return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT].rstrip() + " …"


class InvalidAnswer(ValueError):
    """The answer cannot be used at all (no JSON object, wrong structure)."""


@dataclass(frozen=True)
class Defect:
    cwe: str
    line: int
    end_line: int
    severity: Severity
    explanation: str
    fix: str


@dataclass(frozen=True)
class Assessment:
    ident: str  # "S1"
    verdict: str  # one of _ASSESSMENTS
    reason: str


@dataclass(frozen=True)
class PillarOpinion:
    pillar: str
    status: str  # "defect" | "clean"
    reason: str


@dataclass
class Answer:
    defects: list[Defect] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    pillars: list[PillarOpinion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # parts rejected, in words the model can act on


def extract_json(text: str) -> dict:
    """The answer's JSON object, tolerating prose, ``` fences and a reasoning model's <think> block.

    The first object with a "defects" key wins (a model thinking aloud may
    write other JSON first), else the first object at all.
    """
    text = _THINK.sub("", text)
    decoder = json.JSONDecoder()
    first: dict | None = None
    position = 0
    while (start := text.find("{", position)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            position = start + 1
            continue
        if isinstance(value, dict):
            if "defects" in value:
                return value
            first = first if first is not None else value
        position = end
    if first is None:
        raise InvalidAnswer("the answer holds no JSON object")
    return first


def _require(item: dict, key: str, kinds: type | tuple[type, ...], where: str) -> object:
    value = item.get(key)
    if not isinstance(value, kinds) or isinstance(value, bool):
        names = " or ".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
        raise InvalidAnswer(f"{where}: {key!r} is missing or not a {names}")
    return value


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        raise InvalidAnswer(f"{key!r} is missing or not a list")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidAnswer(f"{key}[{index}] is not an object")
    return value


def _structure(data: dict) -> None:
    """Types and required keys of the answer schema (`prompts/answer-schema-v1.json`)."""
    for index, item in enumerate(_list(data, "defects")):
        where = f"defects[{index}]"
        _require(item, "cwe", (str, int), where)
        _require(item, "line", int, where)
        for key in ("code", "explanation", "fix"):
            _require(item, key, str, where)
        if "end_line" in item and item["end_line"] is not None:
            _require(item, "end_line", int, where)
        if item.get("severity") is not None and str(item["severity"]).lower() not in {s.label for s in Severity}:
            raise InvalidAnswer(f"{where}: severity {item['severity']!r} is not low, medium, high or critical")
    for index, item in enumerate(_list(data, "static_findings")):
        where = f"static_findings[{index}]"
        _require(item, "id", str, where)
        _require(item, "reason", str, where)
        if item.get("assessment") not in _ASSESSMENTS:
            raise InvalidAnswer(f"{where}: assessment must be one of {', '.join(_ASSESSMENTS)}")
    for index, item in enumerate(_list(data, "pillars")):
        where = f"pillars[{index}]"
        _require(item, "pillar", str, where)
        _require(item, "reason", str, where)
        if item.get("status") not in ("defect", "clean"):
            raise InvalidAnswer(f"{where}: status must be 'defect' or 'clean'")


def resolve_cwe(value: str | int) -> str | None:
    """A catalogue id for 'CWE-89', '89', 89, 'CWE-89: SQL Injection' or a weakness name; None if unknown."""
    text = str(value).strip()
    match = _CWE_ID.search(text)
    if match or text.isdigit():
        key = match.group(1) if match else text
        return key if key in catalog() else None
    found = catalog().find_by_name(text)
    return found if found is not None and found in catalog() else None


def _squash(text: str) -> str:
    return " ".join(text.split())


def quote_matches(quote: str, line_text: str) -> bool:
    """The quote is the line (whitespace aside), or a substantial piece of it."""
    wanted = _squash(_ROW_PREFIX.sub("", quote, count=1))
    actual = _squash(line_text)
    if not wanted:
        return False
    return wanted == actual or (len(wanted) >= min(_MIN_QUOTE, len(actual)) and wanted in actual)


def _pillar_id(text: str) -> str | None:
    match = _CWE_ID.search(text) or re.fullmatch(r"\s*(\d+)\s*", text)
    key = match.group(1) if match else None
    return key if key in PILLAR_ORDER else None


def parse_answer(text: str, shown: dict[int, str], static_ids: set[str]) -> Answer:
    """Validate an answer against the lines the model was shown; raises InvalidAnswer if unusable."""
    data = extract_json(text)
    _structure(data)
    answer = Answer()
    seen: set[tuple[int, str]] = set()
    for item in data["defects"]:
        line = item["line"]
        if line not in shown:
            answer.problems.append(f"defect at line {line}: there is no such line in the code shown")
            continue
        if not quote_matches(item["code"], shown[line]):
            answer.problems.append(f"defect at line {line}: \"code\" does not match the text of line {line}")
            continue
        cwe = resolve_cwe(item["cwe"])
        if cwe is None:
            answer.problems.append(f"defect at line {line}: {str(item['cwe'])[:80]!r} is not a CWE in the catalogue")
            continue
        end = item.get("end_line")
        end_line = end if isinstance(end, int) and end >= line and end in shown else line
        if (line, cwe) in seen:
            continue
        seen.add((line, cwe))
        severity = Severity.parse(item["severity"]) if item.get("severity") else Severity.MEDIUM
        answer.defects.append(Defect(cwe, line, end_line, severity, _text(item["explanation"]), _text(item["fix"])))
    for item in data["static_findings"]:
        if item["id"] not in static_ids:
            answer.problems.append(f"static_findings: there is no static finding {item['id'][:20]!r}")
            continue
        answer.assessments.append(Assessment(item["id"], item["assessment"], _text(item["reason"])))
    for item in data["pillars"]:
        pillar = _pillar_id(item["pillar"])
        if pillar is None:
            answer.problems.append(f"pillars: {item['pillar'][:40]!r} is not one of the ten pillars")
            continue
        answer.pillars.append(PillarOpinion(pillar, item["status"], _text(item["reason"])))
    return answer
