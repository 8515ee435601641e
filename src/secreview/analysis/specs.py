"""Taint sources, sinks, sanitisers and guards as data: `rules/specs/*.toml`.

One spec file per framework or library says where untrusted data enters
(`[[source]]`), where it does harm (`[[sink]]`), what neutralises it
(`[[sanitiser]]`: a call whose *result* is safe for some sinks), which boolean
checks guard the branch where they hold (`[[validator]]`), which calls carry
data into the object they are called on or into their result (`[[propagator]]`,
`into = "receiver"` / `"result"`) and which other checks guard a branch
(`[guards]`). What a call the specs do not name returns is the taint pass's
rule, not a catch-all of the specs: a call of the standard library or a builtin
that no propagator names returns none of its arguments' data (its result is a
number, a flag, an object of its own); any other call outside the project (a
library, a callable the pass cannot name) is assumed to pass its arguments and
receiver on, and says so in the finding, whose confidence drops one level
(`UNMODELLED`).

Value kinds (DESIGN.md: a kind is a flow state): a source says what its values are (`kind`:
untrusted data, secret material, a secret the server keeps (`stored_secret`: a configured key, an
option declared secret), a password, weak randomness, the output of MD5 or SHA-1 (`fast_hash`), a
credential the client sends, `untrusted_secret`, which is both request data and a secret, or a literal
of the code that may be a credential, `literal`, made by the pass itself: `secreview.analysis.credentials`),
and a value reaches only the sink
classes of its kind. Sinks of a kind are often named by what a parameter *is*, not by the
function: `any_call_keywords` (the `password=` or `salt=` argument of whatever is called),
`assigned_names` (a store into `session_id = ...`: the weakest evidence, with a low `confidence`),
`unless_true` (a cookie without `secure=True`). A source's `secret_keys` make some keys of it a
credential (`headers["Authorization"]`), and `in_functions` limits `param_names` to functions of
those names (the `raw_password` of `set_password`). The files are
read once per process and checked against the small schema below, so a typo in
a key or a sink class fails loudly at load time instead of silently matching
nothing. The taint pass (`secreview.analysis.taint`) only ever asks the compiled
`Specs` object, never the files.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from secreview.core.model import Confidence

UNTRUSTED_SINK_KINDS = ("command", "sql", "code", "template", "xss", "path", "deserialization", "ssrf", "redirect",
                        "xxe", "ldap", "xpath", "header", "crlf", "log", "regex", "path_oracle", "trust", "argument",
                        "decompress", "markup")
# Sinks that need a value of a *kind* (a flow state, DESIGN.md), not data from outside: secret
# material written to a log. A source says which kind its values are (`kind = "secret"`); a value
# reaches only the sinks of its kind, because its atoms start cut for every other sink class.
SECRET_SINK_KINDS = ("secret_log", "secret_compare", "secret_error", "cookie_secure", "cookie_httponly", "cleartext",
                     "secret_response")
# A response body or header is where a server *issues* credentials: a token made in the view that
# answers a login is sent to its owner by design. Only a secret the server keeps (a configured key,
# an option declared secret, a loaded private key, a stored credential: the kind `stored_secret`)
# must never be sent back, so only that kind reaches this class.
_KEPT_ONLY = frozenset({"secret_response"})
# Predictable values (the `random` module, `uuid.uuid1`) where an unguessable one is needed: a
# token, password, salt, nonce or key, a cookie or session value.
RANDOM_SINK_KINDS = ("random_secret",)
# A password (a secret a person chose: guessable, so it needs a slow, salted hash) given to a fast digest.
PASSWORD_SINK_KINDS = ("password_hash",)
# MD5 or SHA-1 where collisions matter: their output used as a credential or checked against one the
# client sends (`weak_hash`, reached by the kind `fast_hash`), or a kept secret hashed with them into
# a home-made MAC (`weak_hash_key`, reached by `stored_secret`). Both are `weak-hash-for-security`.
HASH_SINK_KINDS = ("weak_hash", "weak_hash_key")
# A credential parameter (a driver's `password=`, the key of a MAC or cipher, a client's token): a
# literal written in the code that reaches one is a hard-coded credential (analysis.credentials).
CREDENTIAL_SINK_KINDS = ("credential_password", "credential_key", "credential_token")
# Numbers converted from input (`int(request.args["size"])`): a divisor that may be zero (CWE-369), a size or
# count with no upper bound (CWE-789/770), the count of a loop with no upper bound (`range(n)`, CWE-834), a
# float that may be NaN or infinity in a range check (CWE-1339).
# Data from outside reaches these only once a conversion marked it a number (`NUMBER`, see `neutralised`):
# text cannot divide or size anything, and a conversion turns it into a value that reaches nothing else.
NUMBER_SINK_KINDS = ("divisor", "size", "loop", "nan")
SINK_KINDS = (UNTRUSTED_SINK_KINDS + SECRET_SINK_KINDS + RANDOM_SINK_KINDS + PASSWORD_SINK_KINDS + HASH_SINK_KINDS
              + CREDENTIAL_SINK_KINDS + NUMBER_SINK_KINDS)
# A kind is the set of sink classes its values reach: every atom starts cut for all the others, so
# summaries, linking, guards and sanitisers need no notion of kinds. A value that is two things at
# once (an `Authorization` header: request data and a credential) is a kind whose set is the union.
# HTML built by string formatting (`markup`, secreview.analysis.framing) is followed from file names
# read from a directory listing only: request data is judged where the page is sent (`xss`).
_LISTING_ONLY = frozenset({"markup"})
_NUMBERS = frozenset(NUMBER_SINK_KINDS)
_KIND_REACHES = {
    "untrusted": frozenset(UNTRUSTED_SINK_KINDS) - _LISTING_ONLY | _NUMBERS,
    "secret": frozenset(SECRET_SINK_KINDS) - _KEPT_ONLY,
    "stored_secret": frozenset(SECRET_SINK_KINDS) | {"weak_hash_key"},
    "fast_hash": frozenset({"weak_hash"}),
    "weak_random": frozenset(RANDOM_SINK_KINDS),
    "password": (frozenset(SECRET_SINK_KINDS) - _KEPT_ONLY) | frozenset(PASSWORD_SINK_KINDS),
    # the client's own credential echoed back to it is no leak: not a response sink
    "untrusted_secret": (frozenset(UNTRUSTED_SINK_KINDS) - _LISTING_ONLY) | (frozenset(SECRET_SINK_KINDS) - _KEPT_ONLY)
    | _NUMBERS,
    "filename": _LISTING_ONLY,
    "literal": frozenset(CREDENTIAL_SINK_KINDS),
}
VALUE_KINDS = {kind: frozenset(SINK_KINDS) - reaches for kind, reaches in _KIND_REACHES.items()}
"""Value kind of a source -> the sink classes its values never reach (their atoms' first cuts)."""
ALL = "*"
# How an atom's cuts remember that the value went through a call nobody modelled (a library the
# specs do not name): "~unmodelled:<name>", never a sink class (see `unmodelled`).
UNMODELLED = "~unmodelled:"
# How an atom's cuts remember that the value was converted to a number (`int(x)`): the number sink
# classes need it (a mark that only grows, so summaries and the link carry it like any cut).
NUMBER = "~number"
# ... and that it is a value of a parsed body, a number if the client sent one (a JSON int or float): it
# reaches the divisor, size and loop sinks as it is, but a range check only once `float()` made it one (an
# ordering comparison of every JSON value would be noise: NaN needs a literal JSON does not even have).
PARSED = "~parsed"
_PARSED_ONLY = frozenset({PARSED})
UNRESOLVED = "?"  # before the name: a call the pass could not resolve (`self.api.get(x)`), not a library's
# A sink class neutralised by whatever neutralises another: what keeps a path inside its directory
# also keeps an existence check (`os.path.exists(path)`) there.
_COVERED_BY = {"path_oracle": "path"}


def unmodelled(cuts: frozenset) -> tuple[str, ...]:
    """The calls, by name, that a value with these cuts went through unmodelled (sorted)."""
    return tuple(sorted(c[len(UNMODELLED):] for c in cuts if c.startswith(UNMODELLED))) if cuts else ()


def settled(kind: str, origin: str, cuts: frozenset) -> bool:
    """Whether an atom (or a link key) of this `origin` is safe for sinks of class `kind` as far as is known
    yet: a parameter, a call's result or a field may still become a number (cuts merge at the link)."""
    if origin != "s" and kind in _NUMBERS:
        return kind in cuts
    return neutralised(kind, cuts)


def neutralised(kind: str, cuts: frozenset) -> bool:
    """Whether a value carrying `cuts` is safe for sinks of class `kind` (a number sink: also text that no
    conversion made a number)."""
    if kind in cuts:
        return True
    if kind in _NUMBERS:
        return NUMBER not in cuts and (PARSED not in cuts or kind == "nan")
    return _COVERED_BY.get(kind, kind) in cuts


class SpecError(ValueError):
    """A spec file does not follow the schema."""


# -- schema: key -> expected type, per table ----------------------------------------------
_STR, _LIST, _BOOL, _INT_LIST, _TABLE = "string", "list of strings", "boolean", "list of integers", "table"
_SOURCE_KEYS = {
    "label": _STR, "confidence": _STR, "imports": _LIST, "qualnames": _LIST, "receivers": _LIST,
    "attributes": _LIST, "methods": _LIST, "any_receiver_methods": _LIST, "request_types": _LIST,
    "class_bases": _LIST, "route_decorators": _LIST, "decorator_qualnames": _LIST, "handler_methods": _LIST,
    "view_first_param": _STR, "param_names": _LIST, "with_receiver_param": _LIST, "safe_annotations": _LIST,
    "safe_converters": _LIST, "slashless_converters": _LIST, "injected_defaults": _LIST, "not_for": _LIST,
    "returns_html": _BOOL, "server_keys": _LIST, "kind": _STR, "view_methods": _LIST, "operator": _BOOL,
    "not_inside": _LIST, "in_functions": _LIST, "secret_keys": _LIST, "unless_given_data": _BOOL,
    "into_argument": _BOOL, "unless_false": _STR, "numbers": _BOOL, "background": _BOOL, "algorithms": _LIST,
}
_SINK_KEYS = {
    "kind": _STR, "label": _STR, "calls": _LIST, "constants": _LIST, "methods": _LIST, "receivers": _LIST,
    "args": _INT_LIST, "keywords": _LIST, "receiver": _BOOL, "only_if_true": _STR, "unless_keyword": _STR,
    "safe_arg": _TABLE, "subscript_stores": _LIST, "imports": _LIST, "unless_position": "integer",
    "shell_argv": _BOOL, "argv_program": _BOOL, "unescaped_variables": _BOOL, "argv_options": _BOOL, "subclasses": _BOOL,
    "django_context": _BOOL, "unless_loopback_receiver": _BOOL, "class_bases": _LIST, "class_attributes": _LIST,
    "returned_by": _LIST,
    "or_keywords": _LIST, "subscript_qualnames": _LIST, "content_type_keywords": _LIST, "any_call_keywords": _LIST,
    "assigned_names": _LIST, "confidence": _STR, "unless_true": _STR, "unless_imports": _LIST,
    "html_when_declared": _BOOL, "algorithms": _LIST,
}
_SANITISER_KEYS = {"label": _STR, "cuts": _LIST, "calls": _LIST, "methods": _LIST, "on_attributes": _LIST,
                   "chains": _LIST}
_VALIDATOR_KEYS = {"label": _STR, "cuts": _LIST, "calls": _LIST, "keyword": _STR}
_CONVERTER_KEYS = {"label": _STR, "calls": _LIST, "reaches": _LIST}
_PROPAGATOR_KEYS = {"label": _STR, "calls": _LIST, "methods": _LIST, "into": _STR, "args": _INT_LIST,
                    "keywords": _LIST}
_GUARD_KEYS = {
    "terminators": _LIST, "path_resolvers": _LIST, "path_resolver_methods": _LIST, "path_checks": _LIST,
    "content_checks": _LIST, "content_check_calls": _LIST,
}
_SAFE_ARG_KEYS = {"position": "integer", "keyword": _STR, "endswith": _LIST}
_TOP_KEYS = {"source": "array of tables", "sink": "array of tables", "sanitiser": "array of tables",
             "validator": "array of tables", "propagator": "array of tables", "converter": "array of tables",
             "guards": _TABLE}


def _type_ok(value: object, expected: str) -> bool:
    if expected == _STR:
        return isinstance(value, str)
    if expected == _BOOL:
        return isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == _LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == _INT_LIST:
        return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    if expected == _TABLE:
        return isinstance(value, dict)
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _check_table(where: str, table: object, schema: dict[str, str], required: tuple[str, ...] = ()) -> None:
    if not isinstance(table, dict):
        raise SpecError(f"{where}: expected a table")
    for key, value in table.items():
        if key not in schema:
            raise SpecError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(schema))})")
        if not _type_ok(value, schema[key]):
            raise SpecError(f"{where}: {key!r} must be a {schema[key]}")
    for key in required:
        if key not in table:
            raise SpecError(f"{where}: missing required key {key!r}")


