"""Link the per-file taint summaries of a project and report source-to-sink flows.

Every function gets two summaries, computed on demand and memoised:

* its *return summary*: which of its parameters, and which sources (with
  their paths), reach its return value, through the return summaries of
  the functions it calls;
* its *sink summary*: which of its parameters and sources reach which sinks,
  directly or through the sink summaries of the functions it calls with them.

A source that reaches a sink in some function's sink summary is a finding,
reported in the file of the sink with the whole path (source, each call that
carries it, the sink). Recursion is handled by a fixed point: a summary asked
for while it is being computed answers with its value from the previous round,
and rounds repeat until no summary changes.

Calls the project does not define (libraries) pass taint from their
arguments and receiver to their result; a class called as a constructor does
the same (an object built from untrusted data is untrusted), and its
`__init__` is followed for sinks like any method.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from secreview.analysis.summaries import EMPTY, CallSite, FunctionSummary, ModuleSummary, SinkEvent
from secreview.analysis.taint import cut
from secreview.cwe import catalog
from secreview.model import Confidence, Finding, Location, Step
from secreview.rules.base import Rule

_MAX_DEPTH = 60
_MAX_ROUNDS = 6

Key = tuple  # ("s", module path, index, cuts) | ("p", index, cuts) | ("f", field, cuts)
Flow = dict  # Key -> tuple[Step, ...]: how the value got from the key's origin to here


@dataclass(frozen=True)
class _Fn:
    """A function together with the module it lives in."""

    module: ModuleSummary
    summary: FunctionSummary


@dataclass(frozen=True)
class TaintFlow:
    """One source reaching one sink."""

    source_module: ModuleSummary
    source_index: int
    sink_module: ModuleSummary
    sink: SinkEvent
    steps: tuple[Step, ...]  # calls between the source and the sink (the sink step last)


def _atom_order(atom: tuple) -> tuple:
    """A total order on atoms that does not depend on the hash seed (kind, index or field, cuts)."""
    cuts = atom[-1]
    return atom[0], atom[1], tuple(sorted(cuts)) if cuts else ()


def _canonical(taint: frozenset) -> Iterable[tuple]:
    """The atoms of `taint` in a fixed order.

    A frozenset iterates in an order that follows string hashes, which change with
    PYTHONHASHSEED. The order atoms are expanded in decides which path is kept for a
    key (the first found) and where a recursive call is cut (memo and busy summaries
    answer what is known so far), so the flows found would change from run to run.
    """
    return taint if len(taint) < 2 else sorted(taint, key=_atom_order)


def _merge_cuts(key: Key, cuts: frozenset) -> Key:
    if not cuts:
        return key
    return (*key[:-1], key[-1] | cuts)


class Project:
    """The call graph of the reviewed files and the summaries over it."""

    def __init__(self, modules: Iterable[ModuleSummary]) -> None:
        self.modules = list(modules)
        self.functions: dict[str, _Fn] = {}
        self.classes: dict[str, tuple[str, ...]] = {}
        self.fields: dict[str, list[tuple[_Fn, frozenset]]] = {}
        self.exports: dict[str, dict[str, str]] = {}
        for module in self.modules:
            self.exports.setdefault(module.module, module.exports)
            for qualname, summary in module.functions.items():
                self.functions.setdefault(qualname, _Fn(module, summary))
            for qualname, bases in module.classes.items():
                self.classes.setdefault(qualname, bases)
        for module in self.modules:
            for field, writer, taint in module.fields:
                fn = self.functions.get(writer)
                if fn is not None:
                    self.fields.setdefault(field, []).append((fn, taint))
        self._ret: dict[tuple[str, str], Flow] = {}
        self._sinks: dict[tuple[str, str], list] = {}
        self._prev_ret: dict[tuple[str, str], Flow] = {}
        self._prev_sinks: dict[tuple[str, str], list] = {}
        self._busy: set[tuple[str, str]] = set()
        self._guesses: list[tuple[str, tuple[str, str], frozenset]] = []  # answers given while busy
        self._expand_memo: dict[tuple, Flow] = {}
        self._depth = 0
        self._callers_index: dict[str, list[tuple[ModuleSummary, CallSite]]] | None = None
        self._targets: dict[str, tuple[_Fn | None, bool]] = {}

    # -- call resolution ----------------------------------------------------------------
    def _method(self, class_qual: str, name: str, seen: frozenset = frozenset()) -> _Fn | None:
        found = self.functions.get(f"{class_qual}.{name}")
        if found is not None or class_qual in seen:
            return found
        for base in self.classes.get(class_qual, ()):
            found = self._method(base, name, seen | {class_qual})
            if found is not None:
                return found
        return None

    def target(self, call: CallSite) -> tuple[_Fn | None, bool, bool]:
        """(callee, called through an instance, is a constructor) for a call site."""
        found = self._targets.get(call.callee)
        if found is None:
            found = self._targets[call.callee] = self._resolve(call.callee)
        callee, constructor = found
        if callee is None:
            return None, False, False
        return callee, True if constructor else call.bound, constructor

    def _resolve(self, qualname: str) -> tuple[_Fn | None, bool]:
        for _ in range(4):  # `from pkg import f` where pkg/__init__.py re-exports f from pkg.mod
            callee = self.functions.get(qualname)
            if callee is not None:
                return callee, False
            if qualname in self.classes:
                return self._method(qualname, "__init__"), True
            owner, _, name = qualname.rpartition(".")
            if owner in self.classes:
                return self._method(owner, name), False
            qualname = self._reexported(qualname)
            if not qualname:
                break
        return None, False

    def _reexported(self, qualname: str) -> str:
        """`pkg.f` -> `pkg.mod.f` when module `pkg` imports f from pkg.mod ('' when it does not)."""
        parts = qualname.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            exports = self.exports.get(".".join(parts[:cut]))
            if exports and parts[cut] in exports:
                return ".".join([exports[parts[cut]], *parts[cut + 1:]])
        return ""

    @staticmethod
    def argument(call: CallSite, callee: FunctionSummary, index: int, bound: bool, constructor: bool) -> frozenset:
        """The taint a call site passes for the callee's parameter `index`."""
        if bound and index == 0:
            return EMPTY if constructor else call.receiver
        position = index - 1 if bound else index
        name = callee.params[index] if index < len(callee.params) else ""
        taint = call.star
        if index == callee.vararg:
            for value in call.args[position:]:
                taint = taint | value if value else taint
            return taint
        if index == callee.kwarg:
            named = set(callee.params)
            for key, value in call.keywords:
                if key not in named and value:
                    taint = taint | value
            return taint
        keyword_only = callee.vararg != -1 and index > callee.vararg
        if not keyword_only and 0 <= position < len(call.args):
            value = call.args[position]
            taint = taint | value if value else taint
        for key, value in call.keywords:
            if key == name and value:
                taint = taint | value
        return taint

    # -- return summaries ---------------------------------------------------------------
    def returns(self, fn: _Fn) -> Flow:
        qual = (fn.module.path, fn.summary.qualname)
        found = self._ret.get(qual)
        if found is not None:
            return found
        if qual in self._busy or self._depth > _MAX_DEPTH:
            guess = self._prev_ret.get(qual, {})
            self._guesses.append(("ret", qual, frozenset(guess)))
            return guess
        self._busy.add(qual)
        self._depth += 1
        try:
            flow = self.expand(fn.summary.returns, fn)
        finally:
            self._depth -= 1
            self._busy.discard(qual)
        self._ret[qual] = flow
        return flow

    def expand(self, taint: frozenset, fn: _Fn) -> Flow:
        """Atoms of `taint` in `fn` as keys: sources and fields made concrete, calls followed."""
        flow: Flow = {}
        for atom in _canonical(taint):
            kind = atom[0]
            if kind == "s":
                flow.setdefault(("s", fn.module.path, atom[1], atom[2]), ())
            elif kind == "p" or kind == "f":
                flow.setdefault(atom, ())
            elif kind == "c":
                for key, steps in self._call_result(atom[1], fn).items():
                    flow.setdefault(_merge_cuts(key, atom[2]), steps)
        return flow

    def _call_result(self, index: int, fn: _Fn) -> Flow:
        memo_key = (fn.module.path, fn.summary.qualname, index)
        found = self._expand_memo.get(memo_key)
        if found is not None:
            return found
        self._expand_memo[memo_key] = {}  # a call whose result feeds its own argument (x = f(x) in a loop)
        module = fn.module
        call = module.calls[index]
        caller = fn if call.caller == fn.summary.qualname else self._local(module, call.caller, fn)
        callee, bound, constructor = self.target(call)
        step = Step(Location(module.path, call.line, call.column), call.description)
        flow: Flow = {}
        if callee is None or constructor:
            everything = call.star | call.receiver
            for value in call.args:
                everything = everything | value
            for _, value in call.keywords:
                everything = everything | value
            for key, steps in self.expand(everything, caller).items():
                flow.setdefault(key, steps)
        else:
            for key, steps in self.returns(callee).items():
                if key[0] == "p":
                    passed = self.argument(call, callee.summary, key[1], bound, constructor)
                    for inner, before in self.expand(cut(passed, key[2]), caller).items():
                        flow.setdefault(inner, (*before, step, *steps))
                else:
                    flow.setdefault(key, (*steps, step))
        self._expand_memo[memo_key] = flow
        return flow

    # -- sink summaries -----------------------------------------------------------------
    def sinks(self, fn: _Fn) -> list[tuple[Key, ModuleSummary, SinkEvent, tuple[Step, ...]]]:
        qual = (fn.module.path, fn.summary.qualname)
        found = self._sinks.get(qual)
        if found is not None:
            return found
        if qual in self._busy or self._depth > _MAX_DEPTH:
            guess = self._prev_sinks.get(qual, [])
            self._guesses.append(("sinks", qual, _sink_keys(guess)))
            return guess
        self._busy.add(qual)
        self._depth += 1
        try:
            entries = self._compute_sinks(fn)
        finally:
            self._depth -= 1
            self._busy.discard(qual)
        self._sinks[qual] = entries
        return entries

    def _compute_sinks(self, fn: _Fn) -> list:
        entries: list = []
        seen: set = set()
        module = fn.module

        def add(key: Key, sink_module: ModuleSummary, sink: SinkEvent, steps: tuple[Step, ...]) -> None:
            if sink.kind in key[-1]:
                return  # neutralised for this sink class on the way
            ident = (key, sink_module.path, sink.line, sink.column, sink.kind)
            if ident not in seen:
                seen.add(ident)
                entries.append((key, sink_module, sink, steps))

        for sink in fn.summary.sinks:
            sink_step = Step(Location(module.path, sink.line, sink.column, sink.end_line, sink.end_column),
                             sink.description)
            for key, steps in self.expand(sink.taint, fn).items():
                add(key, module, sink, (*steps, sink_step))
        for index in fn.summary.calls:
            call = module.calls[index]
            callee, bound, constructor = self.target(call)
            if callee is None:
                continue
            inner = self.sinks(callee)
            if not inner:
                continue
            step = Step(Location(module.path, call.line, call.column), call.description)
            for key, sink_module, sink, steps in inner:
                if key[0] != "p":
                    continue
                passed = cut(self.argument(call, callee.summary, key[1], bound, constructor), key[2])
                for outer, before in self.expand(passed, fn).items():
                    add(outer, sink_module, sink, (*before, step, *steps))
        return entries

    # -- the fixed point and the flows --------------------------------------------------
    def flows(self) -> list[TaintFlow]:
        """Every source-to-sink flow in the project (one per source, sink and path start)."""
        result: list[TaintFlow] = []
        for _ in range(_MAX_ROUNDS):
            self._guesses = []
            self._ret, self._sinks, self._expand_memo = {}, {}, {}
            result = self._collect()
            if self._stable():
                break
            self._prev_ret, self._prev_sinks = self._ret, self._sinks
        return result

    def _stable(self) -> bool:
        """Every answer given for a summary still being computed matches the summary computed."""
        for kind, qual, guessed in self._guesses:
            if kind == "ret":
                final = frozenset(self._ret.get(qual, {}))
            else:
                final = _sink_keys(self._sinks.get(qual, []))
            if final != guessed:
                return False
        return True

    def _collect(self) -> list[TaintFlow]:
        result: list[TaintFlow] = []
        by_module = {m.path: m for m in self.modules}
        for fn in self.functions.values():
            if not fn.summary.sinks and not fn.summary.calls:
                continue
            for key, sink_module, sink, steps in self.sinks(fn):
                if key[0] == "s":
                    result.append(TaintFlow(by_module[key[1]], key[2], sink_module, sink, steps))
                elif key[0] == "f":
                    result.extend(self._field_flows(key, sink_module, sink, steps))
        return result

    def _field_flows(self, key: Key, sink_module: ModuleSummary, sink: SinkEvent,
                     steps: tuple[Step, ...]) -> list[TaintFlow]:
        """`self.x` read at a sink: the sources any method of the class stored into it."""
        found = []
        field = key[1]
        for writer, taint in self.fields.get(field, ()):
            stored = Step(Location(writer.module.path, writer.summary.line), f"stored in self.{field.rsplit('.', 1)[-1]}")
            for inner, before in self.expand(cut(taint, key[2]), writer).items():
                if inner[0] == "s" and sink.kind not in inner[-1]:
                    module = next(m for m in self.modules if m.path == inner[1])
                    found.append(TaintFlow(module, inner[2], sink_module, sink, (*before, stored, *steps)))
                elif inner[0] == "p":
                    for caller_key, caller_steps in self._param_sources(writer, inner).items():
                        if sink.kind not in caller_key[-1]:
                            module = next(m for m in self.modules if m.path == caller_key[1])
                            found.append(TaintFlow(module, caller_key[2], sink_module, sink,
                                                   (*caller_steps, *before, stored, *steps)))
        return found

    @staticmethod
    def _local(module: ModuleSummary, qualname: str, default: _Fn) -> _Fn:
        summary = module.functions.get(qualname)
        return _Fn(module, summary) if summary is not None else default

    def _callers(self) -> dict[str, list[tuple[ModuleSummary, CallSite]]]:
        if self._callers_index is None:
            index: dict[str, list[tuple[ModuleSummary, CallSite]]] = {}
            for module in self.modules:
                for call in module.calls:
                    callee, _, _ = self.target(call)
                    if callee is not None:
                        index.setdefault(callee.summary.qualname, []).append((module, call))
            self._callers_index = index
        return self._callers_index

    def _param_sources(self, fn: _Fn, key: Key) -> Flow:
        """Sources the callers of `fn` pass for parameter `key` (one level up: constructors' callers)."""
        flow: Flow = {}
        for module, call in self._callers().get(fn.summary.qualname, ()):
            _, bound, constructor = self.target(call)
            summary = module.functions.get(call.caller)
            if summary is None:
                continue
            passed = cut(self.argument(call, fn.summary, key[1], bound, constructor), key[2])
            step = Step(Location(module.path, call.line, call.column), call.description)
            for outer, before in self.expand(passed, _Fn(module, summary)).items():
                if outer[0] == "s":
                    flow.setdefault(outer, (*before, step))
        return flow


