"""Re-link a project after an edit: redo only the taint flows the edit can change.

The full link (`secreview.analysis.flows.Project`) runs with a `Trace`, which
records for every memoised answer what it consulted: module summaries ("m"),
how callee names resolve ("r"), which functions write a field ("f") and who
calls a function ("c"), and which other answers it used. That record, the
ranked candidate findings of every linked function and the project's names
(`flow_paths.Index`) are kept beside the project's cached result (`LinkState`),
written by full links only.

On a later run, only the files edited since the last run are reviewed again,
and the project is re-linked against the last full link's record with every
module edited since then. What those edits change is worked out exactly: the
edited modules' summaries, every callee name whose resolution differs (only
names whose resolution looked up a name an edited module defines are resolved
again), every field whose writers differ, every function whose call sites
differ. The functions whose answers reach a changed fact through the record are
linked again, in a fresh link that decodes only the summaries it reads; every
other function keeps its recorded candidates, and the final pick per (path,
line, rule) ranks them exactly as the full link does.

That is only sound when an answer does not depend on the order of the link.
Answers that met recursion (the fixed point answers with values from a previous
round) or the depth limit do; so the re-link falls back to the full link when
any answer it must redo was such an answer, when the fresh link meets one
(`flow_paths.Unsure`), when a chain of summaries could reach the depth limit, when a
name an edited module defines is defined by another module too, when the set of
files or their module names changed, or after `REBASE_AFTER` edited modules.
Correctness first: the fallback is the full link.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from secreview.analysis import flow_findings, flows
from secreview.analysis.flow_paths import Fallback, Index, Shape, Trace, Unsure
from secreview.analysis.flows import Project
from secreview.analysis.summaries import ModuleSummary
from secreview.core.model import FileReview, Finding, PillarVerdict

if TYPE_CHECKING:
    from secreview.review.verdicts import FileTallies

Target = tuple  # (qualname or None, constructor, path of the defining module or None)
Fact = tuple[str, str]  # (kind, name): ("m", path), ("r", callee), ("f", field), ("c", qualname), ("d", key)


@dataclass
class Edges:
    """A list of ids per id, packed in two arrays: id i's are `ids[starts[i]:starts[i + 1]]`.

    Nova's link has 58,000 entries; as lists they took 5 ms of every run after an edit to unpickle,
    packed they are two byte strings, and a run reads only the entries it walks through.
    """

    starts: bytes
    ids: bytes

    @classmethod
    def packed(cls, lists: Sequence[Sequence[int]]) -> Edges:
        starts = array("I", [0])
        ids: array[int] = array("I")
        for items in lists:
            ids.extend(items)
            starts.append(len(ids))
        return cls(starts.tobytes(), ids.tobytes())

    def reader(self) -> Callable[[int], Sequence[int]]:
        """id -> its ids (views of the packed bytes, no copy)."""
        starts, ids = memoryview(self.starts).cast("I"), memoryview(self.ids).cast("I")
        return lambda ident: ids[starts[ident]:starts[ident + 1]]


@dataclass
class LinkState:
    """The record of the last full link of a project, kept beside its cached result.

    It is written by a full link only: a run after an edit re-links against it every
    module edited since (its `digests` say which), and leaves it as it is. After
    `REBASE_AFTER` edited modules, a full link writes a new one.
    """

    paths: tuple[str, ...]
    digests: tuple[str, ...]
    modules: tuple[str, ...]  # each path's module name: a package's __init__.py added elsewhere changes it
    index: Index  # the project's names, as the link resolved calls
    shadowed: set[str]  # function and class qualnames, and module names, that more than one module defines
    summarised: set[str]  # paths of the modules with a summary
    candidates: dict[tuple[str, str], tuple[tuple[int, int], list]]  # (path, qualname) -> (link order, flows)
    targets: dict[str, Target]  # every callee name of the project -> what it resolves to
    indirect: dict[str, tuple[str, ...]]  # callee -> other names its resolution looked up (Project.indirect)
    sites: dict[str, list[int]]  # callee name -> its call sites (path position << 20 | call index), in order
    tops: dict[int, tuple[str, str]]  # trace id -> the linked function (path, qualname) it is the flows of
    # fact -> ids of the entries that read it. Nova has 20,000 facts, and a run after an edit asks for a
    # few: the cache keeps them apart and gives a mapping that reads the facts asked for.
    facts: Mapping[Fact, Sequence[int]]
    parents: Edges  # id -> ids of the entries that used it
    unsure: set[int] = field(default_factory=set)
    height: int = 0  # the longest chain of nested summaries


REBASE_AFTER = 32  # modules edited since the last full link; beyond that, link in full again
_SITE_BITS = 20  # call index bits of a site


@dataclass
class Relinked:
    """The outcome of a link: findings by path, and the record for the next runs (full links only)."""

    found: dict[str, list[Finding]]
    state: LinkState | None
    redone: int  # functions linked afresh (all of them for a full link)


# -- the full link ---------------------------------------------------------------------

def full_link(paths: Sequence[str], digests: Sequence[str], modules: Sequence[ModuleSummary],
              rules: dict[str, Any]) -> Relinked:
    """Link every module, recording what each answer consulted."""
    from secreview.sources.discover import module_name

    trace = Trace()
    project = Project(modules, trace=trace)
    groups = project.flows_by_function()
    position = {path: i for i, path in enumerate(paths)}
    order = {}
    for shape in project.shapes:
        for rank, (qualname, _) in enumerate(shape.functions):
            order[(shape.path, qualname)] = (position[shape.path], rank)
    candidates = {qual: flow_findings.candidates(found, rules) for qual, found in groups}
    found = flow_findings.pick(candidates[qual] for qual, _ in groups)
    state = LinkState(
        paths=tuple(paths), digests=tuple(digests), modules=tuple(module_name(p) for p in paths),
        index=project.index, shadowed=_shadowed(project.shapes), summarised={s.path for s in project.shapes},
        candidates={q: (order[q], c) for q, c in candidates.items() if c},
        targets={}, indirect={}, sites={}, tops={}, facts={}, parents=Edges(b"", b""))
    for shape in project.shapes:
        for index, call in enumerate(project.module(shape.path).calls):
            state.sites.setdefault(call.callee, []).append(position[shape.path] << _SITE_BITS | index)
            if call.callee not in state.targets:
                state.targets[call.callee] = _target(project, call.callee)
    state.indirect = dict(project.indirect)
    _absorb(state, trace)
    return Relinked(found, state, len(groups))


def _shadowed(shapes: Sequence[Shape]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for shape in shapes:
        for name in (shape.module, *(q for q, _ in shape.functions), *shape.classes):
            (twice if name in seen else seen).add(name)
    return twice


def _fields(project: Project) -> dict[str, list[tuple[str, str, frozenset]]]:
    return {name: [(writer, project.function_paths[writer], taint) for writer, taint in writers]
            for name, writers in project.fields.items()}


def _target(project: Project, callee: str) -> Target:
    qualname, constructor = project.resolved(callee)
    return qualname, constructor, project.function_paths.get(qualname) if qualname else None


def _absorb(state: LinkState, trace: Trace) -> None:
    """The trace as the state's record: facts read and, per entry, the entries that used it."""
    state.tops = {ident: (key[1], key[2]) for key, ident in trace.ids.items() if key[0] == "t"}
    state.height = max(trace.heights, default=0)
    state.unsure = set(trace.unsure_ids)
    parents: list[list[int]] = [[] for _ in trace.facts]
    for ident, children in enumerate(trace.children):
        for child in children:
            parents[child].append(ident)
    state.parents = Edges.packed(parents)
    readers: dict[Fact, list[int]] = {}
    for ident, facts in enumerate(trace.facts):
        for fact in facts:
            readers.setdefault(fact, []).append(ident)
    state.facts = readers