def validate(name: str, data: dict) -> None:
    """Raise SpecError unless `data` (one parsed spec file) follows the schema."""
    _check_table(name, data, _TOP_KEYS)
    for index, source in enumerate(data.get("source", ())):
        where = f"{name}: source #{index + 1}"
        _check_table(where, source, _SOURCE_KEYS, ("label",))
        if source.get("confidence", "high") not in ("high", "medium", "low"):
            raise SpecError(f"{where}: confidence must be high, medium or low")
        if source.get("kind", "untrusted") not in VALUE_KINDS:
            raise SpecError(f"{where}: kind must be one of {', '.join(VALUE_KINDS)}")
        unknown = [k for k in source.get("not_for", ()) if k not in SINK_KINDS]
        if unknown:
            raise SpecError(f"{where}: unknown sink kinds in not_for: {', '.join(unknown)}")
    for index, sink in enumerate(data.get("sink", ())):
        where = f"{name}: sink #{index + 1}"
        _check_table(where, sink, _SINK_KEYS, ("kind",))
        if sink["kind"] not in SINK_KINDS:
            raise SpecError(f"{where}: unknown sink kind {sink['kind']!r} (known: {', '.join(SINK_KINDS)})")
        if sink.get("confidence", "high") not in ("high", "medium", "low"):
            raise SpecError(f"{where}: confidence must be high, medium or low")
        if "safe_arg" in sink:
            _check_table(f"{where}: safe_arg", sink["safe_arg"], _SAFE_ARG_KEYS, ("position", "keyword", "endswith"))
        for ref in sink.get("constants", ()):
            _constant(where, ref)
    for table, keys in (("sanitiser", _SANITISER_KEYS), ("validator", _VALIDATOR_KEYS)):
        for index, entry in enumerate(data.get(table, ())):
            where = f"{name}: {table} #{index + 1}"
            _check_table(where, entry, keys, ("cuts",))
            unknown = [c for c in entry["cuts"] if c != ALL and c not in SINK_KINDS]
            if unknown:
                raise SpecError(f"{where}: unknown sink kinds in cuts: {', '.join(unknown)}")
    for index, entry in enumerate(data.get("propagator", ())):
        where = f"{name}: propagator #{index + 1}"
        _check_table(where, entry, _PROPAGATOR_KEYS, ("into",))
        if entry["into"] not in ("receiver", "result"):
            raise SpecError(f"{where}: into must be \"receiver\" or \"result\"")
        if entry["into"] == "receiver" and ("args" in entry or "keywords" in entry):
            raise SpecError(f"{where}: args and keywords are for into = \"result\"")
    for index, entry in enumerate(data.get("converter", ())):
        where = f"{name}: converter #{index + 1}"
        _check_table(where, entry, _CONVERTER_KEYS, ("calls", "reaches"))
        unknown = sorted(set(entry["reaches"]) - _NUMBERS)
        if unknown:
            raise SpecError(f"{where}: reaches must name number sink kinds, not {', '.join(unknown)}")
    if "guards" in data:
        _check_table(f"{name}: guards", data["guards"], _GUARD_KEYS)


