"""Calls in the taint pass: matching sources, sinks and sanitisers, and recording calls into the project.

A call is the one place where a spec applies: a source makes new taint, a sanitiser cuts sink
classes from it, a sink records what reaches its dangerous argument (`secreview.analysis.sink_events`),
and a call into the project stays symbolic as a call site that `secreview.analysis.flows` links later.
"""

from __future__ import annotations

import ast
from typing import Final

from secreview.analysis import (
    built_objects,
    containers,
    control,
    credentials,
    format_fields,
    framing,
    neutralisers,
    numbers,
    sink_events,
    url_query,
)
from secreview.analysis.names import BUILTINS, named_algorithm
from secreview.analysis.specs import ALL, UNRESOLVED, SinkSpec, SourceSpec
from secreview.analysis.summaries import EMPTY, CallSite, Taint
from secreview.analysis.taint_pass import FunctionPass
from secreview.analysis.taint_state import (
    NOCUT,
    STDLIB,
    UNKNOWN_CALL,
    URL_KINDS,
    CallSpecs,
    Entry,
    ModuleState,
    expression_handler,
    new_record,
)
from secreview.analysis.values import call_text, cut, mark, outside_result, spell, through_unmodelled

_LOOKUPS: Final = frozenset({"get", "pop"})
# Per argument holding data read here: its position, keyword or None for the receiver, and the steps that built it
Steps = tuple[tuple[int | str | None, tuple[tuple[int, int, str], ...]], ...]
_OPAQUE_RESULTS: Final = frozenset({"sql"})
_SUBSTITUTIONS: Final = frozenset({"substitute", "safe_substitute"})
_join: Final = control.join


