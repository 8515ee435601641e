"""The engine's per-file pre-filter leaves out exactly the checks that cannot report in a file.

A check declaring `mentions=` looks only at files whose text contains one of those words; the
pre-filter (`Dispatch.for_file` given the source) drops it from such a file's walk instead of asking
at every node. Both ways must give the same findings and facts, on every corpus file.
"""

from __future__ import annotations

import ast

from hypothesis import given, strategies as st

from annotations import CORPUS, corpus_files

from secreview.review.facts import all_collectors
from secreview.rules import REGISTRY
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, WordScan, rule
from secreview.rules.engine import Dispatch, Walker


def _walk(dispatch: Dispatch, path: str, source: str) -> tuple[list, list]:
    ctx = Context(path, source, ast.parse(source))
    Walker(ctx, dispatch.for_file(ctx.is_test, ctx)).run()
    return ctx.findings, ctx.facts


def test_the_corpus_reviews_the_same_with_and_without_the_prefilter() -> None:
    rules, collectors = list(REGISTRY.values()), all_collectors()
    filtered = Dispatch(rules, collectors, prefilter=True)
    per_node = Dispatch(rules, collectors, prefilter=False)
    left_out = 0
    for path in corpus_files():
        source = path.read_text("utf-8")
        relative = path.relative_to(CORPUS).as_posix()
        ctx = Context(relative, source, ast.parse(source))
        left_out += filtered.for_file(ctx.is_test, ctx) is not filtered.for_file(ctx.is_test)
        assert _walk(filtered, relative, source) == _walk(per_node, relative, source), relative
    assert left_out, "no corpus file closed a gate: the comparison proves nothing"


def test_a_check_is_left_out_only_where_none_of_its_words_is_written() -> None:
    seen: list[str] = []

    @rule(id="test-prefilter-gated", name="t", cwe="20", severity=Severity.LOW, confidence=Confidence.LOW, fix="f",
          nodes=(ast.Call,), mentions=("frobnicate", "twiddle("))
    def gated(node: ast.Call, ctx: Context) -> None:
        seen.append("gated")

    @rule(id="test-prefilter-open", name="t", cwe="20", severity=Severity.LOW, confidence=Confidence.LOW, fix="f",
          nodes=(ast.Call,))
    def open_(node: ast.Call, ctx: Context) -> None:
        seen.append("open")

    try:
        checks = [REGISTRY["test-prefilter-gated"], REGISTRY["test-prefilter-open"]]
        for prefilter in (True, False):
            dispatch = Dispatch(checks, collectors=(), prefilter=prefilter)
            for source, expected in (("f(1)\n", ["open"]), ("frobnicate(1)\n", ["gated", "open"]),
                                     ("g(1)  # twiddle(x)\n", ["gated", "open"])):
                seen.clear()
                _walk(dispatch, "m.py", source)
                assert seen == expected, (prefilter, source)
        dispatch = Dispatch(checks, collectors=())
        def for_source(source: str) -> Dispatch:
            return dispatch.for_file(False, Context("m.py", source, ast.parse(source)))

        assert for_source("f()\n") is for_source("g()\n")  # one dispatch per set left out
        assert for_source("frobnicate()\n") is dispatch
    finally:
        del REGISTRY["test-prefilter-gated"], REGISTRY["test-prefilter-open"]


def test_a_file_may_import_a_package_only_by_spelling_it_living_in_it_or_importing_dynamically() -> None:
    from secreview.rules.engine import may_import

    def may(source: str, package: str = "app") -> bool:
        return may_import(Context("m.py", source, ast.parse(source), f"{package}.m"), ("yaml", "Crypto"))

    assert may("import yaml as y\ny.load(s)\n")
    assert may("from Crypto.Cipher import AES as cipher\n")
    assert may("from .loader import load\n", package="yaml")  # a module of the package itself
    assert may('m = importlib.import_module("ya" + "ml")\n')
    assert not may("import json\njson.loads(s)\n")
    assert not may("from . import loader\n")  # a relative import stays in the file's own package `app`


_OVERLAPPING_WORDS = ("pass", "PASSWORD=", "password=", "ass", "sum", "_live_", "e\u0301t\u00e9", "\U0001f511")