def _constant(where: str, ref: str) -> tuple[str, ...]:
    """`neutralization:SHELL_CALLS` -> that tuple of qualified names in secreview.rules.neutralization."""
    module_name, _, attribute = ref.partition(":")
    try:
        value = getattr(importlib.import_module(f"secreview.rules.{module_name}"), attribute)
    except (ImportError, AttributeError) as exc:
        raise SpecError(f"{where}: constant {ref!r} not found: {exc}") from None
    if not isinstance(value, (tuple, list, frozenset, set)) or not all(isinstance(v, str) for v in value):
        raise SpecError(f"{where}: constant {ref!r} is not a collection of qualified names")
    return tuple(value)


# -- compiled form -----------------------------------------------------------------------
@dataclass(frozen=True)
class SourceSpec:
    """One [[source]] entry."""

    label: str
    confidence: Confidence
    imports: tuple[str, ...] = ()
    qualnames: tuple[str, ...] = ()
    receivers: frozenset[str] = frozenset()
    attributes: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    any_receiver_methods: frozenset[str] = frozenset()
    request_types: frozenset[str] = frozenset()
    class_bases: frozenset[str] = frozenset()
    route_decorators: frozenset[str] = frozenset()
    decorator_qualnames: frozenset[str] = frozenset()
    handler_methods: frozenset[str] = frozenset()
    view_first_param: str = ""
    # Methods with `view_first_param` that are views ("*_view": by suffix, "!name": except this one);
    # other methods taking the request (middleware hooks, ModelAdmin.response_add) get the
    # framework's objects, not URL parts.
    view_methods: frozenset[str] = frozenset()
    param_names: frozenset[str] = frozenset()
    with_receiver_param: frozenset[str] = frozenset()
    safe_annotations: frozenset[str] = frozenset()
    safe_converters: frozenset[str] = frozenset()
    slashless_converters: frozenset[str] = frozenset()
    injected_defaults: frozenset[str] = frozenset()
    not_for: frozenset[str] = frozenset()  # sink classes this source is expected to reach (a CLI names files)
    kind: str = "untrusted"  # the value kind it makes (VALUE_KINDS): data from outside, or secret material
    returns_html: bool = False  # a str the handler returns is the HTML body (Flask: text/html by default)
    # The person running the program types or sets it (argv, a terminal, the environment): code it
    # reaches is a deliberate feature (a shell's -c, PYTHONSTARTUP, a REPL), not an injection.
    operator: bool = False
    server_keys: frozenset[str] = frozenset()  # `source["KEY"]` (`source[0]`: "0") its sender does not fill
    not_inside: frozenset[str] = frozenset()  # top-level packages (the framework itself) where it is no source
    in_functions: frozenset[str] = frozenset()  # `param_names` only of functions of these names (`set_password`)
    # Keys of it (lower case) whose values are also credentials (`headers["Authorization"]`): request data
    # and a secret at once, the kind "untrusted_secret" (see `both_kinds`).
    secret_keys: frozenset[str] = frozenset()
    # A call that is a source only when its arguments hold no data: `random.Random(seed)` seeded with a value
    # the caller supplies is reproducible on purpose (its output is as secret as the seed, which is followed).
    unless_given_data: bool = False
    into_argument: bool = False  # the call makes its first argument a value of its kind (`random.shuffle(items)`)
    unless_false: str = ""  # no source when this keyword is the constant False (`md5(data, usedforsecurity=False)`)
    # A parsed body whose values may already be numbers (JSON: `request.get_json()["n"]` is an int when
    # the client sent one): its atoms carry PARSED, so they reach the divisor, size and loop sinks unconverted.
    numbers: bool = False
    # A worker's input (a task's arguments: a queue message the application's own code usually publishes),
    # not a client's request: a number from it that crashes or exhausts the worker is one severity lower.
    background: bool = False
    algorithms: frozenset[str] = frozenset()  # only when the call names one of these (see `names_algorithm`)

    def active(self, imported: frozenset[str]) -> bool:
        """Name-based parts apply only in files that import the framework."""
        if not self.imports:
            return True
        return any(top in imported for top in self.imports) or any(
            name.startswith(prefix) for prefix in self.imports if prefix.endswith("_") for name in imported)


