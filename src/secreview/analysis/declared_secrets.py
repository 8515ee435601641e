"""Secrets a project declares as such, read in other modules: a join at link time.

oslo.config options say themselves whether they hold a secret: `cfg.StrOpt("host_password",
secret=True)` is masked by oslo.config's own option dumps, and whoever reads
`CONF.vmware.host_password` holds the secret. The declaration and the reads are in different
modules (Nova declares options in `nova/conf/*.py` and reads them everywhere), but the per-file pass
sees one file. So each file's summary says which options it declares secret (`declared`), and each
read of a configuration option becomes a source of the kind `stored_secret` that is only *pending*
(`pending`: source index -> declaration key). The link (`secreview.analysis.flows`) keeps a flow from
a pending source only when some module of the project declares its key, and its trace records the
key read (`("d", key)`), so an edit that adds or drops a declaration re-links exactly the functions
whose flows read it (`secreview.analysis.incremental`).

A key names an option by its group and the attribute it is read as (its `dest`, else its name with
`-` as `_`): `CONF.vmware.host_password` reads `oslo:vmware.host_password`, `CONF.debug` reads
`oslo:DEFAULT.debug`. The group is the one the declaring module registers the option under
(`conf.register_opts(ALL_OPTS, group=vmware_group)`, the group given by name or by a module-level
`cfg.OptGroup("vmware")`, the list followed through module-level names and `+`); an option
registered without a group is in `DEFAULT`. An option the module declares but does not register
(a library's `list_opts()` hands it to whoever registers it) may be in any group: its key is
`oslo:*.name`, and a read of that name in any group matches it (`keys_of`).

The option's *name* does not make it secret: only `secret=True` does. Reads are recognised on the
configuration object as oslo.config projects spell it at module level (`CONF = cfg.CONF`,
`CONF = nova.conf.CONF`): `CONF.name`, `CONF.group.name`, `cfg.CONF.group.name`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Final

from secreview.analysis.specs import VALUE_KINDS, SourceSpec
from secreview.core.model import Confidence

OSLO: Final = "oslo:"
_OPTIONS: Final = "oslo_config.cfg."
_CONFIG_OBJECTS: Final = frozenset({"CONF"})

DECLARED_OPTION: Final = SourceSpec(
    label="a configuration option declared secret (oslo.config secret=True)", confidence=Confidence.HIGH,
    kind="stored_secret", not_for=VALUE_KINDS["stored_secret"])


def declarations(tree: ast.Module, source: str, imported: set[str],
                 qualname: Callable[[ast.expr], str | None]) -> tuple[str, ...]:
    """Keys of the options this module declares `secret=True` (sorted; `qualname` resolves a call's name).

    Only a module importing oslo_config whose text passes `secret=True` somewhere is walked: a module
    that merely mentions secrets (Nova's libvirt tests, 200k nodes) is not.
    """
    if "oslo_config" not in imported or not _passes_secret(source):
        return ()
    secret: dict[int, str] = {}  # id of the option's call -> attribute
    assigned: dict[str, ast.expr] = {}  # names assigned in the module -> the value last assigned
    registrations: list[ast.Call] = []
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Assign and len(node.targets) == 1 and type(node.targets[0]) is ast.Name:  # type: ignore[attr-defined]
            assigned[node.targets[0].id] = node.value  # type: ignore[attr-defined]
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if type(func) is ast.Attribute and func.attr in _REGISTER:
                registrations.append(node)  # type: ignore[arg-type]
            elif any(k.arg == "secret" and _true(k.value) for k in node.keywords):  # type: ignore[attr-defined]
                name = qualname(func) or ""
                key = _attribute_name(node) if name.startswith(_OPTIONS) and name.endswith("Opt") else ""  # type: ignore[arg-type]
                if key:
                    secret[id(node)] = key
    if not secret:
        return ()
    groups: dict[int, set[str]] = {}
    for call in registrations:
        options = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "opts"), None)
        if options is None:
            continue
        group = _group(call, assigned)
        for option in _options(options, assigned, set()):
            if id(option) in secret:
                groups.setdefault(id(option), set()).add(group)
    found = {f"{OSLO}{group}.{key}" for made, key in secret.items() for group in groups.get(made, (ANY_GROUP,))}
    return tuple(sorted(found))


# The text of a keyword `secret=True`, with any spaces, line continuations or comments between its parts:
# a module without it declares no secret option (a cheap test before the walk).
_SECRET_KEYWORD: Final = re.compile(r"\bsecret[\s\\]*=(?:[\s\\]|#[^\n]*)*True\b")


def _passes_secret(source: str) -> bool:
    """`_SECRET_KEYWORD` matches somewhere in `source`, tried only where the text "secret" starts.

    A pattern that starts with `\\b` gets no fast scan for its literal part: searching Nova's 1.5 MB
    libvirt test module took 28 ms, 20 times the cost of finding the few "secret" in it.
    """
    at = source.find("secret")
    while at >= 0:
        if _SECRET_KEYWORD.match(source, at):
            return True
        at = source.find("secret", at + 1)
    return False


# `conf.register_opts(opts, group=None)` and its kin: the calls that put options in a group.
_REGISTER: Final = frozenset({"register_opts", "register_opt", "register_cli_opts", "register_cli_opt"})
DEFAULT_GROUP: Final = "DEFAULT"
ANY_GROUP: Final = "*"


def _options(node: ast.expr, assigned: dict[str, ast.expr], seen: set[str]) -> list[ast.Call]:
    """The option calls an expression given to `register_opts` holds, through module-level names."""
    found = []
    for inner in ast.walk(node):
        if type(inner) is ast.Call:
            found.append(inner)
        elif type(inner) is ast.Name and inner.id in assigned and inner.id not in seen:
            seen.add(inner.id)
            found.extend(_options(assigned[inner.id], assigned, seen))
    return found


def _group(call: ast.Call, assigned: dict[str, ast.expr]) -> str:
    """The group a registration names: `group="api"`, `group=vmware_group` (a module-level OptGroup), the
    second argument, `DEFAULT` when none is given, any group when the pass cannot tell."""
    node = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "group"), None)
    if node is None or type(node) is ast.Constant and node.value is None:
        return DEFAULT_GROUP
    if type(node) is ast.Name:
        node = assigned.get(node.id)
        if type(node) is ast.Call:  # `cfg.OptGroup("vmware", title=...)`
            node = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "name"), None)
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value
    return ANY_GROUP


def keys_of(key: str) -> tuple[str, ...]:
    """The declaration keys a read of `key` matches: its own, and for an option its name declared in no
    known group."""
    return (key, OSLO + ANY_GROUP + key[key.index("."):]) if key.startswith(OSLO) else (key,)


def _true(node: ast.expr) -> bool:
    return type(node) is ast.Constant and node.value is True


def _attribute_name(call: ast.Call) -> str:
    """The attribute an option is read as: `dest=`, else its name (first argument or `name=`) with `-` as `_`."""
    given = {k.arg: k.value for k in call.keywords if k.arg in ("dest", "name")}
    node = given.get("dest") or given.get("name") or (call.args[0] if call.args else None)
    if type(node) is ast.Constant and isinstance(node.value, str):
        return node.value.replace("-", "_")
    return ""


def read_key(node: ast.Attribute) -> str:
    """The declaration key `node` reads, if it reads an option of the configuration object ('' if not).

    `CONF.name`, `CONF.group.name`, `cfg.CONF.name`, `cfg.CONF.group.name`: the caller checks that
    `CONF` is the module's own global, not a local of the same name.
    """
    value = node.value
    if type(value) is ast.Name:
        return f"{OSLO}{DEFAULT_GROUP}.{node.attr}" if value.id in _CONFIG_OBJECTS else ""
    if type(value) is ast.Attribute:
        inner = value.value
        if type(inner) is ast.Name:
            if inner.id in _CONFIG_OBJECTS:
                return f"{OSLO}{value.attr}.{node.attr}"
            if inner.id == "cfg" and value.attr == "CONF":
                return f"{OSLO}{DEFAULT_GROUP}.{node.attr}"
        elif type(inner) is ast.Attribute and inner.attr == "CONF" and type(inner.value) is ast.Name \
                and inner.value.id == "cfg":
            return f"{OSLO}{value.attr}.{node.attr}"
    return ""
