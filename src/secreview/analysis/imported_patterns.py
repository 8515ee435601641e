"""Regular expressions defined in one module and compiled or applied in another (CWE-1333).

`rules/resources_regex.py` folds a pattern's text within its own module
(`pattern_text`). A pattern kept as a constant in `patterns.py` and compiled in
`parser.py` (`re.compile(patterns.HEADER)`) needs the project: the rules pass is
per file and cached per file. So:

* a file pass (`regex-imported-patterns`, see `secreview.run.filepasses`) keeps per
  module its module-level string constants that contain a quantifier (folded as
  the rule folds them), and the `re` calls whose pattern is an imported name or an
  attribute of an imported module: the name, flags, function or method, who
  controls the subject (the rule's own `exposure`), and a finding at the use to fill in;
* `link` resolves those names through the project's modules and reports with the
  rule's ids, degree, attack string, severity and message, at the use, naming the
  module that defines the pattern. The result depends only on these per-file
  records, so a warm, cold, serial or parallel run gives the same findings.

Left to the rule: patterns compiled where they are written (it sees them whole).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from secreview.analysis.project_records import Relinker, walk
from secreview.core.model import Confidence, Finding, Severity

if TYPE_CHECKING:
    from secreview.core.model import FileReview
    from secreview.rules.base import Context
    from secreview.rules.regex_inputs import Exposure
    from secreview.settings.config import Config
    from secreview.sources.parse import Parsed

PASS_NAME = "regex-imported-patterns"
PASS_VERSION = "2"  # 2: `exposed` says how strong the evidence is (rules.regex_inputs.Exposure)
_QUANTIFIED = re.compile(r"[*+}?]")
# A regex call whose first argument is a name (not a literal): only such files are walked for uses.
# (Starting with a literal lets `re` skip ahead quickly: a leading `\b` or alternation made it 0.8 s over Nova.)
# A string prefix and its quote (`r"`, `rb'`, `f"`) starts a literal, not a name: half the files that
# compile a pattern compile only raw strings.
_NAME_STARTS = r"\(\s*(?![rRbBuUfFtT]{1,2}['\"])[A-Za-z_]"
_NAMED_PATTERN = re.compile(r"re\.(?:compile|search|match|fullmatch|findall|finditer|sub|subn|split)" + _NAME_STARTS)
_LAZY_NAMED_PATTERN = re.compile(r"_lazy_re_compile" + _NAME_STARTS)
_ALIAS_DEPTH = 4  # `pkg/__init__.py` re-exporting `from .patterns import WORD`, and so on


@dataclass(frozen=True)
class PatternUse:
    """One `re` call in a module whose pattern is a name another module defines."""

    name: str  # the pattern's qualified name as imported (`pkg.patterns.WORD`)
    flags: int
    function: str  # `compile`, `search`, ... for `re.NAME(...)`; the method for `compiled.NAME(...)`
    exposed: Exposure | None  # who controls the subject (None for nobody or no subject)
    polynomial_only: bool  # a method of a compiled name: its exponential case is reported at the compile
    finding: Finding  # at the use, message and severity to be filled in


@dataclass(frozen=True)
class ModulePatterns:
    """What the file pass keeps of one module."""

    module: str
    constants: dict[str, str] = field(default_factory=dict)  # NAME -> folded pattern text
    aliases: dict[str, str] = field(default_factory=dict)  # NAME -> qualified name it was imported as
    uses: tuple[PatternUse, ...] = ()
    waivers: dict = field(default_factory=dict)  # suppression comments by line, for the uses' lines


def collect(parsed: Parsed, module: str) -> ModulePatterns | None:
    """The file pass: this module's quantified constants and re-exports, and its uses of imported patterns."""
    from secreview.rules.base import Context

    source = parsed.source
    constants: dict[str, str] = {}
    aliases: dict[str, str] = {}
    if _may_define(parsed.tree):
        constants, aliases = _module_constants(Context(parsed.path, source, parsed.tree, module))
    named = _NAMED_PATTERN.search(source) or ("_lazy_re_compile" in source and _LAZY_NAMED_PATTERN.search(source))
    uses = _uses(parsed, module) if named else ()
    if not (constants or aliases or uses):
        return None
    waivers: dict = {}
    if uses:
        from secreview.review.suppress import waivers as comments

        waivers = comments(parsed.source)
    return ModulePatterns(module, constants, aliases, tuple(uses), waivers)



