"""Branches, loops and exits in the per-function taint pass: only paths the program can take.

The pass (`secreview.analysis.taint._FunctionPass`, seen here through `taint_pass.FunctionPass`)
keeps one environment, a map from names to taint, and runs statements in order. This module holds the
statements that split or end a path:

* `return`, `raise`, `break`, `continue` and a call that never returns
  (`abort(400)`, `sys.exit()`, the spec's `[guards] terminators`) end the path:
  the environment becomes `None` (unreachable), and the statements after them
  in the same block are not run. `break` and `continue` first hand their
  environment to the innermost loop, which merges it into the state after the
  loop (`break`) or at its head (`continue`): a value assigned just before a
  `break` inside an `if` reaches the code after the loop.
* `if`, `while`, conditional expressions and `match` ask
  `secreview.analysis.folding` for the value of their test first; a test that
  folds runs only the live branch.
* `try`: a handler may start anywhere in the body, so it starts from the merge of
  the states after each statement of the body; `finally` runs on every way out.
* A merge keeps every way a name may be tainted (`merge`); an unreachable
  branch contributes nothing.

Every path that ends is also merged into the function's *exit state*, which
nested functions (closures) and the module's globals are read from.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Final

from secreview.analysis import folding

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import Env, FunctionPass
    from secreview.analysis.summaries import Taint
    from secreview.analysis.taint_state import Entry


def join(a: Entry, b: Entry) -> Entry:
    """The taint of a value that is either `a` or `b`."""
    if not a:
        return b
    if not b or a is b:
        return a
    return a | b


def merge(a: Env | None, b: Env | None) -> Env | None:
    """The state after either of two paths: every name may hold either taint (None: unreachable)."""
    if a is None:
        return b
    if b is None or a is b:
        return a
    merged = dict(a)
    for key, taint in b.items():
        old = merged.get(key)
        if old is None:
            merged[key] = taint
        elif old is not taint:
            merged[key] = join(old, taint)
    return merged


def merge_states(fn: FunctionPass, a: Env | None, b: Env | None) -> Env | None:
    """`merge` for two paths of `fn`: a constant known on one path only is not known after both."""
    merged = merge(a, b)
    if a is not None and b is not None and a is not b:
        for name in fn.consts:
            key = "=" + name
            if (key in a) != (key in b):
                merged[key] = folding.VARIES  # type: ignore[index]
        for key in fn.part_keys:  # a container entry one path did not know: read the union instead
            if (key in a) != (key in b):
                merged.pop(key, None)  # type: ignore[union-attr]
    return merged


def end_path(fn: FunctionPass) -> None:
    """The path ends here (return, raise, a call that never returns)."""
    if fn.env is not None:
        fn.exits = merge(fn.exits, fn.env)
    fn.env = None


def final_state(fn: FunctionPass) -> Env:
    """Every value a name may hold when the function has run (for closures and module globals)."""
    return merge(fn.exits, fn.env) or {}


def _start(fn: FunctionPass, env: Env | None) -> None:
    """Run on from `env` (a copy of some state).

    Assigned in a function of its own so that the caller's `fn.env` keeps its declared type: after
    `fn.env = dict(...)` mypy narrows the attribute to a dict for the rest of the function, across the
    bodies run after it, and the compiled build checks every later read against that type, which fails
    when a body ended the path (None).
    """
    fn.env = env


def known(fn: FunctionPass) -> folding.Lookup:
    """A name -> its constant here: a local constant, else a module constant the name is not shadowing.

    A module-level name that some function rebinds (`global RUNNING`) is not a constant.
    """
    env = fn.env or {}
    mod = fn.mod

    def lookup(name: str) -> object:
        entry = env.get("=" + name)
        if entry is not None:
            return folding.single(entry)
        if name in env or name in fn.closure or fn.node is None or "[" in name:
            return folding.UNKNOWN  # (a module-level container's entries may change in any function)
        value = folding.single(mod.module_env.get("=" + name))
        if value is not folding.UNKNOWN and name in mod.declared_global():
            return folding.UNKNOWN
        return value

    return lookup


def _forget_constants(fn: FunctionPass, loop: ast.For | ast.AsyncFor | ast.While) -> None:
    """At a loop's head: a constant the loop assigns may hold another value from the next iteration on.

    Only names the loop stores to (anywhere in it, nested functions included) are forgotten: a
    constant the loop only reads (`cmd = "uptime"` before `for ...: run(cmd)`) stays known inside it.
    """
    env = fn.env
    if env is not None and fn.consts:
        stored = _stored_names(loop)
        for name in fn.consts:
            if name in stored and "=" + name in env:
                env["=" + name] = folding.VARIES


_STORED: Final[dict[int, tuple[ast.AST, frozenset[str]]]] = {}  # id(loop) -> (the loop, the names it stores to)


def _stored_names(loop: ast.AST) -> frozenset[str]:
    """Every plain name a loop statement binds (targets, augmented and annotated assignments, `:=`,
    `with ... as`, `except ... as`, imports, nested definitions), memoised for the loop's node."""
    found = _STORED.get(id(loop))
    if found is not None and found[0] is loop:
        return found[1]
    names = set()
    for node in ast.walk(loop):
        kind = type(node)
        if kind is ast.Name and type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
            names.add(node.id)  # type: ignore[attr-defined]
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            names.add(node.name)  # type: ignore[attr-defined]
        elif kind in (ast.ExceptHandler, ast.MatchAs, ast.MatchStar) and node.name:  # type: ignore[attr-defined]
            names.add(node.name)  # type: ignore[attr-defined]
        elif kind is ast.MatchMapping and node.rest:  # type: ignore[attr-defined]
            names.add(node.rest)  # type: ignore[attr-defined]
        elif kind is ast.alias:
            names.add((node.asname or node.name).split(".", 1)[0])  # type: ignore[attr-defined]
        elif kind in (ast.Global, ast.Nonlocal):
            names.update(node.names)  # type: ignore[attr-defined]
    if len(_STORED) > 4096:
        _STORED.clear()
    result = frozenset(names)
    _STORED[id(loop)] = (loop, result)
    return result


