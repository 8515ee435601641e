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

Calls the project does not define (libraries the specs do not name) are
assumed to pass taint from their arguments and receiver to their result, and
the value remembers each such call (`specs.UNMODELLED`): the finding names it
and its confidence drops one level. A class called as a constructor passes
taint on too (an object built from untrusted data is untrusted), and its
`__init__` is followed for sinks like any method.
"""


from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from secreview.analysis import library
from secreview.analysis.credentials import CONSTANT
from secreview.analysis.declared_secrets import keys_of
from secreview.analysis.flow_paths import (
    Flow,
    FlowBuilder,
    Index,
    Key,
    Shape,
    TaintFlow,
    Trace,
    TraceKey,
    after_last_call,
    argument_steps,
    canonical,
    has_unmodelled,
    index_of,
    merge_cuts,
    shape_of,
    without_unmodelled,
)
from secreview.analysis.modules import Namespaces
from secreview.analysis.specs import UNMODELLED, UNRESOLVED, neutralised, settled, unmodelled
from secreview.analysis.summaries import (
    EMPTY,
    CallSite,
    FunctionSummary,
    ModuleSummary,
    SinkEvent,
    Taint,
)
from secreview.analysis.values import KIND_SINKS, cut, outside_result
from secreview.core.model import Location, Step
from secreview.rules.base import is_test_path

MAX_DEPTH: Final = 60
_MAX_ROUNDS: Final = 6


class CallersIndex(Protocol):
    """qualname -> (path, call index) of each call of it: a dict, or `incremental`'s view computed when asked."""

    def get(self, qualname: str, default: list[tuple[str, int]], /) -> list[tuple[str, int]]: ...


# What reaches a sink of a function: (key, the sink's module, the sink, the steps on the way)
SinkEntry = tuple[Key, ModuleSummary, SinkEvent, tuple[Step, ...]]


@dataclass(frozen=True)
class _Fn:
    """A function together with the module it lives in."""

    module: ModuleSummary
    summary: FunctionSummary


# A writer of a field, the step that says it stored the value, what it stored expanded, whether that met a stand-in
_Stored = tuple[_Fn, tuple[Step, ...], Flow, bool]


