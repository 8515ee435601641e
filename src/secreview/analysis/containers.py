"""Per-key dict values and per-position list/tuple values in the per-function taint pass.

`d = {"safe": CONST, "user": tainted}; sink(d["safe"])` is clean, and so is
`row = [name, 3]; sink(row[1])`. The taint pass keeps, beside a container
name's taint (the union of everything ever put in it, what an unknown key or
position reads), one environment entry per constant key or position:
`d['user']`, `row[1]` (the key spelled with `repr`, so never an identifier).

* A literal assigned to a name, `d["k"] = v`, `d.setdefault("k", v)` and
  `lst.append(v)` (while the list's length is known) set one entry; `d["k"]`,
  `d.get("k")`, `d.pop("k")`, `lst[0]`, `lst[-1]` and `lst.pop()` read it.
* `d.update(k=v)` and `d.update({"k": v})` with constant keys set those entries.
* Anything this module cannot follow exactly (another `d.update(...)`, `lst.insert`,
  a rebinding of the name, a key that is not a constant) forgets the entries,
  and reads fall back to the union: never less taint than there may be.
* A list's known length is the entry `lst[len]`, holding `("n", length)`.
* `d[*]` holds what a constant key without an entry of its own reads: nothing for a
  literal built here, what the container held before for one filled from elsewhere
  (`session["role"] = value` does not make `session["visits"]` that value).
* An entry that holds a constant also has its `"="` entry (`=d['safe']`), as a name does
  (see `secreview.analysis.folding`): `os.system(d["safe"])` is then a sink given a constant.
* Two paths merge (`control.merge_states`): an entry present on one path only
  is forgotten, as the other path did not know it.

Only containers held in a plain local name are followed; `self.d["k"]` and
containers passed to other functions keep the union.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import TYPE_CHECKING

from secreview.analysis import control, folding
from secreview.analysis.control import join
from secreview.analysis.summaries import EMPTY
from secreview.analysis.values import SECRET_SINKS, cut

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

_KEY_TYPES = (str, int, bytes, bool)
_LENGTH = "[len]"
_REST = "[*]"  # the values under keys with no entry of their own (see `store`)
# Methods whose effect on a container's entries this module does not follow: forget them.
_FORGETTING = frozenset({"update", "insert", "extend", "clear", "remove", "reverse", "sort", "popitem",
                         "appendleft", "extendleft", "discard", "__setitem__", "__delitem__"})


def part(name: str, key: object) -> str:
    return f"{name}[{key!r}]"


def constant_key(node: ast.expr) -> object:
    """The key of a subscript or lookup, if it is a literal (else None)."""
    if type(node) is ast.Constant and isinstance(node.value, _KEY_TYPES):  # type: ignore[attr-defined]
        return node.value  # type: ignore[attr-defined]
    if type(node) is ast.UnaryOp and type(node.op) is ast.USub and type(node.operand) is ast.Constant \
            and type(node.operand.value) is int:  # type: ignore[attr-defined]
        return -node.operand.value  # type: ignore[attr-defined]
    return None


def forget(fn: FunctionPass, name: str) -> None:
    """`name` is rebound or changed in a way not followed: drop its entries."""
    keys = fn.parts.pop(name, None)
    if keys and fn.env is not None:
        for key in keys:
            fn.env.pop(key, None)


def _set(fn: FunctionPass, name: str, key: str, taint: frozenset, value: ast.expr | None = None) -> None:
    """Set one entry; `value`, the expression stored, makes it a known constant when it folds to one."""
    env = fn.env
    env[key] = taint  # type: ignore[index]
    keys = fn.parts.setdefault(name, set())
    keys.add(key)
    fn.part_keys.add(key)
    constant = folding.fold(value, control.known(fn), fn.resolve) if value is not None else folding.UNKNOWN
    if constant is not folding.UNKNOWN:
        env["=" + key] = folding.atoms(constant)  # type: ignore[index]
        keys.add("=" + key)
        fn.part_keys.add("=" + key)
    else:
        env.pop("=" + key, None)  # type: ignore[union-attr]


def _length(fn: FunctionPass, name: str) -> int | None:
    entry = fn.env.get(name + _LENGTH) if fn.env is not None else None
    if entry is None or len(entry) != 1:
        return None
    return next(iter(entry))[1]


def evaluate_literal(fn: FunctionPass, value: ast.Dict | ast.List | ast.Tuple) -> tuple[frozenset, list]:
    """A literal's taint (the union of its elements) and its entries: (key, taint, element node) per constant key."""
    total = EMPTY
    entries: list[tuple[object, frozenset, ast.expr | None]] = []
    if type(value) is ast.Dict:
        known = True
        for key_node, element in zip(value.keys, value.values):  # type: ignore[union-attr]
            taint = fn.ev(element)
            if key_node is None:  # `{**other}`: the other mapping's keys are not known here
                known = False
            else:
                fn.ev(key_node)
                key = constant_key(key_node)
                if key is None:
                    known = False
                else:
                    entries.append((key, taint, element))
            total = join(total, taint)
        if not known:
            entries = []  # an unknown key may overwrite any entry
    else:
        elements = value.elts  # type: ignore[union-attr]
        starred = any(type(e) is ast.Starred for e in elements)
        for index, element in enumerate(elements):
            taint = fn.ev(element)
            total = join(total, taint)
            if not starred:
                entries.append((index, taint, element))
        if not starred and type(value) is ast.List:
            entries.append((_LENGTH, frozenset({("n", len(elements), frozenset())}), None))
    return total, entries


