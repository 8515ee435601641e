"""Single-statement answers to "how was this value built, and from what?".

Injection and resource rules report a defect, not a shape: a query string is
a defect when part of it is spliced in at run time *and* that part is not
neutralised; a path is a traversal when part of it comes from a request. The
taint engine answers these questions across statements and functions; this
module is the local approximation the pattern rules share, looking through a
local variable to the expression last assigned to it (`Context.assigned_value`)
a few levels deep, and through the enclosing `with` statement for the object
a name was bound to.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from secreview.analysis.specs import ALL
from secreview.analysis.specs import load as load_specs
from secreview.analysis.values import spell
from secreview.core.model import Confidence
from secreview.rules.base import Context
from secreview.rules.heuristics import REQUEST_ATTRS, in_test_code, name_of, walk_body
from secreview.rules.value_kinds import (
    code_name,
    constant_table_lookup,
    declared_option,
    model_definition,
    returns_its_arguments,
)

# How deep to look through `x = ...; y = x + ...; sink(y)`.
_DEPTH = 3

# Calls whose result cannot carry attacker-chosen text into a string: numbers,
# lengths and booleans. Rules add their own neutralisers (quoting, escaping).
NUMERIC_CALLS = frozenset({"int", "float", "len", "bool", "round", "abs", "uuid.UUID", "decimal.Decimal"})

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsab%])")
_NUMERIC_CONVERSIONS = frozenset("diouxXeEfFgG")

# Web request data as frameworks spell it, by qualified name.
_REQUEST_QUALNAMES = ("flask.request", "quart.request", "bottle.request", "sanic.request")
_REQUEST_NAMES = frozenset({"request", "req"})
# Request attributes the client cannot fill with arbitrary text.
_REQUEST_FACTS = frozenset({"method", "remote_addr", "scheme", "is_secure", "endpoint", "blueprint", "url_rule",
                            "content_length", "is_json", "mimetype", "content_type", "max_content_length",
                            "environ"})  # environ mixes server-set keys with HTTP_* headers: stay quiet
# Route decorators bind URL parts to parameters: Flask `<name>`, FastAPI/Starlette `{name}`.
_FLASK_PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_BRACE_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_NUMERIC_CONVERTERS = frozenset({"int", "float", "uuid"})
# FastAPI converts path parameters by annotation: `item_id: int` cannot carry text.
_NUMERIC_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "date", "datetime", "Decimal"})
# Functions whose names say they validate or clean what they are given (`get_safe_redirect`,
# `sanitize_path`, `validate_url`): a single statement cannot judge them, so it trusts them.
_SANITISING_NAME = re.compile(r"safe|saniti[sz]|valid|clean|allow|whitelist|url_for", re.IGNORECASE)
# gettext and friends: the text is the developer's, translated.
_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
                           "ugettext", "ugettext_lazy", "lazy_gettext"})
_ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "websocket"})


@dataclass(frozen=True)
class BuiltString:
    """A string assembled at run time from literal text and non-constant parts."""

    how: str  # "an f-string", "concatenation", "%-formatting", "str.format()"
    literal: str  # the literal text around the parts, for shape checks (SQL, LDAP filter)
    parts: tuple[ast.expr, ...]  # the non-constant parts that are not neutralised
    via: str = ""  # the local variable the string was assigned to, if it went through one
    node: ast.expr | None = None  # the expression that builds it (`splice_places` reads the text around each part)

    def describe(self) -> str:
        where = f" (assigned to `{self.via}`)" if self.via else ""
        shown = ", ".join(f"`{_short(p)}`" for p in self.parts[:3])
        return f"{self.how}{where} splicing in {shown}"


def _short(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def call_names(ctx: Context, call: ast.Call) -> tuple[str, ...]:
    """The names a call is known by: its qualified name and its bare attribute/function name."""
    names = []
    qual = ctx.call_name(call)
    if qual:
        names.append(qual)
    bare = name_of(call.func)
    if bare:
        names.append(bare)
    return tuple(names)


def carries_no_text(ctx: Context, call: ast.Call) -> bool:
    """The call returns a value that holds none of its input's text (a number, a date, a digest):
    the sanitisers of every sink class in the taint specs (`sanitisers.toml`), one list for both layers."""
    specs = load_specs()
    if any(ALL in specs.sanitiser_calls.get(name, ()) for name in call_names(ctx, call)):
        return True
    return isinstance(call.func, ast.Attribute) and ALL in specs.sanitiser_methods.get(call.func.attr, ())


def neutral(ctx: Context, node: ast.expr, neutralisers: Iterable[str] = ()) -> bool:
    """`node` cannot carry attacker-chosen text (see `_neutral`): a rule asks this of a whole value,
    such as source text a function generates from constants and counters before running it."""
    return _neutral(ctx, node, frozenset(neutralisers))


def _neutral(ctx: Context, node: ast.expr, neutralisers: frozenset[str], depth: int = _DEPTH) -> bool:
    """A part that cannot carry attacker-chosen text: a constant, a number, an escaped or
    quoted value, a translated literal, or a local variable assigned one of those."""
    if ctx.is_constant(node):
        return True
    if isinstance(node, ast.Name) and depth > 0:
        assigned = ctx.assigned_value(node)
        if assigned is not None and assigned is not node and _neutral(ctx, assigned, neutralisers, depth - 1):
            return True
    if isinstance(node, (ast.Name, ast.Attribute)) and _counted_up(ctx, node):
        return True
    if isinstance(node, ast.Name) and depth > 0:
        return _every_value_neutral(ctx, node.id, neutralisers, depth - 1)
    if isinstance(node, ast.Call):
        names = call_names(ctx, node)
        if any(n in NUMERIC_CALLS or n in neutralisers for n in names) or carries_no_text(ctx, node):
            return True
        bare = name_of(node.func).lower()
        if "quote" in bare or "escape" in bare:
            return True  # quote_name(), conditional_escape(), ...: the dialect's own neutraliser
        if bare in _TRANSLATIONS and all(ctx.is_constant(a) for a in node.args):
            return True
        if bare == "str" and len(node.args) == 1 and _neutral(ctx, node.args[0], neutralisers, depth):
            return True  # the text of a neutral value
        if returns_its_arguments(ctx, node) and all(_neutral(ctx, a, neutralisers, depth) for a in node.args):
            return True  # `_coerce_field_name(field, i)` of neutral arguments
        if _join_of(ctx, node, neutralisers, depth):
            return True
    if isinstance(node, (ast.Subscript, ast.Call)) and constant_table_lookup(ctx, node):
        return True  # one of a constant table's values, whatever the key
    if isinstance(node, ast.Attribute) and (declared_option(node) or code_name(node)):
        return True  # `cl.list_display`, `func.__name__`: what the code itself declares
    if depth > 0 and isinstance(node, (ast.Attribute, ast.Call)) and model_definition(
            node, lambda part: _neutral(ctx, part, neutralisers, depth - 1)):
        return True  # `model._meta.db_table`: a name the model's code declares
    return depth > 0 and _formatted_from_neutral(ctx, node, neutralisers, depth - 1)


def _formatted_from_neutral(ctx: Context, node: ast.expr, neutralisers: frozenset[str], depth: int) -> bool:
    """Text formatted from constant text and neutral values only (`"i%d" % i`, `f"{a}_{b}"` of neutral
    `a` and `b`): it holds nothing a neutral value could not."""
    if isinstance(node, ast.JoinedStr):
        return all(not isinstance(v, ast.FormattedValue) or _numeric_spec(ctx, v)
                   or _neutral(ctx, v.value, neutralisers, depth) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        values = _percent_values(ctx, node)
        return values is not None and all(numeric or _neutral(ctx, v, neutralisers, depth) for v, numeric in values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return all(_neutral(ctx, o, neutralisers, depth) for o in operands(node))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(ctx.constant_value(node.func.value), str) and all(
            _neutral(ctx, v, neutralisers, depth) for v in (*node.args, *(k.value for k in node.keywords)))
    return False


def _counted_up(ctx: Context, node: ast.Name | ast.Attribute) -> bool:
    """The function adds or subtracts a number to `node` (`self.counter += 1`): it holds a number,
    since `+=` of a string and a number raises."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    text = spell(node)
    return any(type(n) is ast.AugAssign and isinstance(n.op, (ast.Add, ast.Sub)) and type(n.value) is ast.Constant
               and type(n.value.value) in (int, float) and spell(n.target) == text for n in walk_body(function))


