"""Markdown for a pull-request or Gerrit comment.

Everything that comes from the reviewed code or from messages is escaped, and
source lines go in fenced blocks whose fence is longer than any backtick run
inside them, so a comment in the reviewed code cannot change the structure of
the review comment (no injected headings, links, HTML or closed fences).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from secreview.core.display import neutralise
from secreview.core.model import NO_DEFECTS, Finding, Review
from secreview.report.common import (
    SOURCE_TAG,
    by_pillar,
    count_words,
    cwe_title,
    disagreement_text,
    pillar_title,
    scope_line,
    second_opinion_heading,
    tail_counts,
    usage_text,
)

# Inline markup that could change a comment's structure: emphasis, code spans,
# links/images (brackets), tables (pipes), strikethrough. Block markup (#, -, >)
# only acts at the start of a line, and escaped text never starts one.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Plain text that renders as itself in CommonMark/GitHub markdown."""
    text = neutralise(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.splitlines())


def code_block(code: str, language: str = "python") -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{neutralise(code)}\n{fence}"


_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\n": "", "\r": ""}


def where(path: str, line: int, link_template: str | None = None) -> str:
    """`path:line`, as a link when a template such as `https://host/repo/blob/SHA/{path}#L{line}` is given.

    The path is percent-encoded and the characters that would end a markdown
    link destination are too, so a file name cannot break out of the link.
    """
    text = escape(f"{path}:{line}")
    if not link_template:
        return text
    url = link_template.replace("{path}", quote(path.replace("\\", "/"), safe="/")).replace("{line}", str(line))
    for char, encoded in _URL_UNSAFE.items():
        url = url.replace(char, encoded)
    return f"[{text}]({url})"


def _finding(finding: Finding, link_template: str | None = None) -> list[str]:
    loc = finding.location
    lines = [
        f"- **{finding.severity.label}** · {escape(cwe_title(finding.cwe))} · "
        f"{where(loc.path, loc.line, link_template)} · {escape(finding.rule_id)} "
        f"({finding.confidence.label} confidence)"
        + (f" · **{escape(SOURCE_TAG[finding.source])}** second opinion, not confirmed by static analysis"
           if finding.source in SOURCE_TAG else "")
        + (" · pre-existing, not introduced by this change" if finding.preexisting else ""),
        "",
    ]
    if finding.source_line:
        lines += ["  " + row for row in code_block(finding.source_line).splitlines()] + [""]
    lines.append(f"  {escape(finding.message)}")
    if finding.path:
        lines.append("")
        lines.append("  Path: " + " → ".join(
            f"{escape(step.description)} ({where(step.location.path, step.location.line, link_template)})"
            for step in finding.path))
    lines += ["", f"  **Fix:** {escape(finding.fix)}", ""]
    lines += [f"  _{escape(note)}_" for note in finding.notes] + ([""] if finding.notes else [])
    return lines


def render(review: Review, *, per_file: bool = False, link_template: str | None = None) -> str:
    verdict = review.verdict
    icon = "✅" if verdict == NO_DEFECTS else "⚠️"
    if review.change is not None and not review.change.all_listed and verdict != NO_DEFECTS:
        verdict += " introduced by this change"
    out = [f"### {icon} secreview: {escape(verdict)}", "", f"_{escape(scope_line(review))}_", ""]
    for pillar, items in by_pillar(review.findings).items():
        if not items:
            continue
        out += [f"#### {escape(pillar_title(pillar))} — {count_words(len(items), 'finding')}", ""]
        for finding in items:
            out += _finding(finding, link_template)
    clean = [v for v in review.verdicts if v.status == "clean"]
    if clean:
        out += ["<details><summary>Categories without findings</summary>", ""]
        out += [f"- **CWE-{v.pillar} {escape(v.name)}**: {escape(v.summary)}" for v in clean]
        out += ["", "</details>", ""]
    if per_file:
        out += ["<details><summary>Per file</summary>", ""]
        for file_review in review.files:
            state = count_words(len(file_review.findings), "finding") if file_review.findings else (
                "not reviewed" if file_review.diagnostics else escape(NO_DEFECTS))
            out.append(f"- {escape(file_review.path)}: {state}")
            if file_review.reviewed:
                out += [f"  - CWE-{v.pillar} {escape(v.name)}: {escape(v.summary)}"
                        for v in file_review.verdicts if v.status == "clean"]
        out += ["", "</details>", ""]
    diagnostics = review.all_diagnostics
    if diagnostics:
        out += ["#### Diagnostics", ""]
        out += [f"- {escape(d.path)}{escape(f':{d.line}') if d.line else ''}: {escape(d.kind.value)}: {escape(d.message)}"
                for d in diagnostics]
        out.append("")
    if review.second_opinion is not None:
        out += [f"#### {escape(second_opinion_heading(review.second_opinion))}", ""]
        if review.second_opinion.disagreements:
            out += ["Disagreements (listed for a human to judge; no static finding is ever removed):", ""]
            out += [f"- {escape(disagreement_text(item))}" for item in review.second_opinion.disagreements]
            out.append("")
        out += [escape(usage_text(review.second_opinion)), ""]
    tail = tail_counts(review)
    if tail:
        out += [escape("Also: " + "; ".join(tail) + "."), ""]
    return "\n".join(out)
