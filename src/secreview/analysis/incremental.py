"""Re-link a project after an edit: redo only the taint flows the edit can change.

The full link (`secreview.analysis.flows.Project`) runs with a `Trace`, which
records for every memoised answer what it consulted: module summaries (`m:`),
how callee names resolve (`r:`), which functions write a field (`f:`) and who
calls a function (`c:`), and which other answers it used. That record, the
ranked candidate findings of every linked function and the module shapes are
kept beside the project's cached result (`LinkState`).

On the next run, only the modules whose content changed are reviewed again.
The facts those edits change are worked out exactly: the changed modules'
summaries, every callee name whose resolution differs, every field whose
writers differ, every function whose call sites differ. The functions whose
answers reach a changed fact through the record are linked again, in a
fresh link that loads only the summaries it reads; every other function keeps
its cached candidates, and the final pick per (path, line, rule) ranks them
exactly as the full link does.

That is only sound when an answer does not depend on the order of the link.
Answers that met recursion (the fixed point answers with values from a previous
round) or the depth limit do; so the re-link falls back to the full link when
any answer it must redo was such an answer, when the fresh link meets one
(`flows.Unsure`), when a chain of summaries could reach the depth limit, or
when the set of files changed. Correctness first: the fallback is the full link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from secreview.analysis import flows
from secreview.analysis.flows import Project, Shape, Trace, Unsure, shape_of
from secreview.analysis.summaries import ModuleSummary
from secreview.model import Finding

Target = tuple  # (qualname or None, constructor, path of the defining module or None)


@dataclass
class LinkState:
    """What the next run needs to re-link only what an edit changes (pickled with the project row)."""

    paths: tuple[str, ...]
    digests: tuple[str, ...]
    shapes: dict[str, Shape]  # path -> shape, for the files with a summary
    candidates: dict[tuple[str, str], list]  # (path, qualname) -> that function's flows as flows.Candidate
    found: dict[str, list[Finding]]  # the taint findings picked, by the sink's path
    targets: dict[str, Target]  # every callee name of the project -> what it resolves to
    sites: dict[str, list[tuple[str, int]]]  # callee name -> its call sites (path, call index), in link order
    fields: dict[str, list[tuple[str, str, frozenset]]]  # field -> (writer, writer's path, taint)
    keys: dict[tuple, int]  # trace entry -> id
    facts: dict[str, list[int]]  # fact -> ids of the entries that read it
    parents: list[list[int]]  # id -> ids of the entries that used it
    unsure: set[int] = field(default_factory=set)
    heights: list[int] = field(default_factory=list)


@dataclass
class Relinked:
    """The outcome of a link: findings by path and the state for the next run."""

    found: dict[str, list[Finding]]
    state: LinkState
    redone: int  # functions linked afresh (all of them for a full link)


# -- the full link ---------------------------------------------------------------------

def full_link(paths: Sequence[str], digests: Sequence[str], modules: Sequence[ModuleSummary],
              rules: dict[str, Any]) -> Relinked:
    """Link every module, recording what each answer consulted."""
    trace = Trace()
    project = Project(modules, trace=trace)
    groups = project.flows_by_function()
    candidates = {qual: flows.candidates(found, rules) for qual, found in groups}
    found = flows.pick(candidates[qual] for qual, _ in groups)
    state = LinkState(
        paths=tuple(paths), digests=tuple(digests), shapes={s.path: s for s in project.shapes},
        candidates={q: c for q, c in candidates.items() if c}, found=found,
        targets={}, sites={}, fields=_fields(project), keys={}, facts={}, parents=[])
    _index_calls(project, state, [s.path for s in project.shapes])
    _absorb(state, trace)
    return Relinked(found, state, len(groups))


def _fields(project: Project) -> dict[str, list[tuple[str, str, frozenset]]]:
    return {name: [(writer, project.function_paths[writer], taint) for writer, taint in writers]
            for name, writers in project.fields.items()}


def _target(project: Project, callee: str) -> Target:
    qualname, constructor = project.resolved(callee)
    return qualname, constructor, project.function_paths.get(qualname) if qualname else None


def _index_calls(project: Project, state: LinkState, paths: Iterable[str]) -> None:
    """Add the call sites of `paths` (in link order) and their callees' resolution to `state`."""
    for path in paths:
        for position, call in enumerate(project.module(path).calls):
            state.sites.setdefault(call.callee, []).append((path, position))
            if call.callee not in state.targets:
                state.targets[call.callee] = _target(project, call.callee)


def _absorb(state: LinkState, trace: Trace) -> None:
    """Add a trace's entries to the state's record (an entry linked again gets its new height)."""
    ids = [0] * len(trace.facts)
    for key, local in trace.ids.items():
        ident = state.keys.get(key)
        if ident is None:
            ident = state.keys[key] = len(state.parents)
            state.parents.append([])
            state.heights.append(0)
        ids[local] = ident
    for local, ident in enumerate(ids):
        state.heights[ident] = trace.heights[local]
        for fact in trace.facts[local]:
            readers = state.facts.setdefault(fact, [])
            if not readers or readers[-1] != ident:
                readers.append(ident)
        for child in trace.children[local]:
            state.parents[ids[child]].append(ident)
    state.unsure.update(ids[local] for local in trace.unsure_ids)


