"""URL templates a class leaves to its configuration: `self.url % kwargs` in a generic redirect view.

Django's RedirectView declares `url = None` and documents `url` as a format string "interpolated
against the parameters captured in the URL": the project writes the template and the route that
captures the values side by side in its URLconf (`RedirectView.as_view(url="/details/%(slug)s")`).
Inside the class nothing says where those captured values land, so a flow from the view's
`**kwargs` through such a template is not an open redirect of this code; a template the class
writes itself is read like any other value, and data other than the captured keyword arguments
(`self.url % {"next": request.GET["next"]}`) keeps its taint.
"""

from __future__ import annotations

import ast


def unset_attributes(node: ast.ClassDef) -> frozenset[str]:
    """Names the class body assigns only `None`: attributes left for whoever configures the class."""
    last: dict[str, bool] = {}  # name -> the class body's last assignment of it is `None`
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                last[target.id] = isinstance(value, ast.Constant) and value.value is None
    return frozenset(name for name, is_none in last.items() if is_none)


def fills_configured_template(node: ast.BinOp, self_name: str, unset: frozenset[str],
                              function: ast.AST | None) -> bool:
    """`self.<attr> % kwargs`: a template the class leaves unset, filled with the method's own `**kwargs`."""
    left, right = node.left, node.right
    if not (type(node.op) is ast.Mod and isinstance(left, ast.Attribute) and left.attr in unset
            and isinstance(left.value, ast.Name) and left.value.id == self_name and isinstance(right, ast.Name)):
        return False
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.args.kwarg is None:
        return False
    return right.id == function.args.kwarg.arg