def test_value(fn: FunctionPass, test: ast.expr) -> object:
    return folding.fold(test, known(fn), fn.resolve)


# -- statements ---------------------------------------------------------------------------
def if_(fn: FunctionPass, stmt: ast.If) -> None:
    value = test_value(fn, stmt.test)
    if value is not folding.UNKNOWN:  # `if TYPE_CHECKING:`, `if DEBUG:`: only the live branch runs
        _dead(fn, stmt.orelse if value else stmt.body)
        fn.run_body(stmt.body if value else stmt.orelse)
        return
    fn.ev(stmt.test)
    body_clean, else_clean = fn.guard(stmt.test)
    before = fn.env
    _start(fn, dict(before))  # type: ignore[arg-type]
    fn.apply_clean(body_clean)
    fn.run_body(stmt.body)
    after_body = fn.env
    _start(fn, dict(before))  # type: ignore[arg-type]
    fn.apply_clean(else_clean)
    fn.run_body(stmt.orelse)
    fn.env = merge_states(fn, after_body, fn.env)


def for_(fn: FunctionPass, stmt: ast.For | ast.AsyncFor) -> None:
    taint = fn.ev(stmt.iter)
    _forget_constants(fn, stmt)
    before = fn.env
    _start(fn, dict(before))  # type: ignore[arg-type]
    fn.bind_each(stmt.target, stmt.iter, taint)
    _loop_body(fn, stmt, before)


def while_(fn: FunctionPass, stmt: ast.While) -> None:
    _forget_constants(fn, stmt)
    value = test_value(fn, stmt.test)
    if value is not folding.UNKNOWN and not value:  # `while False:` never runs its body
        _dead(fn, stmt.body)
        fn.run_body(stmt.orelse)
        return
    fn.ev(stmt.test)
    before = fn.env
    _start(fn, dict(before))  # type: ignore[arg-type]
    if value is folding.UNKNOWN:
        fn.apply_clean(fn.guard(stmt.test)[0])
        _loop_body(fn, stmt, before, stmt.test)
    else:  # `while True:` ends only through a break (or a return)
        _loop_body(fn, stmt, None)


def _dead(fn: FunctionPass, body: list[ast.stmt]) -> None:
    if body:
        fn.mod.unreachable(body[0], body[-1])


_MAX_RUNS: Final = 6  # runs of one loop body: a value handed on through up to five names across iterations


