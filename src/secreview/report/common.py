"""Small pieces of wording and safety shared by the human-readable reporters."""

from __future__ import annotations

import re
from collections.abc import Iterable

from secreview.core.model import Disagreement, Finding, Review, SecondOpinion
from secreview.cwe import catalog
from secreview.review.verdicts import PILLAR_ORDER

_SHORT = re.compile(r"\('([^']+)'\)\s*$")


def cwe_title(cwe: str) -> str:
    """'CWE-78 OS Command Injection': MITRE's short form where it has one."""
    name = catalog().weakness(cwe).name
    match = _SHORT.search(name)
    return f"CWE-{cwe} {match.group(1) if match else name}"


def pillar_title(pillar: str) -> str:
    return f"CWE-{pillar} {catalog().pillar_name(pillar)}"


def by_pillar(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {p: [] for p in PILLAR_ORDER}
    for finding in findings:
        grouped.setdefault(finding.pillar, []).append(finding)
    return grouped


def count_words(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {plural}"


def scope_line(review: Review) -> str:
    if review.change is not None:
        change = review.change
        return (f"reviewed {change.description}: {count_words(change.files, 'changed Python file')}, "
                f"{count_words(change.added_lines, 'added or modified line')}")
    files = len(review.files)
    return f"reviewed {count_words(files, 'file')} ({review.lines:,} lines)"


def tail_counts(review: Review) -> list[str]:
    """Counts that must never be silently dropped: suppressed, below threshold, not reviewed."""
    parts = []
    if review.preexisting:
        listed = review.change is not None and review.change.all_listed
        parts.append(f"{count_words(review.preexisting, 'pre-existing finding')} in the changed files, "
                     f"not introduced by this change ({'listed above' if listed else '`--all` lists them'})")
    if review.baselined:
        parts.append(f"{count_words(review.baselined, 'finding')} recorded in the baseline")
    if review.suppressed:
        parts.append(f"{count_words(len(review.suppressed), 'finding')} suppressed inline")
    if review.below_threshold:
        parts.append(f"{count_words(review.below_threshold, 'finding')} below the severity/confidence threshold")
    if review.untraced_tests:
        parts.append(f"{count_words(review.untraced_tests, 'test file')} not traced for data flows "
                     "(`--include-tests` traces them)")
    if review.all_diagnostics:
        parts.append(f"{count_words(len(review.all_diagnostics), 'file problem')} (see Diagnostics)")
    return parts


# -- the language model's second opinion (--llm) ---------------------------------

SOURCE_TAG = {"llm": "[llm]"}  # how non-static findings are marked in the human-readable reports


def second_opinion_heading(opinion: SecondOpinion) -> str:
    n = len(opinion.disagreements)
    return (f"Second opinion from a language model ({opinion.model}, prompt v{opinion.prompt_version}): "
            f"{count_words(n, 'disagreement') if n else 'no disagreements'}")


def disagreement_text(item: Disagreement) -> str:
    """One disagreement as a sentence (escape/neutralise it before printing)."""
    if item.kind == "static-disputed":
        what = f"the model disputes {item.rule_id} (CWE-{item.cwe}), which stays reported"
    else:
        what = f"only the model reports CWE-{item.cwe} ({item.rule_id})"
    return f"{item.path}:{item.line}: {what}: {item.explanation}"


def usage_text(opinion: SecondOpinion) -> str:
    usage = opinion.usage
    cached = f", {count_words(usage.cached, 'answer')} from the cache" if usage.cached else ""
    return (f"Tokens: {usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion in "
            f"{count_words(usage.requests, 'request')}{cached}.")
