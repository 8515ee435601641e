"""The one-walk index of `regex_uses`: which pattern-method calls and alias assignments it collects, in
which order, and under which innermost function (the order is the order reports are made in)."""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.regex_uses import _build_index, parameter_uses

SOURCE = textwrap.dedent('''
    import re
    WORDS = re.compile(r"\\w+")
    WORDS.search("module level: no function, not indexed")

    @register(WORDS.match(DEFAULT))
    def outer(text, flag=WORDS.sub("", SEED)):
        regex = WORDS if flag else OTHER
        regex.findall(text)
        key = lambda item: WORDS.split(item)
        def inner(line):
            pick = flag and WORDS or OTHER
            return pick.fullmatch(line), WORDS.finditer(str(line)[:100])
        class Holder:
            size = WORDS.search(text).end()
            def method(self, value):
                return self.WORDS.subn("", value)
        return inner(WORDS.match(text.lower()))

    async def later(data):
        async with guard(WORDS.search(data)):
            other = a if b else c
            return [WORDS.match(x) for x in data if WORDS.search(x)]
''')


def _rows(tree: ast.Module) -> tuple[list[tuple[str, str, int, str]], list[tuple[str, str, list[str]]]]:
    index = _build_index(tree)
    calls = [(receiver, function.name, call.lineno, call.func.attr)  # type: ignore[attr-defined]
             for receiver, sites in index.calls.items() for function, call in sites]
    aliases = [(function.name, alias, sorted(names)) for function, alias, names in index.aliases]
    return calls, aliases


def test_index_keeps_the_visitor_order_and_the_innermost_function() -> None:
    calls, aliases = _rows(ast.parse(SOURCE))
    assert calls == [
        # receivers in first-seen order, each with its calls depth-first, pre-order, in `_fields` order
        ("WORDS", "outer", 7, "sub"),  # a default: `args` comes before `body`, and counts as inside
        ("WORDS", "outer", 10, "split"),  # a lambda is not a function here
        ("WORDS", "inner", 13, "finditer"),
        ("WORDS", "outer", 15, "search"),  # a class body inside a function: the function
        ("WORDS", "method", 17, "subn"),  # `self.WORDS`
        ("WORDS", "outer", 18, "match"),
        ("WORDS", "outer", 6, "match"),  # the decorator: `decorator_list` comes after `body`
        ("WORDS", "later", 21, "search"),
        ("WORDS", "later", 23, "match"),  # a comprehension's element comes before its generators
        ("WORDS", "later", 23, "search"),
        ("regex", "outer", 9, "findall"),
        ("pick", "inner", 13, "fullmatch"),
    ]
    assert aliases == [("outer", "regex", ["OTHER", "WORDS", "flag"]), ("inner", "pick", ["OTHER", "WORDS", "flag"]),
                       ("later", "other", ["a", "b", "c"])]


def test_parameter_uses_follow_the_index_order() -> None:
    uses = [(u.function, u.line, u.method, u.parameter, u.aliased, u.bound)
            for u in parameter_uses(ast.parse(SOURCE), "WORDS")]
    assert uses == [("inner", 13, "finditer", "line", False, 100), ("outer", 15, "search", "text", False, None),
                    ("method", 17, "subn", "value", False, None), ("outer", 18, "match", "text", False, None),
                    ("later", 21, "search", "data", False, None), ("outer", 9, "findall", "text", True, None),
                    ("inner", 13, "fullmatch", "line", True, None)]
