"""What a function pass of the taint engine offers the modules that help it: its state and its operations.

The pass is `secreview.analysis.taint._FunctionPass`, assembled from mixins in the `taint_*` modules.
The helper modules (`control`, `guards`, `containers`, `sink_events`, `views`, ...) are called by it
and call back into it; they see it through this interface, so none of them imports the module that
imports it, and the interface says in one place what they may touch.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from secreview.analysis.names import Binding
from secreview.analysis.steps import Defs
from secreview.analysis.summaries import SinkEvent
from secreview.analysis.taint_state import ModuleState


class FunctionPass(Protocol):
    """Forward taint over one function body (or the module body): see `taint._FunctionPass`."""

    mod: ModuleState
    qualname: str
    node: ast.AST | None
    class_qual: str
    self_name: str  # the first parameter of a method ("self"), "" elsewhere
    closure: dict[str, frozenset]
    env: dict[str, frozenset] | None  # None: this point is unreachable
    loops: list[list]
    tries: list[dict | None]
    exits: dict[str, frozenset] | None
    consts: set[str]
    parts: dict[str, set[str]]
    part_keys: set[str]
    defs: Defs
    current: ast.AST | None  # the statement being run
    sinks: list[SinkEvent]
    resolved: set[str]
    texts: set[str]
    checked: set[str]
    flag_facts: list[tuple]  # flags.Fact: checks held in names
    models: dict[str, str]  # parameter -> the project class its annotation names (stored_credentials)
    made_by: dict[str, ast.Call]  # local name -> the call whose result it holds now

    def run_body(self, body: Iterable[ast.stmt]) -> None: ...

    @staticmethod
    def statement(stmt: ast.stmt) -> Callable[[Any, Any], None] | None: ...

    def ev(self, node: ast.expr) -> frozenset: ...

    def load_key(self, key: str) -> frozenset: ...

    def resolve(self, node: ast.expr) -> str | None: ...

    def constant_text(self, node: ast.expr) -> object: ...

    def binding(self, name: str) -> Binding | None: ...

    def field_made(self, attribute: str) -> tuple[str, ast.Call] | None: ...

    def key(self, target: ast.expr) -> str | None: ...

    def bind(self, target: ast.expr, taint: frozenset, value: ast.expr | None) -> None: ...

    def bind_each(self, target: ast.expr, iterable: ast.expr, taint: frozenset) -> None: ...

    def apply_clean(self, clean: dict[str, frozenset]) -> None: ...

    def guard(self, test: ast.expr) -> tuple[dict[str, frozenset], dict[str, frozenset]]: ...
