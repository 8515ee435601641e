"""Speed budget of the taint engine: a full review vs `ast.parse` of the same files.

The budget (issue 4): on the installed CPython standard library, a full
one-process review with taint on takes at most 2.5 times as long as parsing
the same files with `ast.parse`, measured in the same script. This script
reviews every `.py` file under the stdlib directory (site-packages excluded),
once without the taint engine and once with it, and prints the ratios.

    python bench/taint_speed.py [--limit N] [ROOT]
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import sysconfig
import time
import warnings

import secreview
from secreview.analysis import taint_project
from secreview.analysis.taint_rules import TAINT_RULES
from secreview.run import filepasses
from secreview.settings.config import Config

BUDGET = 2.5


def stdlib_files(root: str) -> list[str]:
    found = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in ("site-packages", "__pycache__"))
        found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith(".py"))
    return found


def parse_floor(files: list[str]) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            with open(path, "rb") as handle:
                data = handle.read()
            try:
                ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    return time.perf_counter() - start


def review(files: list[str], taint: bool) -> tuple[float, int]:
    if taint:
        filepasses.register(taint_project.PASS_NAME, taint_project.PASS_VERSION, taint_project.summarise)
        config = Config()
    else:
        filepasses.unregister(taint_project.PASS_NAME)
        config = Config(ignore=tuple(TAINT_RULES.values()))
    gc.collect()
    start = time.perf_counter()
    result = secreview.review_paths(files, config, jobs=1, cache=None, file_timeout=None)
    elapsed = time.perf_counter() - start
    filepasses.register(taint_project.PASS_NAME, taint_project.PASS_VERSION, taint_project.summarise)
    found = sum(1 for f in result.findings if f.rule_id in TAINT_RULES.values())
    return elapsed, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--limit", type=int, default=0, help="review only the first N files")
    parser.add_argument("--repeat", type=int, default=2,
                        help="alternate the three measurements N times and keep each one's fastest run "
                             "(a busy machine slows single runs unevenly)")
    options = parser.parse_args()
    files = stdlib_files(options.root)
    if options.limit:
        files = files[: options.limit]
    parse_floor(files[:50])  # warm the disk cache and imports
    floor = plain = full = float("inf")
    flows = 0
    for _ in range(max(1, options.repeat)):
        floor = min(floor, parse_floor(files))
        plain = min(plain, review(files, taint=False)[0])
        elapsed, flows = review(files, taint=True)
        full = min(full, elapsed)
    print(f"files: {len(files)}")
    print(f"ast.parse floor:          {floor:7.2f} s")
    print(f"review without taint:     {plain:7.2f} s  ({plain / floor:.2f}x)")
    print(f"review with taint:        {full:7.2f} s  ({full / floor:.2f}x; taint findings: {flows})")
    ratio = full / floor
    print(f"ratio {ratio:.2f} (budget {BUDGET}x): {'within' if ratio <= BUDGET else 'OVER'} budget")


if __name__ == "__main__":
    main()
