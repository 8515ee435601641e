"""Numbers converted from input: a value kind of the taint pass (issue 13, "Numbers, from the flow too").

`int(request.args["size"])` holds no text, so it stays cut for every text sink (SQL, shell, ...), but it
is still the sender's number: zero (a divisor, CWE-369) or as large as they like (a size or count,
CWE-789/770); `float()` also accepts "nan" and "inf", which pass every range check written as "reject if
out of range" (CWE-1339). A conversion ([[converter]] in the specs) marks the value's atoms with `specs.NUMBER`
and cuts every other sink class; the number sink classes need that mark (`specs.neutralised`), so raw
text from a request never counts as a number, and a helper's `int(param)` becomes one when a caller
passes request data (the mark merges at the link like any cut).

What clears a number is the engine's usual machinery: guards (`if n <= 0: abort(400)` clears the
divisor after the `if`, `if n > LIMIT: abort(400)` the size), `max(1, n)`, `n or 1` and `min(n, LIMIT)`
as transfers, a `try` whose handlers catch ZeroDivisionError around a division, and `math.isfinite(x)`,
`math.isnan(x)` or `x != x` before a range check of a float.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from secreview.analysis import sink_events
from secreview.analysis.specs import NUMBER, NUMBER_SINK_KINDS, SINK_KINDS, SinkSpec, settled
from secreview.analysis.summaries import EMPTY
from secreview.analysis.values import cut

if TYPE_CHECKING:
    from secreview.analysis.names import NameModel
    from secreview.analysis.taint_pass import FunctionPass

DIVISOR = frozenset({"divisor"})
SIZE = frozenset({"size", "loop"})  # what an upper bound clears: an allocation and a loop's count alike
FINITE = frozenset({"nan"})
_TEXT_SINKS = frozenset(SINK_KINDS) - frozenset(NUMBER_SINK_KINDS)
_DIVISION = SinkSpec(kind="divisor", label="a divisor")
_REPETITION = SinkSpec(kind="size", label="the count of a repeated sequence")
_RANGE_CHECK = SinkSpec(kind="nan", label="a range check, which NaN passes")
_LOOP = SinkSpec(kind="loop", label="the count of a loop (`range`)")
_ORDERINGS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
# Checks that see NaN or infinity: true (`isfinite`) or false (`isnan`, `isinf`) for a finite value.
_FINITE_WHEN_TRUE = frozenset({"math.isfinite", "numpy.isfinite", "cmath.isfinite"})
_FINITE_WHEN_FALSE = frozenset({"math.isnan", "math.isinf", "numpy.isnan", "numpy.isinf", "cmath.isnan",
                                "cmath.isinf"})
_SEQUENCES = (ast.List, ast.Tuple)
_NUMERIC_CALLS = frozenset({"int", "len", "hash", "ord", "sum", "abs", "round", "id"})
_TEXT_NAME = re.compile(r"msg|fmt|format|message|templ|text|pattern|line|str|sql|query|log|name|label|path|url|^_?s$|"
                        r"^_$", re.IGNORECASE)


@lru_cache(maxsize=8)
def _conversion_cuts(reaches: frozenset[str]) -> frozenset[str]:
    return _TEXT_SINKS | (frozenset(NUMBER_SINK_KINDS) - reaches) | {NUMBER}


def converted(taint: frozenset, reaches: frozenset[str]) -> frozenset:
    """The taint of `int(x)` (a [[converter]] whose result reaches the number sinks `reaches`): marked a
    number, cut for every text sink; atoms already cut for every sink it reaches (a secret) are dropped."""
    cuts = _conversion_cuts(reaches)
    return frozenset((a[0], a[1], a[2] | cuts) for a in taint if not reaches <= a[2])


def extremum(fn: FunctionPass, node: ast.Call, qual: str, args: list[frozenset]) -> frozenset:
    """`max(1, n)` is never zero and `min(n, LIMIT)` never larger than the limit: the result is a number of
    the tainted arguments, cut for the divisor (max with a positive constant) or the size (min with a
    bound not from input). Their text reaches nothing: the result is one of the numbers compared."""
    taint = EMPTY
    fixed = []
    for arg, value in zip(node.args, args):
        if value:
            taint = taint | value
        else:
            fixed.append(arg)
    if not taint:
        return EMPTY
    taint = cut(taint, _TEXT_SINKS)
    if qual == "max" and any(_positive(fn, arg) for arg in fixed):
        return cut(taint, DIVISOR)
    if qual == "min" and fixed:
        return cut(taint, SIZE)
    return taint


def _positive(fn: FunctionPass, node: ast.expr) -> bool:
    value = fn.mod.names.constant_value(node)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def defaulted(node: ast.BoolOp, taint: frozenset) -> frozenset:
    """`n or 1`: a falsy number (zero) is replaced by the last operand, a non-zero constant."""
    last = node.values[-1]
    if taint and isinstance(node.op, ast.Or) and type(last) is ast.Constant and last.value:  # type: ignore[attr-defined]
        return cut(taint, DIVISOR)
    return taint


def binop(fn: FunctionPass, node: ast.BinOp, left: frozenset, right: frozenset) -> None:
    """A division by, or a sequence repeated by, a number from input."""
    op = type(node.op)
    if op is ast.Div or op is ast.FloorDiv or op is ast.Mod:
        _division(fn, node, op, node.left, left, right)
    elif op is ast.Mult:
        if right and _sequence(node.left):
            count = right
        elif left and _sequence(node.right):
            count = left
        else:
            return
        if _live(count, "size", True):
            sink_events.record(fn, _REPETITION, count, node)


def augmented(fn: FunctionPass, node: ast.AugAssign, right: frozenset) -> None:
    """`total /= n`, `x //= n`, `x %= n`: the same division as `total = total / n`."""
    op = type(node.op)
    if op is ast.Div or op is ast.FloorDiv or op is ast.Mod:
        _division(fn, node, op, node.target, fn.ev(node.target) if op is ast.Mod else EMPTY, right)


def _division(fn: FunctionPass, node: ast.AST, op: type, dividend: ast.expr, left: frozenset,
              right: frozenset) -> None:
    if right and not fn.mod.catching and _live(right, "divisor", op is not ast.Mod) \
            and not (op is ast.Mod and _formatting(dividend, node, left)):
        sink_events.record(fn, _DIVISION, right, node)


def loop_count(fn: FunctionPass, node: ast.Call, args: list[frozenset]) -> None:
    """`range(n)`, `range(start, stop)` with a stop from input: the loop runs as often as the sender says
    (rule loop-bound-from-input, CWE-834). The start and step are no count: `range(offset, offset + PAGE)`
    runs PAGE times wherever the sender starts it."""
    if len(args) < 2:
        count = args[0]
    elif _offset(node.args[0], node.args[1]):
        return
    else:
        count = args[1]
    if count and _live(count, "loop", True):
        sink_events.record(fn, _LOOP, count, node)


def _offset(start: ast.expr, stop: ast.expr) -> bool:
    """`stop` is `start + something` (or `something + start`): a window of fixed length after `start`."""
    if type(stop) is not ast.BinOp or type(stop.op) is not ast.Add:  # type: ignore[attr-defined]
        return False
    shape = ast.dump(start)
    return ast.dump(stop.left) == shape or ast.dump(stop.right) == shape  # type: ignore[attr-defined]


def ordering(fn: FunctionPass, node: ast.Compare, operands: list[frozenset]) -> None:
    """`x > LIMIT` of a float from input that nothing checked for NaN: NaN fails every ordering, so a check
    written "reject if out of range" lets it through. Only floats converted on the way here count (a
    comparison of two parameters is not worth an event in every summary)."""
    if not any(type(op) in _ORDERINGS for op in node.ops):
        return
    checked = fn.mod.range_checks
    if id(fn.current) in checked:  # `if x <= 0 or x > MAX:` is one check: one finding, at its first comparison
        return
    for taint in operands:
        if taint and _live(taint, "nan", False):
            checked.add(id(fn.current))
            sink_events.record(fn, _RANGE_CHECK, taint, node)
            return


def finite_guard(fn: FunctionPass, test: ast.Call) -> tuple[dict, dict]:
    """`math.isfinite(x)` holds for no NaN or infinity; `math.isnan(x)` fails for every finite x."""
    if len(test.args) != 1:
        return {}, {}
    qual = fn.resolve(test.func)
    key = fn.key(test.args[0]) if qual in _FINITE_WHEN_TRUE or qual in _FINITE_WHEN_FALSE else None
    if key is None:
        return {}, {}
    return ({key: FINITE}, {}) if qual in _FINITE_WHEN_TRUE else ({}, {key: FINITE})


def _live(taint: frozenset, kind: str, params: bool) -> bool:
    """Holds a number that may reach a `kind` sink. A call's result or a field may still turn out one at
    the link; so may a parameter when `params` (not for `%`, where `fmt % args` formats text, nor for a
    comparison: one of two parameters in every summary would be too many events)."""
    for atom in taint:
        if not settled(kind, atom[0], atom[2]) and (params or atom[0] != "p" or NUMBER in atom[2]):
            return True
    return False


def _formatting(operand: ast.expr, node: ast.AST, left: frozenset) -> bool:
    """`"%s" % x`, `_("... %s") % x`, `msg % args`: printf-style formatting, not a modulo. Precision first: a
    `%` is arithmetic only when its left side is evidently a number (a numeric literal, a number from
    input, arithmetic, a call of a numeric builtin, or a name that does not read as text)."""
    arguments = node.value if isinstance(node, ast.AugAssign) else getattr(node, "right", None)
    if type(arguments) in (ast.Tuple, ast.Dict):
        return True
    kind = type(operand)
    if kind is ast.Constant:
        return not isinstance(operand.value, (int, float))  # type: ignore[attr-defined]
    if any(NUMBER in atom[2] for atom in left):
        return False
    if kind is ast.BinOp:
        return type(operand.op) is ast.Mod  # type: ignore[attr-defined]
    if kind is ast.Call:
        func = operand.func  # type: ignore[attr-defined]
        return not (type(func) is ast.Name and func.id in _NUMERIC_CALLS)
    name = operand.id if kind is ast.Name else operand.attr if kind is ast.Attribute else None  # type: ignore[attr-defined]
    return name is None or bool(_TEXT_NAME.search(name))


def _sequence(node: ast.expr) -> bool:
    """A literal sequence that `*` repeats: `b"x"`, `"-"`, `[0]`, `(None,)`."""
    kind = type(node)
    return kind in _SEQUENCES or kind is ast.Constant and isinstance(node.value, (str, bytes))  # type: ignore[attr-defined]


# -- numbers the framework converted ------------------------------------------------------

INTEGER = frozenset({"divisor", "size", "loop"})  # what `int(x)` reaches ([[converter]] in the specs)
FLOAT = frozenset({"divisor", "nan"})
_DECLARED = {"int": INTEGER, "float": FLOAT, "pydantic.PositiveInt": INTEGER - DIVISOR,
             "pydantic.NonNegativeInt": INTEGER, "pydantic.PositiveFloat": FLOAT - DIVISOR,
             "pydantic.NonNegativeFloat": FLOAT, "pydantic.conint": INTEGER, "pydantic.confloat": FLOAT}
# Calls that declare a parameter's or a field's constraints, which FastAPI and pydantic check before the
# code runs (`n: int = Query(gt=0, le=100)`, `Annotated[int, Path(ge=1)]`, `count: int = Field(le=50)`).
_CONSTRAINTS = frozenset({"Query", "Path", "Body", "Form", "Header", "Cookie", "Field", "conint", "confloat"})


def declared(names: NameModel, annotation: ast.expr | None, default: ast.expr | None) -> frozenset[str] | None:
    """The number sinks a value declared `n: int` (a FastAPI parameter, a pydantic field) reaches once the
    framework converted it: any int may be zero or huge, a float NaN; its declared constraints (`gt=0`,
    `le=100`, `PositiveInt`) are checks like `if n < 1: abort(400)`. None: not a number."""
    if annotation is None:
        return None
    constraints = [default] if type(default) is ast.Call else []
    if type(annotation) is ast.Subscript and (names.qualname(annotation.value) or "").endswith("Annotated") \
            and type(annotation.slice) is ast.Tuple:  # `Annotated[int, Query(le=100)]`
        annotation, *metadata = annotation.slice.elts
        constraints += [m for m in metadata if type(m) is ast.Call]
    if type(annotation) is ast.Call:  # `conint(gt=0)`
        constraints.append(annotation)
        annotation = annotation.func
    reaches = _DECLARED.get(names.qualname(annotation) or "") if type(annotation) in (ast.Name, ast.Attribute) else None
    if reaches is None:
        return None
    for call in constraints:
        func = call.func
        name = func.attr if type(func) is ast.Attribute else func.id if type(func) is ast.Name else ""  # type: ignore[attr-defined]
        if name not in _CONSTRAINTS:
            return None  # `Depends(count_items)`: injected, not request data
        reaches = _bounded(names, reaches, {kw.arg: kw.value for kw in call.keywords if kw.arg}, "gt", "ge", "lt", "le")
    return reaches


def converter_bounds(names: NameModel, converter: str, arguments: str) -> frozenset[str]:
    """A Flask route variable `<int:n>` (Werkzeug: digits only, so never negative; `min=`, `max=` bound it)
    or `<float:x>` (digits, a point, digits: never NaN, but 0.0)."""
    reaches = INTEGER if converter == "int" else DIVISOR
    if arguments:
        try:
            call = ast.parse(f"f({arguments})", mode="eval").body
        except SyntaxError:
            return reaches
        reaches = _bounded(names, reaches, {kw.arg: kw.value for kw in call.keywords if kw.arg}, "", "min", "", "max")  # type: ignore[attr-defined]
    return reaches


def _bounded(names: NameModel, reaches: frozenset[str], given: dict, above: str, at_least: str, below: str,
             at_most: str) -> frozenset[str]:
    """`reaches` less what the constraints keywords `given` exclude: zero (a positive lower bound) and
    huge values (an upper bound); a bound either way also rejects NaN, which fails every comparison."""
    if not given:
        return reaches
    low = given.get(above) if above in given else given.get(at_least)
    low_value = names.constant_value(low) if low is not None else None
    if isinstance(low_value, (int, float)) and (low_value > 0 or above in given and low_value >= 0):
        reaches = reaches - DIVISOR
    if (below and below in given) or at_most in given:
        reaches = reaches - SIZE
    if any(key in given for key in (above, at_least, below, at_most) if key):
        reaches = reaches - FINITE
    return reaches


def field(taint: frozenset, reaches: frozenset[str]) -> frozenset:
    """`order.quantity` of a request model whose field is declared `quantity: int`: the number the framework
    converted (only the request's own atoms: a helper's model parameter is often built by the code)."""
    return converted(frozenset(a for a in taint if a[0] == "s"), reaches) if reaches and taint else EMPTY


def typed_lookup(fn: FunctionPass, node: ast.Call) -> frozenset[str] | None:
    """`request.args.get("n", type=int)`: Werkzeug converts the value (the default when it does not parse)."""
    for keyword in node.keywords:
        if keyword.arg == "type":
            qual = fn.resolve(keyword.value)
            return fn.mod.specs.number_calls.get(qual) if qual is not None else None
    return None


# -- guards --------------------------------------------------------------------------------

_FLIPPED = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def compare_guard(fn: FunctionPass, test: ast.Compare) -> tuple[dict, dict]:
    """What an ordering or a comparison with zero proves of a number in each branch.

    `n > 0`, `n >= 1`, `n != 0` (and their negations in the other branch) clear the divisor; `n < LIMIT`,
    `n <= LIMIT` with a bound not from input clear the size. An unknown lower bound (`n < MIN_PAGE`)
    is taken as a real one: a reviewer reads it as the check it means to be.
    """
    then: dict = {}
    other: dict = {}
    operands = [test.left, *test.comparators]
    for index, op in enumerate(test.ops):
        op_type = type(op)
        if op_type not in _FLIPPED:
            continue
        first, second = operands[index], operands[index + 1]
        if op_type in (ast.Eq, ast.NotEq) and type(first) is ast.Name and type(second) is ast.Name \
                and first.id == second.id:  # `x != x`: true only for NaN
            if len(test.ops) == 1:
                key = fn.key(first)
                if key is not None:
                    (then if op_type is ast.Eq else other)[key] = FINITE
            continue
        for subject, bound, kind in ((first, second, op_type), (second, first, _FLIPPED[op_type])):
            key = fn.key(subject) if type(subject) in (ast.Name, ast.Attribute) else None
            if key is None:
                continue
            when_true, when_false = _ordering(fn, kind, bound)
            if when_true:
                then[key] = then.get(key, frozenset()) | when_true
            if when_false and len(test.ops) == 1:  # `not (0 < n <= 10)`: either side may have failed
                other[key] = other.get(key, frozenset()) | when_false
    return then, other


def _ordering(fn: FunctionPass, kind: type, bound: ast.expr) -> tuple[frozenset, frozenset]:
    """(cuts where `subject <kind> bound` holds, cuts where it fails)."""
    value = fn.mod.names.constant_value(bound)
    known = isinstance(value, (int, float)) and not isinstance(value, bool)
    fixed = known or _fixed(fn, bound)
    if kind is ast.Eq or kind is ast.NotEq:
        if known and value == 0:
            return (EMPTY, DIVISOR) if kind is ast.Eq else (DIVISOR, EMPTY)
        return EMPTY, EMPTY
    above = not known or value > 0 or (value == 0 and kind in (ast.Gt, ast.LtE))  # the side above bound excludes 0
    if kind is ast.Gt or kind is ast.GtE:
        return (DIVISOR if above else EMPTY), (SIZE if fixed else EMPTY)
    return (SIZE if fixed else EMPTY), (DIVISOR if above else EMPTY)


def _fixed(fn: FunctionPass, node: ast.expr) -> bool:
    """A bound that does not come from input: a constant, an UPPER_CASE setting, a name holding no data."""
    kind = type(node)
    if kind is ast.Constant:
        return True
    if kind is ast.Attribute:
        return node.attr.isupper() or not fn.load_key(fn.key(node) or "")  # type: ignore[attr-defined]
    if kind is ast.Name:
        return node.id.isupper() or not fn.load_key(node.id)  # type: ignore[attr-defined]
    return False

