"""What linking works with: keys and flows, module shapes and the project index, the trace of answers,
the steps of a path.

A *key* names where a value's data came from (a source, a parameter, a field, with the sink classes
cut from it); a *flow* maps keys to the steps that carried them here. `secreview.analysis.flows`
builds flows over the whole project; `secreview.analysis.incremental` keeps the index and trace
beside a cached result to re-link only what an edit can change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from secreview.analysis.modules import Namespaces
from secreview.analysis.specs import UNMODELLED
from secreview.analysis.steps import for_sink
from secreview.analysis.summaries import (
    Atom,
    CallSite,
    FunctionSummary,
    ModuleSummary,
    SinkEvent,
    SourceInfo,
    Taint,
)
from secreview.core.model import Location, Step

# ("s", module path, index, cuts) | ("p", index, cuts) | ("f", field, cuts): of two lengths, the cuts last
Key = tuple[Any, ...]
Flow = dict[Key, tuple[Step, ...]]  # how the value got from the key's origin to here
TraceKey = tuple[Any, ...]  # what a `Trace` entry stands for: ("r" | "s" | "c" | "p", path, qualname, ...)


@dataclass(frozen=True)
class TaintFlow:
    """One source reaching one sink."""

    source_module: ModuleSummary
    source_index: int
    sink_module: ModuleSummary
    sink: SinkEvent
    steps: tuple[Step, ...]  # calls between the source and the sink (the sink step last)
    unmodelled: tuple[str, ...] = ()  # calls no spec models that the value was assumed to pass through
    parameter: SourceInfo | None = None  # the source is a public function's parameter (analysis.library)

    @property
    def source(self) -> SourceInfo:
        """Where the data entered: a source of the source module, or a library API parameter."""
        return self.parameter or self.source_module.sources[self.source_index]


@dataclass(frozen=True)
class Shape:
    """What linking needs of a module to resolve names and order its functions, without its summary."""

    path: str
    module: str
    functions: tuple[tuple[str, bool], ...]  # (qualname, has sinks or calls: its flows are collected)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exports: dict[str, str] = field(default_factory=dict)
    fields: tuple[tuple[str, str, Taint], ...] = ()
    declared: tuple[str, ...] = ()  # keys of the secrets it declares (analysis.declared_secrets)


@dataclass
class Index:
    """The names of a project, for resolving calls without any module's summary."""

    function_paths: dict[str, str]  # function qualname -> path of the first module defining it
    classes: dict[str, tuple[str, ...]]  # class qualname -> base qualnames (the first module's)
    exports: dict[str, dict[str, str]]  # module name -> its re-exports (the first module's)
    fields: dict[str, list[tuple[str, str, Taint]]]  # field -> (recording module's path, writer, taint)
    namespaces: Namespaces = field(default_factory=Namespaces)  # how the summaries were renamed for the link
    declared: dict[str, list[str]] = field(default_factory=dict)  # declared secret -> paths of the modules declaring it


def index_of(shapes: Sequence[Shape], namespaces: Namespaces = Namespaces()) -> Index:
    index = Index({}, {}, {}, {}, namespaces)
    for shape in shapes:
        index.exports.setdefault(shape.module, shape.exports)
        for qualname, _ in shape.functions:
            index.function_paths.setdefault(qualname, shape.path)
        for qualname, bases in shape.classes.items():
            index.classes.setdefault(qualname, bases)
    for shape in shapes:
        for name, writer, taint in shape.fields:
            index.fields.setdefault(name, []).append((shape.path, writer, taint))
        for key in shape.declared:
            index.declared.setdefault(key, []).append(shape.path)
    return index


def shape_of(module: ModuleSummary) -> Shape:
    return Shape(module.path, module.module,
                 tuple((q, bool(f.sinks or f.calls)) for q, f in module.functions.items()),
                 module.classes, module.exports, module.fields, module.declared)


class Unsure(Exception):
    """A recomputation met recursion or the depth limit: its answers may depend on what ran before."""


class Fallback(Exception):
    """The re-link cannot be sure to match the full link: link everything.

    Raised by `incremental` and by the record links' re-link (`project_records.Relinker`)."""


class Trace:
    """What each memoised answer of a link consulted, for re-linking only what an edit can change.

    Every answer (a function's return or sink summary, a call's result, a function's
    flows) is an entry: its *facts* are what it read directly (("m", path) a module's
    summary, ("r", name) how a callee name resolves, ("f", field) the writers of a field,
    ("c", qualname) the callers of a function, ("d", key) whether a secret is declared), its *children* the answers it used. An entry is *unsure* when it, or an
    answer it used, met recursion (an answer still being computed) or the depth limit:
    its value depends on the order of the link, not only on what it consulted. `height`
    is the longest chain of nested summaries below an entry (the depth limit is safe to
    ignore while every chain stays under it). With `strict`, an unsure event raises
    `Unsure` instead.
    """

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.ids: dict[TraceKey, int] = {}
        self.facts: list[set[tuple[str, str]]] = []
        self.children: list[set[int]] = []
        self.unsure_ids: set[int] = set()
        self.heights: list[int] = []
        self._stack: list[_Entry] = []  # the entries being computed
        self._top: _Entry | None = None  # the last of the stack (every call of a link asks for it)

    def _id(self, key: TraceKey) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.facts)
            self.facts.append(set())
            self.children.append(set())
            self.heights.append(0)
        return found

    def enter(self, key: TraceKey, fact: tuple[str, str]) -> None:
        ident = self._id(key)
        if self._top is not None:
            self._top.children.add(ident)
        facts = self.facts[ident]
        facts.add(fact)
        self._top = _Entry(ident, facts, self.children[ident])
        self._stack.append(self._top)

    def leave(self, levels: int) -> None:
        entry = self._stack.pop()
        self._top = self._stack[-1] if self._stack else None
        ident = entry.ident
        self.heights[ident] = max(self.heights[ident], entry.height + levels)
        if entry.unsure:
            self.unsure_ids.add(ident)
        self._merge(ident)

    def use(self, key: TraceKey) -> None:
        """A memoised answer was used by the entry being computed."""
        if self._top is not None:
            ident = self._id(key)
            self._top.children.add(ident)
            self._merge(ident)

    def _merge(self, ident: int) -> None:
        top = self._top
        if top is not None:
            if ident in self.unsure_ids:
                top.unsure = True
            top.height = max(top.height, self.heights[ident])

    def unsure(self, key: TraceKey) -> None:
        """An answer from a previous round or a cut-off stood in for `key`."""
        if self.strict:
            raise Unsure(repr(key))
        if self._top is not None:
            self._top.children.add(self._id(key))
            self._top.unsure = True

    def fact(self, fact: tuple[str, str]) -> None:
        if self._top is not None:
            self._top.facts.add(fact)


