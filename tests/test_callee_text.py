"""`dotted` (the text rules cite a callee by) spells a dotted name directly: the same text `ast.unparse` gives."""

from __future__ import annotations

import ast

from secreview.rules.base import dotted

CALLS = ["check()", "jwt.decode(t)", "self.backend.verify(x)", "a.b.c.d()", "f()()", "f().verify()",
         "items[0].check()", "(a or b).verify()", "(1).real()", "'x'.join(y)", "(lambda: 1)()",
         "obj.check_password.__call__(p)", "await_.x()"]


def test_callee_text_is_what_unparse_gives() -> None:
    for source in CALLS:
        call = ast.parse(source, mode="eval").body
        assert isinstance(call, ast.Call)
        assert dotted(call.func) == ast.unparse(call.func), source
