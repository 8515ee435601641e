"""The claim verifier: every construct a verdict sentence names is checked against the tree.

A clean verdict is a chain of claims: "the lock acquired on line 40 is
released by self.lock.release() in a finally block on line 45", "index
(line 40, context.can on line 42)", "line 152 (bounded by timeout < 10.0,
then fails the test on line 157)". The wording builds each sentence from
facts, and a wording change must never make a claim the code contradicts.
So this module re-reads the tree, independently of the collectors that
recorded the facts, and checks:

- every line number in the sentence belongs to a fact the sentence cites;
- the construct each cited fact names is on its line (a handler, a call of
  the named function, a loop that sleeps, a def with that name...);
- each relation the sentence asserts holds: a release names what was
  acquired, a policy check lies inside the handler it authorises, a failure
  follows the wait loop whose bound it reports;
- a sentence that says "test code" is about a file a test runner would
  collect or import.

`verify_file` is run by the tests over the corpus and, at run time, under
`--verify-verdicts` (or SECREVIEW_VERIFY_VERDICTS=1), where a claim that does
not hold becomes an internal-error diagnostic for its file.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Sequence

from secreview.core.model import Evidence, Finding
from secreview.review.sentences import Explanation

VERIFY_ENV = "SECREVIEW_VERIFY_VERDICTS"


def verifying() -> bool:
    """Whether verdict claims are verified at run time (a debugging aid: it re-reads every tree)."""
    return os.environ.get(VERIFY_ENV, "") not in ("", "0")


_CITED = re.compile(r"\blines? (\d+(?:(?:, | and )\d+)*)")


def cited_lines(sentence: str) -> set[int]:
    """Line numbers a sentence cites ('lines 3, 8 and 12', not the count in 'and 2 more')."""
    numbers: set[int] = set()
    for match in _CITED.finditer(re.sub(r" and \d+ more", "", sentence)):
        numbers.update(int(n) for n in re.split(r", | and ", match.group(1)))
    return numbers


class Tree:
    """A parsed file indexed for the questions claims ask: the nodes that start on a line, and parents."""

    def __init__(self, tree: ast.AST) -> None:
        self.root = tree
        self.at: dict[int, list[ast.AST]] = {}
        self.parent: dict[int, ast.AST] = {}
        # local name -> what it may stand for, dotted (`from yaml import load as yload`, `opener = os.open`,
        # `kind, nuker = "file", os.unlink`): every target seen, as one name can be bound in several places
        self.aliases: dict[str, set[str]] = {}
        self.constants: dict[str, set[str]] = {}  # name -> the strings assigned to it
        for node in ast.walk(tree):
            line = getattr(node, "lineno", None)
            if line is not None:
                self.at.setdefault(line, []).append(node)
            for child in ast.iter_child_nodes(node):
                self.parent[id(child)] = node
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.asname:
                        self.aliases.setdefault(alias.asname, set()).add(alias.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    pairs = zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple) and isinstance(
                        node.value, ast.Tuple) else [(target, node.value)]
                    for name, value in pairs:
                        if isinstance(name, ast.Name) and isinstance(value, (ast.Attribute, ast.Name)):
                            self.aliases.setdefault(name.id, set()).add(_spelling(value))
                        elif isinstance(name, ast.Name) and isinstance(value, ast.Constant) \
                                and isinstance(value.value, str):  # `NAME = "system"` for getattr(os, NAME)
                            self.constants.setdefault(name.id, set()).add(value.value)

    def nodes(self, line: int, *types: type) -> list[ast.AST]:
        found = self.at.get(line, [])
        return [n for n in found if isinstance(n, types)] if types else found

    def calls(self, line: int) -> list[ast.Call]:
        return self.nodes(line, ast.Call)  # type: ignore[return-value]

    def spellings(self, func: ast.expr) -> set[str]:
        """How the callee is written, and what an alias of that name may stand for."""
        written = _spelling(func)
        return {written, *self.aliases.get(written, ())}

    def names(self, func: ast.expr) -> set[str]:
        """The last names the callee may have: `os.unlink` for `nuker` bound to it, `eval` for getattr(b, "eval")."""
        if isinstance(func, ast.Call):
            if "getattr" in self.names(func.func) and len(func.args) == 2:
                attribute = func.args[1]
                if isinstance(attribute, ast.Constant):
                    return {str(attribute.value)}
                if isinstance(attribute, ast.Name) and attribute.id in self.constants:
                    return set(self.constants[attribute.id])
            return self.names(func.func)
        return {spelled.rsplit(".", 1)[-1] for spelled in self.spellings(func)}

    def calls_named(self, line: int, name: str) -> list[ast.Call]:
        """Calls on the line of `name`, as written or through an alias."""
        return [c for c in self.calls(line) if name in self.names(c.func)]

    def ancestors(self, node: ast.AST) -> Iterable[ast.AST]:
        current = self.parent.get(id(node))
        while current is not None:
            yield current
            current = self.parent.get(id(current))


def _written(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def named(text: str) -> str:
    """'sock.close()' -> 'close', 'requests.get timeout=10' -> 'get', 'Ctl.index (…)' -> 'index'."""
    return text.split(" ")[0].split("(")[0].rsplit(".", 1)[-1]


def _spelling(node: ast.AST | None) -> str:
    try:
        return ast.unparse(node) if node is not None else ""
    except Exception:  # noqa: BLE001 - an odd node is a claim that cannot be checked, not a crash
        return ""


def _in_finally(tree: Tree, node: ast.AST) -> bool:
    child = node
    for ancestor in tree.ancestors(node):
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.finalbody):
            return True
        child = ancestor
    return False


def _sleeps(loop: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, (ast.Attribute, ast.Name))
               and (n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id) == "sleep"
               for n in ast.walk(loop))


def _fails(node: ast.AST) -> bool:
    """A statement that fails a test or raises: `self.fail`, `pytest.fail`, `raise`, `assert`."""
    if isinstance(node, (ast.Raise, ast.Assert)):
        return True
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "fail")


def _constantish(node: ast.AST | None, constants: set[str]) -> bool:
    """A literal, a container of literals, a module constant or an attribute of a module (`subprocess.PIPE`)."""
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_constantish(e, constants) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(_constantish(k, constants) and _constantish(v, constants) for k, v in zip(node.keys, node.values))
    if isinstance(node, ast.JoinedStr):
        return all(_constantish(v.value if isinstance(v, ast.FormattedValue) else v, constants) for v in node.values)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Attribute):
        return isinstance(node.value, ast.Name) and (node.attr.isupper() or node.value.id in constants)
    if isinstance(node, ast.BinOp):
        return _constantish(node.left, constants) and _constantish(node.right, constants)
    if isinstance(node, ast.Starred):
        return _constantish(node.value, constants)
    return False


def _module_constants(tree: ast.AST) -> set[str]:
    """Names assigned only literals anywhere in the module, and imported names (modules, constants)."""
    assigned: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                assigned.setdefault((alias.asname or alias.name).split(".")[0], True)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = [(target, node.value)]
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) and \
                        len(target.elts) == len(node.value.elts):
                    pairs = list(zip(target.elts, node.value.elts))
                for name, value in pairs:
                    if isinstance(name, ast.Name):
                        literal = isinstance(value, (ast.Constant, ast.List, ast.Tuple))
                        assigned[name.id] = assigned.get(name.id, True) and literal
    return {name for name, literal in assigned.items() if literal}


class Verifier:
    """Checks the claims of one file's verdicts against its tree."""

    def __init__(self, tree: ast.AST, path: str) -> None:
        self.tree = Tree(tree)
        self.path = path
        self._constants: set[str] | None = None

    @property
    def constants(self) -> set[str]:
        if self._constants is None:
            self._constants = _module_constants(self.tree.root)
        return self._constants

    # -- the construct each fact names -----------------------------------------------
    def holds(self, fact: Evidence) -> bool:
        """Whether the construct the fact's kind names is on the fact's line."""
        kind, line, tree = fact.kind, fact.line, self.tree
        check = _CONSTRUCTS.get(kind)
        if check is not None:
            return check(self, fact)
        if kind.startswith("703:handler-"):
            return self._handler(fact)
        if kind.startswith("707:sink-"):
            return self._sink(fact)
        if kind.startswith(_STATEMENT_KINDS):
            types = next(t for prefix, t in _STATEMENT_KINDS_TYPES if kind.startswith(prefix))
            return bool(tree.nodes(line, *types))
        if kind.startswith(_CALL_KINDS):
            return bool(tree.calls_named(line, named(fact.text)))
        return False

    def _handler(self, fact: Evidence) -> bool:
        handlers = self.tree.nodes(fact.line, ast.ExceptHandler)
        action = fact.kind.rsplit("-", 1)[-1]
        inside = [n for h in handlers for s in h.body for n in ast.walk(s)]  # type: ignore[attr-defined]
        if action == "reraise":
            return any(isinstance(n, ast.Raise) and n.exc is None for n in inside)
        if action == "raise":
            return any(isinstance(n, ast.Raise) and n.exc is not None for n in inside)
        if action == "fail":
            return any(isinstance(n, ast.Call) and "fail" in self.tree.names(n.func) for n in inside)
        if action == "return":
            return any(isinstance(n, ast.Return) for n in inside)
        if action == "pass":
            return any(all(isinstance(s, (ast.Pass, ast.Expr)) for s in h.body) for h in handlers)  # type: ignore[attr-defined]
        return bool(handlers)

    def _sink(self, fact: Evidence) -> bool:
        calls = self.tree.calls_named(fact.line, named(fact.text))
        how = fact.kind.rsplit("-", 1)[-1]
        if how == "constant":
            return any(all(_constantish(a, self.constants | self._local_literals(c))
                           for a in (*c.args, *(k.value for k in c.keywords))) for c in calls)
        if how == "argv":
            return any(c.args and (isinstance(c.args[0], (ast.List, ast.Tuple)) or named(fact.text) == "execute"
                                   or named(fact.text) == "trycmd") for c in calls)
        if how == "parameterised":
            return any(len(c.args) > 1 or c.keywords for c in calls)
        return bool(calls)

    def _local_literals(self, call: ast.Call) -> set[str]:
        """Names whose last assignment before the call, in the functions around it, is a plain literal."""
        functions = [a for a in self.tree.ancestors(call) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef))]
        last: dict[str, tuple[int, bool]] = {}
        for node in ast.walk(functions[-1]) if functions else ():  # the outermost: closures see its names
            if isinstance(node, ast.Assign) and node.lineno < call.lineno:
                for target in node.targets:
                    if isinstance(target, ast.Name) and node.lineno >= last.get(target.id, (0, False))[0]:
                        last[target.id] = (node.lineno, _constantish(node.value, self.constants))
        return {name for name, (_, literal) in last.items() if literal}

    def _def(self, fact: Evidence) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        name = named(fact.text)
        return next((d for d in self.tree.nodes(fact.line, ast.FunctionDef, ast.AsyncFunctionDef)
                     if d.name == name), None)  # type: ignore[attr-defined,return-value]

    def _route(self, fact: Evidence) -> bool:
        """A def of that name, declared by something other than `mock.patch`: a decorator or a handler class."""
        function = self._def(fact)
        if function is None:
            return False
        declared = [d for d in function.decorator_list if "patch" not in _spelling(d).split("(")[0]]
        in_class = isinstance(self.tree.parent.get(id(function)), ast.ClassDef)
        return bool(declared) or in_class

    # -- relations the sentence asserts ------------------------------------------------
    def related(self, relation: str, fact: Evidence, other: Evidence) -> bool:
        if relation == "released-by":
            return self._released(fact, other)
        if relation == "authorised-by":
            function = self._def(fact)
            return function is not None and function.lineno <= other.line <= (function.end_lineno or 0)
        if relation == "expires-into":
            return self._expires(fact, other)
        if relation == "only-raises":
            function = self._def(fact)
            body = [s for s in (function.body if function else []) if not (
                isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            return len(body) == 1 and isinstance(body[0], ast.Raise)
        if relation == "delegates-to":  # the handler's body calls self.<method>
            function = self._def(fact)
            return (function is not None and function.lineno <= other.line <= (function.end_lineno or 0)
                    and any(_spelling(c.func) == f"self.{other.text}" for c in self.tree.calls(other.line)))
        if relation == "not-used-after":  # a path check whose path no later call in its function acts on
            return self._not_used_after(fact)
        if relation == "calls":  # the call names the method defined on that line
            method = self._def(other)
            return method is not None and method.name == fact.text and bool(self.tree.calls_named(fact.line, fact.text))
        return False

    def _not_used_after(self, check: Evidence) -> bool:
        """No call after the check, in the function around it, opens, moves or removes the path it checked."""
        from secreview.review.facts_logic import USE_CALLS

        uses = {name.rsplit(".", 1)[-1] for name in USE_CALLS}
        calls = [c for c in self.tree.calls_named(check.line, named(check.text)) if c.args]
        if not calls:
            return False
        checked = _spelling(calls[0].args[0])
        functions = (ast.FunctionDef, ast.AsyncFunctionDef)
        scope = next((a for a in self.tree.ancestors(calls[0]) if isinstance(a, functions)), self.tree.root)
        return not any(isinstance(n, ast.Call) and n.lineno > check.line and self.tree.names(n.func) & uses
                       and any(_spelling(a) == checked for a in (*n.args, *(k.value for k in n.keywords)))
                       for n in ast.walk(scope))

    def _bound_names(self, acquired: Evidence) -> set[str]:
        """What an acquisition is bound to (`self.conn`, `fd`, `name`), as spelled in the code."""
        names: set[str] = set()
        for node in self.tree.nodes(acquired.line, ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.withitem):
            targets = node.targets if isinstance(node, ast.Assign) else [  # type: ignore[attr-defined]
                getattr(node, "target", None) or getattr(node, "optional_vars", None)]
            for target in targets:
                elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                names.update(_spelling(e) for e in elements if e is not None)
        for node in self.tree.calls(acquired.line):  # `self.lock.acquire()`
            if isinstance(node.func, ast.Attribute) and node.func.attr == "acquire":
                names.add(_spelling(node.func.value))
        return {n for n in names if n}

    def _released(self, acquired: Evidence, release: Evidence) -> bool:
        names = self._bound_names(acquired)
        if not names:
            return False
        if release.kind == "664:release-with":
            return any(_spelling(n) in names for n in self.tree.nodes(release.line, ast.Name, ast.Attribute))
        for call in self.tree.calls(release.line):
            receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
            arguments = [*call.args, *(k.value for k in call.keywords)]
            mentioned = {_spelling(receiver)} | {_spelling(a) for a in arguments}
            mentioned |= {_spelling(a.value) for a in arguments if isinstance(a, ast.Attribute)}
            mentioned |= {_spelling(a.func.value) for a in arguments
                          if isinstance(a, ast.Call) and isinstance(a.func, ast.Attribute)}
            mentioned |= {_spelling(a.value) for a in arguments if isinstance(a, ast.Subscript)}  # server["id"]
            if names & mentioned:
                return release.kind != "664:release-finally" or _in_finally(self.tree, call)
        return False

    def _expires(self, loop_fact: Evidence, expiry: Evidence) -> bool:
        loops = self.tree.nodes(loop_fact.line, ast.While, ast.For, ast.AsyncFor)
        for loop in loops:
            parent = self.tree.parent.get(id(loop))
            following: list[ast.stmt] = list(loop.orelse[:1])  # type: ignore[attr-defined]
            for field in ("body", "orelse", "finalbody"):
                block = getattr(parent, field, None)
                if isinstance(block, list) and loop in block:
                    index = block.index(loop)
                    following += block[index + 1:index + 2]
            for stmt in following:
                candidates = [stmt, *(stmt.body[:1] if isinstance(stmt, ast.If) else [])]
                if any(c.lineno == expiry.line and _fails(c) for c in candidates):
                    return True
        return False

    # -- the whole file ------------------------------------------------------------------
    def check(self, pillar: str, explanation: Explanation) -> list[str]:
        """What in one pillar's sentence the tree does not support (empty when every claim holds)."""
        problems: list[str] = []
        where = f"{self.path} CWE-{pillar}"
        cited = {f.line for f in explanation.cited}
        missing = cited_lines(explanation.sentence) - cited
        if missing:
            problems.append(f"{where}: the sentence cites lines {sorted(missing)} that no fact supports")
        for fact in dict.fromkeys(explanation.cited):
            if not fact.kind.startswith(f"{pillar}:"):
                problems.append(f"{where}: cites a fact of another pillar, {fact.kind} on line {fact.line}")
            elif not self.holds(fact):
                problems.append(f"{where}: line {fact.line} holds no {fact.kind} construct for {fact.text!r}")
        for relation, fact, other in explanation.relations:
            if not self.related(relation, fact, other):
                problems.append(f"{where}: line {fact.line} is not {relation} line {other.line} "
                                f"({fact.text!r}, {other.text!r})")
        if explanation.sentence.startswith("test code:") and not _looks_like_test_code(self.path):
            problems.append(f"{where}: says test code, but {self.path} is not where tests live")
        return problems


def _looks_like_test_code(path: str) -> bool:
    parts = re.split(r"[\\/]", path.lower())
    return any(p in ("tests", "test", "testing") for p in parts[:-1]) or bool(
        re.match(r"(test_.*|.*_test|tests?|conftest)\.py$", parts[-1]))


_CONSTRUCTS: dict[str, Callable[[Verifier, Evidence], bool]] = {
    "284:route": Verifier._route,
    "284:route-protected": Verifier._route,
    "284:authz-decorator": lambda v, f: v._def(f) is not None and bool(v._def(f).decorator_list),  # type: ignore[union-attr]
    "693:csrf-exempt": lambda v, f: v._def(f) is not None,
    "284:checking-method": lambda v, f: v._def(f) is not None,
    "284:route-refusing": lambda v, f: v._def(f) is not None,
    "284:delegate": lambda v, f: any(_spelling(c.func) == f"self.{f.text}" for c in v.tree.calls(f.line)),
    "284:authz-class": lambda v, f: bool(v.tree.nodes(f.line, ast.ClassDef)),
    "284:auth-check": lambda v, f: bool(v.tree.calls_named(f.line, named(f.text))) or any(
        isinstance(n, ast.Attribute) and n.attr == named(f.text) for n in v.tree.nodes(f.line)),
    "284:credential-option": lambda v, f: any(k.arg == "secret" for c in v.tree.calls(f.line) for k in c.keywords),
    "664:release": lambda v, f: bool(v.tree.calls_named(f.line, named(f.text))),
    "664:release-finally": lambda v, f: any(_in_finally(v.tree, c) for c in v.tree.calls_named(f.line, named(f.text))),
    "664:release-with": lambda v, f: any(isinstance(w, (ast.With, ast.AsyncWith)) and any(
        i.context_expr.lineno == f.line for i in w.items) for n in v.tree.nodes(f.line) for w in v.tree.ancestors(n)),
    "664:cleanup": lambda v, f: any(not v.tree.names(c.func).isdisjoint((
        "addCleanup", "addAsyncCleanup", "addClassCleanup", "callback", "push_async_callback", "addfinalizer",
        "register", "finalize")) for c in v.tree.calls(f.line)),
    "664:fixture": lambda v, f: any(any("fixture" in v.tree.names(d) for d in d_.decorator_list)  # type: ignore[attr-defined]
                                    and any(isinstance(y, (ast.Yield, ast.YieldFrom)) for y in ast.walk(d_))
                                    for d_ in v.tree.nodes(f.line, ast.FunctionDef, ast.AsyncFunctionDef)),
    "664:fixture-use": lambda v, f: bool(v.tree.calls_named(f.line, "useFixture")),
    "664:patch-decorator": lambda v, f: any(
        "patch" in " ".join(v.tree.spellings(c.func)) and any(c in getattr(p, "decorator_list", ()) for p in v.tree.ancestors(c))
        for c in v.tree.calls(f.line)),
    "664:patch-with": lambda v, f: any("patch" in " ".join(v.tree.spellings(c.func)) and any(
        isinstance(p, ast.withitem) for p in v.tree.ancestors(c)) for c in v.tree.calls(f.line)),
    "664:patch-started": lambda v, f: bool(v.tree.calls_named(f.line, "start")),
    "664:fixture-with": lambda v, f: any(f.text in v.tree.names(c.func) and any(
        isinstance(p, ast.withitem) for p in v.tree.ancestors(c)) for c in v.tree.calls(f.line)),
    "664:service": lambda v, f: bool(v.tree.calls_named(f.line, named(f.text))),
    "664:config-override": lambda v, f: bool(v.tree.calls_named(f.line, "flags")),
    "664:log-masked": lambda v, f: bool(v.tree.calls_named(f.line, named(f.text))),
    "703:poll-bounded": lambda v, f: any(_sleeps(n) and _bounded_as_said(n, f.text)
                                         for n in v.tree.nodes(f.line, ast.While, ast.For, ast.AsyncFor)),
    "703:poll-unbounded": lambda v, f: any(_sleeps(n) for n in v.tree.nodes(f.line, ast.While, ast.For, ast.AsyncFor)),
    "703:poll-expiry": lambda v, f: any(_fails(n) for n in v.tree.nodes(f.line, ast.stmt)),
    "703:wait-helper": lambda v, f: bool(v.tree.calls_named(f.line, f.text)),
    "707:source": lambda v, f: any(isinstance(n, ast.Attribute) and n.attr == named(f.text)
                                   for n in v.tree.nodes(f.line)) or bool(v.tree.calls_named(f.line, named(f.text))),
    "707:privileged": lambda v, f: bool(v.tree.calls_named(f.line, named(f.text))),
    "693:middleware": lambda v, f: bool(v.tree.calls(f.line)) or any(
        isinstance(n, ast.Constant) and f.text in str(n.value) for n in v.tree.nodes(f.line)),
}


_FORM_OPS: dict[str, tuple[type, ...]] = {"exact": (ast.Eq, ast.NotEq), "membership": (ast.In, ast.NotIn),
                                          "substring": (ast.In, ast.NotIn), "identity": (ast.Is, ast.IsNot)}


def _compared_as_said(verifier: Verifier, fact: Evidence) -> bool:
    """A comparison on the line whose operator is the form the sentence judges ('exact': == or !=, ...);
    'substring' and 'membership' also need the right side to be, or not be, a string literal."""
    ops = _FORM_OPS.get(fact.subject)
    for node in verifier.tree.nodes(fact.line, ast.Compare):
        if ops is None:
            return not fact.subject  # a fact recorded without its form claims only a comparison
        if not isinstance(node.ops[0], ops):  # type: ignore[attr-defined]
            continue
        right = node.comparators[0]  # type: ignore[attr-defined]
        text = isinstance(right, ast.JoinedStr) or isinstance(right, ast.Constant) and isinstance(right.value, str)
        if fact.subject not in ("substring", "membership") or text == (fact.subject == "substring"):
            return True
    return False


_CONSTRUCTS.update({f"697:compare-{what}": _compared_as_said for what in ("secret", "identity", "origin", "path")})


def _permission_as_said(verifier: Verifier, fact: Evidence) -> bool:
    """The call is on the line, and a literal mode in the text is one the judgement fits (no write for others
    when it says 'private', a umask that masks it...); 'computed' means the line holds no literal mode."""
    from secreview.review.facts_access import permission_judgement

    calls = verifier.tree.calls_named(fact.line, named(fact.text))
    literal = re.search(r"mode=(0o[0-7]+)$", fact.text)
    if not calls or (literal is None) != (fact.subject == "computed"):
        return False
    if literal is None:
        return True
    mode = int(literal[1], 8)
    modes = {n.value for c in calls for n in ast.walk(c) if isinstance(n, ast.Constant) and n.value == mode}
    call = fact.text.split(" ")[0]
    statement = any(isinstance(verifier.tree.parent.get(id(c)), ast.Expr) for c in calls)
    named_mode = any(isinstance(a, (ast.Name, ast.Attribute, ast.BinOp)) for c in calls
                     for a in (*c.args, *(k.value for k in c.keywords)))  # a constant bound to a name
    return (bool(modes) or named_mode) and permission_judgement(call, mode, statement) == fact.subject


_CONSTRUCTS["284:permission"] = _permission_as_said


def _bounded_as_said(loop: ast.AST, text: str) -> bool:
    """'at most 10 attempts' is `for … in range(10)`; 'bounded by X' is a comparison X in the loop."""
    attempts = re.match(r"at most (\d+) attempts", text)
    if attempts:
        it = getattr(loop, "iter", None)
        return (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
                and len(it.args) == 1 and isinstance(it.args[0], ast.Constant) and it.args[0].value == int(attempts[1]))
    if text.startswith("bounded by "):
        return any(isinstance(n, ast.Compare) for n in ast.walk(loop))
    return isinstance(loop, (ast.For, ast.AsyncFor))


_STATEMENT_KINDS_TYPES: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("284:credential", (ast.Assign, ast.AnnAssign)),
    ("693:setting", (ast.Assign,)),
    ("697:compare-", (ast.Compare,)),
    ("682:division-", (ast.BinOp,)),
    ("691:assert", (ast.Assert,)),
    ("691:loop-forever", (ast.While,)),
    ("691:loop-on-input", (ast.For, ast.AsyncFor)),
    ("710:import", (ast.Import, ast.ImportFrom)),
    ("710:debug-", (ast.Assign, ast.Call)),
)
_STATEMENT_KINDS = tuple(prefix for prefix, _ in _STATEMENT_KINDS_TYPES)
_CALL_KINDS = ("664:acquire", "664:deserialise", "664:path", "664:fetch", "664:handover", "703:timeout",
               "703:no-timeout", "703:checked", "703:unchecked", "284:listener", "435:parser",
               "693:", "697:prefix", "697:constant-time", "682:input-number", "691:recursion", "691:check",
               "691:use-after-check", "710:deprecated-call")


def verify_file(tree: ast.AST, path: str, findings: Sequence[Finding], facts: Sequence[Evidence]) -> list[str]:
    """Every claim of the file's clean verdicts that its tree does not support, as readable problems."""
    from secreview.review.verdicts import PILLAR_ORDER, explain, facts_by_pillar, why_test_code

    verifier = Verifier(tree, path)
    flagged = {f.pillar for f in findings}
    grouped = facts_by_pillar(facts)
    test = why_test_code(grouped.get("file", ()))
    problems: list[str] = []
    for pillar in PILLAR_ORDER:
        if pillar not in flagged:
            problems += verifier.check(pillar, explain(pillar, grouped[pillar], test))
    return problems
