"""bench/check_costs.py files each check under the module that defines it, through `@collector`'s wrappers."""

from __future__ import annotations

from bench_scripts import load

from secreview.review.facts import all_collectors
from secreview.rules import select_rules

check_costs = load("check_costs.py", "check_costs_bench")


def test_every_check_is_filed_under_its_own_module() -> None:
    modules = {item.id: check_costs.module_of(item) for item in (*select_rules((), ()), *all_collectors())}
    assert all(m.startswith("secreview.") and m != "secreview.review.facts_base" for m in modules.values())
    assert modules["facts:access-credentials"] == "secreview.review.facts_access"  # nodes=: the function itself
    assert modules["facts:access-secret-options"] == "secreview.review.facts_access"  # calls=: wrapped
    assert modules["facts:access-bind"] == "secreview.review.facts_access"  # methods=: wrapped

