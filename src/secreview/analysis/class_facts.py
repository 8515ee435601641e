"""What a module's classes and factory functions are built on: the facts loader checks judge by.

`yaml.load(text, Loader=L)`, `U(stream).load()` for a `pickle.Unpickler` subclass `U`, and
`ElementTree.fromstring(body, parser=make_parser())` are as safe as the class hierarchy or the
factory behind the name, never as its name says: a `SafeLoader` built on `yaml.Constructor`
constructs objects, a `Loader` built on `SafeConstructor` does not. Those classes are often in
another module of the project (`myproj/yamlutil.py`), so the facts are kept per module in a small
record (`ModuleClasses`) that the per-file rules read for their own module and the project link
(`secreview.analysis.imported_classes`) reads for every module; the judging functions below are
the same for both, given a different `Lookup`.

A name no record shows (a library class, or a module outside the review) is *unseen*: the judges
say so, and the caller keeps the behaviour it had before the project was linked.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from secreview.analysis.names import BUILTINS, Binding, NameModel
from secreview.core.model import Finding

YAML_SAFE = frozenset({
    "yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader", "yaml.loader.SafeLoader",
    "yaml.loader.BaseLoader", "yaml.cyaml.CSafeLoader", "yaml.cyaml.CBaseLoader", "yaml.SafeConstructor",
    "yaml.BaseConstructor", "yaml.constructor.SafeConstructor", "yaml.constructor.BaseConstructor",
})
YAML_UNSAFE = frozenset({
    "yaml.Loader", "yaml.FullLoader", "yaml.UnsafeLoader", "yaml.CLoader", "yaml.CFullLoader",
    "yaml.CUnsafeLoader", "yaml.loader.Loader", "yaml.loader.FullLoader", "yaml.loader.UnsafeLoader",
    "yaml.cyaml.CLoader", "yaml.cyaml.CFullLoader", "yaml.cyaml.CUnsafeLoader", "yaml.Constructor",
    "yaml.FullConstructor", "yaml.UnsafeConstructor", "yaml.constructor.Constructor",
    "yaml.constructor.FullConstructor", "yaml.constructor.UnsafeConstructor",
})
# Unpicklers whose find_class imports whatever the stream names.
UNPICKLERS = frozenset({"pickle.Unpickler", "pickle._Unpickler", "_pickle.Unpickler", "dill.Unpickler",
                        "dill._dill.Unpickler"})
# Calls whose loading imports a module: a find_class that reaches one unconditionally restricts nothing.
_IMPORTING = frozenset({"find_class", "import_module", "__import__", "getattr"})
SAFE_XML_PARSER = "safe-xml-parser"


@dataclass(frozen=True)
class ClassFacts:
    """One class statement: what it is built on, and what its own `find_class` does."""

    bases: tuple[str, ...]  # qualified names, local classes as `module.Name`
    find_class: bool | None = None  # restricts what it loads (True), loads anything (False), not defined (None)


@dataclass(frozen=True)
class ModuleClasses:
    """What one module says about its module-level classes, factory functions and imported names."""

    module: str
    classes: dict[str, ClassFacts] = field(default_factory=dict)
    factories: dict[str, str] = field(default_factory=dict)  # function name -> SAFE_XML_PARSER
    # name bound at module level -> the qualified names it is bound to, in order: more than one when the
    # module binds it in several branches (`try: from yaml import CSafeLoader as SafeLoader` / `except:
    # from yaml import SafeLoader`, `else: SafeLoader = object`); a use may meet any of them
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.classes or self.factories or self.aliases)


@dataclass(frozen=True)
class ClassUse:
    """A use a rule could not judge from its own module: the project link judges it (`imported_classes`)."""

    kind: str  # rules.loader_classes: YAML, UNPICKLER or XML_PARSER
    name: str  # the class or factory as the using module resolves it (`myproj.yamlutil.Loader`)
    call: str  # the loading call (`yaml.load`, `xml.dom.minidom.parseString`)
    origin: str  # the request data it loads, in the rule's words ('' for none)
    finding: Finding  # at the use, message (and confidence) to be filled in


# -- the record of one module ------------------------------------------------------

def module_classes(tree: ast.Module, module: str, path: str, factories: bool = True) -> ModuleClasses:
    """The module's top-level classes and factories (also those under `if`/`try`, as in
    `if HAS_LIBYAML: class Loader(CParser, ...)`), with names resolved as they are bound.
    `factories=False`: the module cannot make an entity-refusing parser (it names none), skip looking."""
    names = NameModel(module, path)
    record = ModuleClasses(module)
    for stmt in top_level(tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names.bind_import(stmt)
            for alias in stmt.names:
                bound = alias.asname or alias.name.partition(".")[0]
                qual = names.qualname(ast.Name(id=bound, ctx=ast.Load()))
                if qual:
                    _alias(record, bound, qual)
        elif isinstance(stmt, ast.ClassDef):
            bases = tuple(q for q in (names.qualname(b) for b in stmt.bases) if q)
            record.classes[stmt.name] = ClassFacts(bases, _find_class(stmt, names))
            _bind_local(names, record, stmt.name)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if factories and _makes_safe_xml_parser(stmt, names):
                record.factories[stmt.name] = SAFE_XML_PARSER
            _bind_local(names, record, stmt.name)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            qual = names.qualname(stmt.value) if isinstance(stmt.value, (ast.Name, ast.Attribute)) else None
            name = stmt.targets[0].id
            if qual:  # `SafeLoader = yaml.CSafeLoader`: the name is the class it names
                names.bind(name, Binding(qualname=qual, kind="alias", line=stmt.lineno))
                _alias(record, name, qual)
            else:
                names.bind_target(stmt.targets[0], stmt.value, stmt.lineno)
                record.aliases.pop(name, None)
    return record


def _alias(record: ModuleClasses, name: str, qual: str) -> None:
    known = record.aliases.get(name, ())
    if qual not in known:
        record.aliases[name] = (*known, qual)


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The module's statements, those under a top-level `if` or `try` too."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from top_level(stmt.body)
            yield from top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from top_level(stmt.body)
            for handler in stmt.handlers:
                yield from top_level(handler.body)
            yield from top_level(stmt.orelse)
        else:
            yield stmt


def _bind_local(names: NameModel, record: ModuleClasses, name: str) -> None:
    """A class or function of the module resolves to `module.Name`, so a base naming it is found."""
    qual = qualify(record.module, name)
    names.bind(name, Binding(qualname=qual, kind="alias"))
    record.aliases.pop(name, None)


def qualify(module: str, name: str) -> str:
    return f"{module}.{name}" if module else name


def _find_class(cls: ast.ClassDef, names: NameModel) -> bool | None:
    """Whether the class's own `find_class` restricts what it loads (None: it defines none).

    It does not when a statement that always runs imports or looks up what the stream names
    (`return super().find_class(module, name)`, `getattr(import_module(module), name)`) before any
    check that can refuse (an `if` or `match` that raises or returns); it does when the lookup is
    under such a check or after one, or the method answers from its own table instead
    (`return ALLOWED[(module, name)]`).
    """
    method = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "find_class"), None)
    if method is None:
        return None
    for stmt in _flattened(method.body):
        if isinstance(stmt, (ast.If, ast.Match, ast.Raise)):
            if any(isinstance(n, (ast.Raise, ast.Return)) for n in ast.walk(stmt)):
                return True  # a check that can refuse comes first
        elif any(isinstance(n, ast.Call) and _importing(n, names) for n in ast.walk(stmt)):
            return False
    return True


def _flattened(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The method's statements in order, the bodies of `try` and `with` opened."""
    for stmt in body:
        if isinstance(stmt, (ast.Try, ast.With)):
            yield from _flattened(stmt.body)
        else:
            yield stmt