@dataclass(frozen=True)
class SinkSpec:
    """One [[sink]] entry."""

    kind: str
    label: str
    args: tuple[int, ...] = (0,)
    keywords: tuple[str, ...] = ()
    receivers: frozenset[str] = frozenset()
    receiver: bool = False
    only_if_true: str = ""
    unless_keyword: str = ""
    unless_position: int = -1  # the same option passed positionally
    algorithms: frozenset[str] = frozenset()  # only when the call names one of these (see `names_algorithm`)
    safe_position: int = -1
    safe_keyword: str = ""
    safe_endswith: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()  # receiver-named sinks apply only in files importing one of these
    or_keywords: tuple[str, ...] = ()  # ... or in calls passing one of these keywords (ldap3 `search`)
    shell_argv: bool = False  # the sink is the script of a shell run from an argument vector (analysis.argv)
    argv_program: bool = False  # the sink is the program an argument vector runs (analysis.argv)
    unescaped_variables: bool = False  # context values an inline template renders unescaped (analysis.templates)
    argv_options: bool = False  # arguments of option-sensitive programs that may start with "-" (analysis.argv)
    subclasses: bool = False  # a class of the module deriving from one of `calls` is the same sink
    django_context: bool = False  # `Template(src).render(Context({...}))`: values src shows unescaped
    # no sink on an object made for a constant loopback host (`tn = Telnet("127.0.0.1"); tn.write(...)`)
    unless_loopback_receiver: bool = False
    # A class deriving from one of `class_bases` (see analysis.expressions): what it assigns to these
    # attributes (in its body or on self) and the first item its `returned_by` methods return is the sink.
    class_attributes: tuple[str, ...] = ()
    returned_by: tuple[str, ...] = ()
    content_type_keywords: tuple[str, ...] = ()  # a non-HTML constant content type here: not an HTML body
    # ... and, for a response whose default type is not HTML (aiohttp's text/plain), a sink only when a
    # constant HTML type is given there
    html_when_declared: bool = False
    confidence: Confidence = Confidence.HIGH  # at most this sure of a finding here (a sink judged by a name: low)
    unless_true: str = ""  # no sink when this keyword is given and not the constant False (`secure=True`)
    # A framework imported by the file that neutralises this sink itself (Django's response headers
    # refuse CR/LF): the receiver-named sink does not apply there.
    unless_imports: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Guards:
    terminators: frozenset[str] = frozenset()
    path_resolvers: frozenset[str] = frozenset()
    path_resolver_methods: frozenset[str] = frozenset()
    path_checks: frozenset[str] = frozenset()
    content_checks: frozenset[str] = frozenset()
    content_check_calls: frozenset[str] = frozenset()
    terminator_tails: frozenset[str] = frozenset()  # last parts of dotted terminators (`_exit` of os._exit)


