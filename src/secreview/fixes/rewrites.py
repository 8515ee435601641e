"""Fixes that rewrite an argument or a statement: debug flags, shell command lines, mktemp.

Each checks that the rewritten code means what the old code meant for every
input the old code handled safely, and declines otherwise.
"""

from __future__ import annotations

import ast
import re

from secreview.fixes.calls import Result, is_constant, keyword_arg
from secreview.fixes.registry import fixer
from secreview.fixes.site import Site
from secreview.fixes.text import Edit

# -- debug switches ---------------------------------------------------------------------


def _from_environment(site: Site, flag: ast.AST, variable: str) -> Result:
    """Replace the constant True `flag` with `os.environ.get(VARIABLE) == "1"`."""
    if not is_constant(flag, True):
        return None
    edits = site.replace_using(flag, "os", f'{{module}}.environ.get("{variable}") == "1"')
    return (f"Read the switch from the environment ({variable}=1 turns it on); it is off unless set.",
            edits) if edits else None


@fixer("debug-mode-enabled")
def debug_run_from_environment(site: Site) -> Result:
    """`app.run(debug=True)` -> `app.run(debug=os.environ.get("FLASK_DEBUG") == "1")`."""
    call = site.node
    debug = keyword_arg(call, "debug") if isinstance(call, ast.Call) else None
    return _from_environment(site, debug.value, "FLASK_DEBUG") if debug is not None else None


@fixer("debug-setting-enabled")
def debug_setting_from_environment(site: Site) -> Result:
    """`DEBUG = True` (Django settings) and `app.debug = True` / `app.config["DEBUG"] = True` /
    `app.config.update(DEBUG=True)` (Flask) -> the same switch read from the environment."""
    node = site.node
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        variable = "DJANGO_DEBUG" if isinstance(node.targets[0], ast.Name) else "FLASK_DEBUG"
        return _from_environment(site, node.value, variable)
    if isinstance(node, ast.Call):
        debug = keyword_arg(node, "DEBUG")
        return _from_environment(site, debug.value, "FLASK_DEBUG") if debug is not None else None
    return None


# -- a shell command line as an argument list -----------------------------------------------

_SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                         "subprocess.Popen"})
# Text the shell would pass on unchanged (no quotes, globs, expansions, redirections or separators).
_PLAIN = re.compile(r"[A-Za-z0-9_\-./:=,@%+ ]*")


@fixer("command-injection-shell", "taint-command-injection")
def argument_list(site: Site) -> Result:
    """`subprocess.run(f"tar czf {name}.tgz data", shell=True)` -> `subprocess.run(["tar", "czf", f"{name}.tgz", "data"])`.

    Only for a command line made of plain words (no quotes, globbing, variables,
    pipes or redirections in its constant text) whose first word is constant:
    the shell would have split it on those spaces, and the list is what it would
    have run for any value without shell syntax in it. A value is one argument
    however many spaces or metacharacters it holds, which is the point.
    """
    call = site.node
    if not isinstance(call, ast.Call) or site.qualname(call.func) not in _SUBPROCESS or not call.args:
        return None
    shell = keyword_arg(call, "shell")
    if shell is None or not is_constant(shell.value, True) or any(kw.arg is None for kw in call.keywords):
        return None
    words = _words(site, call.args[0])
    if words is None:
        return None
    removed = site.remove_argument(call, shell)
    if removed is None:
        return None
    listed = "[" + ", ".join(words) + "]"
    return ("Run the program with an argument list and no shell: each value is one argument, never shell syntax.",
            (site.text.replace(call.args[0], listed), removed))


