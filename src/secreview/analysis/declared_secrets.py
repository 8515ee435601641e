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

A key names an option by the attribute it is read as (its `dest`, else its name with `-` as `_`),
without its group: `CONF.vmware.host_password` and `CONF.host_password` both read
`oslo:host_password`. An option name declared secret in one group and plain in another would be
taken as secret in both; projects do not do that (an option's name says what it holds).

The option's *name* does not make it secret: only `secret=True` does. Reads are recognised on the
configuration object as oslo.config projects spell it at module level (`CONF = cfg.CONF`,
`CONF = nova.conf.CONF`): `CONF.name`, `CONF.group.name`, `cfg.CONF.group.name`.
"""

from __future__ import annotations

import ast

from secreview.analysis.specs import VALUE_KINDS, SourceSpec
from secreview.core.model import Confidence

OSLO = "oslo:"
_OPTIONS = "oslo_config.cfg."
_CONFIG_OBJECTS = frozenset({"CONF"})

DECLARED_OPTION = SourceSpec(
    label="a configuration option declared secret (oslo.config secret=True)", confidence=Confidence.HIGH,
    kind="stored_secret", not_for=VALUE_KINDS["stored_secret"])


def declarations(tree: ast.Module, source: str, imported: set[str], qualname) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Keys of the options this module declares `secret=True` (sorted; `qualname` resolves a call's name).

    Only a module importing oslo_config whose text says `secret` is walked.
    """
    if "oslo_config" not in imported or "secret" not in source:
        return ()
    found = set()
    for node in ast.walk(tree):
        if type(node) is not ast.Call or not any(k.arg == "secret" and _true(k.value) for k in node.keywords):
            continue
        name = qualname(node.func) or ""
        if not (name.startswith(_OPTIONS) and name.endswith("Opt")):
            continue
        key = _attribute_name(node)
        if key:
            found.add(OSLO + key)
    return tuple(sorted(found))


def _true(node: ast.expr) -> bool:
    return type(node) is ast.Constant and node.value is True  # type: ignore[attr-defined]


def _attribute_name(call: ast.Call) -> str:
    """The attribute an option is read as: `dest=`, else its name (first argument or `name=`) with `-` as `_`."""
    given = {k.arg: k.value for k in call.keywords if k.arg in ("dest", "name")}
    node = given.get("dest") or given.get("name") or (call.args[0] if call.args else None)
    if type(node) is ast.Constant and isinstance(node.value, str):  # type: ignore[union-attr]
        return node.value.replace("-", "_")  # type: ignore[union-attr]
    return ""


def read_key(node: ast.Attribute) -> str:
    """The declaration key `node` reads, if it reads an option of the configuration object ('' if not).

    `CONF.name`, `CONF.group.name`, `cfg.CONF.name`, `cfg.CONF.group.name`: the caller checks that
    `CONF` is the module's own global, not a local of the same name.
    """
    value = node.value
    if type(value) is ast.Name:
        return OSLO + node.attr if value.id in _CONFIG_OBJECTS else ""  # type: ignore[attr-defined]
    if type(value) is ast.Attribute:
        inner = value.value  # type: ignore[attr-defined]
        if type(inner) is ast.Name:
            if inner.id in _CONFIG_OBJECTS or (inner.id == "cfg" and value.attr == "CONF"):  # type: ignore[attr-defined]
                return OSLO + node.attr
        elif type(inner) is ast.Attribute and inner.attr == "CONF" and type(inner.value) is ast.Name \
                and inner.value.id == "cfg":  # type: ignore[attr-defined]
            return OSLO + node.attr
    return ""

