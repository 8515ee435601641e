"""Facts about calculations (CWE-682), control flow (CWE-691) and comparisons (CWE-697).

682: `682:division-constant` / `682:division-guarded` (a test, `max()` or a
ZeroDivisionError handler around it) / `682:division-variable`, on the
division; `682:input-number` where int()/float()/Decimal() converts input.
691: `691:assert` / `691:assert-test` on the assert; `691:recursion` on a
call of the enclosing function by name; `691:loop-forever` /
`691:loop-forever-break` on a `while True:` without / with a `break`;
`691:loop-on-input` on a `for` over input; `691:check` (an existence or
access check of a path) and `691:use-after-check` (the same path used later
in the same function).
697: `697:compare-<what>` on a comparison involving a value whose name says
it is a secret, an identity, an origin or a path, with the comparison's form
(`comparison_form`: exact, membership, substring, identity) as its subject;
`697:prefix` on startswith/endswith of such a value; `697:constant-time` on
hmac/secrets.compare_digest.
"""

from __future__ import annotations

import ast
import re

from secreview.review.facts_base import callee, collector, enclosing_def, spelled, subject_key
from secreview.rules.base import Context, argument
from secreview.rules.heuristics import DIGEST, in_test_code, name_of, untrusted_expression

_DIVISIONS = (ast.Div, ast.FloorDiv, ast.Mod)
_GUARDS = (ast.If, ast.IfExp, ast.While)


def _names_in(expr: ast.AST) -> set[str]:
    """Identifiers in a (small) test expression, without ast.walk's generator overhead."""
    found: set[str] = set()
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(spelled(node))
            pending.append(node.value)
        elif isinstance(node, (ast.BoolOp, ast.Compare, ast.UnaryOp, ast.Call, ast.BinOp)):
            pending.extend(ast.iter_child_nodes(node))
    return found


def _guard(ctx: Context, divisor: ast.expr) -> ast.AST | None:
    """The enclosing test or handler that keeps the divisor from being zero, if any is in view."""
    key = spelled(divisor)
    for ancestor in reversed(ctx.ancestors):
        if isinstance(ancestor, _GUARDS) and key in _names_in(ancestor.test):
            return ancestor
        if isinstance(ancestor, ast.Try) and any(
            h.type is not None and "ZeroDivisionError" in spelled(h.type) for h in ancestor.handlers
        ):
            return ancestor
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
    return None


def _spelled_call(node: ast.expr) -> str:
    return spelled(node.func) if isinstance(node, ast.Call) else ""


def _numeric(ctx: Context, node: ast.expr) -> bool:
    """Evidently a number: a numeric literal or a call of int/float/len/Decimal."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
    return isinstance(node, ast.Call) and ctx.call_name(node) in ("int", "float", "len", "decimal.Decimal")


@collector(id="logic-division", nodes=(ast.BinOp,))
def division(node: ast.BinOp, ctx: Context) -> None:
    if node.op.__class__ not in _DIVISIONS:
        return
    right = node.right
    if isinstance(right, ast.Constant) and not isinstance(right.value, (int, float)) or isinstance(right, ast.JoinedStr):
        return  # `path / "name"` is not arithmetic
    if isinstance(node.op, ast.Div) and (PATH.search(name_of(node.left)) or PATH.search(name_of(right))
                                         or _spelled_call(node.left).endswith("Path")):
        return  # `root_directory / name`: pathlib joins paths with `/`
    if isinstance(node.op, ast.Mod) and (not _numeric(ctx, right) or isinstance(node.left, (ast.Constant, ast.JoinedStr))
                                         and not _numeric(ctx, node.left)):
        return  # `fmt % args` is formatting far more often than a remainder
    if ctx.is_constant(right):
        ctx.fact("682:division-constant", node, spelled(right))
    elif isinstance(right, ast.Call) and ctx.call_name(right) == "max" or _guard(ctx, right) is not None:
        ctx.fact("682:division-guarded", node, spelled(right))
    else:
        ctx.fact("682:division-variable", node, spelled(right))


@collector(id="logic-input-number", calls=("int", "float", "decimal.Decimal", "complex"))
def input_number(node: ast.Call, ctx: Context) -> None:
    if node.args:
        origin = untrusted_expression(ctx, node.args[0])
        if origin:
            ctx.fact("682:input-number", node, f"{callee(ctx, node)}({spelled(node.args[0])})")


@collector(id="logic-assert", nodes=(ast.Assert,))
def assertion(node: ast.Assert, ctx: Context) -> None:
    ctx.fact("691:assert-test" if in_test_code(ctx) else "691:assert", node, spelled(node.test))


@collector(id="logic-recursion", nodes=(ast.Call,))
def recursion(node: ast.Call, ctx: Context) -> None:
    func = node.func
    if func.__class__ is ast.Name:
        name = func.id
    elif func.__class__ is ast.Attribute and name_of(func.value) in ("self", "cls"):
        name = func.attr
    else:
        return
    function = enclosing_def(ctx)
    if function is None or function.name != name:
        return
    if func.__class__ is ast.Name:
        binding = ctx.names.lookup(name)
        in_class = bool(ctx.classes) and any(s is function for s in ctx.classes[-1].body)
        if in_class or binding is None or binding.kind != "def":
            return  # a method's own name is not in scope in its body; `close = self._close` rebinds it
    elif isinstance(func, ast.Attribute) and not _is_method(function, func.value):
        return
    ctx.fact("691:recursion", node, f"{name}()", str(function.lineno))


def _is_method(function: ast.FunctionDef | ast.AsyncFunctionDef, receiver: ast.expr) -> bool:
    """`self.f()` recurses only in a method whose first parameter is that `self` (not in a nested `def f`)."""
    params = function.args.posonlyargs + function.args.args
    return bool(params) and params[0].arg == name_of(receiver)


def _breaks(body: list[ast.stmt]) -> bool:
    """A `break` (or return/raise) leaves this loop; nested loops' breaks do not count."""
    pending = list(body)
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, (ast.Break, ast.Return, ast.Raise)):
            return True
        if isinstance(stmt, (ast.If, ast.With, ast.AsyncWith, ast.Try)):
            for name in ("body", "orelse", "finalbody"):
                pending.extend(getattr(stmt, name, ()))
            for handler in getattr(stmt, "handlers", ()):
                pending.extend(handler.body)
    return False