# -- the re-link -----------------------------------------------------------------------

def relink(state: LinkState, paths: Sequence[str], changed: dict[str, ModuleSummary | None],
           before: Callable[[str], ModuleSummary], load: Callable[[str], ModuleSummary],
           rules: dict[str, Any]) -> Relinked:
    """Re-link the last full link (`state`) after the modules `changed` (path -> summary now) were edited.

    `before(path)` gives a changed module's summary at the full link, `load(path)` an unchanged
    module's summary. Raises Fallback when the result could differ from a full link. The state
    is used up: it is changed in place to describe the project as it is now.
    """
    if tuple(paths) != state.paths or state.height > flows.MAX_DEPTH:
        raise Fallback("the set of files changed, or chains of calls are near the depth limit")
    rename = state.index.namespaces.apply  # the same files and module names: the full link's renaming holds
    changed = {path: rename(summary) if summary is not None else None for path, summary in changed.items()}
    old = {path: rename(before(path)) for path in changed if path in state.summarised}
    old_fields = _fields(Project(index=state.index, load=load))
    position = {path: i for i, path in enumerate(paths)}
    declared_before = {key for s in old.values() for key in s.declared}
    for path, summary in changed.items():
        _reindex(state, position, old.get(path), summary)

    def summary_of(path: str) -> ModuleSummary:
        if path in changed:
            found = changed[path]
            if found is None:
                raise Fallback(f"no summary for {path}")
            return found
        return rename(load(path))

    trace = Trace(strict=True)
    project = Project(index=state.index, load=summary_of, trace=trace)
    names = {s.module for s in (*old.values(), *changed.values()) if s is not None}
    old_callees = {call.callee for summary in old.values() for call in summary.calls}
    new_callees = {call.callee for s in changed.values() if s is not None for call in s.calls}
    moved = _resolve_again(state, project, names, new_callees)
    facts = {("m", path) for path in changed}
    facts |= {("r", callee) for callee in moved}
    facts |= {("f", name) for name in _changed_fields(old_fields, _fields(project))}
    declared_now = {key for s in changed.values() if s is not None for key in s.declared}
    facts |= {("d", key) for key in declared_before ^ declared_now}
    callers = {target[0] for callee in old_callees | new_callees | moved.keys()
               for target in (moved.get(callee), state.targets.get(callee)) if target and target[0]}
    facts |= {("c", qualname) for qualname in callers}
    _replace_sites(state, {position[p] for p in changed}, changed, old_callees, position)
    redo = _affected(state, facts)
    trace.strict = redo.isdisjoint(_unsure_tops(state))  # else redone to a fixed point (see `_unsure_tops`)
    for path, summary in changed.items():
        for qualname, function in (summary.functions.items() if summary is not None else ()):
            if function.sinks or function.calls:
                redo.add((path, qualname))
    order = _order(state, redo, project, position)
    project.callers_index = _Callers(state, paths)
    try:
        groups = dict(project.flows_by_function(sorted(redo, key=order.__getitem__)))
    except Unsure as exc:
        raise Fallback(f"recursion met while re-linking: {exc}") from None
    if max(trace.heights, default=0) > flows.MAX_DEPTH:
        raise Fallback("a chain of calls near the depth limit")
    kept = [entry for qual, entry in state.candidates.items() if qual not in redo]
    kept += [(order[qual], found) for qual, found in
             ((q, flow_findings.candidates(g, rules)) for q, g in groups.items()) if found]
    kept.sort(key=lambda entry: entry[0])
    return Relinked(flow_findings.pick(found for _, found in kept), None, len(groups))