def _every_value_neutral(ctx: Context, name: str, neutralisers: frozenset[str], depth: int) -> bool:
    """Every value the function assigns to the local `name` is neutral, counting `name` itself as neutral
    inside them (`value = quote(c)`, then `value = "TO_CHAR(%s)" % value`): by induction over the
    assignments, so is every value it holds. A parameter, or a name bound any other way (a loop, a
    `with`, unpacking), is not judged."""
    function = ctx.function
    if depth < 0 or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return False
    values: list[ast.expr] = []
    for node in walk_body(function):
        if type(node) is ast.Assign:
            for target in node.targets:
                if type(target) is ast.Name and target.id == name:
                    values.append(node.value)
                elif type(target) is not ast.Name and _binds(target, name):
                    return False
        elif type(node) in (ast.AugAssign, ast.AnnAssign) and _binds(node.target, name):  # type: ignore[attr-defined]
            if node.value is not None:  # type: ignore[attr-defined]
                values.append(node.value)  # type: ignore[attr-defined]
        elif type(node) in (ast.For, ast.comprehension) and _binds(node.target, name):  # type: ignore[attr-defined]
            if not _loop_item_neutral(ctx, node, name, neutralisers, depth):  # type: ignore[arg-type]
                return False
            values.append(ast.Name(id=name, ctx=ast.Load()))  # neutral by the loop, as `name` is inside values
        elif _binds(_bound_otherwise(node), name):
            return False
    return bool(values) and all(_neutral_over(ctx, value, name, neutralisers, depth) for value in values)