class _Entry:
    """A `Trace` entry being computed: whether it is unsure yet, its height so far, what it consulted."""

    __slots__ = ("children", "facts", "height", "ident", "unsure")

    def __init__(self, ident: int, facts: set[tuple[str, str]], children: set[int]) -> None:
        self.ident = ident
        self.unsure = False
        self.height = 0
        self.facts = facts
        self.children = children


def _atom_order(atom: Atom) -> tuple[str, int | str, tuple[str, ...]]:
    """A total order on atoms that does not depend on the hash seed (kind, index or field, cuts)."""
    cuts = atom[-1]
    return atom[0], atom[1], tuple(sorted(cuts)) if cuts else ()


def canonical(taint: Taint) -> Iterable[Atom]:
    """The atoms of `taint` in a fixed order.

    A frozenset iterates in an order that follows string hashes, which change with
    PYTHONHASHSEED. The order atoms are expanded in decides which path is kept for a
    key (the first found) and where a recursive call is cut (memo and busy summaries
    answer what is known so far), so the flows found would change from run to run.
    """
    return taint if len(taint) < 2 else sorted(taint, key=_atom_order)


def merge_cuts(key: Key, cuts: frozenset[str]) -> Key:
    if not cuts:
        return key
    return (*key[:-1], key[-1] | cuts)


# cuts -> the same cuts without the unmodelled calls they name. A link asks this of the same few
# hundred cut sets millions of times (every key put in a flow, every sink entry); a frozenset keeps
# its hash, so the lookup is cheaper than the scan. Cleared when it grows (a long-lived process).
_PLAIN: dict[frozenset[str], frozenset[str]] = {}
_PLAIN_MAX: Final = 1 << 16


def _plain(cuts: frozenset[str]) -> frozenset[str]:
    found = _PLAIN.get(cuts)
    if found is None:
        if len(_PLAIN) >= _PLAIN_MAX:
            _PLAIN.clear()
        found = _PLAIN[cuts] = frozenset(c for c in cuts if not c.startswith(UNMODELLED))
    return found


def has_unmodelled(cuts: frozenset[str]) -> bool:
    return bool(cuts) and len(_plain(cuts)) != len(cuts)


def without_unmodelled(key: Key) -> Key:
    """`key` without the unmodelled calls named in its cuts: the value, however it came."""
    return (*key[:-1], _plain(key[-1]))


class FlowBuilder:
    """A flow under construction that holds one key per value: keys that differ only in which
    unmodelled call they name (`~unmodelled:...` in their cuts) are one value reached two ways.
    Keeping each variant multiplied the keys by the number of library calls a value can pass
    through, at every call level: the standard library's link grew past 10 GB. A modelled way in
    wins over an unmodelled one (the finding then keeps its confidence); otherwise the first wins."""

    __slots__ = ("_bases", "flow")

    def __init__(self) -> None:
        self.flow: Flow = {}
        self._bases: dict[Key, Key] = {}

    def put(self, key: Key, steps: tuple[Step, ...]) -> None:
        flow = self.flow
        if key in flow:
            return
        cuts = key[-1]
        marked = bool(cuts) and has_unmodelled(cuts)
        base = without_unmodelled(key) if marked else key
        existing = self._bases.get(base)
        if existing is not None:
            if marked or not has_unmodelled(existing[-1]):
                return  # the value is there already; an unmodelled way in never displaces another
            del flow[existing]  # the modelled way in replaces the unmodelled one
        self._bases[base] = key
        flow[key] = steps


def argument_steps(path: str, call: CallSite, callee: FunctionSummary, index: int, bound: bool,
                   kind: str) -> tuple[Step, ...]:
    """The caller's steps that built what `call` passes for the callee's parameter `index`
    (the parameter `flows.Project.argument` gives the taint of)."""
    position = index - 1 if bound else index
    name = callee.params[index] if index < len(callee.params) else ""
    wanted: set[int | str | None] = set()
    if bound and index == 0:
        wanted.add(None)
    elif index == callee.vararg:
        wanted.update(range(position, len(call.args)))
    elif index == callee.kwarg:
        wanted.update(key for key, _ in call.keywords if key not in callee.params)
    else:
        wanted.update((position, name))
    found = {(line, column): for_sink(text, kind) for marker, built in call.steps if marker in wanted
             for line, column, text in built}
    return tuple(Step(Location(path, line, column), text) for (line, column), text in sorted(found.items()))


def after_last_call(local: tuple[Step, ...], steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The local steps that come after the last call step of the same file (those before it are
    how arguments were built for an earlier call, not how this value got here)."""
    if not local or not steps:
        return local
    last = steps[-1].location
    return tuple(s for s in local if s.location.path != last.path or s.location.line >= last.line)
