"""Sink calls in the per-function taint pass: which argument is dangerous, and whether it is safe.

`check` applies one `[[sink]]` spec to a call: the options that turn it off
(`only_if_true`, `unless_keyword`, a safe loader, a non-HTML content type),
the shell script of an argument vector (`secreview.analysis.argv`), and the
taint of the positions and keywords that matter. `record` keeps a sink event
(with the steps that built its value, `secreview.analysis.steps`), or, when
every value is neutralised for the sink, notes it as *cleared*; `constant`
notes a sink given only values with no text from outside. Cleared sinks let a
pattern finding of the same CWE defer to the flow (`taint_project.merge`). A
sink line is cleared only when every evaluation of it proved it safe: a loop
body runs more than once, and a later run may find data where the first found
a constant (`unsafe` keeps the lines some evaluation did not prove).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from secreview.analysis import argv, control, folding, templates
from secreview.analysis.control import join
from secreview.analysis.hosts import reaches_this_machine
from secreview.analysis.names import named_algorithm
from secreview.analysis.specs import (
    ALL, CREDENTIAL_SINK_KINDS, UNTRUSTED_SINK_KINDS, SinkSpec, neutralised, settled)
from secreview.analysis.summaries import EMPTY, SinkEvent, Taint
from secreview.analysis.values import short, spell

if TYPE_CHECKING:
    from secreview.analysis.taint_pass import FunctionPass


def applicable(fn: FunctionPass, sinks: list[SinkSpec] | None, node: ast.Call) -> list[SinkSpec] | None:
    """The sinks a method name may be in this file: those gated by imports only where the file imports them.

    A sink by method name alone (`conn.run(sql)` of pg8000) must not stand for a project method of the
    same name elsewhere: a sink with an opaque result hides the call from the project's summaries.
    """
    if not sinks:
        return None
    imported = fn.mod.imported
    found = [sink for sink in sinks if not sink.imports or any(name in imported for name in sink.imports) or (
        sink.or_keywords and any(kw.arg in sink.or_keywords for kw in node.keywords))]
    return found or None


def check(fn: FunctionPass, sink: SinkSpec, node: ast.Call, func: ast.expr, args: list[Taint],
          keywords: list[tuple[str, Taint]], star: Taint, receiver: Taint) -> None:
    """A call of a spec'd sink: record the taint of its dangerous arguments (or that they are safe)."""
    if sink.receivers and (not isinstance(func, ast.Attribute) or spell(func.value, 2) not in sink.receivers):
        return
    if sink.imports and not any(name in fn.mod.imported for name in sink.imports) and not (
            sink.or_keywords and any(kw.arg in sink.or_keywords for kw in node.keywords)):
        return
    if sink.content_type_keywords and _html(_declared_type(fn, node, sink.content_type_keywords),
                                            sink.html_when_declared) is False:
        return  # `Response(body, mimetype="application/json")`, aiohttp's `web.Response(text=body)`
    if sink.shell_argv:
        _shell_script(fn, sink, node, func)
        return
    if sink.argv_program:
        _program(fn, sink, node, func)
        return
    if sink.unescaped_variables:
        _unescaped_context(fn, sink, node, keywords)
        return
    if sink.django_context:
        _django_context(fn, sink, node, func)
        return
    if sink.argv_options:
        _options(fn, sink, node, func)
        return
    if sink.unless_loopback_receiver and _loopback_receiver(fn, func):
        return
    if sink.only_if_true:
        flag = next((kw.value for kw in node.keywords if kw.arg == sink.only_if_true), None)
        if flag is None or fn.mod.names.constant_value(flag) is not True:
            return
    if sink.unless_true and _set_or_unknown(fn, node, sink.unless_true):
        return
    if sink.unless_keyword and (any(kw.arg == sink.unless_keyword for kw in node.keywords)
                                or 0 <= sink.unless_position < len(node.args)):
        return
    if sink.algorithms and named_algorithm(node, fn.constant_text) not in sink.algorithms:
        return
    if sink.safe_keyword:
        loader = node.args[sink.safe_position] if len(node.args) > sink.safe_position else \
            next((kw.value for kw in node.keywords if kw.arg == sink.safe_keyword), None)
        if loader is not None and spell(loader).endswith(sink.safe_endswith):
            return
    taint = star if star and _star_reaches(node, sink) else EMPTY
    for position in sink.args:
        if position < len(args):
            taint = join(taint, args[position])
    every = ALL in sink.keywords  # `jsonify(**kwargs)`: whatever keyword is given is sent
    for name, value in keywords:
        if every or name in sink.keywords:
            taint = join(taint, value)
    if sink.receiver:
        taint = join(taint, receiver)
    if taint:
        if all(settled(sink.kind, atom[0], atom[2]) for atom in taint):  # neutralised on every way in
            (fn.mod.cleared if _rest_constant(fn, node, sink) else fn.mod.unsafe).add((node.lineno, sink.kind))
            return
        record(fn, sink, taint, node)
    else:
        constant(fn, node, (sink,))