def _loop_item_neutral(ctx: Context, loop: ast.For | ast.comprehension, name: str, neutralisers: frozenset[str],
                       depth: int) -> bool:
    """The loop binds `name` to an index (`for i, x in enumerate(...)`) or to an item of a neutral
    collection (`for field in cl.list_display`, `for c in "abc"`)."""
    target, iterable = loop.target, loop.iter
    if type(iterable) is ast.Call and name_of(iterable.func) == "enumerate" and iterable.args \
            and type(target) is ast.Tuple and len(target.elts) == 2:  # type: ignore[attr-defined]
        index, item = target.elts  # type: ignore[attr-defined]
        if type(index) is ast.Name and index.id == name:  # type: ignore[attr-defined]
            return True
        target, iterable = item, iterable.args[0]  # type: ignore[attr-defined]
    return type(target) is ast.Name and _neutral(ctx, iterable, neutralisers, depth)


def _neutral_items(ctx: Context, name: str, neutralisers: frozenset[str], depth: int) -> bool:
    """The local list `name` only ever holds neutral items: every value assigned to it is a list or
    tuple literal of neutral items, and every item `append`, `insert` or `extend` adds is neutral."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return False
    items: list[ast.expr] = []
    assigned = False
    for node in walk_body(function):
        if type(node) is ast.Assign and any(_binds(t, name) for t in node.targets):  # type: ignore[attr-defined]
            value = node.value  # type: ignore[attr-defined]
            if len(node.targets) != 1 or type(node.targets[0]) is not ast.Name or \
                    type(value) not in (ast.List, ast.Tuple):  # type: ignore[attr-defined]
                return False
            items.extend(value.elts)  # type: ignore[attr-defined]
            assigned = True
        elif type(node) is ast.Call and type(node.func) is ast.Attribute and type(node.func.value) is ast.Name \
                and node.func.value.id == name:  # type: ignore[attr-defined]
            method, args = node.func.attr, node.args  # type: ignore[attr-defined]
            if method == "append" and len(args) == 1:
                items.append(args[0])
            elif method == "insert" and len(args) == 2:
                items.append(args[1])
            elif method == "extend" and len(args) == 1 and type(args[0]) in (ast.List, ast.Tuple):
                items.extend(args[0].elts)  # type: ignore[attr-defined]
            elif method not in _READING_METHODS:
                return False
        elif type(node) is ast.Call and any(type(a) is ast.Name and a.id == name for a in node.args) \
                and name_of(node.func) not in _READING_CALLS:  # type: ignore[attr-defined]
            return False  # handed to a function that may add to it
        elif type(node) is not ast.Assign and _binds(_bound_otherwise(node), name) or \
                type(node) in (ast.AugAssign, ast.AnnAssign) and _binds(node.target, name):  # type: ignore[attr-defined]
            return False
    return assigned and all(type(i) is not ast.Starred and _neutral(ctx, i, neutralisers, depth) for i in items)


# List methods that read or reorder a list without adding to it, and calls that only read one.
_READING_METHODS = frozenset({"index", "count", "copy", "sort", "reverse", "pop", "remove", "clear"})
_READING_CALLS = frozenset({"join", "len", "list", "tuple", "sorted", "set", "frozenset", "bool", "any", "all"})


def _bound_otherwise(node: ast.AST) -> ast.AST:
    """What a loop, comprehension, `with ... as` or `:=` binds (an empty node for anything else)."""
    if type(node) in (ast.For, ast.AsyncFor, ast.comprehension, ast.NamedExpr):
        return node.target  # type: ignore[attr-defined]
    if type(node) is ast.withitem and node.optional_vars is not None:  # type: ignore[attr-defined]
        return node.optional_vars  # type: ignore[attr-defined]
    return ast.Pass()


def _binds(target: ast.AST, name: str) -> bool:
    return any(type(n) is ast.Name and n.id == name for n in ast.walk(target))  # type: ignore[attr-defined]


def _neutral_over(ctx: Context, node: ast.expr, name: str, neutralisers: frozenset[str], depth: int) -> bool:
    """`node` is neutral when `name` is: constant text around `name` and other neutral parts."""
    if type(node) is ast.Name and node.id == name:
        return True
    if type(node) is ast.BinOp and type(node.op) is ast.Mod and isinstance(ctx.constant_value(node.left), str):
        right = node.right
        parts = right.elts if type(right) is ast.Tuple else [right]  # type: ignore[attr-defined]
        return all(_neutral_over(ctx, part, name, neutralisers, depth) for part in parts)
    if type(node) is ast.BinOp and type(node.op) is ast.Add:
        return all(_neutral_over(ctx, part, name, neutralisers, depth) for part in (node.left, node.right))
    if type(node) is ast.JoinedStr:
        return all(type(v) is ast.Constant or _neutral_over(ctx, v.value, name, neutralisers, depth)  # type: ignore[attr-defined]
                   for v in node.values)
    return _neutral(ctx, node, neutralisers, depth)


def _join_of(ctx: Context, node: ast.Call, neutralisers: frozenset[str], depth: int) -> bool:
    """`", ".join(["%s"] * len(ids))`, `",".join("?" for _ in ids)`, `", ".join(qn(c) for c in cols)`:
    a join of placeholders or of neutral values is neutral."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "join" and len(node.args) == 1):
        return False
    if not ctx.is_constant(node.func.value):
        return False
    arg = node.args[0]
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mult):
        return ctx.is_constant(arg.left) or ctx.is_constant(arg.right)
    if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
        return _neutral(ctx, arg.elt, neutralisers, depth - 1)
    if isinstance(arg, ast.Name):
        return _neutral_items(ctx, arg.id, neutralisers, depth - 1)  # `" ".join(row_classes)`
    return False


