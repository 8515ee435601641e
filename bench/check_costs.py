"""What the checks of each module (or named checks) cost the walk of a tree: leave-one-out, measured.

    python bench/check_costs.py TREE [--by module|check] [--only NAME,...] [--reps N] [--top N]

`bench/phases.py` says how much of a cold run is the walk with its checks; this says which checks.
Each file of TREE is parsed once; then the walk with every rule and fact collector is timed against
the walk without the checks of one module (or one check id), alternating the two, and the least CPU
time of each is kept: their difference is what those checks cost. cProfile answers a different
question and misleads here: it counts each resumption of a generator as a call, inflates small
interpreted functions several times over, and cannot see into the compiled modules at all.

Runs in this process (the compiled build when this Python has it: see `secreview.rules.engine`'s
`__file__`). The machine's noise is several percent of the walk: below 0.05 s a difference means
nothing with fewer than three repetitions.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from secreview.review.facts import all_collectors
from secreview.rules import select_rules
from secreview.rules.base import Context
from secreview.rules.engine import Dispatch, Walker
from secreview.sources.discover import discover
from secreview.sources.parse import Parsed, parse_file


def module_of(item: Any) -> str:
    """The module that defines a rule's or collector's check: through the wrappers `@collector` adds
    (`facts_base`: a collector asked for by callee or by method name is called through a closure)."""
    func = item.func
    module = getattr(func, "__module__", "") or ""
    if module == "secreview.review.facts_base":
        for cell in getattr(func, "__closure__", None) or ():
            inner = cell.cell_contents
            if callable(inner) and (getattr(inner, "__module__", "") or "").startswith("secreview."):
                return str(inner.__module__)
    return module


def walk_time(trees: Sequence[Parsed], dispatch: Dispatch) -> float:
    """CPU seconds of one walk of every tree with `dispatch` (as `run.analyze` narrows it per file)."""
    started = time.process_time()
    for parsed in trees:
        ctx = Context(parsed.path, parsed.source, parsed.tree, "")
        Walker(ctx, dispatch.for_file(ctx.is_test, ctx)).run()
    return time.process_time() - started


def marginal(trees: Sequence[Parsed], rules: tuple[Any, ...], collectors: tuple[Any, ...],
             left_out: Callable[[Any], bool], reps: int) -> tuple[float, float]:
    """(all checks, all checks but those `left_out` picks): the least CPU time of each over `reps` alternated walks."""
    everything = Dispatch(rules, collectors)
    fewer = Dispatch(tuple(r for r in rules if not left_out(r)), tuple(c for c in collectors if not left_out(c)))
    full, less = [], []
    for _ in range(reps):
        full.append(walk_time(trees, everything))
        less.append(walk_time(trees, fewer))
    return min(full), min(less)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", help="a source tree (parsed and walked, never imported or run)")
    parser.add_argument("--by", choices=("module", "check"), default="module", help="leave out a module's checks "
                        "at a time (default), or one check id")
    parser.add_argument("--only", default="", help="comma-separated modules or check ids to measure (default: all)")
    parser.add_argument("--reps", type=int, default=3, help="alternated pairs of walks per measurement (default 3)")
    parser.add_argument("--top", type=int, default=0, help="print only the N costliest")
    args = parser.parse_args()
    gc.disable()  # as the command line runs (secreview.core.gcpause)
    found = discover([args.tree], (), use_gitignore=False)
    trees = [p for p in (parse_file(path) for path in found.files) if isinstance(p, Parsed)]
    rules, collectors = tuple(select_rules((), ())), tuple(all_collectors())
    key: Callable[[Any], str] = module_of if args.by == "module" else (lambda item: str(item.id))
    names = [n for n in args.only.split(",") if n] or sorted({key(item) for item in (*rules, *collectors)})
    print(f"{len(trees)} files; the walk with every check: {walk_time(trees, Dispatch(rules, collectors)):.2f} s CPU",
          flush=True)
    costs = []
    for name in names:
        full, less = marginal(trees, rules, collectors, lambda item, name=name: key(item) == name, args.reps)
        costs.append((full - less, name))
        if not args.top:
            print(f"  {full - less:+7.3f} s  {name}", flush=True)
    if args.top:
        for cost, name in sorted(costs, reverse=True)[:args.top]:
            print(f"  {cost:+7.3f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
