"""What an eval/exec/compile call really does, for the code-injection pattern rule.

* `compile(src, name, "exec", ast.PyCF_ONLY_AST)` only parses: it returns a syntax tree and
  runs nothing (like `ast.parse`, which is what `ast.parse` calls).
* An import loader's `exec_module(module)` / `load_module(name)` / `get_code(name)` compiles the
  module's code and runs it in the module's namespace: that is what importing is, not injection.
* Some programs run code on purpose: an interactive interpreter (a `cmd.Cmd` subclass evaluating
  the line its user typed, like ansible's task debugger), a profile or startup file the user keeps in their own
  home or configuration directory (tkinter's `~/.CLASSNAME.py`), the script a management
  command's `shell -c` option names. These are features that execute code by design; they
  matter only when someone other than the operator can write the file or set the option,
  so they are reported at low severity with a message that says so.
"""

from __future__ import annotations

import ast

from secreview.rules.base import Context

_FILE_OPENERS = frozenset({"open", "io.open", "codecs.open", "tokenize.open", "pathlib.Path"})
_READ_METHODS = frozenset({"read", "read_text", "read_bytes"})
_LOADER_METHODS = frozenset({"exec_module", "load_module", "get_code", "source_to_code"})
_COMMAND_BASES = ("django.core.management.BaseCommand", "django.core.management.base.BaseCommand")


def only_parses(node: ast.Call, ctx: Context) -> bool:
    """`compile(..., flags=ast.PyCF_ONLY_AST)` (4th argument or keyword): a syntax tree, nothing run."""
    if ctx.call_name(node) != "compile":
        return False
    flags = node.args[3] if len(node.args) > 3 else next((kw.value for kw in node.keywords if kw.arg == "flags"), None)
    if flags is None:
        return False
    return any((type(part) is ast.Attribute and part.attr == "PyCF_ONLY_AST")
               or (type(part) is ast.Name and part.id == "PyCF_ONLY_AST") for part in ast.walk(flags))


def imports_module(node: ast.Call, ctx: Context) -> bool:
    """compile() or exec() in the methods of the import-loader protocol (`exec_module`, `load_module`,
    `get_code`, `source_to_code`): the module's own code, compiled and run as importing does."""
    function = ctx.function
    return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and function.name in _LOADER_METHODS \
        and bool(ctx.classes)


def by_design(code: ast.expr, ctx: Context) -> str | None:
    """Why running `code` is the program's own feature, or None.

    The contents of a file read where the call stands (`exec(open(path).read())`): running a
    Python file, as a startup or profile script; an option of a Django management command's
    `handle(self, **options)`: what the operator typed on the command line.
    """
    if _file_contents(code, ctx):
        return ("it runs the Python file it reads, as a startup or profile script does: a feature by design "
                "that matters only if someone else can write that file")
    if _typed_line(code, ctx):
        return ("it runs what the user of this interactive interpreter (a cmd.Cmd console) typed: a feature by "
                "design that matters only if someone else can reach the console")
    if _command_option(code, ctx):
        return ("it runs what the operator of this management command passed on its command line (a shell's -c): "
                "a feature by design that matters only if someone else can set that option")
    return None


def _file_contents(code: ast.expr, ctx: Context) -> bool:
    """`open(path).read()`, or a name assigned from `handle.read()` where `handle` is the target of a
    `with open(path) as handle:` in the same function (Django's shell reading $PYTHONSTARTUP)."""
    if type(code) is ast.Name:
        assigned = ctx.assigned_value(code)
        code = assigned if assigned is not None else code
    if type(code) is not ast.Call or type(code.func) is not ast.Attribute or code.func.attr not in _READ_METHODS:
        return False
    opened = code.func.value
    if type(opened) is ast.Name:
        opened = _with_opened(opened.id, ctx) or opened
    return type(opened) is ast.Call and ctx.call_name(opened) in _FILE_OPENERS


def _with_opened(handle: str, ctx: Context) -> ast.expr | None:
    """The context expression of the `with ... as handle` of the enclosing function, if there is one."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for node in ast.walk(function):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if type(item.optional_vars) is ast.Name and item.optional_vars.id == handle:
                    return item.context_expr
    return None


def _typed_line(code: ast.expr, ctx: Context) -> bool:
    """A parameter of a method of a `cmd.Cmd` subclass (or what compile() made of one, or a
    string built from one): the line its user typed."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not ctx.classes \
            or not any(ctx.qualname(base) == "cmd.Cmd" for base in ctx.classes[-1].bases):
        return False
    params = {arg.arg for arg in (*function.args.posonlyargs, *function.args.args)[1:]}
    assigned = ctx.assigned_value(code)
    if type(assigned) is ast.Call and ctx.call_name(assigned) == "compile" and assigned.args:
        code = assigned.args[0]
    return any(type(part) is ast.Name and part.id in params for part in ast.walk(code))


def _command_option(code: ast.expr, ctx: Context) -> bool:
    """`options["command"]` where `options` is the `**options` of `handle` in a management command."""
    if type(code) is not ast.Subscript or type(code.value) is not ast.Name:
        return False
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.name != "handle" \
            or function.args.kwarg is None or function.args.kwarg.arg != code.value.id or not ctx.classes:
        return False
    return any(ctx.qualname(base) in _COMMAND_BASES for base in ctx.classes[-1].bases)