# -- the re-link -----------------------------------------------------------------------

class Fallback(Exception):
    """The re-link cannot be sure to match the full link: link everything."""


def relink(state: LinkState, paths: Sequence[str], digests: Sequence[str], changed: dict[str, ModuleSummary | None],
           load: Callable[[str], ModuleSummary], rules: dict[str, Any]) -> Relinked:
    """Re-link after the modules `changed` (path -> new summary) were edited; raises Fallback when unsure.

    `load(path)` gives the summary of an unchanged module (decoded on demand).
    """
    if tuple(paths) != state.paths or max(state.heights, default=0) > flows.MAX_DEPTH:
        raise Fallback("the set of files changed, or chains of calls are near the depth limit")
    shapes = []
    for path in paths:
        if path in changed:
            summary = changed[path]
            if summary is not None:
                shapes.append(shape_of(summary))
        elif path in state.shapes:
            shapes.append(state.shapes[path])

    def summary_of(path: str) -> ModuleSummary:
        if path in changed:
            found = changed[path]
            if found is None:
                raise Fallback(f"no summary for {path}")
            return found
        return load(path)

    trace = Trace(strict=True)
    project = Project(shapes=shapes, load=summary_of, trace=trace)
    old_sites = {name: list(sites) for name, sites in state.sites.items()}
    old_targets = dict(state.targets)
    facts = {f"m:{path}" for path in changed}
    facts |= _changed_resolutions(state, project)
    facts |= {f"f:{name}" for name in _changed_fields(state.fields, _fields(project))}
    _replace_calls(state, project, changed)
    facts |= {f"c:{q}" for q in _changed_callers(old_sites, old_targets, state, changed)}
    redo = _affected(state, facts)
    redo.update(qual for qual in project.linked_functions() if qual[0] in changed)
    project.callers_index = _callers_index(state, paths)
    try:
        groups = dict(project.flows_by_function(redo))
    except Unsure as exc:
        raise Fallback(f"recursion met while re-linking: {exc}") from None
    if max(trace.heights, default=0) > flows.MAX_DEPTH:
        raise Fallback("a chain of calls near the depth limit")
    candidates = {}
    for qual in project.linked_functions():
        if qual in groups:
            found = flows.candidates(groups[qual], rules)
        else:
            found = state.candidates.get(qual, [])
        if found:
            candidates[qual] = found
    picked = flows.pick(candidates.values())
    state.paths, state.digests = tuple(paths), tuple(digests)
    state.shapes = {s.path: s for s in shapes}
    state.candidates, state.found, state.fields = candidates, picked, _fields(project)
    _absorb(state, trace)
    return Relinked(picked, state, len(groups))


def _changed_resolutions(state: LinkState, project: Project) -> set[str]:
    """`r:` facts of the callee names that resolve differently now (and their new resolution kept)."""
    facts = set()
    for callee, before in state.targets.items():
        now = _target(project, callee)
        if now != before:
            facts.add(f"r:{callee}")
            state.targets[callee] = now
    return facts


def _changed_fields(before: dict[str, list], now: dict[str, list]) -> set[str]:
    return {name for name in before.keys() | now.keys() if before.get(name) != now.get(name)}


def _replace_calls(state: LinkState, project: Project, changed: dict[str, ModuleSummary | None]) -> None:
    """The call sites of the changed modules, as they are now (the others keep their place)."""
    for name in list(state.sites):
        kept = [site for site in state.sites[name] if site[0] not in changed]
        if kept:
            state.sites[name] = kept
        else:
            del state.sites[name]
    order = {path: position for position, path in enumerate(state.paths)}
    touched = set()
    for path, summary in changed.items():
        if summary is None:
            continue
        for position, call in enumerate(summary.calls):
            state.sites.setdefault(call.callee, []).append((path, position))
            touched.add(call.callee)
            if call.callee not in state.targets:
                state.targets[call.callee] = _target(project, call.callee)
    for name in touched:
        state.sites[name].sort(key=lambda site: (order[site[0]], site[1]))


def _changed_callers(old_sites: dict[str, list], old_targets: dict[str, Target], state: LinkState,
                     changed: dict[str, ModuleSummary | None]) -> set[str]:
    """The functions whose list of call sites may differ: `c:` facts."""
    qualnames = set()
    for callee in old_sites.keys() | state.sites.keys():
        before, now = old_targets.get(callee), state.targets.get(callee)
        moved = before != now
        if moved or any(site[0] in changed for site in old_sites.get(callee, ())) or \
                any(site[0] in changed for site in state.sites.get(callee, ())):
            qualnames.update(t[0] for t in (before, now) if t is not None and t[0] is not None)
    return qualnames


