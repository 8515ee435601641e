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
* An execution API runs the code its caller passes: the debugger's `Bdb.run(cmd)`, a profiler's
  or tracer's `runctx(cmd, ...)`, an interpreter's `runcode(code)`, `timeit.Timer(stmt)`. Its
  name or its documentation says that executing the argument is what it is for; whether that is
  dangerous depends on its callers, which the data-flow rules follow. Low severity, said so.
* Code a program generates (dataclasses' `__init__` from a template, SQLAlchemy's and Celery's
  signature-preserving wrappers) is built by formatting a constant template with names it takes
  from its own classes and functions. That is not injection unless input reaches the template's
  values, which is the data-flow rules' question (`taint-code-injection`), not this pattern's.
"""

from __future__ import annotations

import ast
import re

from secreview.rules.base import Context
from secreview.rules.dataflow_hints import built_string

_FILE_OPENERS = frozenset({"open", "io.open", "io.open_code", "codecs.open", "tokenize.open", "pathlib.Path"})
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
    if _execution_api(ctx) and _passed_through(code, ctx, _parameters(ctx)):
        return ("this API's purpose is to run the code its caller passes, as exec() itself does: by design, a "
                "finding only where a caller passes input from outside")
    return None


def _file_contents(code: ast.expr, ctx: Context) -> bool:
    """`open(path).read()` (decoded or not), or a name assigned from `handle.read()` where `handle` is the
    target of a `with open(path) as handle:` in the same function (Django's shell reading $PYTHONSTARTUP)."""
    if type(code) is ast.Name:
        assigned = ctx.assigned_value(code)
        code = assigned if assigned is not None else code
    if type(code) is ast.Call and type(code.func) is ast.Attribute and code.func.attr == "decode":
        code = code.func.value  # `fp.read().decode("utf-8")`: the same file's text (Pyramid's pshell)
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


_TEMPLATE_FORMATTING = ("an f-string", "%-formatting", "str.format()")


def generated_code(code: ast.expr, ctx: Context) -> bool:
    """`code` is Python source the program formats from a constant template (an f-string, `%` or
    `str.format()` of a literal, directly, compiled, or through a local variable): generated, not passed in."""
    if type(code) is ast.Name:
        assigned = ctx.assigned_value(code)
        if type(assigned) is ast.Call and ctx.call_name(assigned) == "compile" and assigned.args:
            code = assigned.args[0]
    built = built_string(ctx, code)
    return built is not None and built.how in _TEMPLATE_FORMATTING


_EXECUTION_VERBS = frozenset({"run", "runctx", "runcall", "runcode", "runsource", "runcommand", "runeval",
                              "runscript", "exec", "execute", "eval", "evaluate", "compile", "debug", "interact",
                              "timeit"})
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_DOCUMENTS_EXECUTION = re.compile(
    r"\b(execut|evaluat)\w*\b.{0,60}\b(code|statements?|expressions?|snippets?|scripts?)\b"
    r"|\b(code|statements?|expressions?|snippets?|scripts?)\b.{0,60}\b(execut|evaluat)\w*", re.IGNORECASE | re.DOTALL)


def _execution_api(ctx: Context) -> bool:
    """The enclosing function or its class is named for running code (`run`, `runctx`, `runcode`,
    `debug_script`, `Compile`) or its docstring says it executes or evaluates code."""
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    owners: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = [function]
    if ctx.classes:
        owners.append(ctx.classes[-1])
    for owner in owners:
        if any(word.lower() in _EXECUTION_VERBS for word in _WORDS.findall(owner.name)):
            return True
        docstring = ast.get_docstring(owner, clean=False)
        if docstring and _DOCUMENTS_EXECUTION.search(docstring.split("\n\n", 1)[0]):
            return True
    return False


def _parameters(ctx: Context) -> frozenset[str]:
    function = ctx.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return frozenset()
    arguments = function.args
    return frozenset(a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)) - {"self", "cls"}


def _passed_through(code: ast.expr, ctx: Context, parameters: frozenset[str], depth: int = 3) -> bool:
    """`code` is a parameter as the caller passed it: the parameter itself, compile() of it, a
    concatenation with it (`setup + "\\n" + stmt`), or a local variable holding one of those
    (`cmd = compile(cmd, ...)` included: the `cmd` inside is still the parameter)."""
    if type(code) is ast.Name:
        binding = ctx.names.lookup(code.id)
        if binding is not None and binding.kind != "param" and binding.expr is not None and depth > 0:
            return _passed_through(binding.expr, ctx, parameters, depth - 1)
        return code.id in parameters
    if type(code) is ast.Call and ctx.call_name(code) == "compile" and code.args:
        return _passed_through(code.args[0], ctx, parameters, depth)
    if type(code) is ast.BinOp and isinstance(code.op, ast.Add):
        return _passed_through(code.left, ctx, parameters, depth) or _passed_through(code.right, ctx, parameters, depth)
    return False
