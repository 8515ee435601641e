"""From source-to-sink flows to findings: one finding per sink and rule, its path, confidence and wording.

`findings` links a project (`secreview.analysis.flows.Project`) and keeps, for each sink, the best
flow per rule; `candidates` and `pick` are the same choice for the incremental re-link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from secreview.analysis import credentials
from secreview.analysis.flow_paths import TaintFlow
from secreview.analysis.flows import Project
from secreview.analysis.specs import CREDENTIAL_SINK_KINDS, NUMBER_SINK_KINDS, UNRESOLVED, load
from secreview.analysis.steps import EARLIER, NOTE, PAST
from secreview.analysis.summaries import ModuleSummary
from secreview.core.model import Confidence, Finding, Location, Severity, Step
from secreview.cwe import catalog
from secreview.rules.base import Rule, is_test_path

# (ident: (sink path, line, rule id), rank, Finding): one flow as a possible finding; ranks compare as tuples
Candidate = tuple[tuple[str, int, str], tuple[Any, ...], Finding]


def findings(modules: Sequence[ModuleSummary], rules: dict[str, Rule]) -> dict[str, list[Finding]]:
    """Taint findings by the path of the file that holds the sink: one per rule and sink."""
    if not rules:
        return {}
    return pick(candidates(found, rules) for _, found in Project(modules).flows_by_function())


def candidates(flows: Iterable[TaintFlow], rules: dict[str, Rule]) -> list[Candidate]:
    """The flows of one function as ranked findings (flows of unselected sink classes left out)."""
    result = []
    for flow in flows:
        rule = rules.get(flow.sink.kind)
        if rule is None:
            continue
        source = flow.source
        ident = (flow.sink_module.path, flow.sink.line, rule.id)  # one finding per rule and line
        if flow.sink.kind in CREDENTIAL_SINK_KINDS:  # one per rule and literal, reported where it is written
            if is_test_path(flow.sink_module.path):
                continue  # a literal only a test uses is the test's fixture
            ident = (flow.source_module.path, source.line, rule.id)
        # Ties go to the first source and path in a fixed order, so the flow shown never
        # depends on set iteration order (hash seed) or on how files were split across --jobs.
        rank = (-_confidence(source.confidence, flow), len(flow.steps), flow.source_module.path, source.line,
                source.column, source.label,
                tuple((s.location.path, s.location.line, s.location.column, s.description) for s in flow.steps))
        result.append((ident, rank, _finding(flow, rule)))
    return result


def pick(groups: Iterable[Sequence[Candidate]]) -> dict[str, list[Finding]]:
    """The best candidate per rule and sink line (the first of equal ranks, in link order), by path.

    A file-existence or metadata check (`taint-path-oracle`) is only worth a finding when nothing
    worse is done with the same value: a source that also reaches another taint sink (the read
    that follows the check, a command) is reported there, not again at each check.
    """
    groups = list(groups)
    worse = {_source_of(finding) for group in groups for _, _, finding in group if not _only_alone(finding)}
    best: dict[tuple[str, int, str], tuple[tuple[Any, ...], Finding]] = {}
    for group in groups:
        for ident, rank, finding in group:
            if _only_alone(finding) and _source_of(finding) in worse:
                continue
            if ident not in best or rank < best[ident][0]:
                best[ident] = (rank, finding)
    found: dict[str, list[Finding]] = {}
    for (path, *_), (_, finding) in sorted(best.items(), key=lambda item: item[0]):
        found.setdefault(path, []).append(finding)
    return found


_ORACLE = "taint-path-oracle"
# Said by the label of a sink known only by the name a value is stored in (specs: `assigned_names`).
BY_NAME = "its use is known only by this name"


def _only_alone(finding: Finding) -> bool:
    """A finding worth making only when its source reaches no other sink: an existence check
    (path oracle) or a store into a name that says what the value is for (`session_id = ...`)."""
    return finding.rule_id == _ORACLE or BY_NAME in finding.message


def _source_of(finding: Finding) -> Location:
    return finding.path[0].location


def _quoted(description: str) -> str:
    """A step's code in backticks; a step that is a sentence about a check (steps.PAST) as it is."""
    if description.startswith(PAST):
        return description
    for note in (_UNMODELLED_NOTE, EARLIER):
        if description.endswith(note):
            return f"`{description[:-len(note)]}`{note}"
    return f"`{description}`"