def _may_define(tree: ast.Module) -> bool:
    """Whether the module's top level imports an upper-case name or assigns text with a quantifier:
    folding can only produce a quantifier that one of its string pieces holds."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and any((a.asname or a.name).isupper() for a in stmt.names):
            return True
        if isinstance(stmt, ast.Assign) and any(isinstance(n, ast.Constant) and isinstance(n.value, (str, bytes))
                                                and _QUANTIFIED.search(str(n.value)) for n in ast.walk(stmt.value)):
            return True
    return False


def _module_constants(ctx: Context) -> tuple[dict[str, str], dict[str, str]]:
    """Module-level `NAME = <pattern text>` with a quantifier, and the upper-case names (constants by
    convention; keeping every imported name would make a record of nearly every module) it imports."""
    from secreview.analysis.pattern_text import pattern_text

    names = ctx.names
    constants: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.ImportFrom):
            names.bind_import(stmt)
            for alias in stmt.names:
                bound = alias.asname or alias.name
                # the name model itself, not ctx.qualname: that memo is keyed by id(node), and a node made
                # here is freed at once, so the next one may get its id and the previous name's answer
                qual = names.qualname(ast.Name(id=bound, ctx=ast.Load()))
                if bound.isupper() and qual and qual != f"{ctx.names.module}.{bound}":
                    aliases[bound] = qual
        elif isinstance(stmt, ast.Import):
            names.bind_import(stmt)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            names.bind_target(stmt.targets[0], stmt.value, stmt.lineno)
            text = pattern_text(ctx, stmt.value)
            if text is not None and _QUANTIFIED.search(text):
                constants[stmt.targets[0].id] = text
            else:
                constants.pop(stmt.targets[0].id, None)
    return constants, aliases


def _uses(parsed: Parsed, module: str) -> list[PatternUse]:
    """Walk the module with one check that records `re` calls on imported pattern names."""
    return walk(parsed, module, PASS_NAME, _dispatch())


_DISPATCH: list[Any] = []


def _dispatch() -> Any:
    """The walk's one check, built once per process."""
    if not _DISPATCH:
        from secreview.rules.base import Rule
        from secreview.rules.engine import Dispatch
        from secreview.rules.neutralization_query import REGEX_CALLS
        from secreview.rules.resources_regex import COMPILERS, SUBJECT_POSITION

        check = Rule(id=PASS_NAME, name="uses of imported patterns", cwe="1333", severity=Severity.MEDIUM,
                     confidence=Confidence.MEDIUM, fix="", func=_record, calls=REGEX_CALLS + COMPILERS[1:],
                     methods=tuple(SUBJECT_POSITION), tests=False)
        _DISPATCH.append(Dispatch([check], collectors=()))
    return _DISPATCH[0]


def _record(node: ast.Call, ctx: Context) -> None:
    """The walk's check: a direct `re.f(IMPORTED, ...)`, or `NAME.method(...)` of `NAME = re.compile(IMPORTED)`."""
    from secreview.rules.base import argument, keyword
    from secreview.rules.heuristics import in_test_code
    from secreview.rules.resources_regex import (
        COMPILERS, FLAGS_POSITION, SUBJECT_POSITION, exposure, flags_value, reaching)

    seen = ctx.fact_state.setdefault(PASS_NAME + ":seen", set())
    if in_test_code(ctx) or id(node) in seen:
        return  # `re.match(...)` is asked for both as a call and as a method
    seen.add(id(node))
    call = ctx.call_name(node) or ""
    if call in _regex_calls() or call in COMPILERS:
        function = call.rsplit(".", 1)[-1]
        compiled, subject_at, polynomial_only = node, SUBJECT_POSITION.get(function), False
    elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        value = ctx.assigned_value(node.func.value)
        if not isinstance(value, ast.Call) or ctx.call_name(value) not in COMPILERS:
            return
        function = node.func.attr
        compiled, subject_at, polynomial_only = value, SUBJECT_POSITION[function] - 1, True
    else:
        return
    name = _imported_name(ctx, argument(compiled, 0, "pattern"))
    if name is None:
        return
    compiler = (ctx.call_name(compiled) or "").rsplit(".", 1)[-1]
    flags_node = keyword(compiled, "flags")
    position = FLAGS_POSITION.get(compiler, 99)
    if flags_node is None and len(compiled.args) > position:
        flags_node = compiled.args[position]
    flags = flags_value(ctx, flags_node.value if isinstance(flags_node, ast.keyword) else flags_node)
    subject = argument(node, subject_at, "string") if subject_at is not None else None
    if flags is None or (subject is not None and ctx.is_constant(subject)):
        return  # unknown flags, or a pattern applied to a constant
    exposed = exposure(ctx, subject)
    if polynomial_only and not reaching(exposed):
        return
    before = len(ctx.findings)
    ctx.report(node, "", rule_id="regex-catastrophic-backtracking")
    template = ctx.findings.pop(before)
    ctx.fact_state[PASS_NAME].append(PatternUse(name, flags, function, exposed, polynomial_only, template))