def _importing(call: ast.Call, names: NameModel) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _IMPORTING or (names.qualname(func) or "") == "importlib.import_module"


def _makes_safe_xml_parser(func: ast.FunctionDef | ast.AsyncFunctionDef, names: NameModel) -> bool:
    """Every `return` of the function gives a parser that refuses entities: defusedxml's, or lxml's
    with `resolve_entities=False` (and not `no_network=False`)."""
    returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return)]
    return bool(returns) and all(isinstance(v, ast.Call) and safe_xml_parser_call(v, names.qualname(v.func) or "",
                                                                                    names.constant_value)
                                 for v in returns)


def safe_xml_parser_call(call: ast.Call, name: str, constant_value: Callable[[ast.expr], object]) -> bool:
    """`call` (calling `name`) makes an XML parser that neither expands nor fetches entities."""
    if name.startswith("defusedxml."):
        return True
    if name not in ("lxml.etree.XMLParser", "lxml.etree.XMLPullParser"):
        return False
    given = {kw.arg: constant_value(kw.value) for kw in call.keywords if kw.arg}
    return given.get("resolve_entities", True) is False and given.get("no_network", True) is not False


# -- judging by the records -------------------------------------------------------

@dataclass(frozen=True)
class Renamed:
    """A name a module imports or assigns from elsewhere: the names it may be (`from yaml import
    CSafeLoader as FastLoader`; the branches of a `try`)."""

    names: tuple[str, ...]


Lookup = Callable[[str], "ClassFacts | str | Renamed | None"]


