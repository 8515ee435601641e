"""The walk visits every node a check may ask for, in source order, whatever it leaves out for speed."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import secreview
from secreview.rules.base import Context, Rule
from secreview.rules.engine import Dispatch, Walker

_ALL_NODE_TYPES = tuple(t for t in vars(ast).values()
                        if isinstance(t, type) and issubclass(t, ast.AST) and t is not ast.AST)
_SAMPLE = '''
import os, sys as system
from .pkg import name as alias
global_value: int = 1
x = [a for a in range(3) if a] + [*rest]
y = {k: v for k, v in d.items()} | {**other, "key": -1}
z = (lambda q, *args, k=1, **kw: q)(1)
print(f"{x!r:>{width}} {y=}", not x, x is not None, 1 < x <= 2, x @ y, ~x)
async def run(a, /, b: "str" = "s", *, c, **d) -> None:
    async with open(a) as (f, g):
        async for item in f:
            await item
    nonlocal_names = 1
    del nonlocal_names
class C(Base, metaclass=Meta):
    @decorator(arg)
    def method(self):
        global global_value
        try:
            yield from self.items[1:2:3]
        except* ValueError as error:
            raise RuntimeError() from error
        finally:
            pass
        while True:
            break
        match command:
            case [1, *others] | {"k": 2, **kw} | Point(x=0, y=None) as point if point:
                return (y := 3)
            case None:
                assert False, "message"
'''


def visited(source: str, tree: ast.Module) -> list[ast.AST]:
    """Every node the walker hands to a check that asks for every node type."""
    seen: list[ast.AST] = []
    probe = Rule("probe", "probe", "78", None, None, "", lambda node, ctx: seen.append(node),  # type: ignore[arg-type]
                 nodes=_ALL_NODE_TYPES)
    Walker(Context("m.py", source, tree), Dispatch([probe], collectors=())).run()
    return seen


_ROOT = Path(secreview.__file__).parent
# Real code as samples: the package's top and its pipeline folders (what sat on top before issue 16).
_PACKAGE = sorted(path for folder in (_ROOT, *(_ROOT / name for name in ("core", "sources", "settings", "run")))
                  for path in folder.glob("*.py"))


@pytest.mark.parametrize("source", [_SAMPLE, *(path.read_text(encoding="utf-8") for path in _PACKAGE)],
                         ids=["sample", *(path.relative_to(_ROOT).as_posix() for path in _PACKAGE)])
def test_every_node_is_visited_exactly_once_when_checks_ask_for_every_type(source: str) -> None:
    if "except*" in source and sys.version_info < (3, 11):
        source = source.replace("except*", "except")
    # Operators and load/store markers are shared singletons in CPython's trees: compared by type
    # count, not identity. A function's `arguments` holder is not a node of its own to the walk: its parts are.
    shared = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    tree = ast.parse(source)
    walked = list(ast.walk(tree))
    seen_all = visited(source, tree)
    seen = [n for n in seen_all if not isinstance(n, shared)]
    expected = [n for n in walked if not isinstance(n, (*shared, ast.arguments))]
    assert sorted(type(n).__name__ for n in seen_all if isinstance(n, shared)) == \
        sorted(type(n).__name__ for n in walked if isinstance(n, shared))
    assert len(seen) == len({id(n) for n in seen})
    assert {id(n) for n in seen} == {id(n) for n in expected}


def test_children_never_leave_out_a_field_that_can_hold_a_node() -> None:
    dispatch = Dispatch([], collectors=())
    for node_type in _ALL_NODE_TYPES:
        field_types = getattr(node_type, "_field_types", None)  # Python 3.13+ documents each field's type
        if not field_types or not getattr(node_type, "_fields", ()):
            continue
        for field in node_type._fields:
            annotation = str(field_types.get(field, ""))
            holds_node = any(name in annotation for name in ("ast.", "expr", "stmt", "pattern")) \
                and not any(name in annotation for name in ("expr_context", "operator", "cmpop", "boolop", "unaryop"))
            if holds_node:
                assert field in dispatch.children(node_type), f"{node_type.__name__}.{field}"


def test_unchecked_leaves_are_not_visited() -> None:
    calls: list[ast.AST] = []
    probe = Rule("probe", "probe", "78", None, None, "", lambda node, ctx: calls.append(node),  # type: ignore[arg-type]
                 nodes=(ast.Call,))
    source = "f(a, 'b', c.d)\n"
    tree = ast.parse(source)
    Walker(Context("m.py", source, tree), Dispatch([probe], collectors=())).run()
    assert [type(n) for n in calls] == [ast.Call]
    assert ast.Name not in Dispatch([probe], collectors=()).checked


def test_reviewing_files_leaves_no_reference_cycles() -> None:
    """The garbage collector is paused while files are reviewed (`secreview.core.gcpause`): that is only
    sound while a review builds no reference cycles, which would otherwise pile up until it runs."""
    import gc

    from secreview.run.parallel import FileReviewer
    from secreview.settings.config import Config

    corpus = sorted((Path(__file__).parent / "corpus").rglob("*.py"))
    reviewer = FileReviewer(Config(), None)
    reviewer(str(corpus[0]))  # first use builds the rule dispatch, which lives on
    gc.collect()
    for path in corpus:
        reviewer(str(path))
    assert gc.collect() == 0


def test_node_lists_kept_for_checks_do_not_keep_trees_alive() -> None:
    import gc

    from secreview.rules import heuristics

    gc.collect()
    for _ in range(3):
        heuristics.module_nodes(ast.parse("def f():\n    return [x for x in range(3)]\n"))
    assert gc.collect() == 0


_ATTR_SAMPLE = """
import os, sys
value = os.environ["HOME"] + sys.argv[1] + os.path.join(a.b.environ, os.getenv("X"))
self.request.GET.get("q")
obj.environ = sys.argv
def f(request):
    return request.environ.argv.path