def _reindex(state: LinkState, position: dict[str, int], old: ModuleSummary | None,
             new: ModuleSummary | None) -> None:
    """Replace a module's names in the index (Fallback when another module defines one of them too)."""
    index = state.index
    for summary, keep in ((old, False), (new, True)):
        if summary is None:
            continue
        names = [summary.module, *summary.functions, *summary.classes]
        if any(name in state.shadowed for name in names):
            raise Fallback(f"{summary.path} defines a name another module defines too")
        if keep:
            if any(q in index.function_paths for q in summary.functions) or \
                    any(q in index.classes for q in summary.classes) or summary.module in index.exports:
                raise Fallback(f"{summary.path} now defines a name another module defines")
            index.exports[summary.module] = summary.exports
            index.function_paths.update((q, summary.path) for q in summary.functions)
            index.classes.update(summary.classes)
        else:
            index.exports.pop(summary.module, None)
            for qualname in summary.functions:
                index.function_paths.pop(qualname, None)
            for qualname in summary.classes:
                index.classes.pop(qualname, None)
        for key in summary.declared:
            places = [p for p in index.declared.get(key, ()) if p != summary.path]
            if keep:
                places = sorted([*places, summary.path], key=position.__getitem__)
            if places:
                index.declared[key] = places
            else:
                index.declared.pop(key, None)
        for name in {f for f, _, _ in summary.fields}:
            records = [r for r in index.fields.get(name, ()) if r[0] != summary.path]
            if keep:
                records += [(summary.path, writer, taint) for f, writer, taint in summary.fields if f == name]
                records.sort(key=lambda record: position[record[0]])
            if records:
                index.fields[name] = records
            else:
                index.fields.pop(name, None)


