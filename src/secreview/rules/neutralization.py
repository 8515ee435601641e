"""CWE-707 Improper Neutralization: data that becomes code, commands or queries."""

from __future__ import annotations

import ast

from secreview.analysis.argv import ARGV_CALL_NAMES, ARGV_CALLS, SUBPROCESS_CALLS, script_argument
from secreview.analysis.names import getattr_member
from secreview.core.model import Confidence, Severity
from secreview.rules import evaluation
from secreview.rules.base import Context, argument, is_true, keyword, rule
from secreview.rules.dataflow_hints import built_string, call_names, neutral, request_data, spliced_origin
from secreview.rules.heuristics import in_test_code, untrusted_expression

__all__ = ["ARGV_CALL_NAMES", "SHELL_CALLS", "SUBPROCESS_CALLS"]  # also named by the taint specs
SHELL_CALLS = ("os.system", "os.popen", "commands.getoutput", "commands.getstatusoutput",
               "asyncio.create_subprocess_shell", "subprocess.getoutput", "subprocess.getstatusoutput")
# Quoting that makes a value one shell word.
SHELL_QUOTERS = frozenset({"shlex.quote", "pipes.quote", "shlex.join"})
# Builtins that run a string as Python code.
CODE_EVAL_CALLS = ("eval", "exec", "compile")
# Imports by a name the caller chooses.
DYNAMIC_IMPORT_CALLS = ("__import__", "importlib.import_module", "importlib.__import__")


def _quoted_for_the_shell(ctx: Context, command: ast.expr) -> bool:
    """`"ls -l " + shlex.quote(path)`: every spliced part is quoted, so the shell sees one word each."""
    mentions_quote = any(isinstance(n, ast.Call) and any(q in SHELL_QUOTERS for q in call_names(ctx, n))
                         for n in ast.walk(command))
    return mentions_quote and built_string(ctx, command, SHELL_QUOTERS) is None


# Settings that hold a command line of the user's choice, run through the shell by convention
# (POSIX: man, mailx, git and pydoc run $PAGER and $EDITOR with `sh -c`).
_USER_COMMAND_SETTINGS = frozenset({"pager", "editor", "visual", "browser"})


def _user_command_setting(ctx: Context, command: ast.expr) -> bool:
    """The whole command is the user's pager or editor setting: `PAGER`, `self.editor`,
    `os.environ.get("PAGER")` (or a local assigned one of them)."""
    if type(command) is ast.Name:
        assigned = ctx.assigned_value(command)
        if assigned is not None and assigned is not command and _user_command_setting(ctx, assigned):
            return True
        return command.id.lower() in _USER_COMMAND_SETTINGS
    if type(command) is ast.Attribute:
        return command.attr.lower() in _USER_COMMAND_SETTINGS
    if type(command) is ast.Call and (ctx.call_name(command) or "") in ("os.environ.get", "os.getenv"):
        return str(ctx.constant_value(command.args[0]) if command.args else "").lower() in _USER_COMMAND_SETTINGS
    if type(command) is ast.Subscript and ctx.qualname(command.value) == "os.environ":
        return str(ctx.constant_value(command.slice)).lower() in _USER_COMMAND_SETTINGS
    return False


def _command_confidence(ctx: Context, command: ast.expr) -> tuple[Confidence, str] | None:
    """HIGH for request data, MEDIUM for argv/stdin/environment or a caller's argument, LOW for
    values of unknown origin; None in test code, where commands and snippets are fixtures."""
    judged = spliced_origin(ctx, [command])
    if judged is None or judged[0] is Confidence.HIGH:
        return judged
    origin = untrusted_expression(ctx, command)
    if origin:
        return Confidence.MEDIUM, f"`{origin}` comes from whoever runs the program"
    return judged


