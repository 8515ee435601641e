"""Checks held in a name: `ok = url_has_allowed_host_and_scheme(u, ...)` ... `u if ok else "/"`.

A guard (`secreview.analysis.guards`) is usually written in the test that uses it. Code also
keeps the result of a check in a boolean and tests that later: Django's
`url_is_safe = url_has_allowed_host_and_scheme(url=redirect_to, ...)` followed by
`return redirect_to if url_is_safe else ""`. When a name is bound to a check, what the check
proves in each branch is remembered; testing the name later proves the same, as long as

* the name still holds that check on every path to the test (the entry `?name` of the
  environment: another assignment drops it, and a merge of paths that disagree drops it,
  through `part_keys`, like a container entry one path did not know), and
* each checked value still holds what it held when it was checked (a value reassigned
  since is not the one that passed).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

Clean = dict  # environment key -> frozenset of sink classes (see guards)
Fact = tuple  # (true-branch cuts, false-branch cuts, {checked key: its taint when checked})
_PREFIX = "?"


def remember(fn: FunctionPass, name: str, proved: tuple[Clean, Clean]) -> None:
    """`name` was just bound to a check that proves `proved` (true branch, false branch)."""
    then, other = proved
    if not then and not other:
        return
    env = fn.env
    snapshot = {key: env.get(key, fn.load_key(key)) for key in {*then, *other}}  # type: ignore[union-attr]
    facts = fn.flag_facts
    key = _PREFIX + name
    env[key] = frozenset({("k", len(facts), frozenset())})  # type: ignore[index]
    facts.append((then, other, snapshot))
    fn.part_keys.add(key)


def forget(fn: FunctionPass, name: str) -> None:
    """`name` was bound to something else."""
    env = fn.env
    if env is not None:
        env.pop(_PREFIX + name, None)


def recalled(fn: FunctionPass, name: str) -> tuple[Clean, Clean] | None:
    """What testing `name` proves here, or None when it holds no check on every path."""
    env = fn.env
    held = env.get(_PREFIX + name) if env is not None and fn.flag_facts else None
    if held is None or len(held) != 1:
        return None
    then, other, snapshot = fn.flag_facts[next(iter(held))[1]]
    unchanged = {key for key, taint in snapshot.items() if env.get(key, fn.load_key(key)) == taint}  # type: ignore[union-attr]
    return ({k: v for k, v in then.items() if k in unchanged}, {k: v for k, v in other.items() if k in unchanged})


def is_check(node: ast.expr) -> bool:
    """An expression that may prove something about a value (a comparison, a negation, `and`/`or`);
    calls are asked separately (only validator calls count, see the taint pass's `bind`)."""
    kind = type(node)
    return kind is ast.Compare or kind is ast.BoolOp or (kind is ast.UnaryOp and type(node.op) is ast.Not)  # type: ignore[attr-defined]
