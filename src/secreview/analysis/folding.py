"""Constant folding of conditions, so that only feasible paths carry taint.

`if DEBUG:` with `DEBUG = False`, `if LIMIT * 3 > 10:` with `LIMIT = 4`,
`if TYPE_CHECKING:`, `while False:`, `match "json": case "json": ...`: the
taint pass asks `fold` for the value of a test, and runs only the branch that
can run. A test that does not fold (anything involving a value not known at
review time) answers `UNKNOWN`, and both branches run as before.

Which names hold constants is flow-sensitive and lives in the taint pass's
environment, beside the taint of each name: the key `"=" + name` (never an
identifier) holds a set of `("k", type name, value)` atoms, one per constant
the name may hold on the paths merged so far. Merging two branches unions the
sets, so a name with one constant on every path has exactly one atom, and
folding uses it only then. `VARIES` marks a name that may hold a non-constant.

The folder is small on purpose: literals, names, `not`/`and`/`or`, unary and
binary arithmetic on numbers and short strings, comparisons, conditional
expressions. Anything else (calls, attributes other than `TYPE_CHECKING`,
subscripts) does not fold.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

UNKNOWN = object()  # the value of an expression that does not fold
VARIES: frozenset = frozenset({("k", "", UNKNOWN)})  # a name that may hold a non-constant
_TYPE_CHECKING = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})
_LITERAL_TYPES = (bool, int, float, str, bytes, type(None))
_MAX_TEXT = 4096  # folding builds no string or number larger than this (`"a" * 10**9`)
_BINARY: dict[type, Callable[[object, object], object]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod, ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor,
}
_COMPARE: dict[type, Callable[[object, object], object]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: operator.contains(b, a), ast.NotIn: lambda a, b: not operator.contains(b, a),
}
# Node types a constant assignment may have on its right: `x = 3`, `LIMIT = 4 * 1024`, `y = x`.
FOLDABLE = frozenset({ast.Constant, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.Name, ast.IfExp,
                      ast.JoinedStr})

Lookup = Callable[[str], object]  # a name -> its constant value, or UNKNOWN
Resolve = Callable[[ast.expr], "str | None"]  # an attribute or name -> its qualified name


def atoms(value: object) -> frozenset:
    """The environment entry of a name known to hold `value`."""
    return frozenset({("k", type(value).__name__, value)})


def single(entry: frozenset | None) -> object:
    """The constant an environment entry pins down, or UNKNOWN."""
    if entry is None or len(entry) != 1:
        return UNKNOWN
    return next(iter(entry))[2]


def _small(value: object) -> bool:
    if isinstance(value, (str, bytes)):
        return len(value) <= _MAX_TEXT
    if isinstance(value, int):
        return value.bit_length() <= _MAX_TEXT
    return isinstance(value, _LITERAL_TYPES)


def fold(node: ast.expr, lookup: Lookup, resolve: Resolve) -> object:
    """The value of `node` if it is known at review time, else UNKNOWN."""
    kind = type(node)
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        return value if isinstance(value, _LITERAL_TYPES) else UNKNOWN
    if kind is ast.Name:
        if node.id == "TYPE_CHECKING" and resolve(node) in _TYPE_CHECKING:  # type: ignore[attr-defined]
            return False  # typing.TYPE_CHECKING is False when the program runs
        return lookup(node.id)  # type: ignore[attr-defined]
    if kind is ast.Attribute:
        return False if node.attr == "TYPE_CHECKING" and resolve(node) in _TYPE_CHECKING else UNKNOWN  # type: ignore[attr-defined]
    if kind is ast.UnaryOp:
        operand = fold(node.operand, lookup, resolve)  # type: ignore[attr-defined]
        if operand is UNKNOWN:
            return UNKNOWN
        op = type(node.op)  # type: ignore[attr-defined]
        if op is ast.Not:
            return not operand
        if isinstance(operand, (int, float)) and op in (ast.USub, ast.UAdd):
            return -operand if op is ast.USub else +operand
        return UNKNOWN
    if kind is ast.BoolOp:
        return _bool_op(node, lookup, resolve)  # type: ignore[arg-type]
    if kind is ast.BinOp:
        function = _BINARY.get(type(node.op))  # type: ignore[attr-defined]
        if function is None:
            return UNKNOWN
        left = fold(node.left, lookup, resolve)  # type: ignore[attr-defined]
        right = fold(node.right, lookup, resolve) if left is not UNKNOWN else UNKNOWN  # type: ignore[attr-defined]
        if right is UNKNOWN or not (_small(left) and _small(right)):
            return UNKNOWN
        if isinstance(left, (str, bytes)) and isinstance(right, int) or isinstance(right, (str, bytes)) \
                and isinstance(left, int):
            size = len(left if isinstance(left, (str, bytes)) else right) * (right if isinstance(right, int) else left)  # type: ignore[arg-type, operator]
            if size > _MAX_TEXT:
                return UNKNOWN
        try:
            value = function(left, right)
        except Exception:  # noqa: BLE001 - any error (ZeroDivision, TypeError) means: not known here
            return UNKNOWN
        return value if _small(value) else UNKNOWN
    if kind is ast.Compare:
        return _compare(node, lookup, resolve)  # type: ignore[arg-type]
    if kind is ast.IfExp:
        test = fold(node.test, lookup, resolve)  # type: ignore[attr-defined]
        if test is UNKNOWN:
            return UNKNOWN
        return fold(node.body if test else node.orelse, lookup, resolve)  # type: ignore[attr-defined]
    if kind is ast.JoinedStr:  # f"echo {name}" with a known name
        parts = []
        for part in node.values:  # type: ignore[attr-defined]
            if type(part) is ast.Constant:
                parts.append(part.value)  # type: ignore[attr-defined]
                continue
            if part.conversion != -1 or part.format_spec is not None:  # type: ignore[attr-defined]
                return UNKNOWN
            value = fold(part.value, lookup, resolve)  # type: ignore[attr-defined]
            if value is UNKNOWN:
                return UNKNOWN
            parts.append(str(value))
        text = "".join(parts)
        return text if len(text) <= _MAX_TEXT else UNKNOWN
    if kind is ast.Tuple or kind is ast.Set or kind is ast.List:
        values = [fold(e, lookup, resolve) for e in node.elts]  # type: ignore[attr-defined]
        if any(v is UNKNOWN for v in values):
            return UNKNOWN
        return tuple(values)  # only ever the right side of `in`
    return UNKNOWN


def _bool_op(node: ast.BoolOp, lookup: Lookup, resolve: Resolve) -> object:
    """`a and b` / `a or b`: decided as soon as one operand decides it, like Python."""
    is_and = isinstance(node.op, ast.And)
    unknown = False
    for value in node.values:
        folded = fold(value, lookup, resolve)
        if folded is UNKNOWN:
            unknown = True
            continue
        if is_and and not folded:
            return False if unknown else folded
        if not is_and and folded:
            return True if unknown else folded
    if unknown:
        return UNKNOWN
    return fold(node.values[-1], lookup, resolve)


def _compare(node: ast.Compare, lookup: Lookup, resolve: Resolve) -> object:
    left = fold(node.left, lookup, resolve)
    if left is UNKNOWN:
        return UNKNOWN
    for op, comparator in zip(node.ops, node.comparators):
        right = fold(comparator, lookup, resolve)
        function = _COMPARE.get(type(op))
        if right is UNKNOWN or function is None:
            return UNKNOWN
        if function in (operator.is_, operator.is_not) and not (left is None or right is None
                                                                  or isinstance(left, bool) or isinstance(right, bool)):
            return UNKNOWN  # `is` between other literals depends on interning
        try:
            if not function(left, right):
                return False
        except TypeError:
            return UNKNOWN
        left = right
    return True


def match_case(subject: object, pattern: ast.pattern, lookup: Lookup, resolve: Resolve) -> object:
    """Whether a `case` pattern matches a known subject: True, False or UNKNOWN."""
    kind = type(pattern)
    if kind is ast.MatchAs:
        if pattern.pattern is None:  # type: ignore[attr-defined]
            return True  # `case _:` or a capture
        return match_case(subject, pattern.pattern, lookup, resolve)  # type: ignore[attr-defined]
    if kind is ast.MatchValue:
        value = fold(pattern.value, lookup, resolve)  # type: ignore[attr-defined]
        return UNKNOWN if value is UNKNOWN else subject == value
    if kind is ast.MatchSingleton:
        return subject is pattern.value  # type: ignore[attr-defined]
    if kind is ast.MatchOr:
        results = [match_case(subject, p, lookup, resolve) for p in pattern.patterns]  # type: ignore[attr-defined]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else UNKNOWN
    return UNKNOWN
