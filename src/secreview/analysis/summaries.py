"""The per-file result of the taint pass: small, immutable and picklable.

`secreview.analysis.taint.summarise_module` turns one parsed file into a
`ModuleSummary` without looking at any other file, so it can run in a worker
process and be cached by content. `secreview.analysis.flows` then links the
summaries of a whole project and reports the flows.

A value's taint is a frozenset of *atoms*, each a tuple whose last element is
the set of sink classes a sanitiser has already neutralised on the way:

    ("s", index, cuts)   data from the module's source number `index`
    ("p", index, cuts)   the value of the enclosing function's parameter `index`
    ("c", index, cuts)   whatever the module's call site number `index` returns (one element of it
                         when the site is a projection, `CallSite.position`)
    ("f", qualname, cuts) whatever any method stored in `self.<attr>` of a class
    ("m", qualname, cuts) a constant of another module (`from settings import DB_PASSWORD`): its
                         `ModuleSummary.constants` entry (secreview.analysis.credentials)

Parameter and call atoms are resolved later, against the callers' arguments
and the callees' summaries. The many small records are named tuples: they
pickle and unpickle several times faster than dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, NamedTuple, Union

from secreview.core.model import Confidence

# (kind, source/parameter/call index or field qualname, the sink classes neutralised on the way)
Atom = tuple[str, Union[int, str], frozenset[str]]
Taint = frozenset[Atom]
EMPTY: Final[Taint] = frozenset()


class SourceInfo(NamedTuple):
    """Where untrusted data enters: shown as the first step of a flow."""

    label: str  # "HTTP request data (Flask)"
    description: str  # "request.form['owner']"
    line: int
    column: int
    confidence: Confidence
    line_text: str = ""  # the source's line, for a finding reported where the value is written (a literal)


class SinkEvent(NamedTuple):
    """A call (or store) that does harm with the taint of its dangerous argument."""

    kind: str  # sink class, see specs.SINK_KINDS
    label: str  # "a shell command"
    taint: frozenset
    line: int
    column: int
    end_line: int
    end_column: int
    description: str  # "conn.execute(sql)"
    line_text: str
    steps: tuple[tuple[int, int, str], ...] = ()  # (line, column, text): assignments on the way, in this function


class CallSite(NamedTuple):
    """A call whose callee may be a function of the project."""

    callee: str  # qualified name as resolved in the caller's module
    caller: str  # qualified name of the calling function
    args: tuple[frozenset, ...]
    keywords: tuple[tuple[str, frozenset], ...]
    star: frozenset  # taint of *args / **kwargs passed: may land in any parameter
    receiver: frozenset  # taint of the object a method is called on
    bound: bool  # called through an instance (`self.m(x)`, `obj.m(x)`): the receiver is parameter 0
    line: int
    column: int
    description: str  # "find_items(owner, ...)"
    position: int = -1  # `x, y = f()`: the element of the returned tuple this site stands for (-1: all)
    # How the caller built each tainted argument: (position, keyword or None for the receiver, steps.Defs)
    steps: tuple[tuple[int | str | None, tuple[tuple[int, int, str], ...]], ...] = ()


class FunctionSummary(NamedTuple):
    """What one function does with data, before linking with other functions."""

    qualname: str
    name: str
    params: tuple[str, ...]
    vararg: int  # index of *args in params, or -1
    kwarg: int  # index of **kwargs in params, or -1
    returns: frozenset
    sinks: tuple[SinkEvent, ...]
    calls: tuple[int, ...]  # indices into ModuleSummary.calls
    line: int
    # Per position when every return is a tuple literal of one length (`return name, 3`), else ().
    returns_at: tuple[frozenset, ...] = ()
    # Sources (indices into ModuleSummary.sources) made of its parameters only because it looks like
    # a view (`def f(request, x)`): a function the project calls is a helper, and the link drops them.
    view_sources: tuple[int, ...] = ()


@dataclass(frozen=True)
class ModuleSummary:
    """Everything the project pass needs from one file."""

    path: str
    module: str
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    calls: tuple[CallSite, ...] = ()
    sources: tuple[SourceInfo, ...] = ()
    fields: tuple[tuple[str, str, frozenset], ...] = ()  # (class.attr, writing function, taint)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class qualname -> base qualnames
    waivers: dict = field(default_factory=dict)  # suppress.waivers() of the source
    exports: dict[str, str] = field(default_factory=dict)  # names imported at module level -> qualname (re-exports)
    # Sinks the pass proved safe: every value reaching them neutralised for their class, or a constant
    # on every feasible path. A pattern rule of the same CWE defers to this on that line.
    cleared: tuple[tuple[int, str], ...] = ()  # (line, sink class)
    dead: tuple[tuple[int, int], ...] = ()  # (first line, last line) of code no feasible path reaches
    # Lines of sinks given, on some feasible path, a value the pass could not prove constant or
    # neutralised (a name reassigned from input later in a loop body): the verdicts' "given only
    # constants" defers to this.
    varies: tuple[int, ...] = ()
    # Declared secrets (secreview.analysis.declared_secrets): the keys this module declares secret, and
    # its sources that are secrets only if some module of the project declares their key.
    declared: tuple[str, ...] = ()
    pending: tuple[tuple[int, str], ...] = ()  # (source index, declaration key)
    # Module-level names holding a literal that may be a credential, or another module's constant
    # (`("m", qualname, cuts)` atoms, see secreview.analysis.credentials): what importing modules read.
    constants: dict[str, frozenset] = field(default_factory=dict)
