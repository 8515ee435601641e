"""What a fixer sees: the flagged node, the names around it, and helpers that build edits.

A finding carries its node's exact span, so the node is found again in a fresh
parse of the same text. Qualified names come from the engine's own name model
(a walk with one probe in place of the rules), so `import yaml as y; y.load`
and `from yaml import load` resolve as they did for the rule.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.core.model import Finding
from secreview.fixes.text import Edit, Pos, SourceText

Span = tuple[int, int, int, int]


class Site:
    """One finding's node in one parsed text."""

    def __init__(self, finding: Finding, node: ast.AST, module: Module) -> None:
        self.finding = finding
        self.node = node
        self.module = module
        self.text = module.text

    def qualname(self, expr: ast.AST) -> str | None:
        """The qualified name the engine gave `expr` at this point, if any (`sp.run` -> 'subprocess.run')."""
        return self.module.names.get(id(expr))

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.module.parents.get(id(node))

    def enclosing_scope(self, node: ast.AST) -> ast.AST:
        """The function (or the module) whose body holds `node`."""
        current = self.parent(node)
        while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.Module)):
            current = self.parent(current)
        return current if current is not None else self.module.tree

    # -- edits on call arguments ------------------------------------------------------
    def remove_argument(self, call: ast.Call, argument: ast.AST) -> Edit | None:
        """Delete one argument (positional or keyword) and its separating comma; None if a comment is in the way."""
        items = sorted((*call.args, *call.keywords), key=lambda n: (n.lineno, n.col_offset))
        index = next(i for i, item in enumerate(items) if item is argument)
        text = self.text
        if index + 1 < len(items):  # up to the next argument: a comment after the previous one stays
            start, end = text.start(argument), text.start(items[index + 1])
        elif index > 0:
            start, end = text.end(items[index - 1]), text.end(argument)
        else:  # the only argument: everything up to the closing parenthesis goes, a trailing comma too
            start, end = text.start(argument), Pos(call.end_lineno, text.char_column(call.end_lineno,  # type: ignore[arg-type]
                                                                                     call.end_col_offset - 1))  # type: ignore[operator]
        if "#" in text.between(start, end).replace(text.segment(argument), ""):
            return None
        return Edit(start, end, "")

    def add_keyword(self, call: ast.Call, source: str) -> Edit:
        """Append `name=value` to the call's arguments."""
        items = sorted((*call.args, *call.keywords), key=lambda n: (n.lineno, n.col_offset))
        if items:
            return Edit(self.text.end(items[-1]), self.text.end(items[-1]), f", {source}")
        before_paren = Pos(call.end_lineno, self.text.char_column(call.end_lineno,  # type: ignore[arg-type]
                                                                  call.end_col_offset - 1))  # type: ignore[operator]
        return Edit(before_paren, before_paren, source)

    def replace_attribute_name(self, func: ast.Attribute, name: str) -> Edit:
        """`yaml.load` -> `yaml.safe_load`: only the name after the dot changes."""
        end = self.text.end(func)
        return Edit(Pos(end.line, end.column - len(func.attr)), end, name)

    def replace_using(self, node: ast.AST, module: str, text: str) -> tuple[Edit, ...] | None:
        """Replace `node` with `text`, in which `{module}` stands for how this file names `module`
        (an import line is added if need be); None where no import can be added safely."""
        reference = self.module_reference(module)
        if reference is None:
            return None
        prefix, imports = reference
        return (self.text.replace(node, text.replace("{module}", prefix)), *imports)

    def module_reference(self, module: str) -> tuple[str, tuple[Edit, ...]] | None:
        """How this file can name `module`: an existing `import module [as x]`, or a new import line.

        None when a new import is needed but cannot be added safely: the name it binds is
        used for something else in the file, or there is no clean line to put it on.
        """
        tree = self.module.tree
        for stmt in tree.body:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name == module:
                        return alias.asname or module, ()
        top = module.split(".", 1)[0]
        if top in self.module.bound_names():
            return None
        where = self.module.import_point()
        if where is None:
            return None
        return module, (Edit(where, where, f"import {module}{self.text.newline}"),)