def _regex_calls() -> frozenset[str]:
    from secreview.rules.neutralization_query import REGEX_CALLS

    return frozenset(REGEX_CALLS)


def _imported_name(ctx: Context, node: ast.expr | None) -> str | None:
    """The qualified name of a pattern argument that names another module's attribute, else None."""
    if not isinstance(node, (ast.Name, ast.Attribute)) or ctx.assigned_value(node) is not None:
        return None
    qual = ctx.qualname(node)
    module = ctx.names.module
    if not qual or "." not in qual or (module and qual.startswith(module + ".") and "." not in qual[len(module) + 1:]):
        return None
    return qual


# -- the project step ----------------------------------------------------------------

def link(reviews: Sequence[FileReview], extras: Iterable[object], config: Config) -> tuple[FileReview, ...]:
    """The reviews with the findings of patterns used in one module and defined in another."""
    records = [e if isinstance(e, ModulePatterns) else None for e in extras]
    known = {r.module: r for r in records if r is not None and r.module}
    return tuple(with_findings(review, record, known.get, config) for review, record in zip(reviews, records))


def with_findings(review: FileReview, record: ModulePatterns | None,
                  module: Callable[[str], ModulePatterns | None], config: Config) -> FileReview:
    """One file's review with its uses of imported patterns judged (`module(name)`: a module's record)."""
    if record is None or not record.uses or not review.reviewed:
        return review
    found = [f for f in (_judge(use, module) for use in record.uses) if f is not None]
    if not found:
        return review
    from secreview.analysis.project_merge import merge
    from secreview.rules import select_rules

    selected = {r.id for r in select_rules(config.select, config.ignore)}
    return merge(review, [f for f in found if f.rule_id in selected], record.waivers, config)


def defined(name: str, module: Callable[[str], ModulePatterns | None]) -> tuple[str, str] | None:
    """(module, pattern text) of the constant `name` (`pkg.mod.NAME`), through re-exports; None if unknown."""
    for _ in range(_ALIAS_DEPTH):
        owner, _, attr = name.rpartition(".")
        record = module(owner) if owner else None
        if record is None:
            return None
        if attr in record.constants:
            return owner, record.constants[attr]
        if attr not in record.aliases:
            return None
        name = record.aliases[attr]
    return None


def _judge(use: PatternUse, module: Callable[[str], ModulePatterns | None]) -> Finding | None:
    from secreview.analysis.redos import analyse
    from secreview.rules import REGISTRY
    from secreview.rules.resources_regex import SCANNING, judged, reaching

    where = defined(use.name, module)
    if where is None:
        return None
    owner, pattern = where
    found = analyse(pattern, use.flags, scanning=use.function in SCANNING, whole=use.function == "fullmatch")
    if found is None or not (found.exponential or reaching(use.exposed)) or (use.polynomial_only and found.exponential):
        return None
    origin = f" (`{use.name.rpartition('.')[2]}`, defined in module `{owner}`)"
    rule_id, message, severity, confidence = judged(pattern, found, use.exposed, origin)
    rule = REGISTRY[rule_id]
    return dataclasses.replace(use.finding, rule_id=rule_id, rule_name=rule.name, fix=rule.fix, message=message,
                               severity=severity, confidence=confidence)


def relinker(cache: Any, paths: Sequence[str], modules: Sequence[str], full_digest: dict[str, str],
             digest_now: dict[str, str], results: dict[str, Any], config: Config) -> Relinker:
    """The incremental run's re-link of imported patterns: a full link when a module's constants or
    re-exports changed; a file reviewed again gets its uses judged afresh."""
    return Relinker(PASS_NAME, _exported, _patterns, _judge_file, cache, paths, modules, full_digest, digest_now,
                    results, config)


def _judge_file(review: FileReview, record: object, module: Callable[[str], ModulePatterns | None],
                config: Config) -> FileReview:
    return with_findings(review, _patterns(record), module, config)


def _patterns(record: object) -> ModulePatterns | None:
    return record if isinstance(record, ModulePatterns) else None


def _exported(record: object) -> tuple[dict[str, str], dict[str, str]]:
    """What other modules' findings depend on: the constants and re-exports."""
    return (record.constants, record.aliases) if isinstance(record, ModulePatterns) else ({}, {})