@given(st.text(alphabet="pasPASwordWORD=_live\u00e9\u0301t\U0001f511sumx ", max_size=60))
def test_the_one_pass_word_scan_finds_exactly_what_in_finds(text: str) -> None:
    # Overlapping words (`pass` inside `password=`, `ass` inside both), non-ASCII and astral text:
    # the automaton must report every word `in` finds and none it does not.
    assert WordScan(_OVERLAPPING_WORDS).found_in(text) == {word: word in text for word in _OVERLAPPING_WORDS}


def test_the_word_scan_answers_for_a_text_utf8_cannot_encode() -> None:
    # A lone surrogate (a text not decoded from a file) cannot be handed to the automaton: `in` answers.
    assert WordScan(("ab", "cd")).found_in("xab\udc80") == {"ab": True, "cd": False}


# Code each placed collector records something in, where it may: a privileged call outside tests
# (`facts:input-privsep`, `tests=False`), a test's service start, config override and fixture block
# (`facts:tests-calls` and `facts:tests-fixture-with`, `outside_tests=False`).
_PLACED_SAMPLE = """
import fixtures
import nova.privsep.fs

class Test:
    def test_start(self):
        self.flags(group="api", auth_strategy="noauth2")
        self.start_service("compute")
        with fixtures.TempDir() as tmp:
            nova.privsep.fs.chown(tmp, 0)
"""


def _ids(dispatch: Dispatch) -> set[str]:
    return {item.id for table in (dispatch.by_type, dispatch.by_call, dispatch.by_method, dispatch.by_attr)
            for items in table.values() for item in items}


def test_collectors_left_out_of_test_or_other_modules_would_record_nothing_there() -> None:
    collectors = all_collectors()
    dispatch = Dispatch([], collectors)
    test_only = {c.id for c in collectors if not c.outside_tests}
    not_in_tests = {c.id for c in collectors if not c.tests}
    assert {"facts:tests-calls", "facts:tests-fixture-with"} <= test_only and "facts:input-privsep" in not_in_tests
    recorded = {}
    for path in ("nova/compute/manager.py", "nova/tests/unit/test_manager.py"):
        everywhere = Context(path, _PLACED_SAMPLE, ast.parse(_PLACED_SAMPLE), "nova.compute.manager")
        Walker(everywhere, dispatch).run()  # every collector, wherever it is declared to record
        placed = Context(path, _PLACED_SAMPLE, ast.parse(_PLACED_SAMPLE), "nova.compute.manager")
        walked = dispatch.for_file(placed.is_test, placed)
        Walker(placed, walked).run()
        assert placed.facts == everywhere.facts, path
        assert not _ids(walked) & (not_in_tests if placed.is_test else test_only), path
        recorded[placed.is_test] = {fact.kind for fact in placed.facts}
    # what the left-out collectors record where they run: the comparison above is not vacuous
    assert {"664:service", "664:config-override", "664:fixture-with"} <= recorded[True] - recorded[False]
    assert "707:privileged" in recorded[False] - recorded[True]


def _tables(dispatch: Dispatch) -> list[dict]:
    return [{key: [(item.id, func) for item, func in runs] for key, runs in table.items()}
            for table in (dispatch.runs_by_type, dispatch.runs_by_call, dispatch.runs_by_method,
                          dispatch.runs_by_attr)] + [
            {key: [item.id for item in items] for key, items in table.items()}
            for table in (dispatch.by_type, dispatch.by_call, dispatch.by_method, dispatch.by_attr)]


def test_a_dispatch_narrowed_for_a_file_has_the_tables_its_checks_indexed_afresh_would_have() -> None:
    # `for_file` narrows a wider dispatch's tables instead of indexing the checks a file keeps again.
    dispatch = Dispatch(list(REGISTRY.values()), all_collectors())
    narrowed = {}
    for path in corpus_files():
        source = path.read_text("utf-8")
        ctx = Context(path.relative_to(CORPUS).as_posix(), source, ast.parse(source))
        walked = dispatch.for_file(ctx.is_test, ctx)
        narrowed[id(walked)] = walked
    narrowed.pop(id(dispatch), None)
    for placed in dispatch._placed.values():
        narrowed.pop(id(placed), None)
    assert len(narrowed) > 3, "too few narrowed dispatches to prove anything"
    for walked in narrowed.values():
        afresh = Dispatch(walked._rules, walked._collectors, prefilter=True, final=True)
        assert _tables(walked) == _tables(afresh)
        assert walked.call_suffixes == afresh.call_suffixes and walked.checked == afresh.checked