def _loop_body(fn: FunctionPass, stmt: ast.For | ast.AsyncFor | ast.While, before: Env | None,
               test: ast.expr | None = None) -> None:
    """Run a loop body until the state at its head no longer grows (a fixed point, at most `_MAX_RUNS` runs).

    Each run starts from the state at the head: the state before the loop merged
    with the state at the end of every run so far (and at its `continue`s). A
    value assigned late in the body (`cmd = request.args["c"]` after
    `os.system(cmd)`) reaches the code before it from the second run on; a value
    handed through several names (`a = b; b = c; c = request...`) needs one run
    per name. Most loops change no name bound before them and run once. The
    taint a run can add is finite (the pass reuses the atoms of a source or a
    call it meets again, see `taint_state.ModuleState`), so the head stops growing; the
    bound only caps the work on a pathological body. The state after the loop
    merges every way out of it.
    """
    head = None if fn.env is None else dict(fn.env)  # (the body updates the environment in place)
    breaks, continues = _run_iteration(fn, stmt, None, None)
    back = merge_states(fn, fn.env, continues)  # the state at the head of the next iteration
    runs = 1
    while head is not None and back is not None and runs < _MAX_RUNS and _gained(head, back):
        head = merge_states(fn, head, back)
        _start(fn, dict(head))  # type: ignore[arg-type]
        if test is not None:  # `while ok(x):` clears `x` again for the body
            fn.apply_clean(fn.guard(test)[0])
        fn.defs.again(stmt)  # steps noted from here on may lead to code earlier in the body
        breaks, continues = _run_iteration(fn, stmt, breaks, continues)
        back = merge_states(fn, fn.env, continues)
        runs += 1
    # The loop ends normally (and runs its else clause) before the first iteration or after any.
    fn.env = merge_states(fn, before, back)
    if stmt.orelse and fn.env is not None:
        fn.run_body(stmt.orelse)
    fn.env = merge_states(fn, fn.env, breaks)


def _run_iteration(fn: FunctionPass, stmt: ast.For | ast.AsyncFor | ast.While, breaks: Env | None,
                   continues: Env | None) -> tuple[Env | None, Env | None]:
    """Run the body once; the states at its `break`s and `continue`s, merged with those given."""
    fn.loops.append([breaks, continues])
    try:
        fn.run_body(stmt.body)
    finally:
        breaks, continues = fn.loops.pop()
    return breaks, continues


def _gained(start: Env, back: Env) -> bool:
    """A name known at the head holds taint (or a constant) at the end of the body that it did not at the head."""
    for key, taint in start.items():
        later = back.get(key)
        if later is not None and later is not taint and taint.issuperset(later) is False:
            return True
    return False


def break_(fn: FunctionPass, stmt: ast.Break) -> None:
    if fn.loops and fn.env is not None:
        fn.loops[-1][0] = merge(fn.loops[-1][0], fn.env)
    fn.env = None


def continue_(fn: FunctionPass, stmt: ast.Continue) -> None:
    if fn.loops and fn.env is not None:
        fn.loops[-1][1] = merge(fn.loops[-1][1], fn.env)
    fn.env = None


# Protocol clients whose `__enter__` returns the object itself (documented as such in the standard
# library): `with telnetlib.Telnet(host) as tn:` makes `tn` that client, as `tn = telnetlib.Telnet(host)`
# does, so its methods resolve (`telnetlib.Telnet.write`). Other context managers may return anything.
_ENTER_RETURNS_SELF: Final = frozenset({"telnetlib.Telnet", "ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP",
                                 "smtplib.SMTP_SSL", "imaplib.IMAP4", "imaplib.IMAP4_SSL"})


def with_(fn: FunctionPass, stmt: ast.With | ast.AsyncWith) -> None:
    for item in stmt.items:
        made = item.context_expr
        taint = fn.ev(made)
        if item.optional_vars is not None:
            itself = type(made) is ast.Call and fn.resolve(made.func) in _ENTER_RETURNS_SELF
            fn.bind(item.optional_vars, taint, made if itself else None)
    fn.run_body(stmt.body)


def raise_(fn: FunctionPass, stmt: ast.Raise) -> None:
    if stmt.exc is not None:
        fn.ev(stmt.exc)  # `raise HTTPFound(location)` is a redirect
    if fn.tries and fn.env is not None:
        fn.tries[-1] = merge(fn.tries[-1], fn.env)  # an enclosing handler may start from here
    end_path(fn)