def _order(state: LinkState, redo: set[tuple[str, str]], project: Project,
           position: dict[str, int]) -> dict[tuple[str, str], tuple[int, int]]:
    """Where each function to link again stands in the link order (module, then place in the module)."""
    ranks: dict[str, dict[str, int]] = {}
    order = {}
    for path, qualname in redo:
        rank = ranks.get(path)
        if rank is None:
            rank = ranks[path] = {q: i for i, q in enumerate(project.module(path).functions)} \
                if project.function_paths.get(qualname) == path else {}
        order[(path, qualname)] = (position[path], rank.get(qualname, -1))
    return order


def _resolve_again(state: LinkState, project: Project, names: set[str], new_callees: set[str]) -> dict[str, Target]:
    """Callee names that resolve otherwise now -> what they resolved to before (the state gets the new).

    Only names an edited module can answer are resolved again: those whose resolution
    looked up a name that an edited module's name is, or starts (`Project.indirect`), and new ones.
    """
    prefixes = tuple(f"{name}." for name in names)

    def edited(name: str) -> bool:
        return name in names or name.startswith(prefixes)

    again = {callee for callee in state.targets if edited(callee)}
    again |= {callee for callee, others in state.indirect.items() if any(edited(name) for name in others)}
    moved = {}
    for callee in again | new_callees:
        now = _target(project, callee)
        before = state.targets.get(callee)
        if now != before:
            if before is not None:
                moved[callee] = before
            state.targets[callee] = now
    state.indirect.update(project.indirect)
    return moved


def _changed_fields(before: dict[str, list], now: dict[str, list]) -> set[str]:
    return {name for name in before.keys() | now.keys() if before.get(name) != now.get(name)}


def _replace_sites(state: LinkState, edited: set[int], changed: dict[str, ModuleSummary | None],
                   old_callees: set[str], position: dict[str, int]) -> None:
    """The call sites of the changed modules, as they are now (the others keep their place)."""
    for callee in old_callees:
        kept = [site for site in state.sites.get(callee, ()) if site >> _SITE_BITS not in edited]
        if kept:
            state.sites[callee] = kept
        else:
            state.sites.pop(callee, None)
    touched = set()
    for path, summary in changed.items():
        for index, call in enumerate(summary.calls if summary is not None else ()):
            state.sites.setdefault(call.callee, []).append(position[path] << _SITE_BITS | index)
            touched.add(call.callee)
    for callee in touched:
        state.sites[callee].sort()