def _loopback_receiver(fn: FunctionPass, func: ast.expr) -> bool:
    """`tn = telnetlib.Telnet("127.0.0.1")` then `tn.write(...)` (or `self.tn`, made so in `__init__`): the
    object talks to this machine only, so nothing on the network path sees what is written (the host is
    its first argument or `host=`)."""
    if type(func) is not ast.Attribute:
        return False
    receiver = func.value
    if type(receiver) is ast.Attribute and type(receiver.value) is ast.Name and receiver.value.id == fn.self_name:
        field = fn.field_made(receiver.attr)  # `self.tn.write(...)` after `self.tn = Telnet(host)` in __init__
        made: ast.expr | None = field[1] if field is not None else None
    elif type(receiver) is ast.Name:
        binding = fn.binding(receiver.id)
        made = binding.expr if binding is not None else None
    else:
        return False
    if type(made) is not ast.Call:
        return False
    host = made.args[0] if made.args else next(
        (kw.value for kw in made.keywords if kw.arg == "host"), None)
    value = fn.mod.names.constant_value(host) if host is not None else None
    return isinstance(value, str) and reaches_this_machine(value)


def _set_or_unknown(fn: FunctionPass, node: ast.Call, name: str) -> bool:
    """The call passes keyword `name` as anything but the constant False, or may pass it in `**options`."""
    for kw in node.keywords:
        if kw.arg is None:
            return True
        if kw.arg == name:
            return fn.mod.names.constant_value(kw.value) is not False
    return False


def by_keyword(fn: FunctionPass, node: ast.Call, func: ast.expr, args: list[Taint],
               keywords: list[tuple[str, Taint]], receiver: Taint) -> None:
    """The sinks a call's keywords name whatever is called (`any_call_keywords`: `password=`, `salt=`).

    Each sink once per call, however many of its keywords are passed; `**values` fills none of
    them (what it holds is not known by name).
    """
    table = fn.mod.specs.keyword_sinks
    found: list[SinkSpec] = []
    for name, taint in keywords:
        if taint:
            for sink in table.get(name, ()):
                if sink not in found:
                    found.append(sink)
    for sink in found:
        check(fn, sink, node, func, args, keywords, EMPTY, receiver)


def by_name(fn: FunctionPass, stmt: ast.Assign, taint: Taint) -> None:
    """A value stored in a name a spec lists (`assigned_names`: `session_id = ...`, `user.password = ...`)."""
    table = fn.mod.specs.name_sinks
    for target in stmt.targets:
        kind = type(target)
        name = target.id if kind is ast.Name else target.attr if kind is ast.Attribute else None  # type: ignore[attr-defined]
        for sink in table.get(name, ()) if name is not None else ():
            record(fn, sink, taint, stmt)


def _star_reaches(node: ast.Call, sink: SinkSpec) -> bool:
    """`*parts` or `**values` may fill one of the sink's own parameters.

    `*parts` does only from its own position on; `**values` only for a sink that names its
    keywords: `format_html(msg, **values)` passes the values to be escaped, not the format.
    Never for a credential parameter: `**options` holds many entries (a region beside the key), and
    a literal is a hard-coded credential only if it is the one that fills the parameter.
    """
    if sink.kind in _CREDENTIAL_KINDS:
        return False
    if sink.keywords and any(kw.arg is None for kw in node.keywords):
        return True
    last = max(sink.args, default=-1)
    return any(type(arg) is ast.Starred for arg in node.args[:last + 1])


