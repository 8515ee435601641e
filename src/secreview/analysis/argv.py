"""Programs run from an argument vector, and the shell script hidden in one.

`subprocess.run(["sh", "-c", script])` runs no shell of its own (no
`shell=True`), yet the program it runs *is* a shell, and `script` is parsed
for `;`, `|` and `$()` all the same. The pattern rule `command-injection-shell-argv`
and the taint pass (`[[sink]] shell_argv = true`) both ask `script_argument`
which element of an argument vector is such a script; `program_argument` says
which expression names the program itself (`[[sink]] argv_program = true`), and
`option_arguments` which elements a program such as git or curl may take for its
own options (`[[sink]] argv_options = true`, argument injection).
"""

from __future__ import annotations

import ast
import re
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


# Programs with options that run commands or write files of the caller's choosing: git --upload-pack
# and -c core.sshCommand, ssh -oProxyCommand, scp -S, rsync -e, curl -o/-K, wget -O/--use-askpass,
# tar --to-command/--checkpoint-action, zip -TT, find -exec, sendmail -X, hg --config.
OPTION_PROGRAMS = frozenset({"git", "ssh", "scp", "sftp", "rsync", "curl", "wget", "tar", "zip", "unzip", "find",
                             "sendmail", "hg", "svn"})


def option_arguments(node: ast.Call, qualname: str | None,
                     value_of: Callable[[ast.expr], object]) -> list[ast.expr]:
    """Elements of a written-out argument vector that an option-sensitive program may read as options.

    Only vectors that start with the program (`subprocess.*`, `asyncio.create_subprocess_exec`)
    and name one of `OPTION_PROGRAMS` as a constant; elements after a `--` are operands, and an
    element with constant text before the value (`f"--branch={b}"`, `"https://" + host`) cannot
    start with "-".
    """
    if qualname not in SUBPROCESS_CALLS and qualname != "asyncio.create_subprocess_exec":
        return []
    found = ARGV_CALLS.get(qualname or "")
    argv = vector(node, *found) if found is not None else None
    if not argv:
        return []
    program = value_of(argv[0])
    if not (isinstance(program, str) and program.rsplit("/", 1)[-1] in OPTION_PROGRAMS):
        return []
    tar = program.rsplit("/", 1)[-1] == "tar"
    options: list[ast.expr] = []
    previous: object = None
    for element in argv[1:]:
        value = value_of(element)
        if value == "--":
            break
        # tar's f (in "czf", "-xf", "-f") takes the next word as the archive name, whatever it starts with.
        archive = tar and isinstance(previous, str) and _TAR_FILE_OPTION.fullmatch(previous) is not None
        if type(element) in (ast.Name, ast.Subscript, ast.Attribute, ast.Call) and not archive:
            options.append(element)
        previous = value
    return options


_TAR_FILE_OPTION = re.compile(r"-?[A-Za-z]*f")


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


def shifts_argv(tree: ast.Module) -> bool:
    """The module removes or replaces items of `sys.argv` (`del sys.argv[0]`, `sys.argv.pop(0)`,
    `sys.argv[:] = ...`, `sys.argv = ...`): its `sys.argv[0]` may then be an argument moved into the
    program's place (runpy runs `python -m runpy mod` with `mod` as argv[0]), not the program's path.
    Memoised on the tree, which lives as long as its nodes."""
    found: bool | None = getattr(tree, "_secreview_shifts_argv", None)
    if found is None:
        found = any(_changes_argv(node) for node in ast.walk(tree))
        tree._secreview_shifts_argv = found  # type: ignore[attr-defined]
    return found


def _changes_argv(node: ast.AST) -> bool:
    targets: list[ast.expr] = []
    if type(node) in (ast.Delete, ast.Assign):
        targets = node.targets  # type: ignore[attr-defined]
    elif type(node) is ast.Call and type(node.func) is ast.Attribute \
            and node.func.attr in ("pop", "insert", "remove", "clear"):  # type: ignore[attr-defined]
        targets = [node.func.value]  # type: ignore[attr-defined]
    for target in targets:
        while type(target) is ast.Subscript:
            target = target.value  # type: ignore[attr-defined]
        if type(target) is ast.Attribute and target.attr == "argv" and type(target.value) is ast.Name \
                and target.value.id == "sys":  # type: ignore[attr-defined]
            return True
    return False