def assign(fn: FunctionPass, name: str, entries: list, complete: bool) -> None:
    """After `name = literal` is bound: its entries (from `evaluate_literal`); with `complete`,
    every key is among them, so a key not there reads nothing but the default."""
    for key, taint, element in entries:
        _set(fn, name, name + _LENGTH if key is _LENGTH else part(name, key), taint, element)
    if complete:
        _set(fn, name, name + _REST, EMPTY)


def unpack(fn: FunctionPass, name: str, count: int) -> list[frozenset] | None:
    """`x, y = pair` where `pair` has an entry for every position: their taints (None when not)."""
    if name not in fn.parts or fn.env is None:
        return None
    found = [fn.env.get(part(name, index)) for index in range(count)]
    return None if any(f is None for f in found) else found  # type: ignore[return-value]


def constant_of(fn: FunctionPass, name: str, index: int) -> frozenset | None:
    """The constant entry ("=" key) of position `index` of `name`, if it holds a known constant."""
    return fn.env.get("=" + part(name, index)) if fn.env is not None else None


def load(fn: FunctionPass, node: ast.Subscript, base: frozenset) -> frozenset:
    """`d["k"]` / `lst[0]` of a tainted container: its entry when there is one, else the union."""
    container = node.value
    if type(container) is not ast.Name or container.id not in fn.parts:  # type: ignore[attr-defined]
        return base
    key = constant_key(node.slice)
    if key is None:
        return base
    name = container.id  # type: ignore[attr-defined]
    if type(key) is int and key < 0:
        length = _length(fn, name)
        if length is None:
            return base
        key += length
    found = fn.env.get(part(name, key))  # type: ignore[union-attr]
    if found is None:
        found = fn.env.get(name + _REST)  # type: ignore[union-attr]
    return base if found is None else found


def values_at(fn: FunctionPass, mapping: ast.expr, keys: Iterable[object], whole: frozenset) -> frozenset:
    """What `mapping[key]` holds for each of `keys`, joined: the entries of a local dict this pass
    follows (a template naming only some of its keys, `secreview.analysis.format_fields`), else `whole`."""
    if type(mapping) is not ast.Name or mapping.id not in fn.parts or fn.env is None:  # type: ignore[attr-defined]
        return whole
    name = mapping.id  # type: ignore[attr-defined]
    rest = fn.env.get(name + _REST)
    taint = EMPTY
    for key in keys:
        found = fn.env.get(part(name, key))
        if found is None:
            found = whole if rest is None else rest
        taint = join(taint, found)
    return taint


def literal_element(fn: FunctionPass, node: ast.Subscript) -> frozenset | None:
    """`[a, b][0]`, `(x, y)[1]`: the element chosen by a constant index of a literal (None: not that)."""
    sequence = node.value
    if type(sequence) not in (ast.List, ast.Tuple):
        return None
    key = constant_key(node.slice)
    elements = sequence.elts  # type: ignore[attr-defined]
    if type(key) is not int or any(type(e) is ast.Starred for e in elements) or not -len(elements) <= key < len(elements):
        return None
    taints = [fn.ev(e) for e in elements]  # every element is still evaluated (its own sources and sinks)
    return taints[key]


def store(fn: FunctionPass, target: ast.Subscript, taint: frozenset, value: ast.expr | None) -> None:
    """`d["k"] = v`: the entry for "k" is `v` from here on; an unknown key forgets the entries."""
    container = target.value
    if type(container) is not ast.Name:
        return
    name = container.id  # type: ignore[attr-defined]
    key = constant_key(target.slice)
    if key is None or type(key) is int and key < 0:
        forget(fn, name)
    else:
        if name not in fn.parts and fn.env is not None:  # the first entry: the rest is what was there
            _set(fn, name, name + _REST, fn.load_key(name))
        _set(fn, name, part(name, key), taint, value)


