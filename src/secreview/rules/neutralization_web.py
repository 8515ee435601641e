"""CWE-707 in web output: templates, HTML, response headers and log lines.

Each sink list is a module-level constant the taint engine can reuse.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.specs import neutralisers_for
from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, is_false, keyword, rule
from secreview.rules.dataflow_hints import (
    built_string,
    logged_values,
    origin_call,
    percent_conversions,
    request_data,
    spliced_origin,
)
from secreview.rules.heuristics import in_test_code, mention_gate, name_of

# Constructors and functions that compile their argument as template *source*.
TEMPLATE_SOURCE_CALLS = (
    "flask.render_template_string", "flask.templating.render_template_string",
    "jinja2.Template", "jinja2.environment.Template", "mako.template.Template",
    "django.template.Template", "tornado.template.Template",
)
TEMPLATE_SOURCE_METHODS = ("from_string",)
# Wrappers that declare a string to be HTML that needs no escaping.
MARK_SAFE_CALLS = (
    "markupsafe.Markup", "flask.Markup", "jinja2.Markup", "jinja2.utils.Markup",
    "django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
    "django.utils.safestring.SafeText",
)
FORMAT_HTML_CALLS = ("django.utils.html.format_html",)
HTML_ESCAPERS = frozenset({
    "escape", "conditional_escape", "html.escape", "markupsafe.escape", "django.utils.html.escape",
    "django.utils.html.conditional_escape", "format_html", "format_html_join", "json_script",
    "bleach.clean", "bleach.linkify", "nh3.clean", "strip_tags", "urlencode", "quote", "quote_plus",
})
JINJA_ENVIRONMENTS = ("jinja2.Environment", "jinja2.environment.Environment")
# Response header setters (Werkzeug/Flask, Django, Tornado, http.server, WSGI).
HEADER_METHODS = ("set_header", "add_header", "send_header", "setdefault", "add", "set", "__setitem__")
WSGI_START_RESPONSE = "start_response"
# Request data that formats through repr(): whole mappings (`request.args`) and bytes
# (`request.data`, `request.body`) print their newlines escaped.
_REPR_FORMATTED = re.compile(r"\.(args|form|values|json|cookies|headers|files|view_args|GET|POST|COOKIES|META|FILES|"
                             r"query_params|data|body|get_json\(\)|get_data\(\))$")


@rule(
    id="template-injection",
    tests=False,
    name="Template source built from data (server-side template injection)",
    cwe="1336",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=TEMPLATE_SOURCE_CALLS,
    methods=TEMPLATE_SOURCE_METHODS,
    fix="Keep the template constant (a file or a literal) and pass data as context variables: "
    "render_template_string('Hello {{ name }}', name=name).",
)
def template_injection(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `render_template_string()`, `jinja2.Template()`,
    `Environment.from_string()` and the Mako, Django and Tornado template
    constructors whose template source is built at run time or comes from a
    request.

    ## Why is this bad
    Template syntax is code: `{{ cycler.__init__.__globals__.os.popen('id').read() }}`
    runs commands in Jinja2. Whoever writes part of the template source
    controls the server (CWE-1336). HTML escaping does not neutralise
    template syntax.

    ## Example
    ```python
    return render_template_string(f"<h1>Hello {request.args['name']}</h1>")
    ```

    ## Use instead
    ```python
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    if isinstance(node.func, ast.Attribute) and node.func.attr in TEMPLATE_SOURCE_METHODS:
        receiver = node.func.value
        origin = origin_call(ctx, receiver) or ""
        spelled = ast.unparse(receiver).lower()
        if not (origin.startswith("jinja2") or "jinja" in spelled or "env" in spelled):
            return
    source = argument(node, 0, "source")
    if source is None or ctx.is_constant(source):
        return
    origin = request_data(ctx, source)
    built = built_string(ctx, source)
    if origin:
        ctx.report(node, f"The template source contains `{origin}`; template syntax in it runs on the server.",
                   confidence=Confidence.HIGH)
    elif built is not None and (judged := spliced_origin(ctx, built.parts)) is not None:
        ctx.report(node, f"The template source is {built.describe()}; {judged[1]}, and template syntax "
                   "in it runs on the server.", confidence=judged[0])


@rule(
    id="xss-mark-safe",
    tests=False,
    name="Data marked as safe HTML without escaping",
    cwe="79",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=MARK_SAFE_CALLS + FORMAT_HTML_CALLS,
    fix="Let the template escape values, or build the HTML with escaping: "
    "format_html('<b>{}</b>', name) in Django, Markup('<b>{}</b>').format(name) in Markupsafe.",
)
def xss_mark_safe(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `Markup()`, `mark_safe()` and `SafeString()` applied to a string
    built from values that were not escaped, or to request data, and
    `format_html()` whose *format string* is built from data.

    ## Why is this bad
    These calls tell the template engine the text is already HTML, so
    autoescaping skips it. A `<script>` in the spliced value runs in every
    visitor's browser with the site's cookies and permissions (CWE-79).

    ## Example
    ```python
    return mark_safe(f"<b>{comment.author}</b>")
    ```

    ## Use instead
    ```python
    return format_html("<b>{}</b>", comment.author)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    value = argument(node, 0, "format_string") if ctx.call_name(node) in FORMAT_HTML_CALLS \
        else argument(node, 0, "s") or argument(node, 0, "base")
    if value is None or ctx.is_constant(value):
        return
    origin = request_data(ctx, value, HTML_ESCAPERS)
    built = built_string(ctx, value, HTML_ESCAPERS)
    name = ctx.call_name(node)
    if origin:
        ctx.report(node, f"{name}() marks `{origin}` as safe HTML; it comes from the request unescaped.",
                   confidence=Confidence.HIGH)
    elif built is not None and (judged := spliced_origin(ctx, built.parts, HTML_ESCAPERS)) is not None:
        ctx.report(node, f"{name}() marks {built.describe()} as safe HTML without escaping; {judged[1]}.",
                   confidence=judged[0])


@rule(
    id="jinja-autoescape-disabled",
    tests=False,
    name="Jinja2 environment without HTML autoescaping",
    cwe="79",
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    calls=JINJA_ENVIRONMENTS,
    bandit=("B701",),
    fix="Turn autoescaping on for HTML templates: Environment(loader=..., "
    "autoescape=select_autoescape(['html', 'htm', 'xml'])).",
)
def jinja_autoescape_disabled(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `jinja2.Environment()` created without `autoescape=`, with
    `autoescape=False`, or with `select_autoescape([...])` listing extensions
    that leave out `.html`. (Flask's own environment escapes `.html` templates;
    this is about environments the code creates itself.)

    ## Why is this bad
    Jinja2's default is not to escape. Every `{{ value }}` in an HTML
    template then inserts the value's markup as-is, so user data becomes
    script in the page (CWE-79). Environments that render e-mail text, SQL
    or code are fine without it: a module that shows no sign of HTML output
    (no markup, no `.html` template, no web framework) is not reported, and
    the confidence is low unless the environment itself mentions HTML.

    ## Example
    ```python
    env = Environment(loader=FileSystemLoader("templates"))
    ```

    ## Use instead
    ```python
    env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    setting = keyword(node, "autoescape")
    if setting is not None and isinstance(setting.value, ast.Call):
        missed = _html_not_selected(ctx, setting.value)
        if missed is not None:
            ctx.report(node, f"jinja2.Environment() with {missed}: .html templates are rendered without "
                       "escaping.", confidence=Confidence.MEDIUM)
        return
    if setting is not None and not (is_false(setting.value) or ctx.constant_value(setting.value) is False):
        return
    if any(isinstance(k.value, ast.Dict) or k.arg is None for k in node.keywords):
        return  # **options may carry autoescape
    html = any(
        isinstance(sub, ast.Constant) and isinstance(sub.value, str) and "htm" in sub.value.lower()
        for sub in ast.walk(node)
    )
    if not html and not _module_renders_html(ctx):
        return  # text output (rst, mail, configuration): nothing to escape
    state = "autoescape=False" if setting is not None else "no autoescape= (the default is off)"
    ctx.report(node, f"jinja2.Environment() with {state}: values rendered into HTML are not escaped.",
               confidence=Confidence.MEDIUM if html else Confidence.LOW)


# What shows that a module produces HTML: markup in a literal, an .html template or html/ folder,
# or a web framework it imports.
_HTML_MARKUP = re.compile(r"<\s*/?\s*(?:html|head|body|div|span|p|a|b|i|em|strong|ul|ol|li|table|tr|td|th|form|"
                          r"input|script|style|h[1-6]|br|img|pre|code)\b[^<>]*>", re.IGNORECASE)
_HTML_TEMPLATE = re.compile(r"\.x?html?$|(?:^|/)html?(?:/|$)", re.IGNORECASE)
_WEB_FRAMEWORKS = frozenset({"flask", "django", "starlette", "fastapi", "pyramid", "aiohttp", "bottle", "tornado",
                             "quart", "sanic", "falcon", "werkzeug", "webob", "cherrypy"})


def _module_renders_html(ctx: Context) -> bool:
    """Whether anything in the module says its output is HTML. Without autoescape, an environment
    that renders reStructuredText, mail or configuration files (a release script, a man-page
    builder, a config templater) escapes nothing that needed escaping; only HTML output does."""
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _HTML_MARKUP.search(node.value) or _HTML_TEMPLATE.search(node.value):
                return True
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and _imports_web_framework(node):
            return True
    return False


def _imports_web_framework(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.partition(".")[0] in _WEB_FRAMEWORKS for alias in node.names)
    return bool(node.module) and node.level == 0 and node.module.partition(".")[0] in _WEB_FRAMEWORKS  # type: ignore[union-attr]


_DJANGO_ENGINES = ("django.template.Engine", "django.template.engine.Engine")
_DJANGO_ENGINE_WORDS = ("Engine(",)
_DJANGO_TEMPLATES_WORDS = ("DjangoTemplates",)
_MENTIONS_DJANGO_ENGINE = mention_gate(*_DJANGO_ENGINE_WORDS)
_MENTIONS_DJANGO_TEMPLATES = mention_gate(*_DJANGO_TEMPLATES_WORDS)


@rule(
    id="django-autoescape-disabled",
    tests=False,
    name="Django template engine with autoescaping turned off",
    cwe="79",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Call, ast.Dict),
    mentions=(*_DJANGO_ENGINE_WORDS, *_DJANGO_TEMPLATES_WORDS),  # (and each kind of node asks for its own)
    fix="Leave autoescape at its default (True); mark the few trusted fragments with format_html() or "
    "{% autoescape off %} around constant markup only.",
)
def django_autoescape_disabled(node: ast.Call | ast.Dict, ctx: Context) -> None:
    """
    ## What it does
    Finds `django.template.Engine(autoescape=False)` and a `TEMPLATES` entry
    for `DjangoTemplates` whose `OPTIONS` set `"autoescape": False`.

    ## Why is this bad
    With autoescaping off every `{{ value }}` of every template of that engine
    is inserted as markup: one user-controlled field anywhere is stored or
    reflected script (CWE-79). Engines that render plain text (e-mails,
    configuration files) are the exception, which a reviewer confirms.

    ## Example
    ```python
    TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                  "OPTIONS": {"autoescape": False}}]
    ```

    ## Use instead
    ```python
    TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                  "OPTIONS": {"context_processors": [...]}}]
    ```
    """
    if isinstance(node, ast.Call):
        if not _MENTIONS_DJANGO_ENGINE(ctx) or not keyword(node, "autoescape") \
                or ctx.call_name(node) not in _DJANGO_ENGINES or in_test_code(ctx):
            return
        setting = keyword(node, "autoescape")
        if setting is not None and ctx.constant_value(setting.value) is False:
            ctx.report(node, "django.template.Engine(autoescape=False): its templates insert every value "
                       "unescaped.")
        return
    if not _MENTIONS_DJANGO_TEMPLATES(ctx) or in_test_code(ctx):
        return
    entries = {ctx.constant_value(k): v for k, v in zip(node.keys, node.values) if k is not None}
    if "DjangoTemplates" not in str(ctx.constant_value(entries.get("BACKEND"))):
        return
    options = entries.get("OPTIONS")
    if isinstance(options, ast.Dict):
        for key, value in zip(options.keys, options.values):
            if key is not None and ctx.constant_value(key) == "autoescape" and ctx.constant_value(value) is False:
                ctx.report(key, "TEMPLATES sets OPTIONS['autoescape'] = False for DjangoTemplates: every "
                           "template inserts values unescaped.")


def _html_not_selected(ctx: Context, call: ast.Call) -> str | None:
    """`select_autoescape(["xml"])` whose listed extensions leave out HTML: how the code spelled it.

    Its default (`enabled_extensions=("html", "htm", "xml")`) covers HTML, so only a
    constant list without "html" or "htm" is reported.
    """
    if ctx.call_name(call) not in ("jinja2.select_autoescape", "jinja2.utils.select_autoescape"):
        return None
    listed = argument(call, 0, "enabled_extensions")
    if listed is None:
        return None
    if not isinstance(listed, (ast.List, ast.Tuple)):
        return None
    extensions = [ctx.constant_value(element) for element in listed.elts]
    if not all(isinstance(e, str) for e in extensions):
        return None
    if any(e.lower().lstrip(".") in ("html", "htm") for e in extensions):
        return None
    return f"select_autoescape({list(extensions)!r})"


def _header_target(ctx: Context, target: ast.expr) -> bool:
    """`response.headers["X"]` or `response["X"]` on a Django response, not `request.headers`."""
    if not isinstance(target, ast.Subscript):
        return False
    container = target.value
    if isinstance(container, ast.Attribute) and container.attr == "headers":
        return name_of(container.value) not in ("request", "req")
    origin = origin_call(ctx, container) or ""
    return "Response" in origin.rsplit(".", 1)[-1]


@rule(
    id="header-injection",
    tests=False,
    name="Response header set from request data",
    cwe="113",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.Assign, ast.Call),  # start_response is a parameter, so not dispatched by name
    fix="Validate the value against what the header may hold (an allow-list, a parsed URL, a quoted "
    "filename) and reject CR and LF: if any(c in value for c in '\\r\\n'): abort(400).",
)
def header_injection(node: ast.AST, ctx: Context) -> None:
    """
    ## What it does
    Finds response headers whose value contains request data:
    `response.headers["X"] = request.args[...]`, `response["X"] = ...` on a
    Django response, `set_header`/`add_header`/`send_header`, and header
    lists passed to WSGI `start_response`. Confidence is medium where
    nothing rejects CR/LF (`http.server`, raw WSGI) and low on framework
    response objects (Werkzeug, Django, Tornado), which refuse them.

    ## Why is this bad
    A CR LF in the value ends the header and starts another, or the body:
    the client can set cookies, poison caches or split the response
    (CWE-113). Werkzeug, Django and Tornado reject newlines in header
    values; `http.server`'s `send_header` and raw WSGI do not, and even
    where newlines are rejected the client still chooses the header's
    content (e.g. `Content-Disposition` parameters, a reflected CORS origin).

    ## Example
    ```python
    response.headers["Content-Disposition"] = "attachment; filename=" + request.args["name"]
    ```

    ## Use instead
    ```python
    response.headers["Content-Disposition"] = f"attachment; filename={secure_filename(name)}"
    ```
    """
    if node.__class__ is ast.Assign:
        if not any(target.__class__ is ast.Subscript for target in node.targets):  # type: ignore[attr-defined]
            return  # what follows sets a header only through a subscript
    elif not (isinstance(node.func, ast.Attribute) and node.func.attr in HEADER_METHODS  # type: ignore[attr-defined]
              or name_of(node.func) == WSGI_START_RESPONSE):  # type: ignore[attr-defined]
        return  # nor any other call: the cheap part of the checks below, asked first
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    value: ast.expr | None = None
    unchecked = False  # raw WSGI and http.server write CR/LF as given; frameworks refuse them
    if isinstance(node, ast.Assign):
        if any(_header_target(ctx, t) for t in node.targets):
            value = node.value
    elif isinstance(node, ast.Call) and name_of(node.func) == WSGI_START_RESPONSE:
        value = argument(node, 1, "response_headers")
        unchecked = True
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        method = node.func.attr
        receiver = node.func.value
        if method in ("set_header", "add_header", "send_header"):
            value = node.args[1] if len(node.args) > 1 else None
            unchecked = method == "send_header"
        elif method in HEADER_METHODS and isinstance(receiver, ast.Attribute) and receiver.attr == "headers" \
                and name_of(receiver.value) not in ("request", "req") and len(node.args) > 1:
            value = node.args[1]
    if value is None:
        return
    # What neutralises a header value is the taint specs' answer (one list); where the taint pass
    # proves the value safe or constant, this finding is dropped in favour of its proof.
    origin = request_data(ctx, value, neutralisers_for("header"))
    if origin and unchecked:
        ctx.report(node, f"A response header is set from `{origin}`; nothing here rejects CR/LF, so the "
                   "client can add headers or split the response.")
    elif origin:
        ctx.report(node, f"A response header is set from `{origin}`; the framework rejects CR/LF, but the "
                   "client still chooses the header's content.", confidence=Confidence.LOW)


@rule(
    id="log-injection",
    tests=False,
    name="Request data written to a log unescaped",
    cwe="117",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    methods=("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"),
    fix="Log request data with %r (or !r in f-strings), which escapes newlines, or strip CR/LF first: "
    "logger.info('login failed for %r', username).",
)
def log_injection(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds logging calls whose message or arguments contain request data
    formatted with `%s`/`{}` (not `%r`/`!r`, which escape line breaks).

    ## Why is this bad
    A newline in the value starts a new, forged log line: an attacker can
    add entries such as `INFO login succeeded for admin`, hide their tracks,
    or inject control sequences into whoever reads the log in a terminal
    (CWE-117). Structured (JSON) formatters escape this; plain text ones do
    not.

    ## Example
    ```python
    logger.warning("login failed for %s", request.form["user"])
    ```

    ## Use instead
    ```python
    logger.warning("login failed for %r", request.form["user"])
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    values = logged_values(ctx, node)
    if not values:
        return
    conversions = percent_conversions(ctx.constant_value(values[0]))
    for index, value in enumerate(values):
        if index > 0 and len(conversions) == len(values) - 1 and conversions[index - 1] in ("r", "a"):
            continue
        if isinstance(value, ast.JoinedStr):
            candidates = [v.value for v in value.values
                          if isinstance(v, ast.FormattedValue) and v.conversion not in (ord("r"), ord("a"))]
        else:
            candidates = [value]
        for candidate in candidates:
            origin = request_data(ctx, candidate, ("repr", "ascii", "json.dumps"))
            if origin and not _REPR_FORMATTED.search(origin):
                ctx.report(node, f"`{origin}` is written to the log as-is; a line break in it forges log entries.")
                return


_MENTIONS_IS_SAFE = ("is_safe",)


def _safe_filter(ctx: Context, function: ast.FunctionDef) -> bool:
    """`@register.filter(is_safe=True)` (or `@register.filter("name", is_safe=True)`) on `function`."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
                and decorator.func.attr == "filter":
            flag = keyword(decorator, "is_safe")
            if flag is not None and ctx.constant_value(flag.value) is True:
                return True
    return False