class _Callers:
    """`Project.callers_index` over the state's call sites, worked out per function when asked."""

    def __init__(self, state: LinkState, paths: Sequence[str]) -> None:
        self.state = state
        self.paths = paths
        self.by_target: dict[str, list[str]] = {}
        for callee, target in state.targets.items():
            if target[0] is not None:
                self.by_target.setdefault(target[0], []).append(callee)
        self.memo: dict[str, list[tuple[str, int]]] = {}

    def get(self, qualname: str, default: list | None = None) -> list[tuple[str, int]]:
        found = self.memo.get(qualname)
        if found is None:
            sites = sorted(site for callee in self.by_target.get(qualname, ()) for site in self.state.sites.get(callee, ()))
            mask = (1 << _SITE_BITS) - 1
            found = self.memo[qualname] = [(self.paths[site >> _SITE_BITS], site & mask) for site in sites]
        return found


def _affected(state: LinkState, facts: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The linked functions whose answers used a changed fact, and every unsure one if one of those was."""
    todo = [ident for fact in facts for ident in state.facts.get(fact, ())]
    seen = set(todo)
    parents = state.parents.reader()
    while todo:
        ident = todo.pop()
        for parent in parents(ident):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    redo = {state.tops[ident] for ident in seen if ident in state.tops}
    if seen & state.unsure:
        redo |= _unsure_tops(state)
    return redo


def _unsure_tops(state: LinkState) -> set[tuple[str, str]]:
    """Every linked function whose answers met recursion in the full link (Nova: 1,126 of 24,206).

    An unsure answer depends on the order of the link (which answers were still being computed
    when it asked for them), so one that an edit reaches cannot be redone alone. Redoing all of
    them, in link order and to a fixed point, is what a full link does with them: the functions
    left out are sure and read nothing the edit changed, so they met no recursion, read no unsure
    answer and ask what they asked before; a full link computing them in between only memoises
    answers that do not depend on where they are asked, so it gives every redone function the
    answers this re-link gives it. Editing nova/utils.py (read by 4,035 functions' answers)
    re-linked everything before.
    """
    return {state.tops[ident] for ident in state.unsure if ident in state.tops}


# -- a run with the cache -------------------------------------------------------------

def review_project(cache: Any, roots: Sequence[str], paths: Sequence[str], run: Callable[[Sequence[str]], list],
                   config: Any) -> tuple[tuple, tuple, str]:
    """(file reviews, project verdicts, how the project was linked) for a run with `cache`.

    `run(paths)` reviews files (from the cache where it can), as `parallel.review_many`.
    The link is "incremental" when only what the edits since the last full link can
    change was linked again, else "full" (and its record is kept for the next runs).
    """
    outcome = None
    previous = cache.previous_project(roots)
    if previous is not None:
        try:
            outcome = _incremental(cache, previous, paths, run, config)
        except Fallback:
            outcome = None
        except Exception:  # noqa: BLE001 - a re-link that goes wrong is redone in full, never reported wrong
            outcome = None
    mode = "incremental"
    if outcome is None:
        mode = "full"
        outcome = _full(paths, run, config)
    files, digests, found, state = outcome
    verdicts, tallies = _verdicts(files, previous[0] if previous is not None and mode == "incremental" else None)
    cache.store_project(roots, paths, digests, files, verdicts, found, state, full=mode == "full",
                        previous=previous[0] if previous is not None else None, tallies=tallies)
    return files, verdicts, mode


def _verdicts(files: tuple[FileReview, ...], row: Any) -> tuple[tuple[PillarVerdict, ...], list[FileTallies]]:
    """The project verdicts, and what each file adds to them; a file review kept from the previous
    run's `row` (the very object) keeps its tally, the others are explained again."""
    from secreview.review.verdicts import project_verdicts

    before = row.file_tallies() if row is not None else None
    tallies = [before[i] if before is not None and i < len(row.files) and review is row.files[i] else {}
               for i, review in enumerate(files)]
    return project_verdicts([(f.findings, f.facts) for f in files], tallies), tallies


def _full(paths: Sequence[str], run: Callable[[Sequence[str]], list], config: Any) -> tuple:
    from secreview.analysis import imported_classes, imported_patterns, taint_project

    results = run(paths)
    digests = [r.digest if r.cacheable else None for r in results]
    summaries = [taint_project.decode(r.extras.get(taint_project.PASS_NAME)) for r in results]

    def link(modules: Sequence[ModuleSummary], rules: dict[str, Any]) -> tuple:
        linked = full_link(paths, [d or "" for d in digests], modules, rules)
        return linked.found, linked

    files, linked = taint_project.link_all([r.review for r in results], summaries, config, link)
    files = imported_patterns.link(files, [r.extras.get(imported_patterns.PASS_NAME) for r in results], config)
    files = imported_classes.link(files, [r.extras.get(imported_classes.PASS_NAME) for r in results], config)
    if linked is None or None in digests:
        return files, digests, {}, None
    return files, digests, linked.found, linked.state


def _incremental(cache: Any, previous: tuple, paths: Sequence[str], run: Callable[[Sequence[str]], list],
                 config: Any) -> tuple:
    from secreview.analysis import imported_classes, imported_patterns, taint_project
    from secreview.sources.discover import module_name

    row, state = previous
    if state is None or tuple(paths) != state.paths or len(row.files) != len(paths) or \
            len(row.digests) != len(paths) or tuple(module_name(p) for p in paths) != state.modules:
        raise Fallback("no record of the last full link, or other files or modules")
    rules = taint_project.taint_rules(config)
    if not rules:
        raise Fallback("no taint rule selected")
    digests = cache.digests(paths)
    if None in digests:
        raise Fallback("a file cannot be read")
    since_full = [path for path, now, then in zip(paths, digests, state.digests) if now != then]
    if len(since_full) > REBASE_AFTER:
        raise Fallback("many files edited since the last full link")
    since_last = {path for path, now, then in zip(paths, digests, row.digests) if now != then}
    results = dict(zip(since_full, run(since_full))) if since_full else {}
    read_now = (d for p, d in zip(paths, digests) if p in results)
    if any(not r.cacheable or r.digest != now for r, now in zip(results.values(), read_now)):  # secreview: ignore[timing-unsafe-comparison] content hashes of local files, not secrets
        raise Fallback("a file could not be reviewed completely, or changed while it was read")
    changed = {path: taint_project.decode(r.extras.get(taint_project.PASS_NAME)) for path, r in results.items()}
    full_digest = dict(zip(paths, state.digests))
    digest_now = dict(zip(paths, digests))
    patterns = imported_patterns.relinker(cache, paths, state.modules, full_digest, digest_now, results, config)
    classes = imported_classes.relinker(cache, paths, state.modules, full_digest, digest_now, results, config)

    def summary(path: str, digest: str) -> ModuleSummary:
        result = cache.result(path, digest)
        found = taint_project.decode(result.extras.get(taint_project.PASS_NAME)) if result is not None else None
        if found is None:
            raise Fallback(f"no cached summary for {path}")
        return found

    relinked = relink(state, paths, changed, lambda path: summary(path, full_digest[path]),
                      lambda path: summary(path, digest_now[path]), rules)
    merged = list(row.files)
    for i, path in enumerate(paths):
        found = relinked.found.get(path, [])
        if path in since_last or row.found.get(path, []) != found:
            result = results[path] if path in results else cache.result(path, digest_now[path])
            if result is None:
                raise Fallback(f"no cached review of {path}")
            module = taint_project.decode(result.extras.get(taint_project.PASS_NAME))
            merged[i] = taint_project.merge(result.review, found, module.waivers if module else {}, config,
                                            module.cleared if module else (), module.dead if module else (),
                                            module.varies if module else ())
            merged[i] = classes.judge(patterns.judge(merged[i], result), result)
    return tuple(merged), digests, relinked.found, None