"""


def _attribute_probes(seen: list[tuple[str, str, int]], **extra: object) -> list[Rule]:
    """A check on every `ast.Attribute` (the reference) and checks that name the attributes they want."""
    def probe(rule_id: str, **wants: object) -> Rule:
        return Rule(rule_id, rule_id, "78", None, None, "",  # type: ignore[arg-type]
                    lambda node, ctx: seen.append((rule_id, node.attr, node.col_offset + 1000 * node.lineno)),
                    **wants)  # type: ignore[arg-type]
    return [probe("every", nodes=(ast.Attribute,)), probe("env", attrs=frozenset({"environ", "argv"})),
            probe("path", attrs=frozenset({"path"}), **extra)]


@pytest.mark.parametrize("prefilter", [True, False])
def test_an_attribute_check_is_called_for_exactly_the_attributes_it_names(prefilter: bool) -> None:
    seen: list[tuple[str, str, int]] = []
    rules = _attribute_probes(seen)
    dispatch = Dispatch(rules, collectors=(), prefilter=prefilter)
    assert ast.Attribute in dispatch.checked and set(dispatch.by_attr) == {"environ", "argv", "path"}
    Walker(Context("m.py", _ATTR_SAMPLE, ast.parse(_ATTR_SAMPLE)), dispatch).run()
    every = [(attr, at) for rule_id, attr, at in seen if rule_id == "every"]
    assert len(every) == 15
    for rule_id, names in (("env", {"environ", "argv"}), ("path", {"path"})):
        assert [(attr, at) for i, attr, at in seen if i == rule_id] == [(a, at) for a, at in every if a in names]
    # without a check on every attribute, an attribute is still checked, and only by name
    seen.clear()
    Walker(Context("m.py", _ATTR_SAMPLE, ast.parse(_ATTR_SAMPLE)), Dispatch(rules[1:], collectors=())).run()
    assert [attr for _, attr, _ in seen] == ["environ", "argv", "path", "environ", "environ", "argv", "path", "argv",
                                             "environ"]
    assert ast.Attribute not in Dispatch(rules[:1], collectors=()).for_file(False).by_attr


@pytest.mark.parametrize(("path", "source", "called"), [
    ("pkg/m.py", _ATTR_SAMPLE, {"every", "env", "path"}),
    ("pkg/tests/test_m.py", _ATTR_SAMPLE, {"every", "env"}),  # `path` is tests=False
    ("pkg/m.py", _ATTR_SAMPLE.replace("getenv", "getvar"), {"every", "env"}),  # `path`'s gate is closed
])
def test_a_dispatch_narrowed_for_a_file_calls_the_attribute_checks_it_keeps(path: str, source: str,
                                                                            called: set[str]) -> None:
    seen: list[tuple[str, str, int]] = []
    dispatch = Dispatch(_attribute_probes(seen, tests=False, mentions=("getenv",)), collectors=())
    ctx = Context(path, source, ast.parse(source))
    narrowed = dispatch.for_file(ctx.is_test, ctx)
    assert (narrowed is dispatch) == (called == {"every", "env", "path"})
    assert {item.id for items in narrowed.by_attr.values() for item in items} == called - {"every"}
    Walker(ctx, narrowed).run()
    assert {rule_id for rule_id, _, _ in seen} == called
    assert [attr for rule_id, attr, _ in seen if rule_id == "path"] == (["path", "path"] if "path" in called else [])
