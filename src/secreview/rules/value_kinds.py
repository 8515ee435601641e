"""Values that cannot carry attacker-chosen text although they are not constants (issue 22).

The pattern rules' local data flow (`dataflow_hints`) calls a spliced part neutral when it is a
constant, a number or a quoted value. Two more kinds of value are as harmless, and mature code
splices them into SQL and HTML all the time:

- **a lookup in a constant table**: `self._isolation_lookup[level]` with `_isolation_lookup =
  {"READ UNCOMMITTED": 1, "SERIALIZABLE": 0}` in the class body is one of the table's values,
  whatever key the caller chose (an unknown key raises `KeyError`): integers here, which hold no
  quote, no markup and no code. The table is a module constant or a class attribute no method
  assigns, written as a dict literal (or one wrapped in a read-only view such as `immutabledict`).
- **a Django model's definition**: `model._meta.db_table`, `opts.pk.column` read through
  `_meta` are the table and column names the model's code declares (Django's `Options`), and a
  name derived from them only (`truncate_name(model._meta.db_table, 30)`,
  `ops._get_sequence_name(table)`) is a name too: identifiers the developer wrote, never request
  text. A value read *from* a model instance (`obj.name`) is the stored data, not the definition,
  and stays unknown.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from secreview.rules.base import Context
from secreview.rules.heuristics import name_of, scope_nodes

# Django ModelAdmin options that list field names (documented class attributes of the admin's code).
_ADMIN_OPTIONS = frozenset({"list_display", "list_display_links", "list_filter", "list_editable", "search_fields",
                            "readonly_fields", "sortable_by", "list_select_related", "date_hierarchy"})
_CODE_NAMES = frozenset({"__name__", "__qualname__"})
# Calls whose result is the text of their argument or a number: `str(i)`, `len(x)`.
_PASSING_CALLS = frozenset({"str", "int", "len", "repr"})
# Read-only views of a dict literal: the values are still the literal's.
_TABLE_WRAPPERS = frozenset({"dict", "immutabledict", "frozendict", "MappingProxyType", "FrozenDict", "ImmutableDict"})
# Functions that make a name out of names: `truncate_name`, `_get_sequence_name`, `quote_identifier`...
_MAKES_A_NAME = re.compile(r"(?:^|_)(?:names?|ident(?:ifier)?s?)$", re.IGNORECASE)


def constant_table_lookup(ctx: Context, node: ast.expr) -> bool:
    """`TABLE[key]` or `TABLE.get(key[, constant])` of a mapping whose every value is a constant."""
    if isinstance(node, ast.Subscript):
        table = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and 1 <= len(node.args) <= 2 and not node.keywords:
        if len(node.args) == 2 and not ctx.is_constant(node.args[1]):
            return False
        table = node.func.value
    else:
        return False
    literal = _table_literal(ctx, table)
    return literal is not None and all(v is not None and ctx.is_constant(v) for v in literal.values)


def _table_literal(ctx: Context, table: ast.expr) -> ast.Dict | None:
    """The dict literal a module constant or a class attribute (`self.X`, `cls.X`) is bound to, if any."""
    if isinstance(table, ast.Name):
        binding = ctx.names.lookup(table.id)
        if binding is None or binding.kind == "param" or ctx.names.module_scope.names.get(table.id) is not binding:
            return None  # a local or a parameter may hold anything by now
        return _unwrapped(binding.expr)
    if isinstance(table, ast.Attribute) and isinstance(table.value, ast.Name) and ctx.classes \
            and table.value.id in _receivers(ctx):
        return _class_attribute(ctx.classes[-1], table.attr)
    return None


def _receivers(ctx: Context) -> tuple[str, ...]:
    """The names `self` and `cls` go by in the enclosing method (its first parameter) and the class's own name."""
    function = ctx.function
    names: tuple[str, ...] = (ctx.classes[-1].name,)
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.args.args:
        names += (function.args.args[0].arg,)
    return names


def _class_attribute(cls: ast.ClassDef, attr: str) -> ast.Dict | None:
    """The dict literal `attr = {...}` in the class body, unless another statement of the class binds
    `attr` too (in its body, or `self.attr = ...` / `self.attr[k] = ...` in a method)."""
    found = [stmt.value for stmt in cls.body if _binds_in_body(stmt, attr)]  # type: ignore[attr-defined]
    if len(found) != 1:
        return None
    for method in cls.body:
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and _stores(method, attr):
            return None
    return _unwrapped(found[0])


def _binds_in_body(stmt: ast.stmt, attr: str) -> bool:
    """`attr = ...` or `attr: T = ...` in a class body."""
    if isinstance(stmt, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets)
    return isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr \
        and stmt.value is not None


def _stores(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str) -> bool:
    """The method assigns `<anything>.attr`, or an item or slice of it."""
    for node in ast.walk(method):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
            if isinstance(target, ast.Attribute) and target.attr == attr:
                return True
    return False


def _unwrapped(value: ast.expr | None) -> ast.Dict | None:
    if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords \
            and name_of(value.func) in _TABLE_WRAPPERS:
        value = value.args[0]
    return value if isinstance(value, ast.Dict) and None not in value.keys else None


def model_definition(node: ast.expr, neutral: Callable[[ast.expr], bool]) -> bool:
    """A name the model's code declares: read through `_meta`, or made by a name-making function from
    such names and other neutral values (`neutral` judges those; at least one argument is a name)."""
    if isinstance(node, ast.Attribute):
        base: ast.expr = node
        while isinstance(base, (ast.Attribute, ast.Subscript)):
            if isinstance(base, ast.Attribute) and base.attr == "_meta":
                return True
            base = base.value
        return False
    if isinstance(node, ast.Call) and node.args and _MAKES_A_NAME.search(name_of(node.func)):
        arguments = [*node.args, *(k.value for k in node.keywords)]
        return any(model_definition(a, neutral) for a in arguments) and all(
            model_definition(a, neutral) or neutral(a) for a in arguments)
    return False


def declared_option(node: ast.Attribute) -> bool:
    """`cl.list_display`, `self.search_fields`: an option the project's ModelAdmin declares."""
    return node.attr in _ADMIN_OPTIONS


def code_name(node: ast.Attribute) -> bool:
    """`view_func.__name__`: the name a function or class has in the code."""
    return node.attr in _CODE_NAMES


def returns_its_arguments(ctx: Context, call: ast.Call) -> bool:
    """`call` calls a function of this module whose every `return` gives one of its parameters, a
    parameter's `__name__`, a constant, the text of those or text formatted from them: its result is
    as neutral as its arguments."""
    if not isinstance(call.func, ast.Name) or call.keywords:
        return False
    binding = ctx.names.lookup(call.func.id)
    if binding is None or binding.kind != "def":
        return False
    function = next((s for s in ctx.tree.body if isinstance(s, ast.FunctionDef) and s.name == call.func.id), None)
    if function is None:
        return False
    parameters = {a.arg for a in (*function.args.posonlyargs, *function.args.args)}
    returns = [n for n in scope_nodes(list(function.body)) if isinstance(n, ast.Return)]
    return bool(returns) and all(n.value is not None and _from_parameters(n.value, parameters) for n in returns)


def _from_parameters(node: ast.expr, parameters: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in parameters
    if isinstance(node, ast.Attribute):
        return node.attr in _CODE_NAMES
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        return _from_parameters(node.left, parameters) and all(_from_parameters(r, parameters) for r in right)
    if isinstance(node, ast.Call) and name_of(node.func) in _PASSING_CALLS and isinstance(node.func, ast.Name):
        return all(_from_parameters(a, parameters) for a in node.args) and not node.keywords
    return False