def _pieces(site: Site, command: ast.AST) -> list[str | ast.AST] | None:
    """The command line as constant text and value expressions, in order; None for any other shape."""
    if isinstance(command, ast.Constant) and isinstance(command.value, str):
        return [command.value]
    if isinstance(command, ast.JoinedStr):
        out: list[str | ast.AST] = []
        for part in command.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.FormattedValue) and part.conversion == -1 and part.format_spec is None:
                out.append(part)
            else:
                return None
        return out
    if isinstance(command, ast.BinOp) and isinstance(command.op, ast.Add):
        left, right = _pieces(site, command.left), _pieces(site, command.right)
        return left + right if left is not None and right is not None else None
    if isinstance(command, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        return [command]
    return None


def _words(site: Site, command: ast.AST) -> list[str] | None:
    """Python expressions, one per word of the command line."""
    pieces = _pieces(site, command)
    if pieces is None or not all(_PLAIN.fullmatch(p) for p in pieces if isinstance(p, str)):
        return None
    words: list[list[str | ast.AST]] = [[]]
    for piece in pieces:
        if isinstance(piece, str):
            for index, chunk in enumerate(piece.split(" ")):
                if index:
                    words.append([])
                if chunk:
                    words[-1].append(chunk)
        else:
            words[-1].append(piece)
    words = [w for w in words if w]
    if not words or not all(isinstance(p, str) for p in words[0]):
        return None  # the program itself comes from a value: not a mechanical change
    return [_word(site, word) for word in words]


def _word(site: Site, word: list[str | ast.AST]) -> str:
    if all(isinstance(p, str) for p in word):
        return '"' + "".join(word) + '"'  # type: ignore[arg-type]
    if len(word) == 1 and isinstance(word[0], ast.FormattedValue):  # the f-string made it a str
        return f"str({ast.unparse(word[0].value)})"
    if any(isinstance(p, ast.FormattedValue) for p in word):  # keep f-string formatting (str() of the value)
        inner = "".join(p if isinstance(p, str) else "{" + ast.unparse(p.value) + "}" for p in word)  # type: ignore[attr-defined]
        return 'f"' + inner + '"'
    if len(word) == 1:
        return site.text.segment(word[0])  # type: ignore[arg-type]
    return " + ".join(f'"{p}"' if isinstance(p, str) else site.text.segment(p) for p in word)


# -- mktemp -------------------------------------------------------------------------------

# Calls that take the name as a path to an existing or overwritable file: a file created
# beforehand (empty, owner-only) changes nothing for them.
_PATH_USES = frozenset({"open", "io.open", "os.remove", "os.unlink", "os.stat", "os.chmod", "os.path.getsize",
                        "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.move", "os.replace",
                        "os.rename"})
_HANDLE = "temp_file"


@fixer("insecure-tempfile-mktemp")
def named_temporary_file(site: Site) -> Result:
    """`path = tempfile.mktemp(...)` -> `with tempfile.NamedTemporaryFile(delete=False, ...) as temp_file:
    path = temp_file.name`, where `path` is only ever opened, copied, moved or removed as a file."""
    call = site.node
    statement = site.parent(call)
    if not isinstance(call, ast.Call) or site.qualname(call.func) != "tempfile.mktemp" \
            or not isinstance(statement, ast.Assign) or len(statement.targets) != 1 \
            or not isinstance(statement.targets[0], ast.Name) or statement.value is not call:
        return None
    name = statement.targets[0].id
    scope = site.enclosing_scope(statement)
    if not _only_path_uses(site, scope, name, statement) or _HANDLE in _names_in(scope):
        return None
    arguments = _named_arguments(site, call)
    reference = _tempfile_reference(site, call)
    if arguments is None or reference is None:
        return None
    prefix, imports = reference
    text = site.text
    start, end = text.start(statement), text.end(statement)
    indent, rest = text.line_prefix(start), text.line_suffix(end)
    if indent.strip() or (rest.strip() and not rest.strip().startswith("#")):
        return None  # shares its line with other statements
    step = "\t" if "\t" in indent else "    "
    opened = ", ".join(["delete=False", *arguments])
    new = (f"with {prefix}.NamedTemporaryFile({opened}) as {_HANDLE}:{text.newline}"
           f"{indent}{step}{name} = {_HANDLE}.name")
    return (("Create the file at once with tempfile.NamedTemporaryFile(delete=False) and use its name: no other "
             "process can create or replace it first."), (Edit(start, end, new), *imports))


def _names_in(scope: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(scope) if isinstance(n, ast.Name)} | \
        {a.arg for a in ast.walk(scope) if isinstance(a, ast.arg)}


def _only_path_uses(site: Site, scope: ast.AST, name: str, assignment: ast.Assign) -> bool:
    """Whether every other mention of `name` in `scope` is a path argument of a `_PATH_USES` call."""
    for node in ast.walk(scope):
        if not isinstance(node, ast.Name) or node.id != name or node is assignment.targets[0]:
            continue
        if not isinstance(node.ctx, ast.Load):
            return False  # assigned again: which value a use sees is no longer plain
        parent = site.parent(node)
        if not isinstance(parent, ast.Call) or node not in parent.args or site.qualname(parent.func) not in _PATH_USES:
            return False
        if site.qualname(parent.func) in ("open", "io.open") and not _overwrites(parent):
            return False
    return True


def _overwrites(call: ast.Call) -> bool:
    """An `open` whose mode works on a file that already exists (not "x")."""
    mode = call.args[1] if len(call.args) > 1 else keyword_arg(call, "mode")
    if mode is None:
        return True
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "x" not in mode.value


def _named_arguments(site: Site, call: ast.Call) -> list[str] | None:
    """mktemp(suffix, prefix, dir) arguments as keywords NamedTemporaryFile accepts."""
    if len(call.args) > 3 or any(isinstance(a, ast.Starred) for a in call.args) \
            or any(kw.arg not in ("suffix", "prefix", "dir") for kw in call.keywords):
        return None
    named = [f"{key}={site.text.segment(value)}" for key, value in zip(("suffix", "prefix", "dir"), call.args)]
    return named + [site.text.segment(kw) for kw in call.keywords]


def _tempfile_reference(site: Site, call: ast.Call) -> tuple[str, tuple[Edit, ...]] | None:
    func = call.func
    if isinstance(func, ast.Attribute) and site.qualname(func.value) == "tempfile":
        return site.text.segment(func.value), ()
    return site.module_reference("tempfile")

