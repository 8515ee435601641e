"""What a rule is, how rules register, and the context a check works in.

A rule is a plain function decorated with `@rule(...)`. The decorator records
its metadata (id, name, CWE, severity, confidence, fix) and *what it wants to
see*: node types (`nodes=`), calls by qualified name (`calls=`), or method
calls by attribute name whatever the receiver (`methods=`, for duck-typed APIs
such as DB-API cursors), or attribute reads by attribute name (`attrs=`: an
`ast.Attribute` whose `.attr` is one of them). The engine walks each tree once and hands a node only
to the rules that asked for it, so adding rules costs little per node.

The function's docstring is the rule's documentation, with the same four
headings every time (What it does / Why is this bad / Example / Use instead),
as in Ruff; `secreview explain RULE` prints it.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ahocorasick_rs import AhoCorasick, Implementation

from secreview.analysis.names import NameModel
from secreview.core.model import Confidence, Evidence, Finding, Location, Severity, Step
from secreview.cwe import catalog
from secreview.sources.parse import split_lines

# A check is given the nodes it asked for (`nodes=`; a call for `calls=` and `methods=`, an attribute for
# `attrs=`), and its first
# parameter says which: `Any` here, so that `def check(node: ast.Call, ctx)` registers as it is.
Check = Callable[[Any, "Context"], None]
_Registered = TypeVar("_Registered", bound=Check)

DOC_HEADINGS = ("## What it does", "## Why is this bad", "## Example", "## Use instead")


@dataclass(frozen=True)
class Rule:
    """Metadata of one check; the check itself is `func`."""

    id: str
    name: str
    cwe: str
    severity: Severity
    confidence: Confidence
    fix: str
    func: Check = field(compare=False, repr=False)
    nodes: tuple[type, ...] = ()
    calls: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    # The `ast.Attribute` nodes it wants, by `.attr` (`PROTOCOL_TLSv1`): the walk looks the name up once,
    # instead of calling every attribute check at each of a project's ~330k attributes to test it.
    attrs: frozenset[str] = frozenset()
    bandit: tuple[str, ...] = ()  # Bandit test ids this rule covers, for `# nosec B602`
    tags: tuple[str, ...] = ()
    # False: the check never reports in a test module (`Context.is_test`), so those files skip it
    # entirely; two thirds of a large project's code can be tests. `tests/test_corpus.py` holds it to that.
    tests: bool = True
    # The check looks only at files whose text contains one of these words (an API it is about: `CERT_NONE`,
    # `Crypto`): the engine leaves it out of other files' walks entirely. Empty: every file.
    mentions: tuple[str, ...] = ()
    # The check can report only where a name resolves into one of these top-level packages (`yaml`,
    # `Crypto`): a claim, not a gate. The engine leaves it out of files that cannot name them
    # (`engine.may_import`); `tests/test_prefilter.py` runs it everywhere on the corpus to hold it to that.
    imports: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or _source_docstrings(self.func.__module__).get(self.func.__name__, ""))

    @property
    def pillar(self) -> str:
        return catalog().weakness(self.cwe).primary_pillar

    @property
    def cwe_name(self) -> str:
        return catalog().weakness(self.cwe).name


REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    name: str,
    cwe: str,
    severity: Severity,
    confidence: Confidence,
    fix: str,
    nodes: Iterable[type] = (),
    calls: Iterable[str] = (),
    methods: Iterable[str] = (),
    attrs: Iterable[str] = (),
    bandit: Iterable[str] = (),
    tags: Iterable[str] = (),
    tests: bool = True,
    mentions: Iterable[str] = (),
    imports: Iterable[str] = (),
) -> Callable[[_Registered], _Registered]:
    """Register a check. The CWE must exist in the shipped catalogue."""

    def register(func: _Registered) -> _Registered:
        if id in REGISTRY:
            raise ValueError(f"duplicate rule id {id}")
        catalog().weakness(cwe)  # fails loudly at import for a mistyped CWE
        REGISTRY[id] = Rule(
            id=id,
            name=name,
            cwe=catalog().normalise(cwe),
            severity=severity,
            confidence=confidence,
            fix=fix,
            func=func,
            nodes=tuple(nodes),
            calls=tuple(calls),
            methods=tuple(methods),
            attrs=frozenset(attrs),
            bandit=tuple(bandit),
            tags=tuple(tags),
            tests=tests,
            mentions=tuple(mentions),
            imports=tuple(imports),
        )
        return func

    return register


_TEST_DIRS = ("/tests/", "/test/", "/t/unit/", "/t/integration/")  # `t/unit`: celery's and Perl's layout


@functools.cache
def _source_docstrings(module: str) -> dict[str, str]:
    """The docstrings of a module's top-level functions, read from its source.

    A check compiled with mypyc has no `__doc__` (mypyc drops docstrings), and its documentation
    is its docstring: the module's `.py` file is installed next to the compiled one, so read it there.
    """
    compiled = getattr(sys.modules.get(module), "__file__", None)
    if not compiled:
        return {}
    source = Path(compiled).with_name(module.rpartition(".")[2] + ".py")
    try:
        tree = ast.parse(source.read_bytes())
    except (OSError, SyntaxError):
        return {}
    return {node.name: ast.get_docstring(node, clean=False) or "" for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def is_test_path(path: str) -> bool:
    """A test module by its path: `test_*.py`, `*_test.py`, `conftest.py` or under a test directory.

    Rules with `tests=False` skip these files, and the taint pass does not trace them unless
    `--include-tests` (request data in a test view is the test's own).
    """
    lowered = path.replace("\\", "/").lower()
    base = lowered.rsplit("/", 1)[-1]
    return (base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py"
            or any(part in f"/{lowered}" for part in _TEST_DIRS))


class Running(Protocol):
    """What the engine runs on a node now: a `Rule`, or a fact collector (`review.facts_base.Collector`,
    which this layer does not import)."""

    @property
    def id(self) -> str: ...


class WordScan:
    """Which of a fixed set of words a text contains, found in one pass over it.

    The pre-filter asks ~110 words of every file; a word a file does not contain costs a full scan
    with `in`, so most files were read some 50 times (0.9 s over Nova's 26 MB, pure). An Aho-Corasick
    automaton (a DFA: more memory, the fastest scan) reads the text once and reports every occurrence
    of every word, overlapping ones too, so the words found are exactly those `in` finds (0.05 s)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted(set(words)))
        self._automaton = AhoCorasick(self.words, implementation=Implementation.DFA)

    def found_in(self, text: str) -> dict[str, bool]:
        """For each word, whether `text` contains it."""
        try:
            found = set(self._automaton.find_matches_as_strings(text, overlapping=True))
        except UnicodeEncodeError:  # a lone surrogate (a text not decoded from a file): UTF-8 cannot hold it
            return {word: word in text for word in self.words}
        return {word: word in found for word in self.words}


class Context:
    """What a check may ask about the file, and how it reports.

    The engine keeps `ancestors` (the chain of nodes above the current one),
    the name model and the current rule up to date while it walks.
    """

    def __init__(self, path: str, source: str, tree: ast.Module, module: str = "") -> None:
        self.path = path
        self.source = source
        self._lines: list[str] | None = None  # `lines`, split when first asked
        self.tree = tree
        self.names = NameModel(module, path)
        self.ancestors: list[ast.AST] = []
        self.functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = []
        self.classes: list[ast.ClassDef] = []
        self.rule: Running | None = None
        self.findings: list[Finding] = []
        self.facts: list[Evidence] = []
        self.fact_state: dict[str, object] = {}  # per-file memory of fact collectors (secreview.review.facts)
        self._qualnames: dict[int, str | None] = {}
        # Expressions that did not resolve while the engine checks the current node; the engine
        # empties it before each node (bindings only change between nodes), so several checks
        # asking about the same unresolved call cost one resolution.
        self.unresolved: set[int] = set()
        self.memoise = True  # False while checks on a block run (see Walker._check)
        self.is_test = is_test_path(path)
        self._words_seen: dict[str, bool] = {}  # `mentions_any`'s answers for this file

    def scan_words(self, scan: WordScan) -> None:
        """Answer `mentions_any` for all of `scan`'s words at once, in one pass over the text."""
        self._words_seen.update(scan.found_in(self.source))

    def mentions_any(self, words: tuple[str, ...]) -> bool:
        """Whether the file's text contains one of `words`. Each word is looked for once per file: the
        engine's pre-filter and the checks' own gates (`heuristics.mention_gate`) share many of them."""
        seen = self._words_seen
        for word in words:
            found = seen.get(word)
            if found is None:
                found = seen[word] = word in self.source
            if found:
                return True
        return False

    # -- questions ----------------------------------------------------------
    def qualname(self, node: ast.expr) -> str | None:
        """Qualified name of an expression, memoised per node for this file.

        A check that looks ahead (a rule on a function definition or another
        block reading its body) asks before the walk has bound the block's
        local imports and assignments: neither what it resolves nor what it
        fails to resolve is remembered for the checks that run at the call itself.
        """
        key = id(node)
        cache = self._qualnames
        found = cache.get(key)
        if found is None:
            unresolved = self.unresolved
            if key in unresolved:
                return None
            found = self.names.qualname(node)
            if found is not None:
                if self.memoise:
                    cache[key] = found
            else:
                unresolved.add(key)
        return found

    def call_name(self, call: ast.Call) -> str | None:
        return self.qualname(call.func)

    def is_constant(self, node: ast.expr | None) -> bool:
        return self.names.is_constant(node)

    def constant_value(self, node: ast.expr | None) -> object:
        return self.names.constant_value(node)

    def assigned_value(self, node: ast.expr) -> ast.expr | None:
        """For a plain name, the expression most recently assigned to it in scope."""
        if isinstance(node, ast.Name):
            binding = self.names.lookup(node.id)
            if binding is not None:
                return binding.expr
        return None

    @property
    def lines(self) -> list[str]:
        """The file's lines, numbered like `ast` numbers them (line N is item N-1). Split when first asked:
        only a file with a finding, or a check that reads its text line by line, needs them."""
        if self._lines is None:
            self._lines = split_lines(self.source)
        return self._lines

    @property
    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | None:
        return self.functions[-1] if self.functions else None

    @property
    def parent(self) -> ast.AST | None:
        return self.ancestors[-1] if self.ancestors else None

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    # -- reporting ----------------------------------------------------------
    def location(self, node: ast.AST) -> Location:
        line = getattr(node, "lineno", 1)
        return Location(
            path=self.path,
            line=line,
            column=getattr(node, "col_offset", 0),
            end_line=getattr(node, "end_lineno", None) or line,
            end_column=getattr(node, "end_col_offset", None) or 0,
        )

    def report(
        self,
        node: ast.AST,
        message: str,
        *,
        fix: str | None = None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        path: tuple[Step, ...] = (),
        rule_id: str | None = None,
    ) -> None:
        """Record a finding of the current rule (or of `rule_id`) at `node`."""
        current = REGISTRY[rule_id] if rule_id else self.rule
        assert isinstance(current, Rule), "report() called outside a rule"
        weakness = catalog().weakness(current.cwe)
        location = self.location(node)
        self.findings.append(
            Finding(
                rule_id=current.id,
                rule_name=current.name,
                cwe=current.cwe,
                pillar=weakness.primary_pillar,
                secondary_pillars=weakness.secondary_pillars,
                severity=severity or current.severity,
                confidence=confidence or current.confidence,
                location=location,
                source_line=self.line_text(location.line).strip(),
                message=message,
                fix=fix or current.fix,
                path=path,
                context=self.scope_name(),
            )
        )

    def scope_name(self) -> str:
        """'Cls.method' for code inside that method: part of a finding's fingerprint (see report/fingerprint.py)."""
        return ".".join(node.name for node in self.ancestors
                        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))

    def fact(self, kind: str, node: ast.AST, text: str, subject: str = "") -> None:
        """Record something seen that explains a verdict (see `secreview.review`)."""
        self.facts.append(Evidence(kind=kind, line=getattr(node, "lineno", 0), text=text, path=self.path,
                                   subject=subject))


# -- helpers shared by many checks -------------------------------------------


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument passed at `position` or as `name=`, whichever is present."""
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    kw = keyword(call, name)
    return kw.value if kw is not None else None


def is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def dotted(node: ast.expr) -> str:
    """How the code spells a name: `request.args.get` (for messages). The text of `ast.unparse`, built
    directly for a dotted name (nearly every callee asked about), which it is much cheaper to join."""
    parts: list[str] = []
    inner = node
    while isinstance(inner, ast.Attribute):
        parts.append(inner.attr)
        inner = inner.value
    if isinstance(inner, ast.Name):
        parts.append(inner.id)
        return ".".join(reversed(parts))
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node ast produces
        return "<expression>"