def _finding(flow: TaintFlow, rule: Rule) -> Finding:
    source = flow.source
    sink = flow.sink
    weakness = catalog().weakness(rule.cwe)
    source_step = Step(Location(flow.source_module.path, source.line, source.column), source.description)
    steps = _noting_unmodelled(flow.steps, flow.unmodelled) if flow.unmodelled else flow.steps
    path = _without_repeats((source_step, *(s for s in steps if not _same_line(s, source_step))))
    hops = path[1:-1]
    via = ""
    if hops:
        via = (", " if hops[0].description.startswith(PAST) else " through ") + ", ".join(
            f"{_quoted(s.description)} (line {s.location.line}{_elsewhere(s, flow)})" for s in hops[:4])
        if len(hops) > 4:
            via += f" and {len(hops) - 4} more steps"
    origin = "" if flow.source_module.path == flow.sink_module.path else f" in {flow.source_module.path}"
    message = (f"{source.label[:1].upper()}{source.label[1:]} `{source.description}` (line {source.line}{origin}) reaches "
               f"{sink.label} in `{sink.description}` on line {sink.line}{via}.")
    if flow.unmodelled:  # (an atom names the first such call: one, but a field's writers may add another)
        name = flow.unmodelled[0]
        what = f"`{name[1:]}` could not be resolved" if name.startswith(UNRESOLVED) else f"`{name}` is not modelled"
        message += f" {what}: assumed to pass the data on (confidence lowered)."
    severity = rule.severity
    if sink.kind == "code" and source.label in _operator_labels():
        severity = Severity.LOW
        message += (" Running code its operator supplies (a shell's -c, a startup file, a REPL) is a feature "
                    "by design; it matters only if someone else can set this input.")
    elif sink.kind == "deserialization" and source.label in _operator_labels():
        severity = Severity.LOW
        message += (" Unpickling what its operator supplies runs only code the operator could run anyway (a "
                    "parent process feeding its helper through stdin, a file named on the command line); it "
                    "matters only if someone else can set this input.")
    elif sink.label in _program_labels() and source.label in _operator_labels():
        severity = Severity.LOW
        message += (" Running a program found where its operator's environment or command line says (as a "
                    "PATH lookup does) is a feature by design; it matters only if someone else can set this input.")
    elif sink.kind in NUMBER_SINK_KINDS:
        severity, said = _number_severity(severity, source.label)
        message += said
    confidence = _confidence(min(source.confidence, _sink_confidence().get(sink.label, Confidence.HIGH)), flow)
    if _project_calls(hops) >= _CALLS_FOR_LOW:
        confidence = Confidence.LOW
    location = Location(flow.sink_module.path, sink.line, sink.column, sink.end_line, sink.end_column)
    line_text = sink.line_text
    if sink.kind in CREDENTIAL_SINK_KINDS:  # a hard-coded credential: where it is written (credentials)
        location, line_text, message = credentials.at_literal(flow.source_module.path, source, sink,
                                                              flow.sink_module.path, via)
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        cwe=rule.cwe,
        pillar=weakness.primary_pillar,
        secondary_pillars=weakness.secondary_pillars,
        severity=severity,
        confidence=confidence,
        location=location,
        source_line=line_text,
        message=message,
        fix=rule.fix,
        path=path,
    )


def _confidence(source: Confidence, flow: TaintFlow) -> Confidence:
    """The source's confidence, one level lower when the value went through a call nobody modelled."""
    confidence = min(source, Confidence.HIGH)
    return Confidence(max(confidence - 1, Confidence.LOW)) if flow.unmodelled else confidence


