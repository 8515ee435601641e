"""Small shared helpers of the taint pass: cutting and marking taint, spelling code for messages.

Kept apart from `secreview.analysis.taint` so that the modules the pass uses
(guards, containers, sink checks, views) share one copy without importing the pass.
"""

from __future__ import annotations

import ast
import re
from typing import Final

from secreview.analysis import neutralisers
from secreview.analysis.specs import (
    ALL, CREDENTIAL_SINK_KINDS, HASH_SINK_KINDS, PASSWORD_SINK_KINDS, SECRET_SINK_KINDS, UNMODELLED)
from secreview.analysis.summaries import EMPTY, Taint

# A literal that fixes where a URL points: "https://host/..." or a path on this site ("/account/").
# Not "https://%(host)s/": a host that is a %-conversion is filled in by what follows.
_FIXED_ORIGIN: Final = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\@%]+[/?#]|/[^/\\])")


def fixed_origin(node: ast.expr | None) -> bool:
    """The leading literal of a built string pins the URL's host (or keeps it on this site)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(_FIXED_ORIGIN.match(node.value))


def cut(taint: Taint, cuts: frozenset[str]) -> Taint:
    """The taint after a sanitiser that neutralises the sink classes `cuts`."""
    if not taint or not cuts:
        return taint
    if ALL in cuts:
        return EMPTY
    return frozenset((a[0], a[1], a[2] | cuts) for a in taint)


# what secret kinds (and digests) reach
SECRET_SINKS: Final = frozenset(SECRET_SINK_KINDS) | frozenset(PASSWORD_SINK_KINDS) | frozenset(HASH_SINK_KINDS)
# ... and what a literal that may be a credential reaches: kinds that pass only through calls that
# re-encode their argument, never through any call whose result is something else.
KIND_SINKS: Final = SECRET_SINKS | frozenset(CREDENTIAL_SINK_KINDS)
# Calls outside the project whose result is their argument's text, re-encoded: a secret stays one.
_SECRET_CARRIERS: Final = frozenset({
    "str", "bytes", "bytearray", "repr", "format", "base64.b64encode", "base64.urlsafe_b64encode",
    "base64.b32encode", "base64.b16encode", "base64.encodebytes", "binascii.hexlify", "binascii.b2a_hex",
    "binascii.b2a_base64", "codecs.encode", "json.dumps", "oslo_serialization.base64.encode_as_text",
    "oslo_serialization.base64.encode_as_bytes"})
_SECRET_CARRYING_METHODS: Final = frozenset({"join", "format", "format_map"})


def outside_result(args: Taint, qual: str | None, method: str | None) -> Taint:
    """What the arguments of a call outside the project give its result.

    Data from outside stays in it (a call the specs do not name passes taint on), but a secret
    does not: `key_manager.store(context, secret)` returns an identifier, not the secret. The
    secret kind (and a literal that may be a credential) passes only through calls that re-encode
    their argument's text (`str`, base64 either way, hex, `"".join`, `.format`). Methods called on the secret itself (`token.encode()`) keep it: that
    is the receiver's taint, not an argument's.
    """
    if not args or qual in _SECRET_CARRIERS or method in _SECRET_CARRYING_METHODS:
        return args
    return cut(args, KIND_SINKS)


def through_unmodelled(taint: Taint, name: str) -> Taint:
    """The taint after a call no spec models (`name`): each atom remembers the first such call it went
    through (one is enough to say so and to lower the confidence; more would only multiply the atoms)."""
    marker = UNMODELLED + name
    return frozenset(a if any(c.startswith(UNMODELLED) for c in a[2]) else (a[0], a[1], a[2] | {marker})
                     for a in taint) if taint else taint


# Fields that hold a record's identifier: assigned by whoever created the record.
IDENTIFIER_FIELDS: Final = frozenset({"id", "uuid", "pk"})


def record_identifier(taint: Taint, field: str) -> Taint:
    """The taint of field `field` of a value with `taint`.

    A call no spec models is assumed to pass its arguments' taint to its result, which is right
    for the record it returns as a whole but not for the record's identifier: the service that
    created the record (`volume_api.create(ctx, name)["id"]`, `image.uuid`) assigned it, and it
    cannot hold the name the record was created with. Taint that reached the value without such
    an assumption (request data itself: `request.json["id"]`) stays.
    """
    if field not in IDENTIFIER_FIELDS or not taint:
        return taint
    return frozenset(a for a in taint if not any(c.startswith(UNMODELLED) for c in a[2]))


def mark(taint: Taint, marks: frozenset[str]) -> Taint:
    """The taint after a rewrite that leaves partial `marks` (see `secreview.analysis.neutralisers`)."""
    if not taint:
        return taint
    return frozenset((a[0], a[1], neutralisers.complete(a[2] | marks)) for a in taint)


def spell(node: ast.AST, depth: int = 4) -> str:
    """How code spells a short name chain (`self.request.GET`), without ast.unparse."""
    if isinstance(node, ast.Name):
        return node.id
    if depth:
        if isinstance(node, ast.Attribute):
            return f"{spell(node.value, depth - 1)}.{node.attr}"
        if isinstance(node, ast.Call):
            return f"{spell(node.func, depth - 1)}()"
    return "…"


def short(node: ast.AST, limit: int = 70) -> str:
    try:
        text = ast.unparse(node)
    except (ValueError, RecursionError):  # pragma: no cover - unparse handles what ast produces
        text = spell(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call_text(node: ast.Call) -> str:
    """`find(owner, ...)`: the callee, the first argument if it is a name, and "..." for any more."""
    args = node.args
    if args:
        first = args[0]
        inner = first.id if isinstance(first, ast.Name) else "…"
        if len(args) > 1 or node.keywords:
            inner += ", ..."
    else:
        inner = "..." if node.keywords else ""
    return f"{spell(node.func)}({inner})"