@dataclass
class Specs:
    """Everything the taint pass asks, indexed for constant-time lookups."""

    sources: list[SourceSpec] = field(default_factory=list)
    source_qualnames: dict[str, SourceSpec] = field(default_factory=dict)
    sink_calls: dict[str, list[SinkSpec]] = field(default_factory=dict)
    sink_methods: dict[str, list[SinkSpec]] = field(default_factory=dict)
    # by the container's attribute name (`response.headers[k] = v`: a header, and a secret sent in one)
    subscript_stores: dict[str, list[SinkSpec]] = field(default_factory=dict)
    subscript_qualnames: dict[str, list[SinkSpec]] = field(default_factory=dict)  # by the container's qualified name
    # Sinks by keyword on any call (`any_call_keywords`: the `password=` or `salt=` argument of whatever
    # is called): keyword -> the sinks naming it. An API's parameter name says what it takes.
    keyword_sinks: dict[str, list[SinkSpec]] = field(default_factory=dict)
    # Sinks by the name a value is stored in (`assigned_names`: `session_id = ...`, `user.password = ...`):
    # the weakest evidence, for a value whose use is otherwise unknown; such sinks say so in their label.
    name_sinks: dict[str, list[SinkSpec]] = field(default_factory=dict)
    # Sinks inside classes deriving from a library's class (`class_bases`: a Django `Func` whose
    # `template` or `as_sql` writes SQL text): base qualname -> the sinks its subclasses hold.
    class_sinks: dict[str, list[SinkSpec]] = field(default_factory=dict)
    sanitiser_calls: dict[str, frozenset[str]] = field(default_factory=dict)
    sanitiser_methods: dict[str, frozenset[str]] = field(default_factory=dict)
    # Calls whose result, and every method called on it in a chain, is a sanitiser (`chains`: a
    # SQLAlchemy `insert(t).values(...).returning(...)` binds its values): root qualname -> cuts.
    sanitiser_chains: dict[str, frozenset[str]] = field(default_factory=dict)
    # Methods that sanitise only when called on an attribute of one of these names
    # (`Model.objects.get(...)`): method -> (attribute names, sink classes cut, on the call's whole result).
    owned_methods: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    sanitiser_labels: dict[str, str] = field(default_factory=dict)
    # Boolean checks that guard the branch where they hold (`if url_has_allowed_host_and_scheme(u):`):
    # qualname -> the sink classes they clear there. Their results are booleans (a sanitiser of "*").
    validator_calls: dict[str, frozenset[str]] = field(default_factory=dict)
    # validator qualname -> the keyword that passes the checked value when it is not positional
    validator_keywords: dict[str, str] = field(default_factory=dict)
    # Calls and methods that put their arguments into the object they are called on
    # (`buf.write(value)`, `items.append(value)`): [[propagator]] with into = "receiver".
    into_receiver_calls: frozenset[str] = frozenset()
    into_receiver_methods: frozenset[str] = frozenset()
    # Calls whose result carries their arguments' data ([[propagator]] with into = "result"):
    # qualname -> (the positions that do, None for all; the keywords that do), and methods whose
    # result carries their receiver's and arguments' data (`s.strip()`, `"".join(parts)`).
    result_calls: dict[str, tuple[tuple[int, ...] | None, frozenset[str]]] = field(default_factory=dict)
    result_methods: frozenset[str] = frozenset()
    # Conversions to a number ([[converter]]: `int`, `float`): qualname -> the number sink classes its
    # result reaches. They stay sanitisers of every other class (their result holds no text).
    number_calls: dict[str, frozenset[str]] = field(default_factory=dict)
    guards: Guards = field(default_factory=Guards)
    files: tuple[str, ...] = ()
    # Where the credential sinks take their value, for the literals given there directly
    # (secreview.analysis.credentials): keywords of any call, and (positions, keywords) by called name and method.
    credential_keywords: frozenset[str] = frozenset()
    credential_calls: dict[str, tuple[tuple[int, ...], frozenset[str]]] = field(default_factory=dict)
    credential_methods: dict[str, tuple[tuple[int, ...], frozenset[str]]] = field(default_factory=dict)

    def sanitiser_for(self, qualname: str) -> frozenset[str] | None:
        """The sink classes a call to `qualname` cuts: its own entry, or the entry of the chain it
        continues (`sqlalchemy.select.where.limit` continues `sqlalchemy.select`)."""
        cuts = self.sanitiser_calls.get(qualname)
        if cuts is not None or not self.sanitiser_chains:
            return cuts
        head = qualname
        while "." in head:
            cuts = self.sanitiser_chains.get(head)
            if cuts is not None:
                return cuts
            head = head.rpartition(".")[0]
        return None

    def source_for(self, qualname: str) -> SourceSpec | None:
        """The source a qualified name is, or is an attribute/method of (`flask.request.args.get`)."""
        table = self.source_qualnames
        found = table.get(qualname)
        while found is None and "." in qualname:
            qualname = qualname.rsplit(".", 1)[0]
            found = table.get(qualname)
        return found


