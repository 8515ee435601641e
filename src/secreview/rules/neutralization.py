"""CWE-707 Improper Neutralization: data that becomes code, commands or queries."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_true, keyword, rule
from secreview.rules.heuristics import untrusted_expression

SUBPROCESS_CALLS = (
    "subprocess.call", "subprocess.run", "subprocess.Popen", "subprocess.check_call",
    "subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput",
)
SHELL_CALLS = ("os.system", "os.popen", "commands.getoutput", "commands.getstatusoutput",
               "asyncio.create_subprocess_shell", "subprocess.getoutput", "subprocess.getstatusoutput")


def _command_confidence(ctx: Context, command: ast.expr) -> tuple[Confidence, str]:
    origin = untrusted_expression(ctx, command)
    if origin:
        return Confidence.HIGH, f"it contains {origin}, which comes from outside the program"
    return Confidence.MEDIUM, "it is not a constant, so its origin must be trusted"


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
    can append commands of their own (CWE-78).

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
    confidence, why = _command_confidence(ctx, command)
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
    calls=("eval", "exec", "compile"),
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
    if not node.args:
        return
    code = node.args[0]
    if ctx.is_constant(code):
        return
    if isinstance(code, ast.Call) and ctx.call_name(code) == "compile":
        return  # reported on the compile() itself
    confidence, why = _command_confidence(ctx, code)
    ctx.report(
        node,
        f"{ctx.call_name(node)}() evaluates `{ast.unparse(code)}` as Python code; {why}.",
        confidence=confidence,
    )