@collector(id="logic-loops", nodes=(ast.While,))
def endless_loop(node: ast.While, ctx: Context) -> None:
    if isinstance(node.test, ast.Constant) and node.test.value:
        ctx.fact("691:loop-forever-break" if _breaks(node.body) else "691:loop-forever", node, "while True")


@collector(id="logic-input-loops", nodes=(ast.For, ast.AsyncFor))
def input_loop(node: ast.For, ctx: Context) -> None:
    origin = untrusted_expression(ctx, node.iter)
    if origin:
        ctx.fact("691:loop-on-input", node, f"for … in {spelled(node.iter)}")


CHECK_CALLS = ("os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.islink", "os.path.lexists",
               "os.access")
USE_CALLS = ("open", "io.open", "os.open", "os.remove", "os.unlink", "os.rename", "os.replace", "os.rmdir",
             "os.chmod", "os.chown", "os.makedirs", "os.mkdir", "os.listdir", "shutil.copy", "shutil.copyfile",
             "shutil.move", "shutil.rmtree")


@collector(id="logic-check", calls=CHECK_CALLS)
def path_check(node: ast.Call, ctx: Context) -> None:
    key = subject_key(ctx, argument(node, 0, "path"))
    if key:
        checked: dict[str, int] = ctx.fact_state.setdefault("checked-paths", {})  # type: ignore[assignment]
        checked[key] = node.lineno
        ctx.fact("691:check", node, f"{ctx.call_name(node)}({spelled(node.args[0]) if node.args else ''})", key)


@collector(id="logic-use", calls=USE_CALLS)
def path_use(node: ast.Call, ctx: Context) -> None:
    checked = ctx.fact_state.get("checked-paths")
    if checked:
        key = subject_key(ctx, argument(node, 0, "file") or argument(node, 0, "path"))
        if key in checked:  # type: ignore[operator]
            ctx.fact("691:use-after-check", node, f"{ctx.call_name(node)}()", key)


IDENTITY = re.compile(r"user|owner|role|\buid|account|tenant|group|admin|email|author|member|principal",
                      re.IGNORECASE)
ORIGIN = re.compile(r"origin|referr?er|host|domain|url|\buri|redirect|netloc|scheme|^next$", re.IGNORECASE)
PATH = re.compile(r"path|^file$|^file_?name|_?file$|dir$|directory|folder", re.IGNORECASE)  # not file_gid, file_format
_SKIPPED_SUFFIXES = ("_type", "_count", "_len", "_length", "s_enabled", "_class", "_format", "_fields", "_arch")
_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


_ANY_SUBJECT = re.compile("|".join(f"(?:{p.pattern})" for p in (DIGEST, IDENTITY, ORIGIN, PATH)), re.IGNORECASE)


def comparison_subject(name: str) -> str | None:
    """'secret', 'identity', 'origin' or 'path': what a value's name says it holds (one search when none)."""
    if not name or _ANY_SUBJECT.search(name) is None or name.lower().endswith(_SKIPPED_SUFFIXES):
        return None
    for label, pattern in (("secret", DIGEST), ("identity", IDENTITY), ("origin", ORIGIN), ("path", PATH)):
        if pattern.search(name):
            return label
    return None


@collector(id="logic-compare", nodes=(ast.Compare,))
def comparison(node: ast.Compare, ctx: Context) -> None:
    op = _OPS.get(node.ops[0].__class__)
    right = node.comparators[0]
    if op is None or (isinstance(right, ast.Constant) and right.value is None):
        return
    left = node.left
    label = comparison_subject(name_of(left)) or comparison_subject(name_of(right))
    if label:
        ctx.fact(f"697:compare-{label}", node, f"{spelled(left, 30)} {op} {spelled(right, 30)}",
                 comparison_form(node.ops[0], right))


def comparison_form(op: ast.cmpop, right: ast.expr) -> str:
    """How much of a value a comparison looks at, from its operator: what the CWE-697 verdict judges.

    'exact' (== / !=: the whole value), 'membership' (in / not in a collection: one of the listed values),
    'substring' (in / not in a string: any part of it) or 'identity' (is / is not: the same object).
    """
    if isinstance(op, (ast.In, ast.NotIn)):
        text = isinstance(right, ast.JoinedStr) or isinstance(right, ast.Constant) and isinstance(right.value, str)
        return "substring" if text else "membership"
    return "identity" if isinstance(op, (ast.Is, ast.IsNot)) else "exact"


@collector(id="logic-prefix", methods=("startswith", "endswith"))
def prefix_check(node: ast.Call, ctx: Context) -> None:
    label = comparison_subject(name_of(node.func.value))  # type: ignore[attr-defined]
    if label in ("origin", "path", "identity"):
        ctx.fact("697:prefix", node, f"{spelled(node.func)}({spelled(node.args[0], 30) if node.args else ''})")


@collector(id="logic-constant-time", calls=("hmac.compare_digest", "secrets.compare_digest"))
def constant_time(node: ast.Call, ctx: Context) -> None:
    ctx.fact("697:constant-time", node, f"{ctx.call_name(node)}()")