def findings(modules: Sequence[ModuleSummary], rules: dict[str, Rule]) -> dict[str, list[Finding]]:
    """Taint findings by the path of the file that holds the sink: one per rule and sink."""
    if not rules:
        return {}
    best: dict[tuple, tuple] = {}
    for flow in Project(modules).flows():
        rule = rules.get(flow.sink.kind)
        if rule is None:
            continue
        source = flow.source_module.sources[flow.source_index]
        ident = (flow.sink_module.path, flow.sink.line, rule.id)  # one finding per rule and line
        # Ties go to the first source and path in a fixed order, so the flow shown never
        # depends on set iteration order (hash seed) or on how files were split across --jobs.
        rank = (-source.confidence, len(flow.steps), flow.source_module.path, source.line, source.column, source.label,
                tuple((s.location.path, s.location.line, s.location.column, s.description) for s in flow.steps))
        if ident not in best or rank < best[ident][0]:
            best[ident] = (rank, flow)
    found: dict[str, list[Finding]] = {}
    for (path, *_), (_, flow) in sorted(best.items(), key=lambda item: item[0]):
        found.setdefault(path, []).append(_finding(flow, rules[flow.sink.kind]))
    return found


def _finding(flow: TaintFlow, rule: Rule) -> Finding:
    source = flow.source_module.sources[flow.source_index]
    sink = flow.sink
    weakness = catalog().weakness(rule.cwe)
    source_step = Step(Location(flow.source_module.path, source.line, source.column), source.description)
    path = _without_repeats((source_step, *flow.steps))
    hops = path[1:-1]
    via = ""
    if hops:
        via = " through " + ", ".join(
            f"`{s.description}` (line {s.location.line}{_elsewhere(s, flow)})" for s in hops[:4])
        if len(hops) > 4:
            via += f" and {len(hops) - 4} more steps"
    origin = "" if flow.source_module.path == flow.sink_module.path else f" in {flow.source_module.path}"
    message = (f"{source.label[:1].upper()}{source.label[1:]} `{source.description}` (line {source.line}{origin}) reaches "
               f"{sink.label} in `{sink.description}` on line {sink.line}{via}.")
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        cwe=rule.cwe,
        pillar=weakness.primary_pillar,
        secondary_pillars=weakness.secondary_pillars,
        severity=rule.severity,
        confidence=min(source.confidence, Confidence.HIGH),
        location=Location(flow.sink_module.path, sink.line, sink.column, sink.end_line, sink.end_column),
        source_line=sink.line_text,
        message=message,
        fix=rule.fix,
        path=path,
    )


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


def _sink_keys(entries: list) -> frozenset:
    return frozenset((key, module.path, sink.line, sink.column, sink.kind) for key, module, sink, _ in entries)
