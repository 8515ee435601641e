"""Where a cold review's CPU time goes: seconds per phase, and optionally a cProfile of the same run.

    python bench/phases.py TREE [--profile OUT.prof] [--top N]

The review runs in this process, with one job and no cache, and with the cyclic
garbage collector paused as the command line pauses it (see
`secreview.core.gcpause`). The phases are timed by wrapping the interpreted
functions that call them (`secreview.run.parallel`, `secreview.analysis.taint_project`,
`secreview.api`), so the figures hold for the compiled build too, whose own
functions cProfile cannot see. Issue 21 asks for "the profile before and after":
this is that profile, by phase; `bench/speed.py` gives the end-to-end figures.
"""

from __future__ import annotations

import argparse
import cProfile
import collections
import gc
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

from secreview import api
from secreview.analysis import imported_classes, imported_patterns, taint_project
from secreview.review import verdicts
from secreview.run import filepasses, parallel

SPENT: collections.Counter[str] = collections.Counter()


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function`, adding its CPU time to SPENT[name] (nested phases are counted in both)."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - started
    return wrapper


def instrument() -> None:
    """Wrap each phase's entry point where its interpreted caller looks it up."""
    parallel.parse_bytes = timed("parse", parallel.parse_bytes)
    parallel.analyze = timed("rules: walk and checks", parallel.analyze)
    for item in filepasses.registered():
        filepasses.register(item.name, item.version, timed(f"file pass: {item.name}", item.run), item.tests)
    taint_project.decode = timed("link: decode summaries", taint_project.decode)
    taint_project.flow_findings = timed("link: flow findings", taint_project.flow_findings)
    imported_patterns.link = timed("link: imported patterns", imported_patterns.link)
    imported_classes.link = timed("link: imported classes", imported_classes.link)
    taint_project.apply = timed("link: all", taint_project.apply)
    verdicts.project_verdicts = timed("project verdicts", verdicts.project_verdicts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", help="a source tree (never imported or run)")
    parser.add_argument("--profile", metavar="OUT", help="also write a cProfile of the run to OUT")
    parser.add_argument("--top", type=int, default=0, help="print the N functions with the most own time")
    args = parser.parse_args()
    instrument()
    gc.disable()
    profiler = cProfile.Profile() if args.profile or args.top else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    review = api.review_paths([args.tree], jobs=1, cache=None, file_timeout=None)
    if profiler:
        profiler.disable()
    total = time.process_time() - started
    lines = sum(f.lines for f in review.files)
    print(f"{len(review.files)} files, {lines:,} lines, {sum(len(f.findings) for f in review.files)} findings: "
          f"{total:.2f} s CPU{' (profiled)' if profiler else ''}")
    shown = sum(v for k, v in SPENT.items() if not k.startswith("link: ") or k == "link: all")
    for name, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:7.2f}  {100 * seconds / total:5.1f} %  {name}")
    print(f"  {total - shown:7.2f}  {100 * (total - shown) / total:5.1f} %  the rest (discovery, reading, results)")
    if profiler:
        if args.profile:
            profiler.dump_stats(args.profile)
        if args.top:
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
