"""Fill the versioned prompt templates (`prompts/*-v{PROMPT_VERSION}.*`) for one part of a file.

Bump PROMPT_VERSION and add new template files whenever the wording or the
answer schema changes: the version is part of every cache key and of the
report, so an answer is always traceable to the exact prompt that produced
it. `secreview llm prompt FILE` prints what `build_prompts` returns.

Everything taken from the reviewed tree — code, path, the analyser's
messages that may quote code — is placed as data: the code between
delimiters that carry a nonce derived from the code itself (so the code
cannot contain the closing delimiter), the rest as JSON strings.
"""

from __future__ import annotations

import ast
import hashlib
import json
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources

from secreview.core.display import neutralise
from secreview.core.model import FileReview, Finding
from secreview.cwe import catalog
from secreview.llm.chunks import Chunk, split
from secreview.review.verdicts import PILLAR_ORDER, pillar_of_fact
from secreview.sources.parse import split_lines

PROMPT_VERSION = "1"


@cache
def resource_text(name: str) -> str:
    """A file from `prompts/`."""
    return resources.files(__package__).joinpath("prompts", name).read_text("utf-8")


def answer_schema() -> dict:
    """The JSON Schema the model is asked to follow (and `parse` checks structurally)."""
    return json.loads(resource_text(f"answer-schema-v{PROMPT_VERSION}.json"))


def shown_line(text: str) -> str:
    """A source line as the model sees it: control characters other than tab made visible."""
    return neutralise(text.rstrip("\r\n"))


@dataclass(frozen=True)
class Prompt:
    """The messages for one part of a file and what the answer will be checked against."""

    path: str
    chunk: Chunk
    messages: tuple[dict[str, str], ...]
    static: tuple[tuple[str, Finding], ...]  # ("S1", finding) in the order given to the model
    shown: dict[int, str]  # line number -> text as shown

    def render(self) -> str:
        """The exact prompt, for audit (`secreview llm prompt FILE`)."""
        parts = []
        for message in self.messages:
            parts.append(f"===== {message['role']} ({self.path}, part {self.chunk.index + 1} of {self.chunk.count}) =====")
            parts.append(message["content"])
        return "\n".join(parts)


def _pillars() -> str:
    names = catalog().pillars
    return "\n".join(f"- CWE-{p} {names[p]}" for p in PILLAR_ORDER)


def _code(shown: dict[int, str]) -> str:
    width = len(str(max(shown, default=1)))
    rows: list[str] = []
    previous = 0
    for number in sorted(shown):
        if previous and number > previous + 1:
            rows.append(f"{'…'.rjust(width)} | (lines {previous + 1}-{number - 1} are in another part)")
        rows.append(f"{str(number).rjust(width)} | {shown[number]}")
        previous = number
    return "\n".join(rows)


def _finding_json(ident: str, finding: Finding) -> dict[str, object]:
    loc = finding.location
    return {"id": ident, "line": loc.line, "end_line": max(loc.end_line, loc.line), "rule": finding.rule_id,
            "cwe": f"CWE-{finding.cwe}", "pillar": f"CWE-{finding.pillar}", "severity": finding.severity.label,
            "message": finding.message}


def build_prompt(path: str, source: str, file_review: FileReview, chunk: Chunk) -> Prompt:
    """The system and user messages for one part."""
    lines = split_lines(source)
    shown = {n: shown_line(lines[n - 1]) for n in chunk.lines if 0 < n <= len(lines)}
    static = tuple((f"S{i}", f) for i, f in enumerate(
        (f for f in file_review.findings if chunk.covers(f.location.line)), start=1))
    facts = [{"line": e.line, "pillar": f"CWE-{pillar_of_fact(e)}", "text": e.text}
             for e in file_review.facts if not e.line or e.line in shown]
    nonce = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    first, last = chunk.focus
    outside = any(not chunk.covers(n) for n in shown)
    system = string.Template(resource_text(f"system-v{PROMPT_VERSION}.md")).substitute(
        nonce=nonce, pillars=_pillars(), schema=json.dumps(answer_schema(), separators=(",", ":")))
    user = string.Template(resource_text(f"user-v{PROMPT_VERSION}.md")).substitute(
        path=json.dumps(path, ensure_ascii=False),
        part=chunk.index + 1,
        parts=chunk.count,
        first=first,
        last=last,
        total=len(lines),
        context_note=("Other lines shown (imports, constants, the enclosing class) are context; "
                      "they are reviewed in their own part.") if outside else "",
        findings=json.dumps([_finding_json(i, f) for i, f in static], ensure_ascii=False, indent=1),
        facts=json.dumps(facts, ensure_ascii=False, indent=1),
        nonce=nonce,
        code=_code(shown),
    )
    user = "\n".join(row.rstrip() for row in user.strip().splitlines())
    messages = ({"role": "system", "content": system.strip()}, {"role": "user", "content": user})
    return Prompt(path, chunk, messages, static, shown)


def build_prompts(path: str, source: str, file_review: FileReview, max_lines: int) -> list[Prompt]:
    """One prompt per part of the file (see `chunks.split`)."""
    try:
        tree: ast.Module | None = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    return [build_prompt(path, source, file_review, chunk) for chunk in split(source, tree, max_lines)]


def feedback(problems: list[str]) -> str:
    """The corrective message sent once after an invalid answer."""
    listed = "\n".join(f"- {p}" for p in problems[:20])
    return string.Template(resource_text(f"retry-v{PROMPT_VERSION}.md")).substitute(problems=listed).strip()