def _unescaped_uses(node: ast.AST, name: str) -> list[ast.Name]:
    """Loads of `name` inside string building in `node`, outside any escaping call."""
    found: list[ast.Name] = []

    def visit(sub: ast.AST, building: bool) -> None:
        if isinstance(sub, ast.Call) and name_of(sub.func).rsplit(".", 1)[-1] in HTML_ESCAPERS:
            return
        if isinstance(sub, ast.Name) and sub.id == name and building:
            found.append(sub)
            return
        if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Mod):  # `("%" + arg) % value`: the format
            visit(sub.right, True)  # (stringformat's specifier, written in the template) adds no text of its own
            return
        here = building or isinstance(sub, (ast.BinOp, ast.JoinedStr)) or (
            isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in ("format", "join"))
        for child in ast.iter_child_nodes(sub):
            visit(child, here)

    visit(node, False)
    return found


@rule(
    id="django-safe-filter-argument",
    tests=False,
    name="Template filter registered is_safe=True splices its argument in unescaped",
    cwe="79",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    nodes=(ast.FunctionDef,),
    fix="Escape what the filter adds (conditional_escape(arg)) or register it without is_safe=True.",
    mentions=_MENTIONS_IS_SAFE,
)
def django_safe_filter_argument(node: ast.FunctionDef, ctx: Context) -> None:
    """
    ## What it does
    Finds Django template filters registered with `is_safe=True` whose
    returned string is built from the filter's *argument* (`{{ value|f:arg }}`)
    without escaping it.

    ## Why is this bad
    `is_safe=True` tells Django that a safe input gives a safe output, so the
    result stays marked safe and is not escaped. The input was escaped or safe;
    the argument was not: markup in it (a context variable a user set) reaches
    the page as HTML (CWE-79).

    ## Example
    ```python
    @register.filter(is_safe=True)
    def suffix(value, arg):
        return value + arg
    ```

    ## Use instead
    ```python
    @register.filter(is_safe=True)
    def suffix(value, arg):
        return value + conditional_escape(arg)
    ```
    """
    if len(node.args.args) < 2 or not _safe_filter(ctx, node) or in_test_code(ctx):
        return
    argument_name = node.args.args[1].arg
    for stmt in ast.walk(node):
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            uses = _unescaped_uses(stmt.value, argument_name)
            if uses:
                ctx.report(uses[0], f"filter `{node.name}` is registered is_safe=True and returns its argument "
                           f"`{argument_name}` unescaped: the result stays marked safe.")
                return
