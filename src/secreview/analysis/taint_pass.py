"""What a function pass of the taint engine offers the modules that help it: its state and its operations.

The pass is `secreview.analysis.taint._FunctionPass`, built on this class through the `taint_*` modules
(`CallMatching`, then `ExpressionEvaluation`, then `StatementTransfer`: one line of single
inheritance, which mypyc compiles into one native class, where mixins would not compile). The helper
modules (`control`, `guards`, `containers`, `sink_events`, `views`, ...) are called by it and call
back into it; they see it through this class, so none of them imports the module that assembles it,
and this class says in one place what they may touch. The operations below are defined by the
classes built on it: here they only give the parts that come earlier in the line their signature.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from secreview.analysis.names import Binding
from secreview.analysis.specs import SourceSpec
from secreview.analysis.steps import Defs
from secreview.analysis.summaries import SinkEvent, Taint
from secreview.analysis.taint_state import Entry, ModuleState

Env = dict[str, Entry]  # name (or "obj.attr", "=name", "?flag", ...) -> its value; see `control`
Clean = dict[str, frozenset[str]]  # environment key -> the sink classes (or marks) a check clears; see `guards`
FlagFact = tuple[Clean, Clean, Env]  # a check held in a name: true-branch, false-branch cuts, taint when checked
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
StatementHandler = Callable[[Any, Any], None]  # (the pass, a statement): see `taint._STATEMENTS`


class FunctionPass:
    """Forward taint over one function body (or the module body): see `taint._FunctionPass`."""

    # One pass per function (a native class when compiled): slots make creating, reading and dropping them cheaper.
    __slots__ = ("bindings", "calls", "checked", "class_qual", "class_sources", "closure", "consts", "current",
                 "defs", "env", "exits", "flag_facts", "html_view", "loops", "made_by", "mod", "models", "nested", "node",
                 "numbered", "part_keys", "partials", "parts", "path_safe", "qualname", "quals", "receivers", "resolved",
                 "returns", "returns_at", "safe_fields", "self_name", "sinks", "texts", "tries")

    mod: ModuleState
    qualname: str
    node: ast.AST | None
    class_qual: str
    class_sources: Sequence[SourceSpec]
    self_name: str  # the first parameter of a method ("self"), "" elsewhere
    closure: Env
    env: Env | None  # None: this point is unreachable
    returns: Taint
    loops: list[list[Env | None]]  # per enclosing loop: [state at its breaks, state at its continues]
    tries: list[Env | None]  # per enclosing try: the state at the raises inside it
    exits: Env | None  # the states where paths ended (return, raise)
    consts: set[str]
    parts: dict[str, set[str]]
    part_keys: set[str]
    returns_at: list[Taint] | None
    html_view: bool
    texts: set[str]
    defs: Defs
    current: ast.AST | None  # the statement being run
    sinks: list[SinkEvent]
    calls: list[int]
    resolved: set[str]
    receivers: set[str]
    path_safe: set[str]
    safe_fields: dict[str, dict[str, frozenset[str]]]  # parameter -> its model's numeric fields -> their sinks
    nested: list[tuple[Definition, str]]  # the functions and classes defined here, run after this pass
    bindings: dict[str, Binding | None]
    quals: dict[str, str | None]
    partials: dict[str, ast.Call]
    checked: set[str]
    flag_facts: list[FlagFact]  # checks held in names (see flags)
    models: dict[str, str]  # parameter -> the project class its annotation names (stored_credentials)
    made_by: dict[str, ast.Call]  # local name -> the call whose result it holds now
    numbered: dict[str, frozenset[str]]  # parameters the framework converted -> the number sinks

    def run_body(self, body: Sequence[ast.stmt]) -> None:
        raise NotImplementedError

    def statement(self, stmt: ast.stmt) -> StatementHandler | None:
        """The handler of a statement (for `secreview.analysis.control`)."""
        raise NotImplementedError

    def ev(self, node: ast.expr) -> Taint:
        raise NotImplementedError

    def load_key(self, key: str) -> Taint:
        raise NotImplementedError

    def resolve(self, node: ast.expr) -> str | None:
        raise NotImplementedError

    def constant_text(self, node: ast.expr) -> object:
        raise NotImplementedError

    def binding(self, name: str) -> Binding | None:
        raise NotImplementedError

    def field_made(self, attribute: str) -> tuple[str, ast.Call] | None:
        raise NotImplementedError

    def key(self, target: ast.expr) -> str | None:
        raise NotImplementedError

    def bind(self, target: ast.expr, taint: Taint, value: ast.expr | None) -> None:
        raise NotImplementedError

    def bind_each(self, target: ast.expr, iterable: ast.expr, taint: Taint) -> None:
        raise NotImplementedError

    def apply_clean(self, clean: Clean) -> None:
        raise NotImplementedError

    def guard(self, test: ast.expr) -> tuple[Clean, Clean]:
        raise NotImplementedError

