"""Pause Python's cyclic garbage collector around allocation-heavy work.

Parsing, the walk and the taint summary allocate millions of short-lived
objects and build no reference cycles worth collecting before they finish, so
reference counting frees what they drop; with the cyclic collector on, those
allocations trigger repeated scans of the whole parsed tree (about a sixth of
a cold run). Nested pauses are fine: only the outermost one re-enables it.

The command line pauses it for the whole run: the results of thousands of
files pile up in the main process, and each collection would walk them all
again. That is sound only while a review builds no reference cycles (a cycle
would live until the process ends); `tests/test_engine.py` checks it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
