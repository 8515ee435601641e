"""The terminal report, organised by the ten CWE-1000 pillars.

Built from `rich.text.Text` pieces so that nothing taken from the reviewed
code is ever interpreted as markup, and colour is emitted only when asked
(the CLI asks when stdout is a terminal and NO_COLOR is unset).
"""

from __future__ import annotations

import io
import re
import textwrap

from rich.console import Console
from rich.text import Text

from secreview.core.display import neutralise
from secreview.core.model import NO_DEFECTS, FileReview, Finding, PillarVerdict, Review
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

WRAP = 100  # columns of a clean pillar's verdict, the console's width
_CITATION = re.compile(r"\b(lines?) (\d)")
SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan"}


def _finding(finding: Finding, show_path: bool) -> list[Text]:
    loc = finding.location
    where = neutralise(f"{loc.path}:{loc.line}") if show_path else f"line {loc.line}"
    head = Text("  ")
    head.append(f"[{finding.severity.label}]", style=SEVERITY_STYLE[finding.severity.label])
    head.append(f" {cwe_title(finding.cwe)} — ", style="bold")
    head.append(where, style="bold")
    head.append(f"  ({finding.rule_id}, {finding.confidence.label} confidence)", style="dim")
    if finding.source in SOURCE_TAG:
        head.append(f" {SOURCE_TAG[finding.source]} second opinion, not confirmed by static analysis", style="magenta")
    if finding.preexisting:
        head.append(" pre-existing, not introduced by this change", style="dim")
    out = [head]
    if finding.source_line:
        out.append(Text(f"    {loc.line} | {neutralise(finding.source_line)}", style="dim"))
    out.append(Text(f"    {neutralise(finding.message)}"))
    for index, step in enumerate(finding.path):
        arrow = "from" if index == 0 else "  →"
        out.append(Text(f"      {arrow} {neutralise(step.description)} ({neutralise(step.location.path)}:{step.location.line})",
                        style="dim"))
    fix = Text("    Fix: ", style="green")
    fix.append(neutralise(finding.fix))
    out.append(fix)
    for note in finding.notes:
        out.append(Text(f"    {neutralise(note)}", style="magenta"))
    return out


def _clean_pillars(verdicts: tuple[PillarVerdict, ...], heading: str) -> list[Text]:
    clean = [v for v in verdicts if v.status == "clean"]
    if not clean:
        return []
    lines = [Text(heading, style="bold")]
    for verdict in clean:
        # Wrapped with a hanging indent: a verdict cites many lines and must stay readable.
        head = f"CWE-{verdict.pillar} {verdict.name}:"
        summary = _CITATION.sub("\\1\u00a0\\2", neutralise(verdict.summary))  # keep "line 45" on one row
        rows = textwrap.wrap(f"{head} {summary}", width=WRAP, initial_indent="  ",
                             subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
        rows = [row.replace("\u00a0", " ") for row in rows]
        for index, row in enumerate(rows):
            if index == 0:
                line = Text("  ")
                line.append(row[2:2 + len(head)], style="green")
                line.append(row[2 + len(head):])
            else:
                line = Text(row)
            lines.append(line)
    return lines


def _chapters(findings: list[Finding], verdicts: tuple[PillarVerdict, ...], show_path: bool) -> list[Text]:
    out: list[Text] = []
    for pillar, items in by_pillar(findings).items():
        if not items:
            continue
        out.append(Text(""))
        out.append(Text(f"{pillar_title(pillar)} — {count_words(len(items), 'finding')}", style="bold underline"))
        for finding in items:
            out.extend(_finding(finding, show_path))
    clean = sum(1 for v in verdicts if v.status == "clean")
    if clean:
        out.append(Text(""))
        heading = "No defect found in any category:" if clean == len(verdicts) else \
            f"No defect found for the other {count_words(clean, 'category')}:"
        out.extend(_clean_pillars(verdicts, heading))
    return out


def _file_section(file_review: FileReview) -> list[Text]:
    found = list(file_review.findings)
    title = Text(neutralise(file_review.path), style="bold")
    title.append(" — ")
    if found:
        title.append(f"{count_words(len(found), 'security defect')}", style="bold red")
    elif file_review.diagnostics:
        title.append("not reviewed", style="bold yellow")
    else:
        title.append(NO_DEFECTS, style="bold green")
    out = [title]
    for diagnostic in file_review.diagnostics:
        out.append(Text(f"  ! {diagnostic.kind.value}: {neutralise(diagnostic.message)}", style="yellow"))
    if not file_review.diagnostics or found:
        out.extend(_chapters(found, file_review.verdicts, show_path=False))
    return out


def _lines(review: Review, per_file: bool) -> list[Text]:
    out: list[Text] = [Text(f"secreview {review.tool_version} — {scope_line(review)}", style="dim")]
    verdict = review.verdict
    out.append(Text(verdict, style="bold green" if verdict == NO_DEFECTS else "bold red"))
    if len(review.files) == 1 and not review.diagnostics:
        out.append(Text(""))
        out.extend(_file_section(review.files[0]))
    elif per_file:
        for file_review in review.files:
            out.append(Text(""))
            out.extend(_file_section(file_review))
    else:
        out.extend(_chapters(list(review.findings), review.verdicts, show_path=True))
    diagnostics = review.all_diagnostics
    if diagnostics and not (len(review.files) == 1 and not review.diagnostics):
        out.append(Text(""))
        out.append(Text("Diagnostics (files not or not fully reviewed):", style="bold yellow"))
        for d in diagnostics:
            where = f"{d.path}:{d.line}" if d.line else d.path
            out.append(Text(f"  {neutralise(where)}: {d.kind.value}: {neutralise(d.message)}", style="yellow"))
    if review.second_opinion is not None:
        out.append(Text(""))
        out.append(Text(second_opinion_heading(review.second_opinion), style="bold magenta"))
        for item in review.second_opinion.disagreements:
            out.append(Text(f"  {neutralise(disagreement_text(item))}"))
        out.append(Text(f"  {usage_text(review.second_opinion)}", style="dim"))
    tail = tail_counts(review)
    if tail:
        out.append(Text(""))
        out.append(Text("Also: " + "; ".join(tail) + ".", style="dim"))
    return out


def render(review: Review, *, color: bool = False, per_file: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        soft_wrap=True,
        width=100,
    )
    for line in _lines(review, per_file):
        console.print(line)
    return buffer.getvalue()