def _declared_type(fn: FunctionPass, node: ast.Call, keywords: tuple[str, ...]) -> object:
    """The content type the call sets: a constant, `folding.UNKNOWN` when computed, None when not given."""
    for keyword in node.keywords:
        if keyword.arg in keywords:
            return folding.fold(keyword.value, control.known(fn), fn.resolve)
    return None


def _html(declared: object, only_when_declared: bool) -> bool | None:
    """Whether the body is HTML: False for a constant type that is not HTML, and for no constant type
    where HTML must be declared (aiohttp's `text=` is text/plain by default); None when it may be."""
    if isinstance(declared, str):
        return "html" in declared.lower()
    return False if only_when_declared else None



def _shell_script(fn: FunctionPass, sink: SinkSpec, node: ast.Call, func: ast.expr) -> None:
    """`subprocess.run(["sh", "-c", script])`: the script is the sink (see `secreview.analysis.argv`)."""
    found = argv.script_argument(node, fn.resolve(func), _value_of(fn))
    if found is not None and type(found[2]) is not ast.Starred:
        _record_joined(fn, sink, node, (fn.ev(found[2]),))


def _program(fn: FunctionPass, sink: SinkSpec, node: ast.Call, func: ast.expr) -> None:
    """`os.spawnlp(os.P_WAIT, prog, ...)`, `subprocess.run([prog, ...])`: the program is the sink."""
    program = argv.program_argument(node, fn.resolve(func))
    if program is not None and type(program) is not ast.Starred:
        _record_joined(fn, sink, node, (fn.ev(program),))


def _options(fn: FunctionPass, sink: SinkSpec, node: ast.Call, func: ast.expr) -> None:
    """`subprocess.run(["git", "clone", url])`: a value git may read as one of its options."""
    elements = argv.option_arguments(node, fn.resolve(func), _value_of(fn))
    _record_joined(fn, sink, node, (fn.ev(element) for element in elements))


def _unescaped_context(fn: FunctionPass, sink: SinkSpec, node: ast.Call,
                       keywords: list[tuple[str, Taint]]) -> None:
    """`render_template_string("{{ n|safe }}", n=value)`: the values the template does not escape."""
    if not node.args:
        return
    source = folding.fold(node.args[0], control.known(fn), fn.resolve)
    if not isinstance(source, str):
        return
    names = templates.unescaped_variables(source)
    _record_joined(fn, sink, node, (value for name, value in keywords if name in names))


def _django_context(fn: FunctionPass, sink: SinkSpec, node: ast.Call, func: ast.expr) -> None:
    """`Template("{% autoescape off %}{{ q }}...").render(Context({"q": value}))`: the values shown unescaped.

    The template text is the first argument of the call that made the receiver (`Template(src)`
    itself, or the call a local name was last bound to); the context a dict literal given to
    `render` directly or through `Context(...)`/`RequestContext(request, ...)`.
    """
    if type(func) is not ast.Attribute:
        return
    made: ast.expr | None = func.value
    if type(made) is ast.Name:
        binding = fn.binding(made.id)
        made = binding.expr if binding is not None else None
    if type(made) is not ast.Call or not made.args:
        return
    source = folding.fold(made.args[0], control.known(fn), fn.resolve)
    names = templates.unescaped_variables(source) if isinstance(source, str) else frozenset()
    if not names:
        return
    context = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg == "context"), None)
    if type(context) is ast.Call:
        context = next((arg for arg in context.args if type(arg) is ast.Dict), None)
    if type(context) is ast.Dict:
        _record_joined(fn, sink, node, (fn.ev(value) for key, value in zip(context.keys, context.values)
                                        if type(key) is ast.Constant and key.value in names))


def _value_of(fn: FunctionPass) -> Callable[[ast.expr], object]:
    """What an expression holds on every feasible path here (`folding.UNKNOWN` when it varies)."""
    lookup = control.known(fn)
    return lambda node: folding.fold(node, lookup, fn.resolve)


def _record_joined(fn: FunctionPass, sink: SinkSpec, node: ast.Call, taints: Iterable[Taint]) -> None:
    """One event at the call for the values that reach the sink's position, if any holds taint."""
    taint: Taint = EMPTY
    for value in taints:
        taint = join(taint, value)
    if taint:
        record(fn, sink, taint, node)