def method(fn: FunctionPass, node: ast.Call, name: str, method_name: str, args: list[frozenset],
           receiver: frozenset, keywords: list[tuple[str, frozenset]] | None = None) -> frozenset | None:
    """A method of a container with entries: the taint of its result, or None when it is not followed."""
    if method_name == "update" and _update(fn, node, name, args, keywords or []):
        return EMPTY
    if method_name in _FORGETTING:
        forget(fn, name)
        return None
    call_args = node.args
    if method_name in ("get", "pop", "setdefault") and call_args and not node.keywords:
        key = constant_key(call_args[0])
        default = args[1] if len(args) > 1 else EMPTY
        if method_name == "pop" and key is None and len(call_args) == 1 and _length(fn, name) is not None:
            return None  # `d.pop(k)` with an unknown key
        if key is None:
            if method_name != "get":
                forget(fn, name)
            return join(receiver, default)
        entry = part(name, key)
        found = fn.env.get(entry)  # type: ignore[union-attr]
        if found is None and method_name != "setdefault":
            found = fn.env.get(name + _REST)  # type: ignore[union-attr]
        if method_name == "setdefault":
            result = found if found is not None else default
            if found is None:
                _set(fn, name, entry, default, call_args[1] if len(call_args) > 1 else None)
                fn.env[name] = join(fn.env.get(name, EMPTY), default)  # type: ignore[union-attr]
            return result
        if method_name == "pop":
            fn.env.pop(entry, None)  # type: ignore[union-attr]
            fn.env.pop("=" + entry, None)  # type: ignore[union-attr]
            if type(key) is int:
                forget(fn, name)  # the later positions move down
        if found is None:
            return join(receiver, default)
        return join(found, default)
    if method_name == "pop" and not call_args:  # `lst.pop()`: the last element
        length = _length(fn, name)
        if length is None or length == 0:
            forget(fn, name)
            return None
        found = fn.env.pop(part(name, length - 1), None)  # type: ignore[union-attr]
        fn.env.pop("=" + part(name, length - 1), None)  # type: ignore[union-attr]
        _set(fn, name, name + _LENGTH, frozenset({("n", length - 1, frozenset())}))
        return receiver if found is None else found
    if method_name == "append" and len(args) == 1:
        length = _length(fn, name)
        if length is None:
            return None
        _set(fn, name, part(name, length), args[0], call_args[0])
        _set(fn, name, name + _LENGTH, frozenset({("n", length + 1, frozenset())}))
        fn.env[name] = join(fn.env.get(name, EMPTY), args[0])  # type: ignore[union-attr]
        return EMPTY
    return None


def _update(fn: FunctionPass, node: ast.Call, name: str, args: list[frozenset],
            keywords: list[tuple[str, frozenset]]) -> bool:
    """`d.update(k=v)` or `d.update({"k": v})` with constant keys: set those entries (False: not followed)."""
    call_args = node.args
    if not call_args and node.keywords and len(keywords) == len(node.keywords):
        pairs = [(key, taint, kw.value) for (key, taint), kw in zip(keywords, node.keywords)]
    elif len(call_args) == 1 and not node.keywords and type(call_args[0]) is ast.Dict:
        literal = call_args[0]
        keys = [constant_key(k) if k is not None else None for k in literal.keys]  # type: ignore[attr-defined]
        if any(k is None for k in keys):
            return False
        pairs = [(k, args[0], v) for k, v in zip(keys, literal.values)]  # type: ignore[attr-defined]
    else:
        return False
    for key, taint, value in pairs:
        _set(fn, name, part(name, key), taint, value)
        fn.env[name] = join(fn.env.get(name, EMPTY), taint)  # type: ignore[union-attr]
    return True


def join_positions(known: list[frozenset], taints: list[frozenset], count: int) -> list[frozenset] | None:
    """Per-position taint of a function's returns so far, joined with one more `return a, b` (None: lengths differ)."""
    if len(taints) != count:  # a starred element
        return None
    if not known:
        return list(taints)
    if len(known) != count:
        return None
    return [join(a, b) for a, b in zip(known, taints)]


def iteration_parts(fn: FunctionPass, iterable: ast.expr, target: ast.expr, taint: frozenset) -> list | None:
    """`for i, x in enumerate(xs)`: the index is a number, only `x` carries `xs`; `for a, b in zip(p, q)`:
    each name gets its own sequence. None when the target is not unpacked from one of those."""
    if type(target) is not ast.Tuple or type(iterable) is not ast.Call or not taint:
        return None
    count = len(target.elts)  # type: ignore[attr-defined]
    name = fn.resolve(iterable.func)  # type: ignore[attr-defined]
    args = iterable.args  # type: ignore[attr-defined]
    if name == "enumerate" and count == 2 and len(args) == 1:
        return [EMPTY, taint]
    if name == "zip" and count == len(args) and not any(type(a) is ast.Starred for a in args):
        return [fn.ev(a) for a in args]
    func = iterable.func  # type: ignore[attr-defined]
    if count == 2 and not args and type(func) is ast.Attribute and func.attr == "items":  # type: ignore[attr-defined]
        # `for key, value in d.items()`: request data may choose keys, but a key is never a secret
        # held as a value (`{"admin_password": password}` logs the name, not the password).
        return [cut(taint, SECRET_SINKS), taint]
    return None
