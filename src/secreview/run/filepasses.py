"""Extra per-file analyses whose results travel and are cached with each file's review.

The per-file pass (parse, walk once with the rules) produces a `FileReview`.
Project-level analyses — the taint engine's cross-module summaries, for one —
also need something computed from each file's tree. Registering it here as a
`FilePass` makes it run right after the per-file review, in the same worker
process and on the same parsed tree (no second parse), and stores its result
in the cache next to the review under the same key. On a warm run the
result comes back from the cache, and only edited files are recomputed.

A pass's result must be plain data: built from None, bool, int, float, str,
bytes, tuples, lists, dicts, sets, and dataclasses or enums defined in a
`secreview` module (the cache only unpickles those). Change `version`
whenever the result's shape or meaning changes: it is part of the cache key.

    from secreview.run.filepasses import register

    register("taint-summaries", "1", summarise)   # summarise(parsed, module) -> data

A pass that raises gets an internal-error diagnostic on that file and no
result (the file's `FileResult.extras` lacks its name); the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from secreview.sources.parse import Parsed

PassFunction = Callable[[Parsed, str], object]


@dataclass(frozen=True)
class FilePass:
    name: str
    version: str
    run: PassFunction  # (parsed file, dotted module name) -> picklable plain data
    # False: not run over test modules unless `include_tests` (their review is then `flows_untraced`).
    tests: bool = True


_PASSES: dict[str, FilePass] = {}


def register(name: str, version: str, run: PassFunction, tests: bool = True) -> None:
    """Add (or replace, for the same name) a per-file pass. `run` must be a module-level function.

    `tests=False`: the pass traces data flows, and a flow in test code attacks nobody (a test feeds
    its own fixtures to the code under test); on test-heavy projects such as Nova, test modules are
    two thirds of the lines and a quarter of a cold run. `--include-tests` runs it there too.
    """
    _PASSES[name] = FilePass(name, version, run, tests)


def unregister(name: str) -> None:
    _PASSES.pop(name, None)


def registered() -> tuple[FilePass, ...]:
    """The passes in a stable order (by name), so cache fingerprints do not depend on import order."""
    return tuple(_PASSES[name] for name in sorted(_PASSES))