def constant_store(fn: FunctionPass, target: ast.Subscript, value: ast.expr | None, sink: SinkSpec) -> None:
    """A store sink (`response.headers["Expires"] = formatdate(t)`) given no data: proven safe when its
    value holds no text from outside on any feasible path (constants, results of no-text sanitisers,
    names a check cleared for every sink: `if lang not in LANGS: abort(400)`)."""
    if value is None:
        return
    line = target.lineno
    if _harmless(fn, value, fn.checked):
        fn.mod.cleared.add((line, sink.kind))
    else:
        fn.mod.unsafe.add((line, sink.kind))


def no_text(fn: FunctionPass, call: ast.Call) -> bool:
    """The call is a sanitiser of every sink (`int(x)`, `len(x)`, `uuid.UUID(x)`): its result holds no
    text, so a name bound to it is as harmless to a sink as a constant."""
    qual = fn.resolve(call.func)
    cuts = fn.mod.specs.sanitiser_calls.get(qual) if qual is not None else None
    return cuts is not None and ALL in cuts


def _harmless(fn: FunctionPass, node: ast.expr, checked: set[str] | frozenset[str] = frozenset()) -> bool:
    """`folding.harmless` with the spec's sanitisers of every sink as the calls whose result has no text,
    and the `checked` names as constants (what they hold passed a check that admits no data)."""
    sanitisers = fn.mod.specs.sanitiser_calls

    def no_text(name: str) -> bool:  # `len(x)`, `int(x)`: a sanitiser of every sink returns no text
        cuts = sanitisers.get(name)
        return cuts is not None and ALL in cuts

    known = control.known(fn)
    lookup = known if not checked else lambda name: "" if name in checked else known(name)
    return folding.harmless(node, lookup, fn.resolve, no_text)


def constant(fn: FunctionPass, node: ast.Call, sinks: Sequence[SinkSpec]) -> None:
    """A sink given values the pass knows on every feasible path (`cmd = "ls"; ...; os.system(cmd)`).

    Every argument must be known, not only the sink's: a pattern rule of the same CWE may
    judge another one (the script of `os.execl("/bin/sh", "sh", "-c", script)`).
    """
    if node.args or node.keywords:
        proven = fn.mod.cleared if _rest_constant(fn, node, None) else fn.mod.unsafe
        for sink in sinks:
            proven.add((node.lineno, sink.kind))



def _rest_constant(fn: FunctionPass, node: ast.Call, sink: SinkSpec | None) -> bool:
    """Every argument of the call other than the sink's own ones holds no text from outside."""
    for position, arg in enumerate(node.args):
        if sink is not None and position in sink.args:
            continue
        if type(arg) is ast.Starred or not _harmless(fn, arg, fn.checked):
            return False
    for keyword in node.keywords:
        if sink is not None and keyword.arg in sink.keywords:
            continue
        if keyword.arg is None or not _harmless(fn, keyword.value, fn.checked):
            return False
    return True



_COMPARISON = SinkSpec(kind="secret_compare", label="an == comparison, which stops at the first difference")
_HASH_CHECK = SinkSpec(kind="weak_hash", label="a check of a credential the client sends (a signature or token)")


def comparison(fn: FunctionPass, node: ast.Compare, left: Taint, right: Taint) -> None:
    """`expected == provided`: a sink for secret material when the other side also holds data.

    Which side is the secret is the engine's question (the kind travels in the atoms, so only
    secret atoms survive to a `secret_compare` sink); the other side must carry data too (a
    parameter, a call's result, request data): a secret compared with a constant or with
    nothing from outside leaks nothing to an attacker who cannot choose the guess.
    """
    if left and right:
        _hash_check(fn, node, left, right)
    if not left or not right:
        # A credential the client sends compared with anything but a literal (a stored token, a
        # settings value): the other side is the secret it guesses (`scheme != "bearer"` is parsing).
        sent, against = (left, node.comparators[0]) if left else (right, node.left)
        if type(against) is not ast.Constant and _client_credential(sent):
            record(fn, _COMPARISON, sent, node)
        return
    secret_left, secret_right = _live(left, "secret_compare"), _live(right, "secret_compare")
    if secret_left and secret_right:
        # A credential the client sends (an `Authorization` header) is a secret and the guess at once:
        # the side that does not come from outside is the one an attacker learns. Two secrets the
        # program made (a password typed twice) are no guess.
        sent_left, sent_right = _client_credential(left), _client_credential(right)
        if sent_left != sent_right:
            sent, other = (left, right) if sent_left else (right, left)
            # The flow shown starts at the program's secret when it is made here, else at what was sent.
            record(fn, _COMPARISON, other if _made_here(other) else sent, node)
        return
    if secret_left:
        record(fn, _COMPARISON, left, node)
    elif secret_right:
        record(fn, _COMPARISON, right, node)