def finder(records: Callable[[str], ModuleClasses | None]) -> Lookup:
    """A lookup in the records (`records(module)`): a class's facts, a factory's kind, the names an
    imported or assigned name stands for, or None (no record shows the name)."""
    def find(name: str) -> ClassFacts | str | Renamed | None:
        owner, _, attr = name.rpartition(".")
        record = records(owner)
        if record is None:
            return None
        if attr in record.classes:
            return record.classes[attr]
        if attr in record.factories:
            return record.factories[attr]
        names = record.aliases.get(attr)
        return Renamed(names) if names else None
    return find


def _combined(verdicts: Iterable[bool | None]) -> bool | None:
    """Several classes one class may be (its bases, or a name's alternatives): False if any is, else
    True if any is, else None."""
    found: bool | None = None
    for verdict in verdicts:
        if verdict is False:
            return False
        found = found or verdict
    return found


@dataclass
class Judged:
    """A judge's answer: the verdict and the names it met that no record shows."""

    verdict: bool | None = None
    unseen: list[str] = field(default_factory=list)


# What a judge answers for a name before the records are asked, when the name alone does not tell.
_ASK_RECORDS = "ask the records"


@dataclass(frozen=True)
class _Judge:
    """What one kind of class judgement needs beyond the walk up the class hierarchy it shares."""

    by_name: Callable[[str], bool | None | str]  # a verdict known from the name, or _ASK_RECORDS
    unseen: Callable[[str], bool | None]  # the verdict for a class no record shows
    by_bases: Callable[[ClassFacts, Callable[[str], bool | None]], bool | None]  # from the bases' verdicts


def _judged(judge: _Judge, name: str, find: Lookup) -> Judged:
    judged = Judged()
    seen: set[str] = set()

    def walk(name: str) -> bool | None:
        """The hierarchy walk: a name's alternatives combined, an unseen class listed, bases asked once each."""
        known = judge.by_name(name)
        if known != _ASK_RECORDS:
            return known  # type: ignore[return-value]
        if name in seen:
            return None
        seen.add(name)
        facts = find(name)
        if isinstance(facts, Renamed):
            return _combined(walk(other) for other in facts.names)
        if not isinstance(facts, ClassFacts):
            judged.unseen.append(name)
            return judge.unseen(name)
        return judge.by_bases(facts, walk)

    judged.verdict = walk(name)
    return judged


def _yaml_by_name(name: str) -> bool | None | str:
    if name in YAML_SAFE:
        return True
    if name in YAML_UNSAFE:
        return False
    if name.startswith("yaml.") or name in BUILTINS:
        return None  # a parser, scanner, composer or resolver; `object`, a fallback when PyYAML is missing
    return _ASK_RECORDS


_YAML = _Judge(
    by_name=_yaml_by_name,
    unseen=lambda name: True if name.endswith(("SafeLoader", "BaseLoader")) else None,
    by_bases=lambda facts, walk: _combined(walk(base) for base in facts.bases),
)


def yaml_loader(name: str, find: Lookup) -> Judged:
    """Whether the loader class `name` constructs only plain data (True), may construct objects (False),
    or constructs nothing known (None: parsers, resolvers). An unseen class counts by its name, as a
    review of one file must (`...SafeLoader`, `...BaseLoader`), and is listed in `unseen`."""
    return _judged(_YAML, name, find)


def _unpickler_bases(facts: ClassFacts, walk: Callable[[str], bool | None]) -> bool | None:
    for base in facts.bases:  # the first unpickler base is the one whose find_class it inherits
        inherited = walk(base)
        if inherited is not None:
            return inherited if facts.find_class is None else facts.find_class
    return None


_UNPICKLER = _Judge(
    by_name=lambda name: False if name in UNPICKLERS else _ASK_RECORDS,
    unseen=lambda name: None,
    by_bases=_unpickler_bases,
)


def unpickler(name: str, find: Lookup) -> Judged:
    """Whether the class `name` is an unpickler that loads anything (False), one whose `find_class`
    restricts what it loads (True), or not an unpickler as far as the records show (None)."""
    return _judged(_UNPICKLER, name, find)


def xml_parser_factory(name: str, find: Lookup, seen: frozenset[str] = frozenset()) -> Judged:
    """Whether the function `name` makes, on every return, an XML parser that refuses entities (True),
    or is not known to (None)."""
    found = find(name)
    if isinstance(found, Renamed):  # `make = defusedxml.ElementTree.DefusedXMLParser`, or another module's
        safe = all(other.startswith("defusedxml.") or (
            other not in seen and xml_parser_factory(other, find, seen | {name}).verdict) for other in found.names)
        return Judged(True if safe else None)
    return Judged(True if found == SAFE_XML_PARSER else None, [] if found is not None else [name])