class Project:
    """The call graph of the reviewed files and the summaries over it.

    Name resolution works on each module's `Shape` alone; a module's summary is
    only asked for (`load`) when one of its functions is followed, so a link
    that recomputes a few functions (see `secreview.analysis.incremental`)
    decodes only the summaries it reads. With a `Trace`, every memoised answer
    records what it consulted, for the same purpose.
    """

    def __init__(self, modules: Iterable[ModuleSummary] = (), *, index: Index | None = None,
                 load: Callable[[str], ModuleSummary] | None = None, trace: Trace | None = None) -> None:
        """Link `modules`, or the modules an `index` describes (`load(path)`: summaries renamed as its namespaces say).

        Modules that share a dotted name get names of their own first (`secreview.analysis.modules`).
        """
        self.shapes: list[Shape] = []
        if index is None:
            given = list(modules)
            namespaces = Namespaces.of((m.path, m.module) for m in given)
            given = [namespaces.apply(m) for m in given]
            known = {m.path: m for m in given}
            self.shapes = [shape_of(m) for m in given]
            index = index_of(self.shapes, namespaces)
            load = known.__getitem__
        assert load is not None
        self.index = index
        self._load = load
        self._modules: dict[str, ModuleSummary] = {}
        self.function_paths = index.function_paths  # qualname -> path of the first module defining it
        self.classes = index.classes
        self.exports = index.exports
        self.fields: dict[str, list[tuple[str, Taint]]] = {}  # field -> (writing function, taint)
        for name, records in index.fields.items():
            writers = [(writer, taint) for _, writer, taint in records if writer in self.function_paths]
            if writers:
                self.fields[name] = writers
        self._functions: dict[str, _Fn] = {}
        self._ret: dict[tuple[str, str], Flow] = {}
        self._sinks: dict[tuple[str, str], list[SinkEntry]] = {}
        self._prev_ret: dict[tuple[str, str], Flow] = {}
        self._prev_sinks: dict[tuple[str, str], list[SinkEntry]] = {}
        self._busy: set[tuple[str, str]] = set()
        self._guesses: list[tuple[str, tuple[str, str], frozenset[Key]]] = []  # answers given while busy
        self._expand_memo: dict[TraceKey, Flow] = {}
        self._param_memo: dict[TraceKey, Flow] = {}
        self._position_memo: dict[TraceKey, Flow] = {}
        self._expanding: set[TraceKey] = set()
        self._positions_open: set[TraceKey] = set()
        self._depth = 0
        # Answers that used, directly or through another answer, one standing in for an answer still
        # being computed (a guess, an empty answer to a recursive call, the depth limit): only these
        # are computed again in the next round of the fixed point (`_carry_over`). `_serial` counts the
        # stand-ins given so far: an answer is unsure when it changed while the answer was computed.
        self._serial = 0
        self._unsure_ret: set[tuple[str, str]] = set()
        self._unsure_sinks: set[tuple[str, str]] = set()
        self._unsure_calls: set[TraceKey] = set()
        self._unsure_params: set[TraceKey] = set()
        self._unsure_positions: set[TraceKey] = set()
        self._flows_memo: dict[int, list[TaintFlow]] = {}  # flows that used no stand-in, by place in the link
        self._stored_memo: dict[Key, list[_Stored]] = {}  # what a field's writers stored, expanded: see `_field_flows`
        self.sinks_computed = 0  # sink summaries computed, over all rounds (what `_carry_over` saves shows here)
        self.callers_index: CallersIndex | None = None
        # path -> (its summary, guessed view source -> its function)
        self._view_sources: dict[str, tuple[ModuleSummary, dict[int, str]]] = {}
        self._pending_memo: dict[str, tuple[ModuleSummary, dict[int, str]]] = {}  # path -> (summary, pending sources)
        self._targets: dict[str, tuple[str | None, bool]] = {}
        # Resolving a name looks up the name and the names it starts with (its owner, its
        # packages), which only the modules named by one of them define; a re-export or a base
        # class leads to other names: `indirect` keeps those (callee -> the other names looked up).
        self.indirect: dict[str, tuple[str, ...]] = {}
        self._looked: list[str] = []
        self.trace = trace
        self._project_tops: frozenset[str] | None = None  # top-level packages of the project's modules
        # another module's constant -> (what it holds, the facts read to find it): see `_constant`
        self._constants: dict[str, tuple[Flow, tuple[tuple[str, str], ...]]] = {}
        self._resolving: set[str] = set()  # constants being resolved (a cycle of them answers nothing)
        self._cycle_met = False

    # -- modules and functions ----------------------------------------------------------
    def module(self, path: str) -> ModuleSummary:
        found = self._modules.get(path)
        if found is None:
            found = self._modules[path] = self._load(path)
        return found

    def function(self, qualname: str) -> _Fn | None:
        """The project function `qualname` (the first module defining it wins), its module loaded."""
        found = self._functions.get(qualname)
        if found is None:
            path = self.function_paths.get(qualname)
            if path is None:
                return None
            module = self.module(path)
            found = self._functions[qualname] = _Fn(module, module.functions[qualname])
        return found

    # -- call resolution ----------------------------------------------------------------
    def _method(self, class_qual: str, name: str, seen: frozenset[str] = frozenset()) -> str | None:
        here = f"{class_qual}.{name}"
        self._looked.append(here)
        if here in self.function_paths:
            return here
        if class_qual in seen:
            return None
        for base in self.classes.get(class_qual, ()):
            found = self._method(base, name, seen | {class_qual})
            if found is not None:
                return found
        return None

    def resolved(self, callee: str) -> tuple[str | None, bool]:
        """(qualname of the project function a call of `callee` runs, is a constructor), memoised."""
        found = self._targets.get(callee)
        if found is None:
            self._looked = []
            found = self._targets[callee] = self._resolve(callee)
            roots = tuple(name for name in self._looked if not (name == callee or callee.startswith(name + ".")))
            if roots:
                self.indirect[callee] = roots
        return found

    def target(self, call: CallSite) -> tuple[_Fn | None, bool, bool]:
        """(callee, called through an instance, is a constructor) for a call site."""
        qualname, constructor = self.resolved(call.callee)
        if self.trace is not None:
            self.trace.fact(("r", call.callee))  # the callee's summary is read only in its own entries
        if qualname is None:
            return None, False, False
        return self.function(qualname), True if constructor else call.bound, constructor

    def _resolve(self, qualname: str) -> tuple[str | None, bool]:
        for _ in range(4):  # `from pkg import f` where pkg/__init__.py re-exports f from pkg.mod
            self._looked.append(qualname)  # it, its owner and the packages it is in are looked up
            if qualname in self.function_paths:
                return qualname, False
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
    def argument(call: CallSite, callee: FunctionSummary, index: int, bound: bool, constructor: bool) -> Taint:
        """The taint a call site passes for the callee's parameter `index`."""
        if bound and index == 0:
            return EMPTY if constructor else call.receiver
        position = index - 1 if bound else index
        name = callee.params[index] if index < len(callee.params) else ""
        taint = call.star
        if taint and index != callee.vararg and index != callee.kwarg:
            # `*args` may land in any parameter: a secret is followed only where it certainly goes.
            taint = cut(taint, KIND_SINKS)
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
        trace = self.trace
        found = self._ret.get(qual)
        if found is not None:
            if qual in self._unsure_ret:
                self._serial += 1
            if trace is not None:
                trace.use(("r", *qual))
            return found
        if qual in self._busy or self._depth > MAX_DEPTH:
            self._serial += 1
            guess = self._prev_ret.get(qual, {})
            self._guesses.append(("ret", qual, frozenset(guess)))
            if trace is not None:
                trace.unsure(("r", *qual))
            return guess
        self._busy.add(qual)
        self._depth += 1
        serial = self._serial
        if trace is not None:
            trace.enter(("r", *qual), ("m", qual[0]))
        try:
            flow = self.expand(fn.summary.returns, fn)
        finally:
            self._depth -= 1
            self._busy.discard(qual)
            if trace is not None:
                trace.leave(1)
        if self._serial != serial:
            self._unsure_ret.add(qual)
        self._ret[qual] = flow
        return flow

    def _callee_returns(self, callee: _Fn, position: int) -> Flow:
        """What a call returns: all of it, or one element when every return is a tuple (`x, y = f()`)."""
        at = callee.summary.returns_at
        if position < 0 or position >= len(at):
            return self.returns(callee)
        self.returns(callee)  # the whole summary, for its fixed point and its trace entry
        memo_key = (callee.module.path, callee.summary.qualname, position)
        found = self._position_memo.get(memo_key)
        if found is None:
            found = self._position_memo[memo_key] = {}  # recursion: answered empty while computed
            self._positions_open.add(memo_key)
            serial = self._serial
            try:
                found = self._position_memo[memo_key] = self.expand(at[position], callee)
            finally:
                self._positions_open.discard(memo_key)
            if self._serial != serial:
                self._unsure_positions.add(memo_key)
        elif memo_key in self._positions_open or memo_key in self._unsure_positions:
            self._serial += 1
        return found

    def expand(self, taint: Taint, fn: _Fn) -> Flow:
        """Atoms of `taint` in `fn` as keys: sources and fields made concrete, calls followed.

        A pending source whose key no module declares is dropped here, where it would enter the
        project's summaries, rather than carried to every sink it reaches.
        """
        flow = FlowBuilder()
        pending = self._pending(fn.module) if fn.module.pending else None
        for atom in canonical(taint):
            kind = atom[0]
            if kind == "s":
                if pending and atom[1] in pending and self._undeclared(pending[atom[1]]):
                    continue  # a read of an option no module declares secret: no source at all
                flow.put(("s", fn.module.path, atom[1], atom[2]), ())
            elif kind == "p" or kind == "f":
                flow.put(atom, ())
            elif kind == "c":
                index = atom[1]
                assert isinstance(index, int)  # a call atom holds the call site's number
                for key, steps in self._call_result(index, fn).items():
                    flow.put(merge_cuts(key, atom[2]), steps)
            elif kind == CONSTANT:
                qualname = atom[1]
                assert isinstance(qualname, str)  # a constant atom holds the constant's qualified name
                for key, steps in self._constant(qualname).items():
                    flow.put(merge_cuts(key, atom[2]), steps)
        return flow.flow

    def _constant(self, qualname: str) -> Flow:
        """What another module's constant holds (`from settings import DB_PASSWORD`, see credentials)."""
        flow, reads = self._constant_entry(qualname)
        if self.trace is not None:  # what it read, for each entry that uses it (memoised across entries)
            for fact in reads:
                self.trace.fact(fact)
        return flow

    def _constant_entry(self, qualname: str) -> tuple[Flow, tuple[tuple[str, str], ...]]:
        """(what the constant holds, the facts read to find it), memoised.

        Constants that name each other in a cycle (`A.X = B.X`, `B.X = A.X if ... else "..."`)
        answer nothing for a constant already being resolved; an answer that met one is not
        kept, so the constant asked later is resolved again, whole, whatever the order of asking.
        """
        found = self._constants.get(qualname)
        if found is not None:
            return found
        if qualname in self._resolving:
            self._cycle_met = True
            return {}, ()
        outer_met, self._cycle_met = self._cycle_met, False
        self._resolving.add(qualname)
        reads: list[tuple[str, str]] = []
        try:
            found = (self._compute_constant(qualname, reads), tuple(reads))
        finally:
            self._resolving.discard(qualname)
        if not self._cycle_met:
            self._constants[qualname] = found
        self._cycle_met = self._cycle_met or outer_met
        return found

    def _compute_constant(self, qualname: str, reads: list[tuple[str, str]]) -> Flow:
        """The defining module's `constants` entry, through re-exports (`pkg/__init__.py`), or the literal
        of a class attribute (`config.Production.DB_PASSWORD`)."""
        flow = FlowBuilder()
        for _ in range(4):
            owner, _, name = qualname.rpartition(".")
            path = self.function_paths.get(f"{owner}.<module>")
            if path is not None:
                reads.append(("m", path))
                taint = self.module(path).constants.get(name)
                if taint:
                    self._constant_atoms(taint, path, flow, reads)
                    return flow.flow
            writers = self.fields.get(qualname)
            if writers:
                reads.append(("f", qualname))
                for writer_name, taint in writers:
                    writer = self.function(writer_name)
                    if writer is not None:
                        reads.append(("m", writer.module.path))
                        self._constant_atoms(taint, writer.module.path, flow, reads)
                return flow.flow
            qualname = self._reexported(qualname)
            if not qualname:
                break
        return flow.flow

    def _constant_atoms(self, taint: Taint, path: str, flow: FlowBuilder, reads: list[tuple[str, str]]) -> None:
        for atom in canonical(taint):
            if atom[0] == "s":
                flow.put(("s", path, atom[1], atom[2]), ())
            elif atom[0] == CONSTANT:
                qualname = atom[1]
                assert isinstance(qualname, str)
                inner, inner_reads = self._constant_entry(qualname)
                reads.extend(inner_reads)
                for key, steps in inner.items():
                    flow.put(merge_cuts(key, atom[2]), steps)

    def _call_result(self, index: int, fn: _Fn) -> Flow:
        memo_key = (fn.module.path, fn.summary.qualname, index)
        trace = self.trace
        found = self._expand_memo.get(memo_key)
        if found is not None:
            feeds_itself = memo_key in self._expanding  # the answer so far of a call that feeds itself
            if feeds_itself or memo_key in self._unsure_calls:
                self._serial += 1
            if trace is not None:
                if feeds_itself:
                    trace.unsure(("c", *memo_key))
                else:
                    trace.use(("c", *memo_key))
            return found
        self._expand_memo[memo_key] = {}  # a call whose result feeds its own argument (x = f(x) in a loop)
        self._expanding.add(memo_key)
        serial = self._serial
        if trace is not None:
            trace.enter(("c", *memo_key), ("m", memo_key[0]))
        try:
            flow = self._compute_call_result(index, fn)
        finally:
            self._expanding.discard(memo_key)
            if trace is not None:
                trace.leave(0)
        if self._serial != serial:
            self._unsure_calls.add(memo_key)
        self._expand_memo[memo_key] = flow
        return flow

    def _compute_call_result(self, index: int, fn: _Fn) -> Flow:
        module = fn.module
        call = module.calls[index]
        caller = fn if call.caller == fn.summary.qualname else self._local(module, call.caller, fn)
        callee, bound, constructor = self.target(call)
        step = Step(Location(module.path, call.line, call.column), call.description)
        flow = FlowBuilder()
        if callee is None or constructor:
            everything = call.star
            for value in call.args:
                everything = everything | value
            for _, value in call.keywords:
                everything = everything | value
            if callee is None:  # it leaves the project: a secret given to it is not what it returns
                everything = outside_result(everything, call.callee, call.callee.rpartition(".")[2])
            everything = everything | call.receiver
            # A library the specs do not name: assumed to pass its data on, which the finding will say
            # (the first such call a value goes through is the one named).
            marker: frozenset[str] = frozenset({UNMODELLED + self._unmodelled_name(call.callee)}) \
                if callee is None else frozenset()
            for key, steps in self.expand(everything, caller).items():
                flow.put(merge_cuts(key, marker) if marker and not unmodelled(key[-1]) else key, steps)
        else:
            for key, steps in self._callee_returns(callee, call.position).items():
                if key[0] == "p":
                    passed = self.argument(call, callee.summary, key[1], bound, constructor)
                    for inner, before in self.expand(cut(passed, key[2]), caller).items():
                        flow.put(inner, (*before, step, *steps))
                else:
                    flow.put(key, (*steps, step))
        return flow.flow

    def _unmodelled_name(self, callee: str) -> str:
        """How a finding names a call that runs no project function: a library's, or (in a package of
        the project) one the link could not resolve (`UNRESOLVED`)."""
        tops = self._project_tops
        if tops is None:
            tops = self._project_tops = frozenset(module.partition(".")[0] for module in self.exports)
        return UNRESOLVED + callee if callee.partition(".")[0] in tops else callee

    # -- sink summaries -----------------------------------------------------------------
    def sinks(self, fn: _Fn) -> list[SinkEntry]:
        qual = (fn.module.path, fn.summary.qualname)
        trace = self.trace
        found = self._sinks.get(qual)
        if found is not None:
            if qual in self._unsure_sinks:
                self._serial += 1
            if trace is not None:
                trace.use(("s", *qual))
            return found
        if qual in self._busy or self._depth > MAX_DEPTH:
            self._serial += 1
            guess = self._prev_sinks.get(qual, [])
            self._guesses.append(("sinks", qual, _sink_keys(guess)))
            if trace is not None:
                trace.unsure(("s", *qual))
            return guess
        self._busy.add(qual)
        self._depth += 1
        serial = self._serial
        if trace is not None:
            trace.enter(("s", *qual), ("m", qual[0]))
        self.sinks_computed += 1
        try:
            entries = self._compute_sinks(fn)
        finally:
            self._depth -= 1
            self._busy.discard(qual)
            if trace is not None:
                trace.leave(1)
        if self._serial != serial:
            self._unsure_sinks.add(qual)
        self._sinks[qual] = entries
        return entries

    def _compute_sinks(self, fn: _Fn) -> list[SinkEntry]:
        entries: list[SinkEntry] = []
        seen: dict[tuple[Any, ...], int] = {}  # one entry per value and sink: ways in that differ only by an unmodelled call are one
        module = fn.module

        def add(key: Key, sink_module: ModuleSummary, sink: SinkEvent, steps: tuple[Step, ...]) -> None:
            cuts = key[-1]
            if settled(sink.kind, key[0], cuts):
                return  # neutralised for this sink class on the way (a parameter: not yet known)
            marked = bool(cuts) and has_unmodelled(cuts)
            ident = (without_unmodelled(key) if marked else key, sink_module.path, sink.line, sink.column, sink.kind)
            at = seen.get(ident)
            if at is None:
                seen[ident] = len(entries)
                entries.append((key, sink_module, sink, steps))
            elif not marked and has_unmodelled(entries[at][0][-1]):
                entries[at] = (key, sink_module, sink, steps)  # the modelled way in wins

        for sink in fn.summary.sinks:
            sink_step = Step(Location(module.path, sink.line, sink.column, sink.end_line, sink.end_column),
                             sink.description)
            local = tuple(Step(Location(module.path, line, column), text) for line, column, text in sink.steps)
            for key, steps in self.expand(sink.taint, fn).items():
                add(key, module, sink, (*steps, *after_last_call(local, steps), sink_step))
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
                local = argument_steps(module.path, call, callee.summary, key[1], bound, sink.kind) \
                    if call.steps else ()
                for outer, before in self.expand(passed, fn).items():
                    add(outer, sink_module, sink, (*before, *after_last_call(local, before), step, *steps))
        return entries

    # -- the fixed point and the flows --------------------------------------------------
    def flows(self) -> list[TaintFlow]:
        """Every source-to-sink flow in the project (one per source, sink and path start)."""
        return [flow for _, found in self.flows_by_function() for flow in found]

    def flows_by_function(self, only: Sequence[tuple[str, str]] | None = None,
                          carry: bool = True) -> list[tuple[tuple[str, str], list[TaintFlow]]]:
        """The flows `flows` finds, grouped by the function whose sink summary holds them, in order.

        `only` limits the link to those functions (path, qualname), in that order: for a
        recomputation that must need no fixed point (see `secreview.analysis.incremental`).
        `carry=False` computes every answer again in each round of the fixed point (the reference
        for `_carry_over`, which tests compare with).
        """
        result: list[tuple[tuple[str, str], list[TaintFlow]]] = []
        self._forget_answers()
        linked = self._linked(only)
        for _ in range(_MAX_ROUNDS):
            self._guesses = []
            self._stored_memo = {}
            result = self._collect(linked)
            if self._stable():
                break
            self._prev_ret, self._prev_sinks = self._ret, self._sinks
            if carry:
                self._carry_over()
            else:
                self._forget_answers()
        return result

    def _forget_answers(self) -> None:
        """Start a round with no answer memoised."""
        self._ret, self._sinks, self._expand_memo, self._param_memo = {}, {}, {}, {}
        self._position_memo, self._flows_memo = {}, {}
        self._forget_unsure()

    def _carry_over(self) -> None:
        """Start the next round with the answers of this one that used no stand-in (see `_serial`).

        Computed again, such an answer would be the same: it read only the summaries and other such
        answers. Only those that met a guess (and the answers that used them) wait for the next
        round's guesses; on real projects that is a small part of the link."""
        self._ret = {qual: flow for qual, flow in self._ret.items() if qual not in self._unsure_ret}
        self._sinks = {qual: entries for qual, entries in self._sinks.items() if qual not in self._unsure_sinks}
        self._expand_memo = {key: flow for key, flow in self._expand_memo.items() if key not in self._unsure_calls}
        self._param_memo = {key: flow for key, flow in self._param_memo.items() if key not in self._unsure_params}
        self._position_memo = {key: flow for key, flow in self._position_memo.items()
                               if key not in self._unsure_positions}
        self._forget_unsure()

    def _forget_unsure(self) -> None:
        self._unsure_ret, self._unsure_sinks, self._unsure_calls = set(), set(), set()
        self._unsure_params, self._unsure_positions = set(), set()

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

    def _linked(self, only: Sequence[tuple[str, str]] | None) -> list[tuple[tuple[str, str], _Fn]]:
        """The functions `_collect` links, with their summaries, in order (once per link, not per round):
        those of `only`, or every function with sinks or calls, in the first module that defines it."""
        found = []
        if only is None:
            only = [(shape.path, qualname) for shape in self.shapes for qualname, active in shape.functions
                    if active and self.function_paths[qualname] == shape.path]
        for qual in only:
            fn = self.function(qual[1])
            if fn is not None and fn.module.path == qual[0] and (fn.summary.sinks or fn.summary.calls):
                found.append((qual, fn))  # (`only` may name functions gone since, or with nothing to link)
        return found

    def _collect(self, linked: list[tuple[tuple[str, str], _Fn]]) -> list[tuple[tuple[str, str], list[TaintFlow]]]:
        result = []
        trace = self.trace
        for at, (qual, fn) in enumerate(linked):
            known = self._flows_memo.get(at)
            if known is not None:  # carried over from the previous round (see `_carry_over`)
                result.append((qual, known))
                continue
            serial = self._serial
            if trace is not None:
                trace.enter(("t", *qual), ("m", qual[0]))
            try:
                found = self._function_flows(fn)
            finally:
                if trace is not None:
                    trace.leave(0)
            if self._serial == serial:
                self._flows_memo[at] = found
            result.append((qual, found))
        return result

    def _function_flows(self, fn: _Fn) -> list[TaintFlow]:
        found: list[TaintFlow] = []
        for key, sink_module, sink, steps in self.sinks(fn):
            if key[0] == "s":
                if not self._helper_parameter(key[1], key[2]):
                    found.append(TaintFlow(self._source_module(key[1]), key[2], sink_module, sink, steps,
                                           unmodelled(key[-1])))
            elif key[0] == "f":
                found.extend(self._field_flows(key, sink_module, sink, steps))
            elif sink.kind in library.KINDS:  # a parameter: the caller's data, if this is library API
                found.extend(_library_flow(fn, key[1], sink_module, sink, steps))
        return found

    def _source_module(self, path: str) -> ModuleSummary:
        if self.trace is not None:
            self.trace.fact(("m", path))
        return self.module(path)

    def _field_flows(self, key: Key, sink_module: ModuleSummary, sink: SinkEvent,
                     steps: tuple[Step, ...]) -> list[TaintFlow]:
        """`self.x` read at a sink: the sources any method of the class stored into it."""
        found = []
        field = key[1]
        if self.trace is not None:
            self.trace.fact(("f", field))
        # Nova reads 1,200 fields at 17,000 sinks: each field's writers are expanded once a round
        # (without a trace, which must see every read). Expanded again, at the top of the link, they
        # would give the same (every answer they use is memoised); a stand-in met is met again.
        known = self._stored_memo.get(key) if self.trace is None else None
        stored_by = known if known is not None else []
        for at, (writer_name, taint) in enumerate(self.fields.get(field, ())):
            if known is not None:
                writer, stored, expanded, unsure = known[at]
                if unsure:
                    self._serial += 1
            else:  # in the same order as ever: the writers' expansions interleaved with their callers'
                writer, stored, expanded = self._stored(field, key, writer_name, taint, stored_by)
            for inner, before in expanded.items():
                if inner[0] == "s" and not neutralised(sink.kind, inner[-1]) \
                        and not self._helper_parameter(inner[1], inner[2]):
                    module = self._source_module(inner[1])
                    found.append(TaintFlow(module, inner[2], sink_module, sink, (*before, *stored, *steps),
                                           unmodelled(inner[-1])))
                elif inner[0] == "p":
                    if sink.kind in library.KINDS and not neutralised(sink.kind, inner[-1]) \
                            and library.stored_as_given(taint, inner[1]):
                        found.extend(_library_flow(writer, inner[1], sink_module, sink, (*before, *stored, *steps)))
                    # asked without the unmodelled calls the value went through (fewer distinct questions),
                    # which the answer then carries again
                    calls = frozenset(c for c in inner[-1] if c.startswith(UNMODELLED))
                    asked = (*inner[:-1], inner[-1] - calls) if calls else inner
                    for caller_key, caller_steps in self._param_sources(writer, asked).items():
                        caller_key = merge_cuts(caller_key, calls) if calls and not unmodelled(caller_key[-1]) \
                            else caller_key
                        if not neutralised(sink.kind, caller_key[-1]) \
                                and not self._helper_parameter(caller_key[1], caller_key[2]):
                            module = self._source_module(caller_key[1])
                            found.append(TaintFlow(module, caller_key[2], sink_module, sink,
                                                   (*caller_steps, *before, *stored, *steps),
                                                   unmodelled(caller_key[-1])))
        return found

    def _stored(self, field: str, key: Key, writer_name: str, taint: Taint,
                stored_by: list[_Stored]) -> tuple[_Fn, tuple[Step, ...], Flow]:
        """What writer `writer_name` stored in `field` (its taint cut as `key` says), expanded, and the
        step that says so; recorded in `stored_by` (and `stored_by` memoised once every writer is)."""
        writer = self.function(writer_name)
        assert writer is not None
        if self.trace is not None:
            self.trace.fact(("m", writer.module.path))
        # (a class attribute is set by the class statement in the module body: the source is that line)
        stored = () if writer.summary.name == "<module>" else (
            Step(Location(writer.module.path, writer.summary.line), f"stored in self.{field.rsplit('.', 1)[-1]}"),)
        serial = self._serial
        expanded = self.expand(cut(taint, key[2]), writer)
        if self.trace is None:
            stored_by.append((writer, stored, expanded, self._serial != serial))
            if len(stored_by) == len(self.fields[field]):
                self._stored_memo[key] = stored_by
        return writer, stored, expanded

    @staticmethod
    def _local(module: ModuleSummary, qualname: str, default: _Fn) -> _Fn:
        summary = module.functions.get(qualname)
        return _Fn(module, summary) if summary is not None else default

    def _callers(self, qualname: str) -> list[tuple[str, int]]:
        """The call sites (module path, call index) whose callee is the function `qualname`."""
        if self.callers_index is None:
            index: dict[str, list[tuple[str, int]]] = {}
            for shape in self.shapes:
                for position, call in enumerate(self.module(shape.path).calls):
                    callee = self.resolved(call.callee)[0]
                    if callee is not None:
                        index.setdefault(callee, []).append((shape.path, position))
            self.callers_index = index
        if self.trace is not None:
            self.trace.fact(("c", qualname))
        return self.callers_index.get(qualname, [])

    def _pending(self, module: ModuleSummary) -> dict[int, str]:
        """The module's sources that are secrets only if the project declares their key (memoised)."""
        found = self._pending_memo.get(module.path)
        if found is None or found[0] is not module:
            found = self._pending_memo[module.path] = (module, dict(module.pending))
        return found[1]

    def _undeclared(self, key: str) -> bool:
        """No module of the project declares `key` secret, in its group or in one it could not tell
        (`secreview.analysis.declared_secrets`)."""
        keys = keys_of(key)
        if self.trace is not None:
            for each in keys:
                self.trace.fact(("d", each))
        declared = self.index.declared
        return not any(each in declared for each in keys)

    def _helper_parameter(self, path: str, index: int) -> bool:
        """Source `index` of module `path` is a parameter of a function that only looks like a view
        (`def render(request, template_name, context=None)`) and that code of the project outside
        its tests calls: a helper, whose parameters hold what its callers pass (linked as such).

        A view is registered in a URL configuration, not called; tests call views directly, so
        their calls do not count.
        """
        if self.trace is not None:
            self.trace.fact(("m", path))
        module = self.module(path)
        known = self._view_sources.get(path)
        if known is None or known[0] is not module:
            known = self._view_sources[path] = (module, {
                index: qualname for qualname, summary in module.functions.items() for index in summary.view_sources})
        qualname = known[1].get(index) if known[1] else None
        return qualname is not None and any(not is_test_path(caller) for caller, _ in self._callers(qualname))

    def _param_sources(self, fn: _Fn, key: Key) -> Flow:
        """Sources the callers of `fn` pass for parameter `key` (one level up: constructors' callers).

        Asked only between functions' links (never while a summary is being computed), so
        every answer it reads is final and the same question always gets the same answer:
        memoised for the round (a field's writers are asked about once per sink reading it).
        """
        memo_key = (fn.module.path, fn.summary.qualname, key)
        found = self._param_memo.get(memo_key)
        trace = self.trace
        if found is not None:
            if memo_key in self._unsure_params:
                self._serial += 1
            if trace is not None:
                trace.use(("p", *memo_key))
            return found
        serial = self._serial
        if trace is not None:
            trace.enter(("p", *memo_key), ("m", memo_key[0]))
        try:
            found = self._param_memo[memo_key] = self._compute_param_sources(fn, key)
        finally:
            if trace is not None:
                trace.leave(0)
        if self._serial != serial:
            self._unsure_params.add(memo_key)
        return found

    def _compute_param_sources(self, fn: _Fn, key: Key) -> Flow:
        flow = FlowBuilder()
        for path, position in self._callers(fn.summary.qualname):
            module = self.module(path)
            call = module.calls[position]
            if self.trace is not None:
                self.trace.fact(("m", path))
            _, bound, constructor = self.target(call)
            passed = self.argument(call, fn.summary, key[1], bound, constructor)
            if not passed:
                continue  # most callers pass nothing for the parameter asked about (2 in 3 on Nova)
            summary = module.functions.get(call.caller)
            if summary is None:
                continue
            step = Step(Location(module.path, call.line, call.column), call.description)
            for outer, before in self.expand(cut(passed, key[2]), _Fn(module, summary)).items():
                if outer[0] == "s":
                    flow.put(outer, (*before, step))
        return flow.flow


def _library_flow(fn: _Fn, index: int, sink_module: ModuleSummary, sink: SinkEvent,
                  steps: tuple[Step, ...]) -> list[TaintFlow]:
    """Parameter `index` of `fn` reaching a sink of the library model, when `fn` is public API."""
    parameter = library.parameter_source(fn.summary, fn.module.module, fn.module.path, index)
    return [] if parameter is None else [TaintFlow(fn.module, -1, sink_module, sink, steps, parameter=parameter)]


def _sink_keys(entries: list[SinkEntry]) -> frozenset[Key]:
    return frozenset((key, module.path, sink.line, sink.column, sink.kind) for key, module, sink, _ in entries)