def _hash_check(fn: FunctionPass, node: ast.Compare, left: Taint, right: Taint) -> None:
    """`md5(body).hexdigest() == request.headers["X-Signature"]`: a digest checked against a credential
    the client sends authenticates it, and MD5 or SHA-1 collisions forge it. Compared with anything
    else (an ETag with If-None-Match, a checksum with one the code computed) it only identifies content."""
    if _client_credential(right) and _live(left, "weak_hash"):
        record(fn, _HASH_CHECK, left, node)
    elif _client_credential(left) and _live(right, "weak_hash"):
        record(fn, _HASH_CHECK, right, node)


def _client_credential(taint: Taint) -> bool:
    """Holds a credential the client sends: a value from outside that is also secret (`untrusted_secret`)."""
    return any(atom[0] == "s" and "secret_compare" not in atom[2] and not atom[2] >= _UNTRUSTED for atom in taint)


def _made_here(taint: Taint) -> bool:
    """Holds secret material a source of this function made (not a call's result or a field, yet unknown)."""
    return any(atom[0] == "s" and "secret_compare" not in atom[2] for atom in taint)


_UNTRUSTED = frozenset(UNTRUSTED_SINK_KINDS)
_CREDENTIAL_KINDS = frozenset(CREDENTIAL_SINK_KINDS)


def _live(taint: Taint, kind: str) -> bool:
    """Holds a value that may be secret here: a source's, a call's result or a field, not yet cut.

    Not a parameter alone: every comparison of two parameters would become an event of the
    summary (a secret handed to a function that compares it is a miss, for now).
    """
    return any(atom[0] != "p" and not neutralised(kind, atom[2]) for atom in taint)


def record(fn: FunctionPass, sink: SinkSpec, taint: Taint, node: ast.AST, description: str | None = None) -> None:
    """A sink event with the path steps that led to it, unless every value is neutralised for it; described
    as `description`, or when none is given by `short(node)`, spelt only once the event is kept (most
    recorded sinks are settled or skipped first, and the text costs an `ast.unparse`)."""
    line = getattr(node, "lineno", 0)
    kind = sink.kind
    credential = kind in _CREDENTIAL_KINDS
    if credential:
        if not fn.mod.literals:
            return  # a test module's: a credential only a test uses is its fixture (analysis.credentials)
        # A parameter reaching it is every caller's value, nearly never a literal (literals given to a
        # helper positionally are not followed): only values this function holds are worth an event.
        taint = frozenset(atom for atom in taint if atom[0] != "p")
        if not taint:
            return
    if all(settled(kind, atom[0], atom[2]) for atom in taint):  # neutralised for this sink on every way in
        if type(node) is not ast.Call:  # a store (`response.headers["X"] = value`): its one value
            fn.mod.cleared.add((line, kind))
        return
    if not credential:  # (a credential parameter is no text sink: the facts' "given only constants" stand)
        fn.mod.unsafe.add((line, kind))
        fn.mod.varies.add(line)
    specs = fn.mod.specs
    if fn.qualname in specs.sink_calls or fn.qualname in specs.sanitiser_calls:
        return  # the body of mark_safe or escape itself (scanning Django): the finding is its caller's
    fn.sinks.append(SinkEvent(
        kind=sink.kind, label=sink.label, taint=taint, line=line, column=getattr(node, "col_offset", 0),
        end_line=getattr(node, "end_lineno", None) or line, end_column=getattr(node, "end_col_offset", None) or 0,
        description=short(node) if description is None else description, line_text=fn.mod.line_text(line),
        steps=fn.defs.leading_to(node, line, kind)))
