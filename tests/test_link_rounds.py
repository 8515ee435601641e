"""The project link's fixed point computes again, in each round, only the answers that met a guess.

Recursion (a function reaching itself through its callees) is linked in rounds: an answer still
being computed is guessed from the previous round, and rounds go on until every guess held. An
answer that met no guess is the same in every round, so it is carried over instead of computed
again (`flows.Project._carry_over`). Both ways must give the same flows, on every corpus file and
project, and carrying over must save work where there is recursion.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from annotations import CORPUS, PROJECT_SUFFIX, corpus_files

from secreview.analysis.flows import Project
from secreview.analysis.summaries import ModuleSummary
from secreview.analysis.taint import summarise_module
from secreview.sources.discover import module_name
from secreview.sources.parse import Parsed, parse_source


def _summaries(paths: list[Path], root: Path) -> list[ModuleSummary]:
    found = []
    for path in paths:
        parsed = parse_source(path.relative_to(root).as_posix(), path.read_text("utf-8"))
        assert isinstance(parsed, Parsed), path
        found.append(summarise_module(parsed.path, parsed.tree, module_name(str(path)), parsed.source))
    return found


def _linked(modules: list[ModuleSummary], carry: bool) -> tuple[list[tuple], int]:
    """The flows of a fresh link (comparable values), and how many sink summaries it computed."""
    project = Project(modules)
    flows = [(qual, [(f.source_module.path, f.source_index, f.sink_module.path, f.sink, f.steps, f.unmodelled,
                      f.parameter) for f in found])
             for qual, found in project.flows_by_function(carry=carry)]
    return flows, project.sinks_computed


_RECURSIVE = {
    "app/__init__.py": "",
    "app/views.py": """\
        import os
        from flask import request
        from .walk import descend, plain

        def view():
            os.system(descend(request.args["cmd"], 5))
            os.system(plain(request.args["other"]))
        """,
    "app/walk.py": """\
        def descend(value, depth):
            if depth:
                return ascend(value, depth - 1)
            return value

        def ascend(value, depth):
            return descend(value + "/", depth)

        def plain(value):
            return helper(value)

        def helper(value):
            return value.strip()
        """,
}


def test_recursion_is_linked_again_and_the_rest_is_carried_over(tmp_path: Path) -> None:
    for name, text in _RECURSIVE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), "utf-8")
    modules = _summaries(sorted(tmp_path.rglob("*.py")), tmp_path)
    carried, computed = _linked(modules, carry=True)
    again, computed_again = _linked(modules, carry=False)
    assert carried == again
    sinks = {flow[3].description for _, found in carried for flow in found}  # (flow[3]: the sink event)
    assert any("descend(" in description for description in sinks), "the recursive flow is found"
    assert any("plain(" in description for description in sinks), "the plain flow is found"
    assert computed < computed_again, "nothing was carried over from one round to the next"


def test_the_corpus_links_the_same_with_and_without_carrying_answers_over() -> None:
    units: dict[Path, list[Path]] = {}
    for path in corpus_files():
        project = next((p for p in path.parents if p.name.endswith(PROJECT_SUFFIX)), None)
        units.setdefault(project or path, []).append(path)
    saved = 0
    for unit, paths in sorted(units.items()):
        modules = _summaries(sorted(paths), unit if unit.is_dir() else CORPUS)
        carried, computed = _linked(modules, carry=True)
        again, computed_again = _linked(modules, carry=False)
        assert carried == again, unit
        saved += computed_again - computed
    assert saved > 0, "no corpus case needed a second round: the comparison proves nothing about carrying over"