def built_string(
    ctx: Context, node: ast.expr | None, neutralisers: Iterable[str] = (), depth: int = _DEPTH
) -> BuiltString | None:
    """If `node` is a string built at run time with non-neutral parts, how it was built.

    Looks through a local variable to what was assigned to it. Constants,
    parameters and values of unknown construction give None: those are the
    taint engine's question, not a pattern's.
    """
    if node is None or ctx.is_constant(node):
        return None
    safe = frozenset(neutralisers)
    if isinstance(node, ast.Name):
        if depth <= 0:
            return None
        assigned = ctx.assigned_value(node)
        if assigned is None or assigned is node:
            return None
        inner = built_string(ctx, assigned, safe, depth - 1)
        if inner is None:
            return None
        return BuiltString(inner.how, inner.literal, inner.parts, inner.via or node.id, inner.node)
    if isinstance(node, ast.JoinedStr):
        literal, parts = [], []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                literal.append(value.value)
            elif isinstance(value, ast.FormattedValue) and not _numeric_spec(ctx, value) \
                    and not _neutral(ctx, value.value, safe):
                parts.append(value.value)
        return BuiltString("an f-string", "".join(literal), tuple(parts), node=node) if parts else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _concatenation(ctx, node, safe, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _percent(ctx, node, safe)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = ctx.constant_value(node.func.value)
        if not isinstance(template, str):
            return None
        values = [*node.args, *(k.value for k in node.keywords)]
        parts = [v for v in values if not _neutral(ctx, v, safe)]
        return BuiltString("str.format()", template, tuple(parts), node=node) if parts else None
    return None


def operands(node: ast.expr) -> Iterator[ast.expr]:
    """The operands of a chain of `+`: `a + b + c` -> a, b, c."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from operands(node.left)
        yield from operands(node.right)
    else:
        yield node


def _concatenation(ctx: Context, node: ast.BinOp, safe: frozenset[str], depth: int) -> BuiltString | None:
    literal: list[str] = []
    parts: list[ast.expr] = []
    saw_text = False
    for operand in operands(node):
        value = ctx.constant_value(operand)
        if isinstance(value, str):
            literal.append(value)
            saw_text = True
            continue
        if _neutral(ctx, operand, safe):
            continue
        inner = built_string(ctx, operand, safe, depth - 1) if depth > 0 else None
        if inner is not None:
            literal.append(inner.literal)
            parts.extend(inner.parts)
            saw_text = True
        else:
            parts.append(operand)
    if not saw_text or not parts:
        return None  # `a + b` of unknowns may be arithmetic, not a string being built
    return BuiltString("concatenation", "".join(literal), tuple(parts), node=node)


def _percent(ctx: Context, node: ast.BinOp, safe: frozenset[str]) -> BuiltString | None:
    values = _percent_values(ctx, node)
    if values is None:
        return None
    parts = [value for value, numeric in values if not numeric and not _neutral(ctx, value, safe)]
    template: str = ctx.constant_value(node.left)  # type: ignore[assignment]  # a str: _percent_values said so
    return BuiltString("%-formatting", template, tuple(parts), node=node) if parts else None


def _percent_values(ctx: Context, node: ast.BinOp) -> list[tuple[ast.expr, bool]] | None:
    """The values `%`-formatting with a constant template merges, each with whether its conversion is
    numeric (`%d`: only a number passes); None when the template is not a constant string."""
    template = ctx.constant_value(node.left)
    if not isinstance(template, str):
        return None
    if isinstance(node.right, ast.Dict):
        return [(v, False) for v in node.right.values if v is not None]
    conversions = percent_conversions(template)
    values = list(node.right.elts) if isinstance(node.right, ast.Tuple) else [node.right]
    counted = len(conversions) == len(values)
    return [(value, counted and conversions[index] in _NUMERIC_CONVERSIONS) for index, value in enumerate(values)]


def _numeric_spec(ctx: Context, value: ast.FormattedValue) -> bool:
    """`f"{n:d}"`, `f"{x:.2f}"`: a format spec that only a number passes."""
    spec = value.format_spec
    return spec is not None and ctx.constant_value(spec) is not None and \
        str(ctx.constant_value(spec))[-1:] in _NUMERIC_CONVERSIONS


# -- where values come from ---------------------------------------------------


def route_parameters(ctx: Context) -> dict[str, str]:
    """Parameters of the enclosing function that a route decorator fills from the URL.

    Maps each to its converter (`string`, `path`, ...); numeric converters
    (`<int:id>`, `{id:int}`) cannot carry text and are left out.
    """
    function = ctx.function
    if function is None or isinstance(function, ast.Lambda):
        return {}
    found: dict[str, str] = {}
    for decorator in function.decorator_list:
        if not (isinstance(decorator, ast.Call) and name_of(decorator.func) in _ROUTE_DECORATORS):
            continue
        if not decorator.args:
            continue
        rule_text = ctx.constant_value(decorator.args[0])
        if not isinstance(rule_text, str):
            continue
        for converter, name in _FLASK_PARAM.findall(rule_text):
            found[name] = converter or "string"
        for name, converter in _BRACE_PARAM.findall(rule_text):
            found[name] = converter or "string"
    arguments = (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)
    textual = {a.arg for a in arguments
               if a.annotation is None or name_of(a.annotation) not in _NUMERIC_ANNOTATIONS}
    return {n: c for n, c in found.items() if n in textual and c not in _NUMERIC_CONVERTERS}


def _is_request_data(ctx: Context, node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, (ast.Name, ast.Attribute)):
        qual = ctx.qualname(target)
        if qual and qual.startswith(_REQUEST_QUALNAMES) and qual.count(".") >= 2:
            return qual.split(".")[2] not in _REQUEST_FACTS
    return (
        isinstance(target, ast.Attribute)
        and target.attr in REQUEST_ATTRS
        and name_of(target.value) in _REQUEST_NAMES
    )


def request_data(
    ctx: Context,
    node: ast.AST | None,
    neutralisers: Iterable[str] = (),
    depth: int = _DEPTH,
    route_converters: Iterable[str] | None = None,
) -> str | None:
    """Spelling of web request data (or a URL route parameter) inside `node`.

    Unlike `heuristics.untrusted_expression` this is about data a remote
    client sends: the environment and argv are the operator's. It does not
    look inside neutralising calls (numbers, escaping, `neutralisers`), and it
    follows local variables to what was assigned to them. `route_converters`
    limits which route parameters count (`{"path"}` for file paths: the
    default converter matches no `/`).
    """
    if node is None:
        return None
    safe = frozenset(neutralisers)
    routes = route_parameters(ctx)
    if route_converters is not None:
        allowed = frozenset(route_converters)
        routes = {n: c for n, c in routes.items() if c in allowed}
    return _find_request_data(ctx, node, safe, routes, depth)


def _find_request_data(
    ctx: Context, node: ast.AST, safe: frozenset[str], routes: dict[str, str], depth: int
) -> str | None:
    if isinstance(node, ast.expr) and _is_request_data(ctx, node):
        return ast.unparse(node)
    if isinstance(node, ast.Subscript) and _is_request_data(ctx, node.value) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_request_data(ctx, node.func.value)
    ):
        return ast.unparse(node)  # the whole `request.args["n"]` / `request.args.get("n")` reads better
    if isinstance(node, ast.Call) and (
        any(n in NUMERIC_CALLS or n in safe for n in call_names(ctx, node))
        or _SANITISING_NAME.search(name_of(node.func)) or carries_no_text(ctx, node)
    ):
        return None
    if _lookup_in_constant_table(node):
        return None  # ALLOWED[request.args["k"]]: the value comes from the table, the key only selects it
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        if node.id in routes and _binding_is_parameter(ctx, node.id):
            return f"{node.id} (from the URL route)"
        assigned = ctx.assigned_value(node)
        if assigned is not None and depth > 0:
            return _find_request_data(ctx, assigned, safe, routes, depth - 1)
        return None
    for child in ast.iter_child_nodes(node):
        found = _find_request_data(ctx, child, safe, routes, depth)
        if found:
            return found
    return None


def _lookup_in_constant_table(node: ast.AST) -> bool:
    """`TABLE[key]` or `TABLE.get(key, default)` on an UPPER_CASE module-level mapping."""
    table = None
    if isinstance(node, ast.Subscript):
        table = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        table = node.func.value
        if any(not isinstance(a, (ast.Constant, ast.Name, ast.Attribute)) for a in node.args[1:]):
            return False
    return isinstance(table, ast.Name) and table.id.isupper()


def _binding_is_parameter(ctx: Context, name: str) -> bool:
    binding = ctx.names.lookup(name)
    return binding is not None and binding.kind == "param"


def checked_in_function(ctx: Context, node: ast.AST, injection: bool = False) -> bool:
    """Whether a local variable used in `node` is validated by a condition earlier in the function.

    `if ".." in name: abort(400)` or `if url not in ALLOWED:` is validation a
    single-statement rule cannot judge; it stays quiet rather than guess.
    `if name:` is not validation, and neither is a check that only tells a fact
    about the value (`os.path.exists(name)`: a file's existence says nothing of
    the characters in its name). With `injection`, the value is spliced into
    code or a command, where a prefix, suffix or search check (`startswith`,
    `find`) leaves the rest of the text free, so those do not count either.
    """
    function = ctx.function
    if function is None:
        return False
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and _is_variable(ctx, n.id)}
    line = getattr(node, "lineno", 0) or min((getattr(n, "lineno", 0) for n in ast.walk(node)
                                              if getattr(n, "lineno", 0)), default=0)
    if not used:
        return False
    body = function.body if isinstance(function.body, list) else [function.body]
    for stmt in body:
        for sub in ast.walk(stmt):
            test = None
            if isinstance(sub, (ast.If, ast.While, ast.IfExp, ast.Assert)):
                test = sub.test
            if test is None or getattr(sub, "lineno", line) > line:
                continue
            if _validates(test, used, _NOT_INJECTION_VALIDATION if injection else _NOT_VALIDATION_CALLS):
                return True
    return False


# Calls that tell a fact about a value, not what its text may contain.
_NOT_VALIDATION_CALLS = frozenset({
    "len", "bool", "isinstance", "hasattr", "getattr", "type", "callable", "id",
    # existence and metadata of the file a name points to (os.path.*, pathlib.Path.*)
    "exists", "lexists", "isfile", "isdir", "islink", "ismount", "getsize", "getmtime", "getatime", "getctime",
    "is_file", "is_dir", "is_symlink", "stat", "lstat", "access",
})
# For text spliced into code or a command: a prefix, suffix or search check leaves the rest free.
_NOT_INJECTION_VALIDATION = _NOT_VALIDATION_CALLS | {"startswith", "endswith", "find", "rfind", "index", "rindex",
                                                     "count"}


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _validates(test: ast.expr, used: set[str], not_validation: frozenset[str]) -> bool:
    """A condition that looks at a variable's content: a membership or equality test, or a
    check such as `re.fullmatch(p, x)`, `x.startswith("/")`, `is_safe(x)`. Truthiness,
    `is None`, `len(x)` and `isinstance(x, str)` say nothing about what the text contains."""
    for sub in ast.walk(test):
        if isinstance(sub, ast.Compare) and not all(isinstance(op, (ast.Is, ast.IsNot)) for op in sub.ops):
            operands = [sub.left, *sub.comparators]
            if any(_mentions(o, used) and not (isinstance(o, ast.Call) and name_of(o.func) in not_validation)
                   for o in operands):
                return True
        if isinstance(sub, ast.Call) and name_of(sub.func) not in not_validation:
            receiver = sub.func.value if isinstance(sub.func, ast.Attribute) else None
            arguments = [*sub.args, *(k.value for k in sub.keywords)]
            if any(_mentions(a, used) for a in arguments) or (receiver is not None and _mentions(receiver, used)):
                return True
    return False


def _is_variable(ctx: Context, name: str) -> bool:
    """A parameter or local value, not a module, constant, function or class name."""
    binding = ctx.names.lookup(name)
    return binding is not None and binding.kind not in ("import", "constant", "def")


def origin_call(ctx: Context, node: ast.expr) -> str | None:
    """Qualified name of the call that produced `node`'s object: `tar` in
    `with tarfile.open(p) as tar:` or `tar = tarfile.open(p)` gives 'tarfile.open'."""
    if isinstance(node, ast.Call):
        return ctx.call_name(node)
    if not isinstance(node, ast.Name):
        return ctx.qualname(node) if isinstance(node, ast.Attribute) else None
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            for item in ancestor.items:
                var = item.optional_vars
                if isinstance(var, ast.Name) and var.id == node.id and isinstance(item.context_expr, ast.Call):
                    return ctx.call_name(item.context_expr)
    return ctx.qualname(node)


# -- logging calls --------------------------------------------------------------

LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")
_LOGGER_NAME = re.compile(r"^_*(log|logger|logging)$|logger$|_log$|^log_", re.IGNORECASE)


def logged_values(ctx: Context, call: ast.Call) -> list[ast.expr] | None:
    """For a call on a logger (`logging.info`, `logger.warning`, `self.log.error`),
    the message and the arguments merged into it; None for any other call."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in LOG_METHODS):
        return None
    receiver = func.value
    qual = ctx.qualname(receiver) or ""
    if not (qual == "logging" or qual.startswith("logging.") or _LOGGER_NAME.search(name_of(receiver))):
        return None
    args = list(call.args[1:] if func.attr == "log" else call.args)
    return [a for a in args if not isinstance(a, ast.Starred)]


def percent_conversions(template: object) -> list[str]:
    """The conversion letters of a %-format string, `%%` left out: "%s and %r" -> ['s', 'r']."""
    if not isinstance(template, str):
        return []
    return [c for c in _PERCENT_SPEC.findall(template) if c != "%"]


def leading_text(ctx: Context, node: ast.expr | None, depth: int = _DEPTH) -> str:
    """The literal text a run-time string starts with: `f"https://api.x.org/{id}"` -> 'https://api.x.org/'."""
    if node is None:
        return ""
    value = ctx.constant_value(node)
    if isinstance(value, str):
        return value
    if isinstance(node, ast.Name) and depth > 0:
        assigned = ctx.assigned_value(node)
        return leading_text(ctx, assigned, depth - 1) if assigned is not None and assigned is not node else ""
    if isinstance(node, ast.JoinedStr):
        text = []
        for part in node.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                break
            text.append(part.value)
        return "".join(text)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return leading_text(ctx, node.left, depth)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = ctx.constant_value(node.left)
        return template.split("%", 1)[0] if isinstance(template, str) else ""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        template = ctx.constant_value(node.func.value)
        return template.split("{", 1)[0] if isinstance(template, str) else ""
    return ""


def report_once(ctx: Context, node: ast.AST, message: str, **options: object) -> None:
    """Report unless the current rule already reported this node: a rule that asks for both
    a call's qualified names and its method name is handed `requests.get(...)` twice."""
    assert ctx.rule is not None
    location = ctx.location(node)
    for finding in reversed(ctx.findings[-8:]):
        if finding.rule_id == ctx.rule.id and finding.location == location:
            return
    ctx.report(node, message, **options)  # type: ignore[arg-type]


# -- how sure an injection finding is ---------------------------------------------


# String methods that pass their receiver's text through; any other call's result is its own value.
_TEXT_PRESERVING = frozenset({"format", "join", "strip", "lstrip", "rstrip", "lower", "upper", "title", "replace",
                              "encode", "decode", "str", "get", "pop"})


def parameter_in(ctx: Context, node: ast.AST, depth: int = _DEPTH) -> str | None:
    """A parameter of the enclosing function whose text reaches `node`: the parameter itself,
    its attributes and items, strings built from it, or a local variable holding one of those.
    A call's result (other than a string method's) is the callee's value, not the argument's."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        binding = ctx.names.lookup(node.id)
        if binding is not None and binding.kind == "param" and node.id not in ("self", "cls"):
            return node.id
        if binding is not None and binding.expr is not None and depth > 0 and binding.expr is not node:
            return parameter_in(ctx, binding.expr, depth - 1)
        return None
    if isinstance(node, ast.Call):
        if name_of(node.func) not in _TEXT_PRESERVING:
            return None
        children: list[ast.AST] = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(node.func, ast.Attribute):
            children.append(node.func.value)
    elif isinstance(node, ast.IfExp):
        children = [node.body, node.orelse]  # the value is one branch or the other, never the condition
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        found = parameter_in(ctx, child, depth)
        if found:
            return found
    return None


_CLI_DECORATORS = frozenset({"command", "option", "argument", "group"})


def is_cli_command(ctx: Context) -> bool:
    """A click/typer command (`@click.command()`, `@app.cli.command()`, `@click.option(...)`):
    its parameters are the operator's command-line arguments, not a remote client's."""
    function = ctx.function
    if function is None or isinstance(function, ast.Lambda):
        return False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if name_of(target) in _CLI_DECORATORS:
            return True
    return False


def spliced_origin(
    ctx: Context, parts: Iterable[ast.expr], neutralisers: Iterable[str] = ()
) -> tuple[Confidence, str] | None:
    """How sure a finding about spliced-in `parts` is, and why: HIGH for request data,
    MEDIUM for a caller's argument, LOW for values of unknown origin, None when a condition
    earlier in the function tests them
    (attributes, loop variables, results of calls), and None in test code unless the parts
    are request data (tests build SQL and HTML from their own fixtures)."""
    bundle = ast.Tuple(elts=list(parts), ctx=ast.Load())
    if checked_in_function(ctx, bundle, injection=True):
        return None  # `if column not in ALLOWED: raise`: validated in a way this rule cannot judge
    origin = request_data(ctx, bundle, neutralisers)
    if origin:
        return Confidence.HIGH, f"`{origin}` is request data"
    if in_test_code(ctx):
        return None
    parameter = parameter_in(ctx, bundle)
    if parameter and is_cli_command(ctx):
        return Confidence.LOW, f"`{parameter}` comes from the command line of whoever runs the program"
    if parameter:
        return Confidence.MEDIUM, f"`{parameter}` is passed in by the caller, so its content must be trusted"
    return Confidence.LOW, "their origin is not visible here; check that none can come from a user"

