"""Which arguments a constant text template places in its result.

`"ping {host}".format(**values)`, `"ping %(host)s" % values` and
`string.Template("ping $host").substitute(values)` put `values["host"]` in the text and nothing
else of `values`: a tainted entry the template never names does not reach what is built, and a
constant template given a tainted value it names does. The taint pass asks these functions for
the keys a constant template names and takes only those arguments (and only those entries of a
dict it follows, `secreview.analysis.containers.values_at`). A template this module cannot read
(a malformed one) answers None, and every argument counts, as before.
"""

from __future__ import annotations

import ast
import re
import string
from typing import TYPE_CHECKING

from secreview.analysis import containers
from secreview.analysis.control import join
from secreview.analysis.summaries import EMPTY

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass

Key = int | str
_MAPPING = -1  # among a template's keys: its first positional argument is a mapping of the names
_FORMATTER = string.Formatter()
_PERCENT_KEY = re.compile(r"%\(([^)]*)\)")
_FIELD_NAME = re.compile(r"[^.\[]*")


def format_keys(template: str) -> frozenset[Key] | None:
    """The positions and names a `str.format` template uses; automatic fields count from 0."""
    keys: set[Key] = set()
    automatic = [0]
    try:
        _format_fields(template, keys, automatic)
    except (ValueError, IndexError):
        return None
    return frozenset(keys)


def _format_fields(template: str, keys: set[Key], automatic: list[int]) -> None:
    for _, field, spec, _ in _FORMATTER.parse(template):
        if field is None:
            continue
        name = _FIELD_NAME.match(field).group(0)  # type: ignore[union-attr]  # `{user.name}`, `{rows[0]}`
        if name == "":
            keys.add(automatic[0])
            automatic[0] += 1
        else:
            keys.add(int(name) if name.isdigit() else name)
        if spec and "{" in spec:  # `{value:{width}}`
            _format_fields(spec, keys, automatic)


def percent_keys(template: str) -> frozenset[str] | None:
    """The keys of `%(name)s` conversions, or None when the template takes no mapping."""
    keys = frozenset(_PERCENT_KEY.findall(template.replace("%%", "")))
    return keys or None


def template_keys(template: str) -> frozenset[str] | None:
    """The identifiers a `string.Template` substitutes (`$host`, `${host}`); None if it has an invalid `$`."""
    keys: set[str] = set()
    for match in string.Template.pattern.finditer(template):
        if match.group("invalid") is not None:
            return None
        name = match.group("named") or match.group("braced")
        if name:
            keys.add(name)
    return frozenset(keys)


def placed(fn: FunctionPass, node: ast.Call, keys: frozenset[Key] | None, args: list[frozenset],
           keywords: list[tuple[str, frozenset]], star: frozenset) -> tuple[list[frozenset], list[tuple[str, frozenset]], frozenset]:
    """The call's arguments with those the template does not name emptied (`keys`: what it names).

    `**mapping` gives only the entries named, when the pass follows the dict's entries; a
    positional mapping (`substitute(values)`) is the `0` key. `*args` shifts positions: then,
    as for a template that did not parse, every argument counts.
    """
    if keys is None or any(type(a) is ast.Starred for a in node.args):
        return args, keywords, star
    names = [k for k in keys if isinstance(k, str)]
    used: list[frozenset] = []
    for index, taint in enumerate(args):
        if index == 0 and _MAPPING in keys:  # `substitute(values)`: a mapping of the names
            taint = containers.values_at(fn, node.args[0], names, taint)
        elif index not in keys:
            taint = EMPTY
        used.append(taint)
    kept = [(name, taint) for name, taint in keywords if name in keys]
    unpacked = EMPTY
    for kw in node.keywords:
        if kw.arg is None and names:
            unpacked = join(unpacked, containers.values_at(fn, kw.value, names, star))
    return used, kept, unpacked


def substituted(fn: FunctionPass, node: ast.Call, receiver: ast.expr) -> frozenset[Key] | None:
    """What `string.Template(TEXT).substitute(...)` (or of a name bound to it) names: its
    identifiers, and the positional mapping; None when the template is not a constant."""
    made = receiver
    if type(receiver) is ast.Name:
        binding = fn.binding(receiver.id)
        made = binding.expr if binding is not None else None
    if type(made) is not ast.Call or fn.mod.names.qualname(made.func) != "string.Template" or not made.args:
        return None
    text = made.args[0]
    if type(text) is not ast.Constant or not isinstance(text.value, str):
        return None
    keys = template_keys(text.value)
    return None if keys is None else keys | {0, _MAPPING}