def both_kinds(spec: SourceSpec) -> frozenset[str]:
    """The cuts of a value of `spec` that is also a credential: it reaches the sinks of its own kind and the
    secret ones (an `Authorization` header is request data to an SQL query and a secret to a log)."""
    return (spec.not_for - VALUE_KINDS[spec.kind]) | VALUE_KINDS["untrusted_secret"]


def _source(entry: dict) -> SourceSpec:
    def fs(key: str) -> frozenset[str]:
        return frozenset(entry.get(key, ()))

    return SourceSpec(
        label=entry["label"], confidence=Confidence.parse(entry.get("confidence", "high")),
        imports=tuple(entry.get("imports", ())), qualnames=tuple(entry.get("qualnames", ())),
        receivers=fs("receivers"), attributes=fs("attributes"), methods=fs("methods"),
        any_receiver_methods=fs("any_receiver_methods"), request_types=fs("request_types"),
        class_bases=fs("class_bases"), route_decorators=fs("route_decorators"),
        decorator_qualnames=fs("decorator_qualnames"), handler_methods=fs("handler_methods"),
        view_first_param=entry.get("view_first_param", ""), param_names=fs("param_names"),
        with_receiver_param=fs("with_receiver_param"), safe_annotations=fs("safe_annotations"),
        safe_converters=fs("safe_converters"), slashless_converters=fs("slashless_converters"),
        injected_defaults=fs("injected_defaults"),
        # The operator does not crash or exhaust their own tool: a number they type is theirs to choose.
        not_for=fs("not_for") | VALUE_KINDS[entry.get("kind", "untrusted")] | (
            _NUMBERS if entry.get("operator", False) else _PARSED_ONLY if entry.get("numbers", False) else frozenset()),
        kind=entry.get("kind", "untrusted"), numbers=entry.get("numbers", False), background=entry.get("background", False),
        returns_html=entry.get("returns_html", False), server_keys=fs("server_keys"),
        view_methods=fs("view_methods"), operator=entry.get("operator", False), not_inside=fs("not_inside"),
        in_functions=fs("in_functions"), unless_given_data=entry.get("unless_given_data", False),
        into_argument=entry.get("into_argument", False), unless_false=entry.get("unless_false", ""),
        algorithms=frozenset(a.lower() for a in entry.get("algorithms", ())),
        secret_keys=frozenset(k.lower() for k in entry.get("secret_keys", ())),
    )


