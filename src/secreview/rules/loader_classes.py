"""Loader classes and parser factories judged by what they are built on, in this module or another.

`yaml.load(text, Loader=X)` is safe when X's constructor is PyYAML's `SafeConstructor` (or
`BaseConstructor`): `SafeLoader`, `CSafeLoader`, `BaseLoader`, or a class built on them —
ansible's `class AnsibleLoader(Parser, AnsibleConstructor, Resolver)` with
`class AnsibleConstructor(SafeConstructor)` in another module. A class that also inherits an
object-constructing constructor (`Constructor`, `FullConstructor`, `UnsafeConstructor`, or a loader
built on one) is not safe, whatever its name says (`class MySafeLoader(yaml.Loader)`). Parser,
scanner, composer and resolver classes construct nothing and do not count either way.
A `pickle.Unpickler` subclass is restricted when its `find_class` (or an inherited one) refuses
what it does not expect; an XML parser from a factory is safe when every return of the factory
makes one that refuses entities (`secreview.analysis.class_facts` holds the facts and the judges).

A rule sees its own module's classes; a name of another module is *deferred*: the rule reports
nothing, and `defer` records the use for the project link (`secreview.analysis.imported_classes`),
which judges it over every module's record and words the finding with `judged_finding`. A name no
module of the project defines (a library's class) is judged as a review of one file must: by its
name, and the message says the class could not be seen.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from secreview.analysis import class_facts
from secreview.analysis.class_facts import ClassUse, Judged, Lookup, ModuleClasses
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context

DEFERRED = "imported-classes"  # ctx.fact_state key of the project pass's walk: the uses it records
YAML, UNPICKLER, XML_PARSER = "yaml-loader", "unpickler", "xml-parser"


@dataclass(frozen=True)
class Wording:
    """How a judged use is reported (the link fills a deferred use's finding with it)."""

    rule_id: str
    message: str
    severity: Severity | None = None
    confidence: Confidence | None = None


def own_lookup(ctx: Context) -> Lookup:
    """The facts of this module's classes only (computed once per file)."""
    record = ctx.fact_state.get(DEFERRED + ":own")
    if not isinstance(record, ModuleClasses):
        record = class_facts.module_classes(ctx.tree, ctx.names.module, ctx.path)
        ctx.fact_state[DEFERRED + ":own"] = record
    own = record
    return class_facts.finder(lambda module: own if module == own.module else None)


def class_name(ctx: Context, node: ast.expr) -> str | None:
    """The qualified name of a class expression; a class of this module as `module.Name`."""
    qual = ctx.qualname(node)
    if qual is None and isinstance(node, ast.Name):
        binding = ctx.names.lookup(node.id)
        if binding is None or binding.kind == "def":
            return class_facts.qualify(ctx.names.module, node.id)
    return qual


def judge(kind: str, name: str, find: Lookup) -> Judged:
    if kind == YAML:
        return class_facts.yaml_loader(name, find)
    if kind == UNPICKLER:
        return class_facts.unpickler(name, find)
    return class_facts.xml_parser_factory(name, find)


def local(ctx: Context, kind: str, node: ast.AST, name: str, origin: str = "") -> Judged | None:
    """The use judged by this module's records, or None when it needs other modules' (then `defer`red)."""
    judged = judge(kind, name, own_lookup(ctx))
    if judged.unseen and judged.verdict is not False:
        defer(ctx, kind, node, name, origin)
        return None
    if judged.verdict and kind == YAML:
        defer(ctx, kind, node, name, origin)  # the taint pass goes by the name: the link clears its finding
    return judged


def defer(ctx: Context, kind: str, node: ast.AST, name: str, origin: str) -> None:
    """Record a use whose class another module defines; only the project pass's walk keeps them."""
    uses = ctx.fact_state.get(DEFERRED)
    if not isinstance(uses, list):
        return  # the review of the file: the project link judges this use
    rule_id = {YAML: "yaml-unsafe-load", UNPICKLER: "unsafe-deserialization-pickle",
               XML_PARSER: "xml-entity-expansion"}[kind]
    before = len(ctx.findings)
    ctx.report(node, "", rule_id=rule_id)
    call = ctx.call_name(node) if isinstance(node, ast.Call) else None
    uses.append(ClassUse(kind, name, call or "", origin, ctx.findings.pop(before)))


def wording(kind: str, name: str, judged: Judged, call: str, origin: str) -> Wording | None:
    """The finding for a judged use, or None when it is safe (`call`: the loading call's name)."""
    short = name.rpartition(".")[2] or name
    if kind == UNPICKLER:
        return unpickler_wording(short, origin) if judged.verdict is False else None
    if judged.verdict:
        return None
    if kind == XML_PARSER:
        unseen = " (defined outside the reviewed code)" if judged.unseen else ""
        return Wording("xml-entity-expansion", f"{call}() parses `{origin}` with a parser from `{short}`{unseen}, "
                       "which is not known to refuse entities; entity expansion in a crafted document is limited "
                       "only by the expat version.")
    if judged.unseen:
        return Wording("yaml-unsafe-load", f"{call}() with Loader `{short}`: `{judged.unseen[0]}` is defined "
                       "outside the reviewed code, so it is judged by its name alone and is not known to "
                       "construct only plain data; an object-constructing loader runs code that a crafted "
                       "document's YAML tags name.", confidence=Confidence.MEDIUM)
    return Wording("yaml-unsafe-load", f"{call}() with Loader `{short}`, whose constructor is not PyYAML's "
                   "SafeConstructor, can construct arbitrary Python objects from YAML tags; a crafted document "
                   "runs code when it is loaded.")


def unpickler_wording(short: str, origin: str) -> Wording:
    """`short`'s find_class imports whatever the stream names: as unsafe as pickle.loads."""
    what = f"`{origin}`, which the client sends" if origin else "data that can name arbitrary callables"
    tail = "a crafted payload runs code in this process." if origin else \
        "if an attacker can influence the bytes, they run code in this process."
    return Wording("unsafe-deserialization-pickle",
                   f"{short}(...).load() deserialises {what}: the class's find_class does not restrict what "
                   f"it imports, so {tail}", confidence=Confidence.HIGH if origin else None)
