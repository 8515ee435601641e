"""The value types every part of secreview exchanges.

Findings, diagnostics and reviews are immutable so that a reporter can never
change what the analysis concluded, and so that results can be cached, sorted,
compared and sent between processes without surprises.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """How much harm the defect allows if it is real (Bandit's first axis)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.strip().upper()]


class Confidence(enum.IntEnum):
    """How sure the check is that the flagged code is a defect (second axis)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Confidence":
        return cls[text.strip().upper()]


@dataclass(frozen=True, order=True)
class Location:
    """A span in one file. Lines are 1-based, columns 0-based (as `ast`)."""

    path: str
    line: int
    column: int = 0
    end_line: int = 0
    end_column: int = 0


@dataclass(frozen=True)
class Step:
    """One hop of a data flow, from where untrusted data enters to the sink."""

    location: Location
    description: str


@dataclass(frozen=True)
class Finding:
    """One security defect, whatever check produced it.

    `pillar` is never chosen by a rule: `Finding` objects are built by
    `secreview.rules.base.Context.report`, which asks the CWE catalogue.
    """

    rule_id: str
    rule_name: str
    cwe: str
    pillar: str
    secondary_pillars: tuple[str, ...]
    severity: Severity
    confidence: Confidence
    location: Location
    source_line: str
    message: str
    fix: str
    path: tuple[Step, ...] = ()
    source: str = "static"
    suppressed: str | None = None
    notes: tuple[str, ...] = ()  # context added by a second opinion (the model); never changes the verdict
    context: str = ""  # qualified name of the enclosing function or class ("Cls.method"); "" at module level
    preexisting: bool = False  # review mode with --all: listed, but already there before the change

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule_id, self.message)


class DiagnosticKind(str, enum.Enum):
    """Why a file could not be (fully) reviewed."""

    SYNTAX = "syntax-error"
    NEWER_PYTHON = "newer-python-syntax"
    ENCODING = "encoding-error"
    BINARY = "binary-file"
    TOO_LARGE = "file-too-large"
    TOO_DEEP = "nesting-too-deep"
    UNREADABLE = "unreadable"
    SYMLINK_LOOP = "symlink-loop"
    INTERNAL = "internal-error"
    TIMEOUT = "timeout"
    CONFIG = "config-error"
    NOT_IN_TREE = "not-in-tree"  # review mode: the diff names a file the reviewed tree does not hold
    LLM = "llm-unavailable"  # the second opinion failed for a file; its static review is complete


@dataclass(frozen=True)
class Diagnostic:
    """A problem with one input, reported instead of crashing the run."""

    path: str
    kind: DiagnosticKind
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Evidence:
    """A fact the analysis saw, cited to explain why a pillar does not apply."""

    kind: str
    line: int
    text: str
    path: str = ""
    subject: str = ""  # what the fact is about, scoped ("f@12", "self.conn"), to pair e.g. an acquisition with its release


@dataclass(frozen=True)
class PillarVerdict:
    """What the review says about one CWE-1000 pillar for a file or project."""

    pillar: str
    name: str
    status: str  # "findings" | "clean" | "not-reviewed" (a file that could not be read or parsed)
    summary: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class FileReview:
    """Everything secreview concluded about one file."""

    path: str
    lines: int
    findings: tuple[Finding, ...] = ()
    suppressed: tuple[Finding, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    facts: tuple[Evidence, ...] = ()
    verdicts: tuple[PillarVerdict, ...] = ()
    below_threshold: int = 0
    reviewed: bool = True  # False when the file could not be read or parsed
    preexisting: int = 0  # review mode: findings already in the file before the change (listed only with --all)
    baselined: int = 0  # findings hidden because a baseline file records them
    # A test module whose data flows were not traced (the taint pass skips test code unless `--include-tests`).
    flows_untraced: bool = False


@dataclass(frozen=True)
class Disagreement:
    """Where the second opinion (a language model) and the static review differ.

    Listed for a human to judge, never acted on: `kind` is "static-disputed"
    (the model called a static finding a false positive; the finding stays)
    or "model-only" (the model reported a defect no static check supports).
    """

    path: str
    line: int
    kind: str
    cwe: str
    rule_id: str
    explanation: str


@dataclass(frozen=True)
class TokenUsage:
    """Tokens the model's `usage` field reported; answers served from the cache cost none."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    cached: int = 0


@dataclass(frozen=True)
class SecondOpinion:
    """What the language model added to a review (`secreview scan --llm`)."""

    model: str
    prompt_version: str
    disagreements: tuple[Disagreement, ...] = ()
    usage: TokenUsage = TokenUsage()
    opinions: tuple[tuple[str, tuple[PillarVerdict, ...]], ...] = ()  # (path, the model's per-pillar verdicts)


@dataclass(frozen=True)
class ChangeScope:
    """Review mode: which change was reviewed (a git range, the staged changes or a diff)."""

    description: str  # "the change origin/main...HEAD", "the staged changes", "the diff on stdin"
    files: int  # changed files that were reviewed
    added_lines: int  # lines the change adds or modifies in them
    introduced: int = 0  # findings the change introduces (what the exit status is about)
    all_listed: bool = False  # pre-existing findings of the changed files are listed too (--all)
    root: str = ""  # the directory the change's (and the findings') relative paths start from


NO_DEFECTS = "No security defects are detected in the code"


@dataclass(frozen=True)
class Review:
    """The result of one run: what the reporters print and the API returns."""

    files: tuple[FileReview, ...]
    verdicts: tuple[PillarVerdict, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    tool_version: str = ""
    second_opinion: SecondOpinion | None = None  # set only when a language model was asked
    change: ChangeScope | None = None  # set in review mode: findings are those the change introduces

    @property
    def preexisting(self) -> int:
        return sum(fr.preexisting for fr in self.files)

    @property
    def baselined(self) -> int:
        return sum(fr.baselined for fr in self.files)

    @property
    def below_threshold(self) -> int:
        return sum(fr.below_threshold for fr in self.files)

    @property
    def untraced_tests(self) -> int:
        """Test modules whose data flows were not traced (`--include-tests` traces them)."""
        return sum(fr.flows_untraced for fr in self.files)

    @property
    def lines(self) -> int:
        return sum(fr.lines for fr in self.files)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for fr in self.files for f in fr.findings)

    @property
    def suppressed(self) -> tuple[Finding, ...]:
        return tuple(f for fr in self.files for f in fr.suppressed)

    @property
    def all_diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.diagnostics + tuple(d for fr in self.files for d in fr.diagnostics)

    @property
    def verdict(self) -> str:
        """The one-line answer: the fixed sentence, or a count by severity."""
        found = self.findings
        if not found:
            return NO_DEFECTS
        counts: dict[Severity, int] = {}
        for f in found:
            counts[f.severity] = counts.get(f.severity, 0) + 1
        parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
        noun = "defect" if len(found) == 1 else "defects"
        return f"{len(found)} security {noun} ({', '.join(parts)})"
