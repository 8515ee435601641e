"""The library threat model: a public function's parameters are its callers' data.

Most advisories in Python are filed against libraries, whose code never reads
`request.args`: what an attacker sends arrives as the arguments of the
library's public functions (a header value handed to a server's response
object, a reason phrase, an e-mail address handed to an SMTP client). Any
argument of any public function is far too wide a source for most sinks, so
this model is kept to the sinks where a library is expected to refuse what
would break its protocol whoever calls it: lines it frames by CR LF itself
(HTTP status, request and header lines, SMTP commands, compat32 e-mail
headers: sink class `crlf`). Response headers set through a framework's
response object (`response.headers[name] = value`, class `header`) are not
followed: Werkzeug, Django and the WSGI servers refuse line breaks there, and
on Nova the model only found a content type Nova negotiates itself. A check that rejects CR and LF on the way, or a rewrite
that removes them, clears the flow as it clears request data.

What counts as *public API* (decided per function, so it needs no project
metadata and works the same on an application, whose public helpers the model
then also covers, at low confidence):

* a function or method whose name and whose enclosing classes' names do not
  start with `_` (a constructor, `__init__`, is public when its class is), in a
  module none of whose dotted parts starts with `_` (h11's `_writers.py` writes
  events its public constructors validated; a package that re-exports from
  private modules, as httpx does, is not covered: re-exports would make the
  answer depend on other files);
* not nested in another function (`<locals>`), not module-level code;
* in a file that is not test code (`tests/`, `test_*.py`, `conftest.py`);
* any parameter except the `self`/`cls` of a method.

A parameter a constructor stores in a field is followed when it is stored as
given (`self.reason = reason`), not when it is first wrapped in an object
(`self.headers = ResponseHeaders(headers)`): such an object is the package's
own, and checking what it holds is that class's job (Django's ResponseHeaders
refuses line breaks in `__setitem__`, which the summaries do not see).

Flows from such a parameter are linked like any other (`secreview.analysis.flows`):
a public function that hands the value to a private helper which writes the
line is reported at the line, with the public function's parameter as source.
"""

from __future__ import annotations

from functools import lru_cache

from secreview.analysis.summaries import FunctionSummary, SourceInfo
from secreview.core.model import Confidence
from secreview.rules.base import is_test_path

KINDS = frozenset({"crlf"})
"""Sink classes a public function's parameters are followed to."""
LABEL = "argument of a public function (library API)"
_RECEIVERS = frozenset({"self", "cls", "mcs", "metacls"})


@lru_cache(maxsize=4096)
def public(qualname: str, module: str, path: str) -> bool:
    """`qualname` (in `module`, file `path`) is a function of the package's public API."""
    if "<" in qualname or not qualname.startswith(module + ".") or is_test_path(path):
        return False
    if any(part.startswith("_") and not part.startswith("__") for part in module.split(".")):
        return False
    parts = qualname[len(module) + 1:].split(".")
    *owners, name = parts
    if any(part.startswith("_") for part in owners):
        return False
    return not name.startswith("_") or name == "__init__"


def parameter_source(summary: FunctionSummary, module: str, path: str, index: int) -> SourceInfo | None:
    """The source a parameter of a public function is, or None (a private function, `self`)."""
    if index >= len(summary.params) or not public(summary.qualname, module, path):
        return None
    name = summary.params[index]
    if index == 0 and name in _RECEIVERS and "." in summary.qualname[len(module) + 1:]:
        return None
    return SourceInfo(LABEL, f"{name} of {summary.name}()", summary.line, 0, Confidence.LOW)


def stored_as_given(taint: frozenset, index: int) -> bool:
    """The taint a field was written with holds parameter `index` itself, not only a call's result."""
    return any(atom[0] == "p" and atom[1] == index for atom in taint)
