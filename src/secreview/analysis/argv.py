"""Programs run from an argument vector, and the shell script hidden in one.

`subprocess.run(["sh", "-c", script])` runs no shell of its own (no
`shell=True`), yet the program it runs *is* a shell, and `script` is parsed
for `;`, `|` and `$()` all the same. The pattern rule `command-injection-shell-argv`
and the taint pass (`[[sink]] shell_argv = true`) both ask `script_argument`
which element of an argument vector is such a script; `program_argument` says
which expression names the program itself (`[[sink]] argv_program = true`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

SUBPROCESS_CALLS = (
    "subprocess.call", "subprocess.run", "subprocess.Popen", "subprocess.check_call",
    "subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput",
)
# Calls that run a program from an argument vector: (call, index of the first argv element,
# whether argv is one list argument rather than the remaining positional arguments).
ARGV_CALLS: dict[str, tuple[int, bool]] = {
    **{name: (0, True) for name in SUBPROCESS_CALLS if "getoutput" not in name and "getstatus" not in name},
    "asyncio.create_subprocess_exec": (0, False),
    **{f"os.exec{suffix}": (0, False) for suffix in ("l", "lp", "le", "lpe")},
    **{f"os.exec{suffix}": (1, True) for suffix in ("v", "vp", "ve", "vpe")},
    **{f"os.spawn{suffix}": (1, False) for suffix in ("l", "lp", "le", "lpe")},
    **{f"os.spawn{suffix}": (2, True) for suffix in ("v", "vp", "ve", "vpe")},
    "os.posix_spawn": (1, True),
    "os.posix_spawnp": (1, True),
}
ARGV_CALL_NAMES = tuple(ARGV_CALLS)
SHELL_PROGRAMS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "ash", "busybox",
                            "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh"})
SCRIPT_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command", "-lc", "-ec", "-xc"})


def vector(node: ast.Call, start: int, as_list: bool) -> list[ast.expr] | None:
    """The argument vector a call runs, when it is written out (a list literal or inline arguments)."""
    if as_list:
        found = node.args[start] if len(node.args) > start else next(
            (k.value for k in node.keywords if k.arg == "args"), None) if start == 0 else None
        return list(found.elts) if isinstance(found, (ast.List, ast.Tuple)) else None
    return list(node.args[start:])


def program_argument(node: ast.Call, qualname: str | None) -> ast.expr | None:
    """The expression naming the program a call runs, when it is written out.

    `os.exec*` and `os.posix_spawn*` take the path first; `os.spawn*` take the mode first
    and the path after it (`os.spawnlp(os.P_WAIT, prog, ...)`); `subprocess.*` run the
    first element of their argument vector, or `executable=` when given. A vector held in
    a variable is not read: its other elements are arguments, not the program.
    """
    found = ARGV_CALLS.get(qualname or "")
    if found is None:
        return None
    if qualname in SUBPROCESS_CALLS:
        executable = next((k.value for k in node.keywords if k.arg == "executable"), None)
        if executable is not None:
            return executable
        argv = vector(node, *found)
        return argv[0] if argv else None
    position = 1 if (qualname or "").startswith("os.spawn") else 0
    return node.args[position] if len(node.args) > position else None


def script_argument(node: ast.Call, qualname: str | None,
                    value_of: Callable[[ast.expr], object]) -> tuple[str, str, ast.expr] | None:
    """(shell, flag, script) when the call runs a shell with a script flag (`["bash", "-c", script]`)."""
    found = ARGV_CALLS.get(qualname or "")
    if found is None:
        return None
    argv = vector(node, *found)
    if not argv:
        return None
    values = [value_of(item) for item in argv]
    for index, value in enumerate(values):
        if not (isinstance(value, str) and value.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] in SHELL_PROGRAMS):
            continue
        for flag_index in range(index + 1, len(values) - 1):
            if values[flag_index] in SCRIPT_FLAGS:
                return value, values[flag_index], argv[flag_index + 1]  # type: ignore[return-value]
        return None
    return None