@rule(
    id="command-injection-shell",
    name="OS command built from a non-constant string and run through a shell",
    cwe="78",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=SUBPROCESS_CALLS + SHELL_CALLS,
    bandit=("B602", "B605", "B609"),
    fix="Pass the command as a list of arguments without shell=True, e.g. "
    "subprocess.run(['tar', 'czf', archive, src], check=True); if a shell is unavoidable, "
    "quote every value with shlex.quote().",
)
def command_injection_shell(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds commands run through a shell (`shell=True`, `os.system`, `os.popen`,
    `asyncio.create_subprocess_shell`) whose command string is not a constant.

    ## Why is this bad
    The shell interprets `;`, `|`, `$()`, backquotes and globbing in the
    string. If any part of it comes from a user, file or network peer, they
    can append commands of their own (CWE-78). (A command that is wholly the
    user's pager or editor setting, `$PAGER` or `$EDITOR`, is a command line
    meant for the shell, as man and git run it, and is not reported.)

    ## Example
    ```python
    subprocess.run(f"tar czf {name}.tgz data", shell=True)
    ```

    ## Use instead
    ```python
    subprocess.run(["tar", "czf", f"{name}.tgz", "data"], check=True)
    ```
    """
    name = ctx.call_name(node) or ""
    if name in SHELL_CALLS:
        command = argument(node, 0, "cmd") or argument(node, 0, "command")
    else:
        shell = keyword(node, "shell")
        if shell is None or not (is_true(shell.value) or ctx.constant_value(shell.value) is True):
            return  # without a shell, arguments are not interpreted
        command = argument(node, 0, "args")
    if command is None or ctx.is_constant(command):
        return
    if isinstance(command, (ast.List, ast.Tuple)):
        return  # a list with shell=True runs only its first element as the script
    if _quoted_for_the_shell(ctx, command):
        return
    judged = _command_confidence(ctx, command)
    if judged is None:
        return
    confidence, why = judged
    if confidence is not Confidence.HIGH and _user_command_setting(ctx, command):
        return  # the user's $PAGER/$EDITOR is a command line meant for the shell
    ctx.report(
        node,
        f"{name}() runs `{ast.unparse(command)}` through a shell; {why}. "
        "Shell metacharacters in it run attacker-chosen commands.",
        confidence=confidence,
    )


@rule(
    id="code-injection-eval",
    name="eval/exec of a non-constant string",
    cwe="95",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=CODE_EVAL_CALLS,
    bandit=("B307", "B102"),
    fix="Do not evaluate data as code. Parse it instead: ast.literal_eval() for Python literals, "
    "json.loads() for JSON, or a dispatch table of allowed operations.",
)
def code_injection_eval(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `eval()`, `exec()` and `compile()` applied to something other than
    a constant string.

    ## Why is this bad
    Whoever controls the string runs arbitrary Python with the program's
    privileges (CWE-95). Restricting `__builtins__` does not make it safe.

    ## Example
    ```python
    total = eval(request.args["expr"])
    ```

    ## Use instead
    ```python
    total = ast.literal_eval(request.args["expr"])
    ```
    """
    if not node.args or isinstance(node.func, ast.Call) and getattr_member(node.func) is None:
        return  # `eval(x)(y)` resolves as a call to eval; the inner call is the one to judge
    code = node.args[0]
    if ctx.is_constant(code) or evaluation.only_parses(node, ctx) or evaluation.imports_module(node, ctx):
        return
    if neutral(ctx, code):
        return  # source generated from constant text and numbers: nothing in it can come from outside
    if isinstance(code, ast.Call) and ctx.call_name(code) == "compile":
        return  # reported on the compile() itself
    judged = _command_confidence(ctx, code)
    if judged is None:
        return
    confidence, why = judged
    if confidence is not Confidence.HIGH and evaluation.generated_code(code, ctx):
        return  # the program's own generated source; request data in it is the taint rule's finding
    feature = evaluation.by_design(code, ctx) if confidence is not Confidence.HIGH else None
    if feature is not None:
        ctx.report(node, f"{ctx.call_name(node)}() evaluates `{ast.unparse(code)}` as Python code; {feature}.",
                   severity=Severity.LOW, confidence=confidence)
        return
    ctx.report(
        node,
        f"{ctx.call_name(node)}() evaluates `{ast.unparse(code)}` as Python code; {why}.",
        confidence=confidence,
    )


@rule(
    id="command-injection-shell-argv",
    name="Shell started with -c and a non-constant script",
    cwe="78",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=tuple(ARGV_CALLS),
    bandit=("B605", "B606"),
    fix="Run the program directly with its arguments as a list, e.g. "
    "subprocess.run(['grep', '-r', pattern, path], check=True), instead of handing a script to sh -c.",
)
def command_injection_shell_argv(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds an argument vector that starts a shell with a script to run
    (`["sh", "-c", script]`, `os.execl("/bin/sh", "sh", "-c", script)`,
    `["cmd", "/c", script]`) where the script is not a constant.

    ## Why is this bad
    Avoiding `shell=True` does not help when the program being run *is* the
    shell: the script is parsed for `;`, `|`, `$()` and backquotes just the
    same, so values spliced into it run attacker-chosen commands (CWE-78).

    ## Example
    ```python
    subprocess.run(["bash", "-c", f"grep -r {pattern} /srv/data"])
    ```

    ## Use instead
    ```python
    subprocess.run(["grep", "-r", "--", pattern, "/srv/data"], check=True)
    ```
    """
    found = script_argument(node, ctx.call_name(node), ctx.constant_value)
    if found is None:
        return
    program, flag, script = found
    if ctx.is_constant(script) or isinstance(script, ast.Starred) or _quoted_for_the_shell(ctx, script):
        return
    judged = _command_confidence(ctx, script)
    if judged is None:
        return
    confidence, why = judged
    ctx.report(node, f"{ctx.call_name(node)}() hands `{ast.unparse(script)}` to "
               f"{program} {flag} as a shell script; {why}.", confidence=confidence)


@rule(
    id="dynamic-import-from-request",
    tests=False,
    name="Module imported by a name taken from a request",
    cwe="470",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=DYNAMIC_IMPORT_CALLS,
    fix="Map the request value to a module through an explicit allow-list, e.g. "
    "PLUGINS = {'csv': 'app.export.csv'}; importlib.import_module(PLUGINS[name]) after checking name in PLUGINS.",
)
def dynamic_import_from_request(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `importlib.import_module()` and `__import__()` whose module name
    contains request data.

    ## Why is this bad
    Importing a module runs its top-level code. A client who chooses the
    name can load any module on the path, including ones with side effects
    at import or ones the application never meant to expose (CWE-470).
    Imports by names from configuration are normal and are not reported.

    ## Example
    ```python
    exporter = importlib.import_module("exporters." + request.args["format"])
    ```

    ## Use instead
    ```python
    EXPORTERS = {"csv": "exporters.csv", "json": "exporters.json"}
    exporter = importlib.import_module(EXPORTERS[request.args["format"]])
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    name = argument(node, 0, "name")
    if name is None or ctx.is_constant(name):
        return
    origin = request_data(ctx, name)  # a key into an UPPER_CASE allow-list table is not request data
    if origin:
        ctx.report(node, f"{ctx.call_name(node)}() imports a module named by `{origin}`, which the client chooses.")