class Module:
    """A parsed text, its nodes by span, parents and resolved names: shared by a file's sites."""

    def __init__(self, path: str, text: str, tree: ast.Module, wanted: Iterable[Span]) -> None:
        self.path = path
        self.text = SourceText(text)
        self.tree = tree
        self.by_span: dict[Span, list[ast.AST]] = {}
        self.parents: dict[int, ast.AST] = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[id(child)] = parent
                if isinstance(child, (ast.expr, ast.stmt)):
                    key = (child.lineno, child.col_offset, child.end_lineno or 0, child.end_col_offset or 0)
                    self.by_span.setdefault(key, []).append(child)
        self.names = _resolve(path, text, tree, [n for span in set(wanted) for n in self.by_span.get(span, ())])
        self._bound: set[str] | None = None

    def nodes_at(self, finding: Finding) -> list[ast.AST]:
        loc = finding.location
        return self.by_span.get((loc.line, loc.column, loc.end_line, loc.end_column), [])

    def bound_names(self) -> set[str]:
        """Every name the file binds or reads, except reads of the package of a plain `import a.b`:
        a new import line must neither shadow anything nor be shadowed."""
        if self._bound is None:
            found: set[str] = set()
            packages: set[str] = set()
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Name):
                    found.add(node.id if not isinstance(node.ctx, ast.Load) else f"\0{node.id}")
                elif isinstance(node, ast.arg):
                    found.add(node.arg)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found.add(node.name)
                elif isinstance(node, ast.ImportFrom):
                    found.update(alias.asname or alias.name for alias in node.names)
                elif isinstance(node, ast.Import):
                    found.update(alias.asname for alias in node.names if alias.asname)
                    packages.update(alias.name.split(".", 1)[0] for alias in node.names if not alias.asname)
            read = {name[1:] for name in found if name.startswith("\0")}
            self._bound = {name for name in found if not name.startswith("\0")} | (read - packages)
        return self._bound

    def import_point(self) -> Pos | None:
        """Where a new import line goes: after the file's leading imports, else before its first statement
        (after the docstring and `__future__` imports either way); None if no line there is its own."""
        body = self.tree.body
        index = 0
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            index = 1
        while index < len(body) and isinstance(body[index], ast.ImportFrom) and body[index].module == "__future__":
            index += 1
        first = index
        while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
            index += 1
        text = self.text
        if index > first:
            end = text.end(body[index - 1])
            rest = text.line_suffix(end).strip()
            if (not rest or rest.startswith("#")) and end.line < len(text.starts):
                return Pos(end.line + 1, 0)
        if first >= len(body):
            return None
        start = text.start(body[first])
        if text.line_prefix(start).strip():
            return None  # shares its line with what must stay above it
        return Pos(start.line, 0)


def _resolve(path: str, text: str, tree: ast.Module, targets: list[ast.AST]) -> dict[int, str]:
    """Qualified names of the targets' sub-expressions, as the engine's walk sees them at each target."""
    if not targets:
        return {}
    from secreview.core.model import Confidence, Severity
    from secreview.rules.base import Context, Rule
    from secreview.rules.engine import Dispatch, Walker
    from secreview.sources.discover import module_name

    wanted = {id(t) for t in targets}
    names: dict[int, str] = {}

    def probe(node: ast.AST, ctx: Context) -> None:
        if id(node) not in wanted:
            if isinstance(node, ast.Call):  # what every call calls: a fixer may ask how a value is used
                found = ctx.qualname(node.func)
                if found is not None:
                    names[id(node.func)] = found
            return
        for sub in ast.walk(node):
            if isinstance(sub, (ast.Name, ast.Attribute)):
                found = ctx.qualname(sub)
                if found is not None:
                    names[id(sub)] = found

    probe_rule = Rule(id="fix-probe", name="", cwe="710", severity=Severity.LOW, confidence=Confidence.LOW, fix="",
                      func=probe, nodes=tuple({ast.Call, *(type(t) for t in targets)}))
    ctx = Context(path, text, tree, module_name(path))
    Walker(ctx, Dispatch([probe_rule], collectors=())).run()
    return names
