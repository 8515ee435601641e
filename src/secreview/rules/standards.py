"""CWE-710 Improper Adherence to Coding Standards: debug code and obsolete APIs."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, is_true, keyword, rule
from secreview.rules.heuristics import in_test_code


@rule(
    id="debug-mode-enabled",
    name="Web application run with the debugger enabled",
    cwe="489",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=("run",),
    bandit=("B201",),
    fix="Never enable debug in code that can be deployed; read it from the environment "
    "(app.run(debug=os.environ.get('FLASK_DEBUG') == '1')) and keep it off in production.",
)
def debug_mode_enabled(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `app.run(debug=True)` (Flask, and any `.run()` of a web app object
    given `debug=True`).

    ## Why is this bad
    Werkzeug's interactive debugger lets anyone who can trigger an error run
    Python in the server process; the PIN protection has been bypassed
    before (CWE-489).

    ## Example
    ```python
    app.run(host="0.0.0.0", debug=True)
    ```

    ## Use instead
    ```python
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    """
    debug = keyword(node, "debug")
    if debug is None or not is_true(debug.value) or in_test_code(ctx):
        return
    name = ctx.call_name(node) or ""
    confidence = Confidence.HIGH if name.startswith(("flask.", "werkzeug.")) else Confidence.MEDIUM
    ctx.report(node, f"`{ast.unparse(node.func)}(debug=True)` enables the interactive debugger, "
               "which executes code sent by anyone who can reach the server.", confidence=confidence)