def _callers_index(state: LinkState, paths: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    """`Project.callers_index` from the state's call sites: qualname -> sites in link order."""
    order = {path: position for position, path in enumerate(paths)}
    index: dict[str, list[tuple[str, int]]] = {}
    for callee, sites in state.sites.items():
        qualname = state.targets[callee][0]
        if qualname is not None:
            index.setdefault(qualname, []).extend(sites)
    for sites in index.values():
        sites.sort(key=lambda site: (order[site[0]], site[1]))
    return index


def _affected(state: LinkState, facts: set[str]) -> set[tuple[str, str]]:
    """The linked functions whose answers used a changed fact; Fallback if one of those was unsure."""
    todo = [ident for fact in facts for ident in state.facts.get(fact, ())]
    seen = set(todo)
    while todo:
        ident = todo.pop()
        for parent in state.parents[ident]:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    if seen & state.unsure:
        raise Fallback("an answer to redo met recursion in the full link")
    wanted = set()
    for key, ident in state.keys.items():
        if key[0] == "t" and ident in seen:
            wanted.add((key[1], key[2]))
    return wanted


# -- a run with the cache -------------------------------------------------------------

def review_project(cache: Any, roots: Sequence[str], paths: Sequence[str], run: Callable[[Sequence[str]], list],
                   config: Any) -> tuple[tuple, tuple, str]:
    """(file reviews, project verdicts, how the project was linked) for a run with `cache`.

    `run(paths)` reviews files (from the cache where it can), as `parallel.review_many`.
    The link is "incremental" when only what the edits can change was linked again,
    else "full"; the result is stored for the next run either way.
    """
    from secreview.review.verdicts import project_verdicts

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
    files, digests, state = outcome
    verdicts = project_verdicts([(f.findings, f.facts) for f in files])
    cache.store_project(roots, paths, digests, files, verdicts, state)
    return files, verdicts, mode


def _full(paths: Sequence[str], run: Callable[[Sequence[str]], list], config: Any) -> tuple:
    from secreview.analysis import taint_project

    results = run(paths)
    digests = [r.digest if r.cacheable else None for r in results]
    summaries = [taint_project.decode(r.extras.get(taint_project.PASS_NAME)) for r in results]

    def link(modules: Sequence[ModuleSummary], rules: dict[str, Any]) -> tuple:
        linked = full_link(paths, [d or "" for d in digests], modules, rules)
        return linked.found, linked.state

    files, state = taint_project.link_all([r.review for r in results], summaries, config, link)
    return files, digests, state if None not in digests else None


def _incremental(cache: Any, previous: tuple, paths: Sequence[str], run: Callable[[Sequence[str]], list],
                 config: Any) -> tuple:
    from secreview.analysis import taint_project
    from secreview.analyze import module_name

    files, state = previous
    if state is None or tuple(paths) != state.paths or len(files) != len(paths):
        raise Fallback("no record of the last link, or other files")
    rules = taint_project.taint_rules(config)
    if not rules:
        raise Fallback("no taint rule selected")
    digests = cache.digests(paths)
    todo = [i for i, digest in enumerate(digests) if digest is None or digest != state.digests[i]]
    for path in paths:
        shape = state.shapes.get(path)
        if shape is not None and shape.module != module_name(path):
            raise Fallback(f"{path} is another module now")
    fresh = run([paths[i] for i in todo]) if todo else []
    results = dict(zip((paths[i] for i in todo), fresh))
    if any(not r.cacheable for r in fresh) or len(fresh) != len(todo):
        raise Fallback("a file could not be reviewed completely")
    changed = {path: taint_project.decode(r.extras.get(taint_project.PASS_NAME)) for path, r in results.items()}
    now = {path: r.digest for path, r in results.items()}
    digests = [now.get(path, state.digests[i]) for i, path in enumerate(paths)]
    by_path = dict(zip(paths, digests))

    def cached(path: str) -> Any:
        found = cache.result(path, by_path[path])
        if found is None:
            raise Fallback(f"no cached result for {path}")
        return found

    def load(path: str) -> ModuleSummary:
        summary = taint_project.decode(cached(path).extras.get(taint_project.PASS_NAME))
        if summary is None:
            raise Fallback(f"no summary for {path}")
        return summary

    before = state.found
    relinked = relink(state, paths, digests, changed, load, rules)
    merged = list(files)
    for i, path in enumerate(paths):
        found = relinked.found.get(path, [])
        if path in results or before.get(path, []) != found:
            if path in results:
                review, summary = results[path].review, changed[path]
            else:
                result = cached(path)
                review, summary = result.review, taint_project.decode(result.extras.get(taint_project.PASS_NAME))
            merged[i] = taint_project.merge(review, found, summary.waivers if summary else {}, config)
    return tuple(merged), digests, relinked.state
