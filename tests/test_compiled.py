"""The mypyc-compiled build reviews exactly as the pure-Python sources do.

`setup.py` compiles the modules of `compiled-modules.txt` when the package is built. mypyc
changes some semantics (annotations are enforced at run time, compiled classes have no
`__dict__` and cannot be patched, pickling goes through generated code), so the labelled
corpus is reviewed twice in subprocesses, once by the installed package and once by the
sources of this checkout (`PYTHONPATH=src`, which comes before site-packages), and the two
reports must be the same finding for finding. Each subprocess says where every listed module
was really imported from, so a test that compared the sources with themselves would fail.

Skipped, saying so, when the installed package is not compiled (`pip install -e .`,
`SECREVIEW_NO_MYPYC=1`, or no C compiler): there is nothing to compare then. CI sets
`SECREVIEW_REQUIRE_COMPILED=1` where it built the package compiled, so that a build that
fell back to pure Python fails there instead of skipping.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src"
LISTED = [line.strip() for line in (ROOT / "compiled-modules.txt").read_text("utf-8").splitlines()
          if line.strip() and not line.startswith("#")]
MODULES = [path.removesuffix(".py").replace("/", ".") for path in LISTED]

# Run in a subprocess: prints {"origins": {module: file}, "reviews": {corpus file: [findings, diagnostics]}}.
_REVIEW_CORPUS = """
import importlib, json, re, sys
sys.path.insert(0, sys.argv[1])  # tests/, for annotations.py
from annotations import CORPUS, corpus_files, corpus_review
from secreview.report.json import finding_dict

origins = {name: importlib.import_module(name).__file__ for name in sys.argv[2:]}
reviews = {}

# The temporary directory a `*_project` is copied to, wherever a path names it (the finding's own
# path, and the other files its flow steps and messages cite).
TEMPORARY = re.compile(r'(?:/[^/"\\s]+)*/corpus-[a-z0-9_]+/')

def comparable(finding, relative):
    # Files of a `*_project` are reviewed in a new temporary directory each time: the paths, and the
    # fingerprint made from the finding's path, differ between any two runs.
    found = finding_dict(finding)
    if found["path"] != relative:
        found = json.loads(TEMPORARY.sub("", json.dumps(found)))
        found["fingerprint"] = None
    return found

for path in corpus_files():
    relative = path.relative_to(CORPUS).as_posix()
    findings, diagnostics = corpus_review(path)
    reviews[relative] = [[comparable(f, relative) for f in findings], [repr(d) for d in diagnostics]]
json.dump({"origins": origins, "reviews": reviews}, sys.stdout)
"""


def _installed_origin(module: str) -> str | None:
    """Where the installed package's `module` comes from, without this checkout's src/ on the path."""
    spec = importlib.util.find_spec(module)
    return spec.origin if spec is not None else None


def _is_extension(origin: str | None) -> bool:
    return origin is not None and origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def _compiled_or_skip() -> None:
    compiled = [m for m in MODULES if _is_extension(_installed_origin(m))]
    if not compiled:
        if os.environ.get("SECREVIEW_REQUIRE_COMPILED") == "1":
            pytest.fail("SECREVIEW_REQUIRE_COMPILED=1 but the installed secreview is not compiled: "
                        "the build fell back to pure Python (see the `secreview: building pure Python` line)")
        pytest.skip("the installed secreview is not compiled (editable install, SECREVIEW_NO_MYPYC=1 or no C "
                    "compiler): nothing to compare with the sources")


def _review_corpus(pythonpath: str | None) -> dict[str, dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", _REVIEW_CORPUS, str(ROOT / "tests"), *MODULES],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


def test_the_build_compiles_every_listed_module_or_none() -> None:
    """mypyc's per-module extensions share one library: a partial build would not import."""
    _compiled_or_skip()
    origins = {m: _installed_origin(m) for m in MODULES}
    assert all(_is_extension(o) for o in origins.values()), origins


def test_compiled_and_pure_builds_report_the_same_on_the_corpus() -> None:
    _compiled_or_skip()
    compiled = _review_corpus(None)
    pure = _review_corpus(str(SOURCES))
    assert all(_is_extension(o) for o in compiled["origins"].values()), compiled["origins"]
    assert all(str(o).startswith(str(SOURCES)) and str(o).endswith(".py")
               for o in pure["origins"].values()), pure["origins"]
    assert len(compiled["reviews"]) >= 100
    assert sum(len(r[0]) for r in compiled["reviews"].values()) > 100  # type: ignore[misc]
    differ = sorted(path for path in compiled["reviews"] if compiled["reviews"][path] != pure["reviews"].get(path))
    assert not differ, f"{len(differ)} corpus files reviewed differently, e.g. {differ[:5]}"
    assert compiled["reviews"].keys() == pure["reviews"].keys()


def test_compiled_build_in_workers_and_from_the_cache(tmp_path: Path) -> None:
    """Results of compiled code cross process boundaries (workers) and the cache (pickles) intact."""
    _compiled_or_skip()
    from secreview import review_paths
    from secreview.report.json import finding_dict
    from secreview.run.cache import open_cache
    from secreview.settings.config import Config

    corpus = ROOT / "tests" / "corpus"

    def findings(**options: object) -> list[dict[str, object]]:
        review = review_paths([corpus], Config(), **options)  # type: ignore[arg-type]
        return [finding_dict(f) for f in review.findings]

    alone = findings(jobs=1)
    assert len(alone) > 50
    assert findings(jobs=2) == alone
    for _ in ("cold", "warm"):
        cache, warning = open_cache(tmp_path / "cache", Config(), [str(corpus)])
        assert cache is not None, warning
        try:
            assert findings(jobs=2, cache=cache) == alone
        finally:
            cache.close()
