"""Debug settings of frameworks configured in code (CWE-489, pillar CWE-710): Pyramid.

`Configurator(settings={...})` read as Pyramid reads it (`asbool` for switches). Django's
and Flask's DEBUG are in `standards.py`.
"""

from __future__ import annotations

import ast
import ipaddress

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, keyword, rule
from secreview.rules.heuristics import test_context_named

_PYRAMID_CONFIGURATORS = ("pyramid.config.Configurator",)
_DEBUG_OUTPUT = ("pyramid.debug_all", "debug_all", "pyramid.debug_authorization", "debug_authorization",
                 "pyramid.debug_notfound", "debug_notfound")
_TRUE_TEXT = ("true", "yes", "on", "1")
_MENTIONS_PYRAMID = ("Configurator",)


def _truthy(value: object) -> bool:
    """Pyramid reads settings with `asbool`: True, 1 and "true"/"yes"/"on"/"1" in any case."""
    return value is True or value == 1 or isinstance(value, str) and value.strip().lower() in _TRUE_TEXT


def _open_hosts(text: object) -> str | None:
    """A `debugtoolbar.hosts` entry that admits more than this machine (`0.0.0.0/0`, `10.0.0.0/8`)."""
    if not isinstance(text, str):
        return None
    for entry in text.split():
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return entry  # a host name: whatever it resolves to
        if not network.is_loopback:
            return entry
    return None


@rule(
    id="pyramid-debug-settings",
    tests=False,
    name="Pyramid debug toolbar or debug output enabled in the application's settings",
    cwe="489",
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    calls=_PYRAMID_CONFIGURATORS,
    fix="Keep debug settings in development .ini files: drop pyramid_debugtoolbar and the pyramid.debug_* "
    "switches from settings the deployed application uses, and never widen debugtoolbar.hosts.",
    mentions=_MENTIONS_PYRAMID,
)
def pyramid_debug_settings(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Reads the constant `settings={...}` given to `pyramid.config.Configurator`:
    `pyramid_debugtoolbar` in `pyramid.includes` with `debugtoolbar.hosts`
    admitting other machines (high severity), and `pyramid.debug_all`,
    `debug_authorization` or `debug_notfound` switched on. Test and
    development modules are not reported. The toolbar's default hosts
    (127.0.0.1 and ::1) are not reported.

    ## Why is this bad
    The debug toolbar includes the Werkzeug interactive debugger: anyone it
    admits runs Python in the server. The debug switches put the context, the
    ACL and the traversal state of a request into the 403 and 404 responses
    and logs (CWE-489).

    ## Example
    ```python
    config = Configurator(settings={"pyramid.includes": "pyramid_debugtoolbar",
                                    "debugtoolbar.hosts": "0.0.0.0/0"})
    ```

    ## Use instead
    ```python
    config = Configurator(settings=settings)  # from production.ini, without the toolbar
    ```
    """
    if test_context_named(ctx):
        return
    given = keyword(node, "settings")
    settings = given.value if given is not None else None
    if not isinstance(settings, ast.Dict):
        return
    values = {ctx.constant_value(k): (k, v) for k, v in zip(settings.keys, settings.values) if k is not None}
    includes = values.get("pyramid.includes")
    hosts = values.get("debugtoolbar.hosts")
    if includes is not None and "pyramid_debugtoolbar" in str(ctx.constant_value(includes[1])) and hosts is not None:
        wide = _open_hosts(ctx.constant_value(hosts[1]))
        if wide is not None:
            ctx.report(hosts[0], f"pyramid_debugtoolbar admits `{wide}`: its interactive debugger runs Python "
                       "for anyone in that range.", severity=Severity.HIGH)
    for name in _DEBUG_OUTPUT:
        found = values.get(name)
        if found is not None and _truthy(ctx.constant_value(found[1])):
            ctx.report(found[0], f"`{name}` is on: 403/404 responses and logs describe the request's context, "
                       "ACL and traversal.", severity=Severity.LOW)