def try_(fn: FunctionPass, stmt: ast.Try) -> None:
    before = fn.env
    _start(fn, dict(before))  # type: ignore[arg-type]
    anywhere = before  # the state a handler may start from: after any statement of the body
    fn.tries.append(None)
    catching = catches_division(stmt)  # a division in the body cannot crash the caller
    fn.mod.catching += catching
    try:
        for inner in stmt.body:
            handler = fn.statement(inner)
            if handler is not None:
                handler(fn, inner)
            anywhere = merge(anywhere, fn.env)
            if fn.env is None:
                break
    finally:
        fn.mod.catching -= catching
        anywhere = merge(anywhere, fn.tries.pop())
    if stmt.orelse and fn.env is not None:
        fn.run_body(stmt.orelse)
    after = fn.env
    for handler_node in stmt.handlers:
        start = dict(anywhere) if anywhere is not None else None
        if start is not None and handler_node.name:
            start.pop(handler_node.name, None)
        _start(fn, start)
        fn.run_body(handler_node.body)
        after = merge_states(fn, after, fn.env)
    if stmt.finalbody:
        # `finally` runs on every way out, including the paths that return or raise.
        _start(fn, dict(merge(after, anywhere) or {}) if anywhere is not None else None)
        fn.run_body(stmt.finalbody)
        if after is None:
            fn.env = None
    else:
        fn.env = after


# Handlers that catch a ZeroDivisionError (a bare `except:` too).
_DIVISION_CATCHERS: Final = frozenset({"ZeroDivisionError", "ArithmeticError", "Exception", "BaseException"})


def catches_division(stmt: ast.Try) -> bool:
    """A `try` with a handler that catches ZeroDivisionError (by name, a base class, or a bare except)."""
    for handler in stmt.handlers:
        caught = handler.type
        if caught is None:
            return True
        for name in caught.elts if type(caught) is ast.Tuple else [caught]:
            if (name.attr if type(name) is ast.Attribute else getattr(name, "id", "")) in _DIVISION_CATCHERS:
                return True
    return False


def match_(fn: FunctionPass, stmt: ast.Match) -> None:
    lookup = known(fn)
    subject_value = folding.fold(stmt.subject, lookup, fn.resolve)
    subject = fn.ev(stmt.subject)
    before = fn.env
    merged: Env | None = None
    exhaustive = False
    for case in stmt.cases:
        matched = folding.UNKNOWN if subject_value is folding.UNKNOWN else \
            folding.match_case(subject_value, case.pattern, lookup, fn.resolve)
        if matched is False:
            _dead(fn, case.body)  # a case that cannot match a known subject is dead
            continue
        start = dict(before)  # type: ignore[arg-type]
        for name in capture_names(case.pattern):
            start[name] = subject
        _start(fn, start)
        if case.guard is not None:
            fn.ev(case.guard)
        fn.run_body(case.body)
        merged = merge_states(fn, merged, fn.env)
        if matched is True and case.guard is None:
            exhaustive = True  # the first case that surely matches: the later ones never run
            for later in stmt.cases[stmt.cases.index(case) + 1:]:
                _dead(fn, later.body)
            break
        if subject_value is folding.UNKNOWN and case.guard is None and _irrefutable(case.pattern):
            exhaustive = True
            break
    fn.env = merged if exhaustive else merge_states(fn, merged, before)


def _irrefutable(pattern: ast.pattern) -> bool:
    return isinstance(pattern, ast.MatchAs) and pattern.pattern is None


def capture_names(pattern: ast.AST) -> list[str]:
    names = []
    stack = [pattern]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if isinstance(name, str):
            names.append(name)
        rest = getattr(item, "rest", None)
        if isinstance(rest, str):
            names.append(rest)
        for child in ast.iter_child_nodes(item):
            if isinstance(child, ast.pattern):
                stack.append(child)
    return names


def if_exp(fn: FunctionPass, node: ast.IfExp) -> Taint:
    value = test_value(fn, node.test)
    if value is not folding.UNKNOWN:
        return fn.ev(node.body if value else node.orelse)
    fn.ev(node.test)
    body_clean, else_clean = fn.guard(node.test)
    if not body_clean and not else_clean:
        return join(fn.ev(node.body), fn.ev(node.orelse))
    saved = fn.env
    _start(fn, dict(saved))  # type: ignore[arg-type]
    fn.apply_clean(body_clean)
    body = fn.ev(node.body)
    _start(fn, dict(saved))  # type: ignore[arg-type]
    fn.apply_clean(else_clean)
    orelse = fn.ev(node.orelse)
    fn.env = saved
    return join(body, orelse)