def _sink(entry: dict) -> SinkSpec:
    safe = entry.get("safe_arg", {})
    by_keyword = tuple(entry.get("any_call_keywords", ()))  # a keyword sink takes no position unless it says so
    return SinkSpec(
        kind=entry["kind"], label=entry.get("label", entry["kind"]),
        args=tuple(entry.get("args", () if by_keyword else (0,))),
        keywords=tuple(entry.get("keywords", ())) + by_keyword, receivers=frozenset(entry.get("receivers", ())),
        receiver=entry.get("receiver", False), only_if_true=entry.get("only_if_true", ""),
        unless_keyword=entry.get("unless_keyword", ""), unless_position=entry.get("unless_position", -1),
        algorithms=frozenset(a.lower() for a in entry.get("algorithms", ())),
        safe_position=safe.get("position", -1),
        safe_keyword=safe.get("keyword", ""), safe_endswith=tuple(safe.get("endswith", ())),
        imports=tuple(entry.get("imports", ())), or_keywords=tuple(entry.get("or_keywords", ())),
        shell_argv=entry.get("shell_argv", False),
        argv_program=entry.get("argv_program", False),
        unescaped_variables=entry.get("unescaped_variables", False),
        argv_options=entry.get("argv_options", False),
        subclasses=entry.get("subclasses", False),
        django_context=entry.get("django_context", False),
        unless_loopback_receiver=entry.get("unless_loopback_receiver", False),
        class_attributes=tuple(entry.get("class_attributes", ())), returned_by=tuple(entry.get("returned_by", ())),
        content_type_keywords=tuple(entry.get("content_type_keywords", ())),
        html_when_declared=entry.get("html_when_declared", False),
        confidence=Confidence.parse(entry.get("confidence", "high")), unless_true=entry.get("unless_true", ""),
        unless_imports=frozenset(entry.get("unless_imports", ())),
    )