class CallMatching(FunctionPass):
    """The taint of a call and what the call records.

    The first part of `secreview.analysis.taint._FunctionPass`, whose slots hold the state these methods read
    and write (declared by `FunctionPass`).
    """

    __slots__ = ()

    def _partial(self, value: ast.Call) -> ast.Call:
        """The call a `functools.partial(f, a, k=v)` stands for, `f(a, k=v)`; a partial of a partial is composed.

        Stored calls never name a partial, so applying one is a single substitution.
        """
        bare = ast.Call(value, [], [])
        self.mod.kept.append(bare)  # alive while the pass runs: no later node takes its id (see `_applied`)
        stored = self._applied(value, bare)
        inner = stored.func
        if type(inner) is ast.Name and inner.id in self.partials:
            stored = self._applied(self.partials[inner.id], stored)
        return stored

    def _applied(self, held: ast.Call, call: ast.Call) -> ast.Call:
        """The call `call` makes through the partial `held` (`functools.partial(f, a)(b)` is `f(a, b)`).

        `held` is a `functools.partial(...)` call, or the call such a partial stands
        for, as stored when it was bound (`_partial`).
        """
        made = self.mod.applied.get((id(held), id(call)))
        if made is not None:  # the same application met again (a loop body's next run): the same node
            return made
        inner, args = held.func, held.args
        # `partial(partial)` stands for a bare `partial()`, and `partial(*fs)` names no function:
        # only a first positional argument is the wrapped callable.
        if args and type(args[0]) is not ast.Starred and self.resolve(inner) == "functools.partial":
            inner, args = args[0], args[1:]
        applied = ast.Call(inner, [*args, *call.args], [*held.keywords, *call.keywords])
        self.mod.kept.append(applied)  # its id names the sources and calls made at it (see `ModuleState.made`)
        self.mod.applied[(id(held), id(call))] = applied
        return ast.copy_location(applied, call)

    def _call(self, node: ast.Call) -> Taint:
        mod = self.mod
        func = node.func
        if self.partials and type(func) is ast.Name and func.id in self.partials:
            node = self._applied(self.partials[func.id], node)
            func = node.func
        elif type(func) is ast.Call and func.args and self.resolve(func.func) == "functools.partial":
            node = self._applied(func, node)  # `partial(f, a)(b)` is `f(a, b)`
            func = node.func
        star = EMPTY
        args: list[Taint] = []
        for arg in node.args:
            kind = type(arg)
            if kind is ast.Starred:
                star = _join(star, self.ev(arg.value))  # type: ignore[attr-defined]
                args.append(EMPTY)
            else:  # `self.ev(arg)`, inlined: calls hold a third of all expressions
                handler = expression_handler(kind)
                args.append(handler(self, arg) if handler is not None else EMPTY)
        keywords: list[tuple[str, Taint]] = []
        for kw in node.keywords:
            value = kw.value
            handler = expression_handler(type(value))
            taint = handler(self, value) if handler is not None else EMPTY
            if kw.arg is None:
                star = _join(star, taint)
            else:
                keywords.append((kw.arg, taint))
        if type(func) is ast.Attribute:
            method: str | None = func.attr
            handler = expression_handler(type(func.value))
            receiver = handler(self, func.value) if handler is not None else EMPTY
        else:
            method = None
            # A local callable holding data (`greet = functools.partial(fmt, name)`) passes it on, and
            # so does the callable a call returns (`make_unit(x)(F("price"))`): that inner call runs
            # first, with its own arguments (and its sinks, and its project call site).
            if type(func) is ast.Name:
                receiver = self.env.get(func.id, EMPTY)  # type: ignore[union-attr]
            else:
                receiver = self._call(func) if type(func) is ast.Call else EMPTY
        if (self.parts and method is not None and type(func.value) is ast.Name  # type: ignore[attr-defined]
                and func.value.id in self.parts):  # type: ignore[attr-defined]
            result = containers.method(self, node, func.value.id, method, args, receiver, keywords)  # type: ignore[attr-defined]
            if result is not None:  # `d.get("k")`, `lst.append(v)`, `lst.pop()`
                return result
        bound = own = False
        module_function = False  # `helpers.execute(...)` after `from app import helpers`: not a cursor method
        if (method is not None and type(func.value) is ast.Name  # type: ignore[attr-defined]
                and func.value.id == self.self_name and self.class_qual):  # type: ignore[attr-defined]
            qual: str | None = f"{self.class_qual}.{method}"
            own = True
            # (a method of a base class in this module is known by its name: `_copy_permissions`)
            bound = qual not in mod.static_methods if qual in mod.own_methods else method not in mod.static_names
        else:
            qual = self.resolve(func)
            if qual is not None and method is not None:
                receiver_node = func.value  # type: ignore[attr-defined]
                if type(receiver_node) is ast.Name:
                    binding = self.binding(receiver_node.id)
                    bound = binding is not None and binding.kind == "instance"
                    module_function = binding is not None and binding.kind == "import"
                else:
                    bound = type(receiver_node) is ast.Call  # `Archiver(x).run()`
        known = mod.call_specs(qual) if qual is not None else UNKNOWN_CALL
        if mod.literals:  # `psycopg2.connect(password="...")`, `hmac.new(b"...", ...)`
            credentials.at_call(self, node, qual, method, args, keywords)
        everything = star
        for taint in args:  # `everything = _join(everything, taint)`, inlined
            if not everything:
                everything = taint
            elif taint and taint is not everything:
                everything = everything | taint
        for _, taint in keywords:
            everything = _join(everything, taint)

        if not everything and not receiver:
            return self._clean_call(node, func, method, qual, known, args, keywords, star, bound, own)
        # sources
        if known.source is not None and not (known.source.unless_given_data and everything) \
                and self._source_holds(node, known.source):
            if known.sinks is not None or keywords:  # `hashlib.pbkdf2_hmac(h, pw, salt, n)`: takes a salt, makes a key
                self._source_call_sinks(node, func, args, keywords, star, receiver, known.sinks)
            return self._into_argument(node, known.source,
                                       self._typed(node, self._call_source(node, func, receiver, known.source)))
        if method is not None and (method in mod.source_methods or self.class_sources):
            source = self._method_source(node, func, method)  # type: ignore[arg-type]
            if source:  # `request.build_absolute_uri(location)` holds `location` too
                for sink in sink_events.applicable(self, mod.specs.sink_methods.get(method), node) or ():
                    sink_events.check(self, sink, node, func, args, keywords, star, receiver)  # `conn.recv(n)`
                return _join(source, everything)
        # sinks
        sinks = known.sinks
        if sinks is None and method is not None and not module_function and not (own and qual in mod.own_methods):
            # duck-typed: `cursor.execute`, whatever the cursor is, unless this module built the receiver
            sinks = sink_events.applicable(self, mod.specs.sink_methods.get(method), node)
            if sinks is not None and built_objects.project_object(self, func):  # type: ignore[arg-type]
                sinks = None
        if sinks is not None:
            for sink in sinks:
                sink_events.check(self, sink, node, func, args, keywords, star, receiver)
            if any(sink.kind in _OPAQUE_RESULTS for sink in sinks):
                if qual in mod.classes:  # `class Collated(Func)` of this module: its __init__ still runs
                    self._project_call(node, qual, args, keywords, star, receiver, bound)
                return EMPTY  # rows come from the database, not from the query text
        if keywords and mod.specs.keyword_sinks:  # `password=`, `salt=` of any call
            sink_events.by_keyword(self, node, func, args, keywords, receiver)
        # sanitisers
        cuts = known.cuts
        if cuts is None and method is not None:
            owners = mod.specs.owned_methods.get(method)  # `Model.objects.get(pk=value)`: a stored row
            if owners is not None and _owner_name(func.value) in owners[0]:  # type: ignore[attr-defined, operator]
                return cut(_join(receiver, everything), owners[1]) if ALL not in owners[1] else EMPTY
            cuts = mod.specs.sanitiser_methods.get(method)
            if cuts is not None:
                return cut(receiver, cuts) if ALL not in cuts else EMPTY
        if cuts is not None:
            converts = mod.specs.number_calls.get(qual) if qual is not None else None
            if converts is not None:  # `int(x)`: no text, but the sender's number
                return numbers.converted(everything, converts)
            return cut(everything, cuts)
        if qual == "max" or qual == "min":
            return numbers.extremum(self, node, qual, args)
        if qual == "range" and args:
            numbers.loop_count(self, node, args)
        if method in _LOOKUPS and qual is None:
            # d.get(key, default): a value of the mapping or the default, never the key
            if receiver and len(receiver) == 1 and mod.secret_keys:  # `request.META.get("HTTP_AUTHORIZATION")`
                receiver = mod.widen_source(func.value, node, receiver)  # type: ignore[attr-defined]
            receiver = self._typed(node, receiver)
            return _join(receiver, _join(args[1], star) if len(args) > 1 else star)
        # containers filled by a method call
        if everything and (method in mod.specs.into_receiver_methods or qual in mod.specs.into_receiver_calls):
            key = self.key(func.value)  # type: ignore[attr-defined]
            env = self.env
            if key is not None and env is not None:  # (a call runs on a reachable path: env is set)
                env[key] = _join(self.load_key(key), everything)
                base = func.value  # type: ignore[attr-defined]
                if type(base) is ast.Attribute and type(base.value) is ast.Name and base.value.id == self.self_name \
                        and self.class_qual:  # `self.headers.append((name, value))`: a write of the field
                    self.mod.fields.append((f"{self.class_qual}.{base.attr}", self.qualname, everything))
        if qual is not None and (own or not known.external) \
                and not (receiver and credentials.only_constants(receiver)):  # `settings.KEY.encode()`: text's
            return self._project_call(node, qual, args, keywords, star, receiver, bound)
        if method == "format" and type(func.value) is ast.Constant:  # type: ignore[attr-defined]
            everything = self._format_arguments(node, func.value, args, keywords, star)  # type: ignore[attr-defined]
        elif method in _SUBSTITUTIONS:  # `string.Template("ping $host").substitute(values)`
            keys = format_fields.substituted(self, node, func.value)  # type: ignore[attr-defined]
            if keys is not None:
                args, keywords, star = format_fields.placed(self, node, keys, args, keywords, star)
                everything = star
                for taint in (*args, *(value for _, value in keywords)):
                    everything = _join(everything, taint)
        if method == "replace":  # `s.replace("\n", "\\n")`: removes one character
            marks = neutralisers.replace_marks(node)
            if marks:
                return _join(mark(receiver, marks), everything)
        elif qual in neutralisers.SUBSTITUTIONS:  # `re.sub(r"[\r\n]", "", s)`
            marks = neutralisers.substitution_marks(qual, node)
            if marks:
                return _join(mark(args[2], marks), _join(args[0], args[1]))
        elif method is not None and type(func.value) is ast.Constant:  # type: ignore[attr-defined]
            everything = framing.method(self, node, method, func.value, everything)  # type: ignore[attr-defined]
        return self._outside(func, qual, method, args, keywords, star, receiver, everything)

    def _outside(self, func: ast.expr, qual: str | None, method: str | None, args: list[Taint],
                 keywords: list[tuple[str, Taint]], star: Taint, receiver: Taint,
                 everything: Taint) -> Taint:
        """What a call outside the project returns of the data it is given (rules/specs/propagation.toml).

        A propagator names what the result holds (every argument, some positions, the
        receiver of a method). A call of the standard library or a builtin that no spec
        names returns none of it: its result is a number, a flag or an object of its own
        (`hashlib.sha256(x)`, `re.compile(x)`, `datetime.strptime(x, f)`). Any other call
        (a library the specs do not know, a callable held in a variable) is assumed to
        pass everything on, and the value remembers the call as not modelled.
        """
        specs = self.mod.specs
        passed = specs.result_calls.get(qual) if qual is not None else None
        if passed is not None:
            positions, names = passed
            if positions is not None:
                everything = star
                for position in positions:
                    if position < len(args):
                        everything = _join(everything, args[position])
                for name, taint in keywords:
                    if name in names:
                        everything = _join(everything, taint)
            return _join(outside_result(everything, qual, method), receiver)
        if method is not None and method in specs.result_methods or type(func) is ast.Lambda:
            return _join(outside_result(everything, qual, method), receiver)
        if qual is not None and (qual.partition(".")[0] in STDLIB or qual in BUILTINS):
            return EMPTY
        taint = _join(outside_result(everything, qual, method), receiver)
        return through_unmodelled(taint, qual or UNRESOLVED + spell(func))

    def _format_arguments(self, node: ast.Call, template: ast.Constant, args: list[Taint],
                          keywords: list[tuple[str, Taint]], star: Taint) -> Taint:
        """`"{}?next={}".format(base, target)`: the taint of the arguments the template places
        (`format_fields`), cut for URL sinks where every use of them in the template comes after a
        literal `?` or `#` (see `url_query`)."""
        text = template.value
        fields = url_query.format_positions(text) if isinstance(text, str) else None
        if isinstance(text, str):
            args, keywords, star = format_fields.placed(self, node, format_fields.format_keys(text), args, keywords,
                                                        star)
        taint = star
        entries: list[tuple[int | str, Taint]] = [*enumerate(args), *keywords]
        for key, value in entries:
            if value and fields is not None and fields.get(key, False):
                value = cut(value, URL_KINDS)
            taint = _join(taint, value)
        return taint

    def _clean_call(self, node: ast.Call, func: ast.expr, method: str | None, qual: str | None, known: CallSpecs,
                    args: list[Taint], keywords: list[tuple[str, Taint]], star: Taint, bound: bool,
                    own: bool) -> Taint:
        """A call given no tainted value: only a source or a function of the project can return taint."""
        mod = self.mod
        if known.source is not None and self._source_holds(node, known.source):
            return self._into_argument(node, known.source, self._typed(node, mod.new_source(node, known.source)))
        if method is not None and (method in mod.source_methods or self.class_sources):
            source = self._method_source(node, func, method)  # type: ignore[arg-type]
            if source:
                return source
        sinks = known.sinks if method is None or known.sinks is not None else \
            sink_events.applicable(self, mod.specs.sink_methods.get(method), node)
        if sinks is not None:
            sink_events.constant(self, node, sinks)
        if qual is not None and (own or not known.external):
            return self._project_call(node, qual, args, keywords, star, EMPTY, bound)
        return EMPTY

    def _project_call(self, node: ast.Call, qual: str, args: list[Taint], keywords: list[tuple[str, Taint]],
                      star: Taint, receiver: Taint, bound: bool) -> Taint:
        mod = self.mod
        index = mod.sites.get(id(node))
        if index is not None:  # met again in a loop body's next run: one site, given what every run gave
            built = self._argument_steps(node, args, keywords, receiver) \
                if self.defs.found and not mod.calls[index].steps else ()
            _widen_site(mod, index, args, keywords, star, receiver, built)
            return frozenset({("c", index, NOCUT)})
        index = mod.sites[id(node)] = len(mod.calls)
        built = self._argument_steps(node, args, keywords, receiver) if self.defs.found else ()
        mod.calls.append(new_record(CallSite, (qual, self.qualname, tuple(args), tuple(keywords), star, receiver, bound,
                                            node.lineno, node.col_offset, call_text(node), -1, built)))
        self.calls.append(index)
        return frozenset({("c", index, NOCUT)})

    def _argument_steps(self, node: ast.Call, args: list[Taint], keywords: list[tuple[str, Taint]],
                        receiver: Taint) -> Steps:
        """Per argument holding data read in this function (its position, keyword or None for the receiver):
        the steps that built it.

        Only data read here ("s" atoms): a parameter passed on is in nearly every call of a
        project, and walking back for each cost more than the rest of the pass; the steps of a
        function the value only passes through are not listed (those before a sink are).
        """
        line = node.lineno
        leading_to = self.defs.leading_to
        built: list[tuple[int | str | None, tuple[tuple[int, int, str], ...]]] = []
        for position, taint in enumerate(args):
            if taint and _read_here(taint):
                built.append((position, leading_to(node.args[position], line)))
        if keywords:
            values = {kw.arg: kw.value for kw in node.keywords if kw.arg is not None}
            built.extend((name, leading_to(values[name], line)) for name, taint in keywords
                         if taint and _read_here(taint))
        if receiver and type(node.func) is ast.Attribute and _read_here(receiver):
            built.append((None, leading_to(node.func.value, line)))
        return tuple(entry for entry in built if entry[1])

    def _source_call_sinks(self, node: ast.Call, func: ast.expr, args: list[Taint],
                           keywords: list[tuple[str, Taint]], star: Taint, receiver: Taint,
                           sinks: list[SinkSpec] | None) -> None:
        """A source that is also a sink for what it is given (`hmac.new(key, ...)` takes a key and makes a MAC)."""
        for sink in sinks or ():
            sink_events.check(self, sink, node, func, args, keywords, star, receiver)
        if keywords and self.mod.specs.keyword_sinks:
            sink_events.by_keyword(self, node, func, args, keywords, receiver)

    def _source_holds(self, node: ast.Call, spec: SourceSpec) -> bool:
        """Not when the constructing call passes `unless_false=False` (`hashlib.md5(data, usedforsecurity=False)`:
        not for security), nor when the spec names `algorithms` and that call names none of them
        (`hashlib.new("sha256")`, or an algorithm only known at run time).

        The call judged is the one that made the object: `h.hexdigest()` is a method of the source
        `h = hashlib.new("md5")`, and what `h` is was decided where it was made.
        """
        if not spec.unless_false and not spec.algorithms:
            return True
        made = self._constructor(node, spec)
        if made is None:  # built where this pass cannot see: the name decides nothing
            return not spec.algorithms
        constant_value = self.mod.names.constant_value
        if spec.unless_false and any(kw.arg == spec.unless_false and constant_value(kw.value) is False
                                     for kw in made.keywords):
            return False
        return not spec.algorithms or named_algorithm(made, self.constant_text) in spec.algorithms

    def _constructor(self, node: ast.Call, spec: SourceSpec) -> ast.Call | None:
        """The call of one of `spec.qualnames` that made the object `node` is a method call on (or `node`):
        through a chain (`hashlib.new("md5", b).hexdigest()`) or a local bound to it."""
        call = node
        for _ in range(4):
            if self.resolve(call.func) in spec.qualnames:
                return call
            func = call.func
            if type(func) is not ast.Attribute:
                return None
            inner: ast.expr | None = func.value
            if type(inner) is ast.Name:
                binding = self.binding(inner.id)
                inner = binding.expr if binding is not None else None
            if type(inner) is not ast.Call:
                return None
            call = inner
        return None

    def _into_argument(self, node: ast.Call, spec: SourceSpec, made: Taint) -> Taint:
        """`random.shuffle(chars)`: the source's value is its first argument, changed in place."""
        if spec.into_argument and node.args:
            key = self.key(node.args[0])
            env = self.env
            if key is not None and env is not None:  # (a call runs on a reachable path: env is set)
                env[key] = _join(self.load_key(key), made)
        return made

    def _call_source(self, node: ast.Call, func: ast.expr, receiver: Taint, spec: SourceSpec) -> Taint:
        """`request.get_json()`, `os.getenv("X")`, `request.args.get("x")`: one source for the whole call."""
        if receiver and spec.kind != "filename" and type(func) is ast.Attribute:  # `Path(root).iterdir()` lists
            return self.mod.widen_source(func.value, node, receiver)  # files whatever root is  # type: ignore[attr-defined]
        return self.mod.new_source(node, spec)

    def _typed(self, node: ast.Call, taint: Taint) -> Taint:
        """`request.args.get("n", type=int)`: the value Werkzeug converted (or the default), a number."""
        if node.keywords and taint:
            converts = numbers.typed_lookup(self, node)
            if converts is not None:
                return numbers.converted(taint, converts)
        return taint

    def _foreign(self, receiver: ast.expr, spec: SourceSpec) -> bool:
        """The receiver is an import of another framework's object (`from flask import request` in a
        file that imports Django too): a source named after its receiver belongs to its own framework."""
        if type(receiver) is not ast.Name or not spec.imports:
            return False
        qual = self.resolve(receiver)
        return qual is not None and "." in qual and qual.split(".", 1)[0] not in spec.imports

    def _method_source(self, node: ast.Call, func: ast.Attribute, method: str) -> Taint:
        mod = self.mod
        candidates = mod.receiver_methods.get(method)
        if candidates or self.class_sources:
            receiver = spell(func.value, 2)
            for spec in candidates or ():
                if (receiver in spec.receivers or receiver in self.receivers) and not self._foreign(func.value, spec):
                    return mod.new_source(node, spec)
            for spec in self.class_sources:
                if method in spec.methods and receiver in spec.receivers:
                    return mod.new_source(node, spec)
        anywhere = mod.any_methods.get(method)
        if anywhere is not None:
            return mod.new_source(node, anywhere)
        return EMPTY


