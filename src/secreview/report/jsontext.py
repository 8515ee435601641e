"""JSON text that people can read and that is quick to write for large projects.

`json.dumps(..., indent=2)` falls back to the pure-Python encoder, which made
writing the report half of a warm run on a large project (Nova: 9 MB, mostly
the per-file verdicts). Here the report's outer structure is indented, and
the items of the long per-file lists are written one per line by the C
encoder: the same JSON value, still one item per line for `grep` and diffs.
"""

from __future__ import annotations

import json
from collections.abc import Collection

SEPARATORS = (", ", ": ")  # of the one-line items, as `json.dumps` writes without indent
_COMPACT = {"separators": SEPARATORS}


class Encoded(str):
    """An item of a flat list that is JSON text already (written with `SEPARATORS`), written as it is."""


def dumps(value: object, *, flat_lists: Collection[str] = (), ensure_ascii: bool = False, indent: int = 2) -> str:
    """`value` as indented JSON, except that each item of a list under a key in `flat_lists` is one line."""
    parts: list[str] = []
    _write(value, 0, parts, frozenset(flat_lists), ensure_ascii, indent)
    return "".join(parts)


def _write(value: object, level: int, parts: list[str], flat_lists: frozenset[str],
           ensure_ascii: bool, indent: int) -> None:
    if not isinstance(value, (dict, list)) or not value:
        parts.append(json.dumps(value, ensure_ascii=ensure_ascii, **_COMPACT))  # type: ignore[arg-type]
        return
    inner = "\n" + " " * (indent * (level + 1))
    if isinstance(value, dict):
        parts.append("{")
        for position, (key, item) in enumerate(value.items()):
            parts.append(("," if position else "") + inner + json.dumps(str(key), ensure_ascii=ensure_ascii) + ": ")
            if key in flat_lists and isinstance(item, list) and item:
                _write_flat_list(item, level + 1, parts, ensure_ascii, indent)
            else:
                _write(item, level + 1, parts, flat_lists, ensure_ascii, indent)
        parts.append("\n" + " " * (indent * level) + "}")
        return
    parts.append("[")
    for position, item in enumerate(value):
        parts.append(("," if position else "") + inner)
        _write(item, level + 1, parts, flat_lists, ensure_ascii, indent)
    parts.append("\n" + " " * (indent * level) + "]")


def _write_flat_list(items: list, level: int, parts: list[str], ensure_ascii: bool, indent: int) -> None:
    inner = ",\n" + " " * (indent * (level + 1))
    encode = json.JSONEncoder(ensure_ascii=ensure_ascii, **_COMPACT).encode  # type: ignore[arg-type]
    parts.append("[\n" + " " * (indent * (level + 1))
                 + inner.join(item if isinstance(item, Encoded) else encode(item) for item in items)
                 + "\n" + " " * (indent * level) + "]")