def compile_specs(documents: dict[str, dict]) -> Specs:
    """Validate parsed spec files (name -> data) and index them."""
    specs = Specs(files=tuple(sorted(documents)))
    guards: dict[str, set[str]] = {}
    for name in sorted(documents):
        data = documents[name]
        validate(name, data)
        for entry in data.get("source", ()):
            source = _source(entry)
            specs.sources.append(source)
            for qualname in source.qualnames:
                specs.source_qualnames.setdefault(qualname, source)
        for entry in data.get("sink", ()):
            sink = _sink(entry)
            calls = list(entry.get("calls", ()))
            for ref in entry.get("constants", ()):
                calls.extend(_constant(name, ref))
            for qualname in calls:
                specs.sink_calls.setdefault(qualname, []).append(sink)
            for method in entry.get("methods", ()):
                specs.sink_methods.setdefault(method, []).append(sink)
            for attribute in entry.get("subscript_stores", ()):
                specs.subscript_stores.setdefault(attribute, []).append(sink)
            for qualname in entry.get("subscript_qualnames", ()):
                specs.subscript_qualnames.setdefault(qualname, []).append(sink)
            for keyword in entry.get("any_call_keywords", ()):
                specs.keyword_sinks.setdefault(keyword, []).append(sink)
            for assigned in entry.get("assigned_names", ()):
                specs.name_sinks.setdefault(assigned, []).append(sink)
            for base in entry.get("class_bases", ()):
                specs.class_sinks.setdefault(base, []).append(sink)
        for entry in data.get("sanitiser", ()):
            cuts = frozenset(entry["cuts"])
            for qualname in entry.get("calls", ()):
                specs.sanitiser_calls[qualname] = specs.sanitiser_calls.get(qualname, frozenset()) | cuts
                specs.sanitiser_labels.setdefault(qualname, entry.get("label", "a sanitiser"))
            for root in entry.get("chains", ()):
                specs.sanitiser_chains[root] = specs.sanitiser_chains.get(root, frozenset()) | cuts
                specs.sanitiser_labels.setdefault(root, entry.get("label", "a sanitiser"))
            owners = frozenset(entry.get("on_attributes", ()))
            for method in entry.get("methods", ()):
                if owners:
                    known = specs.owned_methods.get(method, (frozenset(), frozenset()))
                    specs.owned_methods[method] = (known[0] | owners, known[1] | cuts)
                else:
                    specs.sanitiser_methods[method] = specs.sanitiser_methods.get(method, frozenset()) | cuts
        for entry in data.get("validator", ()):
            for qualname in entry.get("calls", ()):
                specs.validator_calls[qualname] = specs.validator_calls.get(qualname, frozenset()) | \
                    frozenset(entry["cuts"])
                specs.sanitiser_calls[qualname] = frozenset({ALL})
                if "keyword" in entry:
                    specs.validator_keywords[qualname] = entry["keyword"]
        for entry in data.get("propagator", ()):
            if entry["into"] == "result":
                positions = tuple(entry["args"]) if "args" in entry else None
                for qualname in entry.get("calls", ()):
                    specs.result_calls[qualname] = (positions, frozenset(entry.get("keywords", ())))
                specs.result_methods |= frozenset(entry.get("methods", ()))
                continue
            specs.into_receiver_calls |= frozenset(entry.get("calls", ()))
            specs.into_receiver_methods |= frozenset(entry.get("methods", ()))
        for entry in data.get("converter", ()):
            for qualname in entry["calls"]:
                specs.number_calls[qualname] = frozenset(entry["reaches"])
        for key, values in data.get("guards", {}).items():
            guards.setdefault(key, set()).update(values)
    tails = frozenset(t.rsplit(".", 1)[-1] for t in guards.get("terminators", ()) if "." in t)
    specs.guards = Guards(**{key: frozenset(values) for key, values in guards.items()}, terminator_tails=tails)
    _index_credentials(specs)
    return specs


def _index_credentials(specs: Specs) -> None:
    """`Specs.credential_*`: the parameters of the credential sinks, by keyword of any call, and by called
    name and method (positions and keywords of that call only)."""
    kinds = frozenset(CREDENTIAL_SINK_KINDS)
    specs.credential_keywords = frozenset(
        name for name, sinks in specs.keyword_sinks.items() if any(s.kind in kinds for s in sinks))
    for table, found in ((specs.sink_calls, specs.credential_calls), (specs.sink_methods, specs.credential_methods)):
        for name, sinks in table.items():
            mine = [s for s in sinks if s.kind in kinds]
            if mine:
                found[name] = (tuple(sorted({p for s in mine for p in s.args})),
                               frozenset(k for s in mine for k in s.keywords))


@lru_cache(maxsize=None)
def neutralisers_for(kind: str) -> tuple[str, ...]:
    """Qualified names of the spec'd sanitisers whose result is safe for sinks of class `kind`: the one
    list a pattern rule beside a taint rule asks, so the two never disagree on what neutralises."""
    return tuple(sorted(name for name, cuts in load().sanitiser_calls.items() if neutralised(kind, cuts) or ALL in cuts))


@lru_cache(maxsize=1)
def load() -> Specs:
    """The shipped specs, read and validated once per process."""
    documents: dict[str, dict] = {}
    folder = resources.files("secreview.rules") / "specs"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                documents[entry.name] = tomllib.loads(entry.read_text("utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise SpecError(f"{entry.name}: {exc}") from None
    return compile_specs(documents)
