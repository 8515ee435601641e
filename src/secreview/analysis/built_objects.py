"""Receivers this module builds itself: `command.execute(...)` on a plugin object is not a cursor's.

A method sink known only by its name (`execute`, duck-typed as a DB-API cursor's) stands for any
receiver whose kind the pass cannot see. When the receiver is a name bound to what a function of this
same module returns, and every `return` of that function builds an object from a class -- a class of
this module that defines the method, or a class looked up on a module imported by name at run time
(`import_module(f"{app}.management.commands.{name}").Command()`, Django's `load_command_class`;
not a driver's `connect()`, PEP 249's constructor of connections) --
the receiver is that project object, and its method is the project's, not a database driver's:
DB-API cursors come from a connection's `cursor()`, connections from a driver's `connect()`.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from secreview.analysis.names import DYNAMIC_IMPORTS
from secreview.rules.heuristics import scope_nodes

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

_DB_API_CONSTRUCTOR = "connect"


def project_object(fn: FunctionPass, func: ast.Attribute) -> bool:
    """`x.method(...)` where `x` holds an object of a project class built in this module (see module doc)."""
    receiver = func.value
    if type(receiver) is ast.Call:  # `Job(options).execute()`
        return _builds_object(fn, receiver, frozenset(), func.attr)
    if type(receiver) is not ast.Name:
        return False
    binding = fn.binding(receiver.id)
    if binding is None or binding.kind != "instance" or not binding.qualname:
        return False
    own_methods = fn.mod.own_methods
    if f"{binding.qualname}.{func.attr}" in own_methods:  # `x = Job(); x.execute()`: Job's own method
        return True
    producer = _function_node(fn, binding.qualname)
    if producer is None:
        return False
    returns = [node for node in scope_nodes(producer.body) if type(node) is ast.Return]
    loaded = _dynamically_imported(fn, producer)
    return bool(returns) and all(_builds_object(fn, node.value, loaded, func.attr) for node in returns)


def _function_node(fn: FunctionPass, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module-level function of this module named by `qualname`."""
    module, _, name = qualname.rpartition(".")
    if module != fn.mod.names.module:
        return None
    for node in fn.mod.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node
    return None


def _dynamically_imported(fn: FunctionPass, function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Names the function binds to a module it imports by name (`module = import_module(path)`)."""
    names: set[str] = set()
    for node in scope_nodes(function.body):
        if type(node) is ast.Assign and type(node.value) is ast.Call \
                and fn.mod.names.qualname(node.value.func) in DYNAMIC_IMPORTS:
            names.update(target.id for target in node.targets if type(target) is ast.Name)
    return frozenset(names)


def _builds_object(fn: FunctionPass, value: ast.expr | None, loaded: frozenset[str], method: str) -> bool:
    """`Job(...)` of a class of this module defining `method`, or `module.Name(...)` of a loaded module."""
    if type(value) is not ast.Call:
        return False
    called = value.func
    if type(called) is ast.Attribute and type(called.value) is ast.Name:
        # PEP 249's module constructor `connect()` of a driver imported by name makes a connection.
        return called.value.id in loaded and called.attr != _DB_API_CONSTRUCTOR
    qual = fn.mod.names.qualname(called) if type(called) is ast.Name else None
    return qual is not None and f"{qual}.{method}" in fn.mod.own_methods