def _widen_site(mod: ModuleState, index: int, args: list[Taint], keywords: list[tuple[str, Taint]],
                star: Taint, receiver: Taint, built: Steps) -> None:
    """The call site `index` (and its projections) passes what it passed before or what it is given now."""
    site = mod.calls[index]
    old_args = site.args
    joined_args = tuple(_join(old_args[i], args[i]) if i < len(old_args) else args[i] for i in range(len(args)))
    given = dict(keywords)
    joined_keywords = tuple((name, _join(taint, given.get(name, EMPTY))) for name, taint in site.keywords)
    widened = site._replace(args=joined_args, keywords=joined_keywords, star=_join(site.star, star),
                            receiver=_join(site.receiver, receiver), steps=site.steps or built)
    if widened != site:
        mod.calls[index] = widened
        for position, projection in enumerate(mod.projected.get(index, ())):
            mod.calls[projection] = widened._replace(position=position)


def _owner_name(owner: ast.expr) -> str | None:
    """The name a method is called on: `objects` of `Model.objects.get`, `compiler` of `compiler.compile`."""
    kind = type(owner)
    return owner.attr if kind is ast.Attribute else owner.id if kind is ast.Name else None  # type: ignore[attr-defined]


def _read_here(taint: Entry) -> bool:
    """The value holds data from a source read in this module (not only parameters or call results)."""
    for atom in taint:
        if atom[0] == "s":
            return True
    return False
