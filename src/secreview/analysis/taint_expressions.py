"""Expression evaluation of the taint pass: the taint of names, attributes, operators, literals, comprehensions.

Calls are evaluated by `secreview.analysis.taint_calls`; the dispatch on node type is
`taint_state.expression_handler`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Final

from secreview.analysis import (
    configured_templates,
    containers,
    control,
    credentials,
    format_fields,
    framing,
    neutralisers,
    numbers,
    sink_events,
    stored_credentials,
    url_query,
)
from secreview.analysis.declared_secrets import read_key
from secreview.analysis.specs import SourceSpec
from secreview.analysis.summaries import EMPTY, Taint
from secreview.analysis.taint_calls import CallMatching
from secreview.analysis.taint_pass import Env
from secreview.analysis.taint_state import NOCUT, URL_KINDS, expression_handler, param_names
from secreview.analysis.values import SECRET_SINKS, cut, fixed_origin, record_identifier, spell

_EQUALITY: Final = (ast.Eq, ast.NotEq)
_CHECKED_AFTER: Final = (ast.Compare, ast.UnaryOp)  # operands of `and`/`or` that may compare what an earlier one checked
# What an object's type is called: none of the object's text (`msg.__class__.__name__` in an error message).
_TYPE_ATTRIBUTES: Final = frozenset({"__class__", "__name__", "__qualname__", "__module__"})
_REPR: Final = ord("r")
_REDIRECT: Final = frozenset({"redirect"})


_join: Final = control.join


class ExpressionEvaluation(CallMatching):
    """The taint of an expression, by node type.

    The second part of `secreview.analysis.taint._FunctionPass`, after the calls (`CallMatching`).
    """

    __slots__ = ()

    # -- expressions ------------------------------------------------------------------
    def ev(self, node: ast.expr) -> Taint:
        handler = expression_handler(type(node))
        return handler(self, node) if handler is not None else EMPTY

    def load_key(self, key: str) -> Taint:
        env = self.env
        assert env is not None  # an expression is evaluated on a reachable path
        found = env.get(key)
        if found is not None:
            return found
        found = self.closure.get(key)
        if found is not None:
            return found
        if "." not in key:
            return self.global_name(key)
        return EMPTY

    def global_name(self, name: str) -> Taint:
        mod = self.mod
        found = mod.module_env.get(name)
        if found is not None and self.node is not None:
            return found
        if name not in mod.source_roots:
            # `from settings import DB_PASSWORD`: another module's constant (upper case: see credentials)
            return credentials.imported(mod, name) if mod.literals and name.isupper() else EMPTY
        found = mod.global_memo.get(name)
        if found is None:
            qual = mod.names.qualname(ast.Name(id=name, ctx=ast.Load()))
            spec = mod.specs.source_qualnames.get(qual) if qual else None
            found = _GLOBAL_SOURCE if spec is not None else EMPTY
            mod.global_memo[name] = found
        return found

    def _name(self, node: ast.Name) -> Taint:
        env = self.env
        assert env is not None  # an expression is evaluated on a reachable path
        taint = env.get(node.id)
        if taint is not None and taint is not _GLOBAL_SOURCE:  # a local: the common case, without load_key
            return taint
        taint = self.load_key(node.id)
        if taint is _GLOBAL_SOURCE:
            # a module-level name that is itself a source (`from sys import argv`): one atom per use
            qual = self.resolve(node) or node.id
            spec = self.mod.specs.source_qualnames[qual]
            return self.mod.new_source(node, spec)
        return taint

    def _attribute(self, node: ast.Attribute) -> Taint:
        mod = self.mod
        attr = node.attr
        value = node.value
        if attr in _TYPE_ATTRIBUTES:
            return EMPTY
        declared = read_key(node)
        if declared:  # `CONF.vmware.host_password`: secret if the project declares the option so
            return mod.declared_read(node, declared, self.qualname)
        candidates = mod.receiver_attrs.get(attr)
        if candidates or self.class_sources:
            receiver = spell(value, 2)
            for spec in candidates or ():
                if (receiver in spec.receivers or receiver in self.receivers) and not self._foreign(value, spec):
                    return mod.new_source(node, spec)
            for spec in self.class_sources:
                if attr in spec.attributes and receiver in spec.receivers:
                    return mod.new_source(node, spec)
        if type(value) is ast.Name:
            name = value.id
            found = self._name_attribute(node, name, attr)
            if name in self.made_by or self.models:  # an instance whose class the pass may know
                stored = self._stored_field(node, name, attr)
                if stored:
                    return found | stored
            return found
        if attr == "data" and type(value) is ast.Attribute and type(value.value) is ast.Name:
            typed = self._form_field(node, value.value.id, value.attr)  # `form.password.data` (WTForms)
            if typed:
                return typed | self.ev(value)
        base = self.ev(value)
        if base:
            return record_identifier(base, attr)
        if isinstance(value, ast.Attribute):
            found = self._qualified_source(node)
            if not found and mod.literals and attr.isupper():  # `billing.settings.DB_PASSWORD`
                return credentials.attribute(self, node)
            return found
        return EMPTY

    def _name_attribute(self, node: ast.Attribute, name: str, attr: str) -> Taint:
        """`name.attr`: a field stored in this function, of `self`, of a tainted value, of a source root."""
        mod = self.mod
        safe = self.safe_fields.get(name)
        if safe is not None and attr in safe:  # a field the model declares as a number (validated on the way in)
            return numbers.field(self.load_key(name), safe[attr])
        key = f"{name}.{attr}"
        env = self.env
        assert env is not None  # an expression is evaluated on a reachable path
        found = env.get(key)
        if found is not None:
            return found
        if name == self.self_name and self.class_qual:
            return frozenset({("f", f"{self.class_qual}.{attr}", NOCUT)})
        base = self.load_key(name)
        if base:
            if base is _GLOBAL_SOURCE:
                return self._qualified_source(node) or EMPTY
            return EMPTY if credentials.only_constants(base) else record_identifier(base, attr)  # `CONF.database`: not the constant
        if name in mod.source_roots and name not in env:
            return self._qualified_source(node)
        if mod.literals and attr.isupper() and name not in env:  # `settings.DB_PASSWORD`
            return credentials.attribute(self, node)
        return EMPTY

    def _stored_field(self, node: ast.Attribute, name: str, attr: str) -> Taint:
        """`user.api_key` of an instance of a model class the pass knows: a pending source of the model's
        field, a secret if its class declares it of a credential type (secreview.analysis.stored_credentials)."""
        cls = self._instance_of(name)
        if cls is None:
            return EMPTY
        return self._declared_field(node, cls, attr, self.mod.credential_fields, stored_credentials.MODEL,
                                    stored_credentials.STORED_FIELD)

    def _form_field(self, node: ast.expr, name: str, field: str) -> Taint:
        """`form.password.data`, `form.cleaned_data["password"]`: a password if the form's class declares
        the field a password input (secreview.analysis.stored_credentials)."""
        cls = self._instance_of(name)
        if cls is None:
            return EMPTY
        return self._declared_field(node, cls, field, self.mod.password_fields, stored_credentials.FORM,
                                    stored_credentials.FORM_PASSWORD)

    def _declared_field(self, node: ast.expr, cls: str, field: str, local: Callable[[], dict[str, frozenset[str]]],
                        prefix: str, spec: SourceSpec) -> Taint:
        """A pending read of `cls.field`; of a class of this module, only of a field it declares so."""
        mod = self.mod
        if cls.startswith(mod.module) and cls[len(mod.module):len(mod.module) + 1] == ".":  # a class of this module
            fields = local().get(cls)
            if fields is None or field not in fields:
                return EMPTY
        return mod.declared_read(node, f"{prefix}{cls}.{field}", self.qualname, spec)

    def _instance_of(self, name: str) -> str | None:
        """The project class whose instance the local `name` holds, if the pass knows it (annotated,
        made or queried here: stored_credentials.instance_class)."""
        cls = self.models.get(name) if self.models else None
        if cls is not None:
            return cls
        made = self.made_by.get(name)
        if made is None or self.mod.test_module:  # a test's instances are fixtures (and Nova's tests make
            return None                          # 12 times as many model reads as its code: a cost too)
        memo = self.mod.instance_memo
        cls = memo.get(id(made), "")
        if cls == "":
            cls = stored_credentials.instance_class(made, self._class_name)
            if cls is not None and ("." not in cls or self.mod.external(cls)):
                cls = None  # a builtin's or a library's class
            memo[id(made)] = cls
        return cls

    def _class_name(self, node: ast.expr) -> str | None:
        """What `node` names, and a model class of this module by its bare name (the name model binds
        imports, not the classes a module defines)."""
        found = self.resolve(node)
        if found is None and type(node) is ast.Name:
            local = f"{self.mod.module}.{node.id}"
            return local if local in self.mod.credential_fields() or local in self.mod.password_fields() else None
        return found

    def _qualified_source(self, node: ast.expr) -> Taint:
        qual = self.resolve(node)
        if qual is None:
            return EMPTY
        spec = self.mod.specs.source_for(qual)
        return self.mod.new_source(node, spec) if spec is not None else EMPTY

    def _subscript(self, node: ast.Subscript) -> Taint:
        value = node.value
        if type(value) is ast.List or type(value) is ast.Tuple:
            element = containers.literal_element(self, node)  # `[a, b][0]`
            if element is not None:
                return element
        self.ev(node.slice)
        taint = self.ev(value)
        key = node.slice
        if type(value) is ast.Attribute and value.attr in stored_credentials.SUBMITTED and type(key) is ast.Constant \
                and type(key.value) is str and type(value.value) is ast.Name:  # `form.cleaned_data["password"]`
            typed = self._form_field(node, value.value.id, key.value)
            if typed:
                taint = taint | typed
        if taint:
            if type(node.slice) is ast.Slice:  # `token[-4:]`: a fragment that names a secret, not the secret
                taint = cut(taint, SECRET_SINKS)
            if self.parts:
                found = containers.load(self, node, taint)  # `d["safe"]`
                if found is not taint:
                    return found
            if type(key) is ast.Constant and type(key.value) is str:
                taint = record_identifier(taint, key.value)
            return self.mod.widen_source(value, node, taint)
        return taint

    def _binop(self, node: ast.BinOp) -> Taint:
        op = type(node.op)
        left = node.left
        framed = framing.binop_framed(node)  # `"%s: %s\r\n" % (name, value)`: a protocol line
        parts: list[Taint] | None = [] if framed else None
        left_taint = EMPTY
        if op is ast.Mod and type(left) is ast.Constant and type(node.right) is ast.Tuple \
                and isinstance(left.value, str):
            taint = self._percent_arguments(left.value, node.right, parts)
        elif framed and op is ast.Mod and type(node.right) is ast.Tuple:  # b"%s: %s\r\n" % (name, value)
            parts = [self.ev(element) for element in node.right.elts]
            taint = self.ev(left)
            for part in parts:
                taint = _join(taint, part)
        else:
            taint = left_taint = self.ev(left)
            right = self.ev(node.right)
            if right and op is ast.Mod and type(left) is ast.Constant and isinstance(left.value, str):
                keys = format_fields.percent_keys(left.value)
                if keys is not None:  # `"ping %(host)s" % values`: the entries it names
                    right = containers.values_at(self, node.right, keys, right)
            if right and op is ast.Add and url_query.after_separator(left):  # `url + "?" + query`
                right = cut(right, URL_KINDS)
            elif right and self.class_qual and configured_templates.fills_configured_template(
                    node, self.self_name, self.mod.unset_attributes.get(self.class_qual, frozenset()), self.node):
                right = cut(right, URL_KINDS)  # `self.url % kwargs`: the configured template places them
            taint = _join(taint, right)
            if parts is not None:
                parts.append(right)
            if left_taint or right:
                numbers.binop(self, node, left_taint, right)
        if parts is not None:
            taint = framing.binop(self, node, left_taint, parts, taint)
        if taint:
            if op is ast.Mod and neutralisers.percent_repr_only(node):
                taint = cut(taint, neutralisers.LINE_BREAK_SINKS)  # `"user %r" % name`
            if (op is ast.Add or op is ast.Mod) and fixed_origin(_leftmost(node)):
                return cut(taint, URL_KINDS)
            if op is ast.Add and neutralisers.local_path(node):
                return cut(taint, _REDIRECT)
        return taint

    def _percent_arguments(self, fmt: str, values: ast.Tuple, parts: list[Taint] | None = None) -> Taint:
        """`"%s?%s" % (url, query)`: the arguments' taint, cut for URL sinks where the format puts
        them after a literal `?` or `#` (see `url_query`); each argument's also added to `parts`."""
        positions = url_query.percent_positions(fmt)
        if positions is not None and len(positions) != len(values.elts):
            positions = None
        taint = EMPTY
        for index, element in enumerate(values.elts):
            found = self.ev(element)
            if found and positions is not None and positions[index]:
                found = cut(found, URL_KINDS)
            if parts is not None:
                parts.append(found)
            taint = _join(taint, found)
        return taint

    def _boolop(self, node: ast.BoolOp) -> Taint:
        """`a or b` evaluates `b` only where `a` failed (`and`: held): a comparison after a check sees what the
        check proved (`not math.isfinite(x) or x > LIMIT`)."""
        taint = EMPTY
        env: Env | None = None
        narrowed: Env | None = None
        checked: set[str] = self.checked
        values = node.values
        for index, value in enumerate(values):
            if index and type(value) in _CHECKED_AFTER and self.env is not None:
                proved = self.guard(values[index - 1])[0 if type(node.op) is ast.And else 1]
                if proved:
                    if narrowed is None:
                        env, checked = self.env, set(self.checked)
                        narrowed = self.env = dict(env)
                    self.apply_clean(proved)
            taint = _join(taint, self.ev(value))
        if narrowed is not None:  # what the operands proved holds inside the expression only
            self.env, self.checked = env, checked
        return numbers.defaulted(node, taint)

    def _compare(self, node: ast.Compare) -> Taint:
        left = self.ev(node.left)
        if len(node.comparators) == 1:
            right = self.ev(node.comparators[0])
            if (left or right) and type(node.ops[0]) in _EQUALITY:
                sink_events.comparison(self, node, left, right)
            elif left or right:
                numbers.ordering(self, node, [left, right])
        else:
            operands = [left, *(self.ev(comparator) for comparator in node.comparators)]
            numbers.ordering(self, node, operands)
        return EMPTY  # a boolean carries no text

    def _unary(self, node: ast.UnaryOp) -> Taint:
        taint = self.ev(node.operand)
        return EMPTY if isinstance(node.op, ast.Not) else taint

    def _sequence(self, node: ast.Tuple | ast.List | ast.Set) -> Taint:
        if type(node) is ast.List and framing.line_pieces(node):  # `[name, b": ", value, b"\r\n"]`
            return framing.pieces(self, node)
        taint = EMPTY
        for element in node.elts:
            taint = _join(taint, self.ev(element))
        return taint

    def _dict(self, node: ast.Dict) -> Taint:
        taint = EMPTY
        for key in node.keys:
            if key is not None:
                taint = _join(taint, self.ev(key))
        for value in node.values:
            taint = _join(taint, self.ev(value))
        return taint

    def _joined(self, node: ast.JoinedStr) -> Taint:
        taint = EMPTY
        parts = []
        query = False  # a literal `?` or `#` came before: the rest is the URL's query (see url_query)
        for part in node.values:
            if type(part) is ast.FormattedValue:
                value = self.ev(part.value)
                if value and part.conversion == _REPR:
                    value = cut(value, neutralisers.LINE_BREAK_SINKS)  # repr() escapes CR, LF
                if value and query:
                    value = cut(value, URL_KINDS)
                parts.append(value)
                taint = _join(taint, value)
            elif not query and type(part) is ast.Constant:
                query = url_query.after_separator(part)
        if taint:
            taint = framing.joined(self, node, parts, taint)  # f"{name}: {value}\r\n": a protocol line
            if node.values and fixed_origin(node.values[0]):
                return cut(taint, URL_KINDS)
        return taint

    def _formatted(self, node: ast.FormattedValue) -> Taint:
        return self.ev(node.value)

    def _passthrough(self, node: ast.Await | ast.Starred) -> Taint:
        return self.ev(node.value)

    def _yield(self, node: ast.Yield | ast.YieldFrom) -> Taint:
        if node.value is not None:
            self.returns = _join(self.returns, self.ev(node.value))
        return EMPTY

    def _named(self, node: ast.NamedExpr) -> Taint:
        taint = self.ev(node.value)
        self.bind(node.target, taint, node.value)
        return taint

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> Taint:
        env = self.env
        assert env is not None  # an expression is evaluated on a reachable path
        saved = dict(env)
        for generator in node.generators:
            self.bind_each(generator.target, generator.iter, self.ev(generator.iter))
            for condition in generator.ifs:
                self.ev(condition)
        if isinstance(node, ast.DictComp):
            taint = _join(self.ev(node.key), self.ev(node.value))
        else:
            taint = self.ev(node.elt)
        self.env = saved
        return taint

    def _lambda(self, node: ast.Lambda) -> Taint:
        """The body runs later, with the closure's values: its sinks are checked here."""
        saved = self.env
        assert saved is not None  # an expression is evaluated on a reachable path
        inner = self.env = dict(saved)
        params, _, _ = param_names(node.args)
        for param in params:
            inner[param.arg] = EMPTY
        result = self.ev(node.body)
        self.env = saved
        return result  # calling it is a call of an unknown function: its arguments flow through too


# A module-level name that is itself a source (`from sys import argv`): each use becomes its own source.
_GLOBAL_SOURCE: Final[Taint] = frozenset({("g", "", NOCUT)})


def _leftmost(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.BinOp):
        node = node.left
    return node