_UNMODELLED_NOTE = " (not modelled: assumed to pass the data on)"


def _noting_unmodelled(steps: tuple[Step, ...], names: tuple[str, ...]) -> tuple[Step, ...]:
    """The steps (the sink's last) with a note on those that call one of `names` (by its last part)."""
    calls = tuple(f"{name.lstrip(UNRESOLVED).rpartition('.')[2]}(" for name in names)
    return tuple(Step(s.location, s.description + _UNMODELLED_NOTE)
                 if i < len(steps) - 1 and any(c in s.description for c in calls) else s
                 for i, s in enumerate(steps))


# A flow that passes through this many calls of the project is a hint (low confidence): each call
# hands the value on through a summary (a result built from an argument, an object built from a
# field) that may not hold the data it was given. Measured on the signal bench (docs/confidence.md):
# of the high-confidence flows through two or more calls 2 of 9 were real or debatable, of those
# through fewer every one.
_CALLS_FOR_LOW = 2
_CALL_STEP = re.compile(r"^[\w.]+\(.*\)$")


def _project_calls(hops: tuple[Step, ...]) -> int:
    """How many of the steps between a flow's source and its sink are calls (`helper(x, ...)`), not
    assignments, checks or stores."""
    return sum(1 for step in hops if " = " not in step.description and _CALL_STEP.match(step.description))


@lru_cache(maxsize=1)
def _sink_confidence() -> dict[str, Confidence]:
    """Labels of the sinks that cap a finding's confidence (specs: a sink's `confidence`)."""
    specs = load()
    tables = (*specs.sink_calls.values(), *specs.sink_methods.values(), *specs.keyword_sinks.values(),
              *specs.name_sinks.values())
    return {sink.label: sink.confidence for sinks in tables for sink in sinks if sink.confidence < Confidence.HIGH}


@lru_cache(maxsize=1)
def _operator_labels() -> frozenset[str]:
    """Labels of the sources the program's own operator controls (specs: `operator = true`)."""
    return frozenset(spec.label for spec in load().sources if spec.operator)


def _number_severity(severity: Severity, label: str) -> tuple[Severity, str]:
    """Where the number comes from decides how bad it is: in a request handler any client sends it, and
    sends it again; in a background worker it is a task's argument, a message the application's own code
    usually publishes (one level lower). Operator input (argv, the environment) never reaches these sinks."""
    if label in _background_labels():
        lower = Severity(max(severity - 1, Severity.LOW))
        return lower, (" It comes from a background task's arguments (a queue message, usually published by the "
                       "application itself), not straight from a client"
                       + (": one severity level lower than in a request handler." if lower < severity else "."))
    return severity, " Any client can send it, as often as it likes."


@lru_cache(maxsize=1)
def _background_labels() -> frozenset[str]:
    """Labels of the sources that are a worker's input, not a client's request (specs: `background = true`)."""
    return frozenset(spec.label for spec in load().sources if spec.background)


@lru_cache(maxsize=1)
def _program_labels() -> frozenset[str]:
    """Labels of the sinks that choose the program to run (specs: `argv_program = true`)."""
    return frozenset(sink.label for sinks in load().sink_calls.values() for sink in sinks if sink.argv_program)


def _same_line(step: Step, source: Step) -> bool:
    """A step on the source's own line that repeats it (`name = request.args['x']` after `request.args['x']`)."""
    return step.location.path == source.location.path and step.location.line == source.location.line \
        and source.description in step.description and NOTE not in step.description \
        and _UNMODELLED_NOTE not in step.description and EARLIER not in step.description


def _elsewhere(step: Step, flow: TaintFlow) -> str:
    return "" if step.location.path == flow.sink_module.path else f" in {step.location.path}"


def _without_repeats(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """A recursive call crossed several times is one step of the path."""
    seen: set[Step] = set()
    kept = []
    for step in steps:
        if step not in seen:
            seen.add(step)
            kept.append(step)
    return tuple(kept)
