"""CWE-89 SQL injection: query text assembled from data instead of bound parameters.

The sinks are module-level constants so the taint engine can reuse them.
A query is reported when its text is built at run time (f-string, `+`, `%`,
`.format()`, directly or through a local variable) with a part that is not a
number, a placeholder list or a quoted identifier, and the text looks like
SQL. Constant SQL, and constant SQL with parameters, is what to write.
"""

from __future__ import annotations

import ast
import re

from secreview.core.model import Confidence, Severity
from secreview.rules.base import Context, argument, keyword, rule
from secreview.rules.dataflow_hints import BuiltString, built_string, spliced_origin
from secreview.rules.splice_places import around

# DB-API 2.0 cursors/connections (sqlite3, psycopg, MySQLdb, ...) and SQLAlchemy
# sessions/connections: the query is the first argument.
SQL_EXECUTE_METHODS = ("execute", "executemany", "executescript", "mogrify")
# SQLAlchemy textual SQL: `text(sql)` and the older names for it.
SQL_TEXT_CALLS = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text")
# Django: `Model.objects.raw(sql, params)`, `RawSQL(sql, params)`, `.extra(where=[...], select={...})`.
DJANGO_RAW_METHODS = ("raw",)
DJANGO_EXTRA_METHODS = ("extra",)
DJANGO_RAWSQL_CALLS = ("django.db.models.expressions.RawSQL", "django.db.models.RawSQL")

# Calls that quote an identifier or a literal for the target dialect.
SQL_NEUTRALISERS = frozenset({
    "quote_name", "quote_ident", "quote_identifier", "quote", "escape_string", "literal", "qn",
    "psycopg2.sql.Identifier", "psycopg.sql.Identifier", "sqlalchemy.column", "sqlalchemy.table",
    "connection.ops.quote_name",
})

_SQL_SHAPE = re.compile(
    r"\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+(table|index|view)|"
    r"drop\s+(table|index|view)|alter\s+table|truncate|pragma|where\s|order\s+by|group\s+by|values\s*\()",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_sql(text: str) -> bool:
    return bool(_SQL_SHAPE.search(text))


# Where SQL names a table or column: between identifier quotes (`x`, "x", [x]; not `= "x"`, which
# SQLite reads as a string), after a keyword that takes a table (`IF [NOT] EXISTS` and a schema
# qualifier allowed; not `WHERE EXISTS`, which takes a subquery), or as
# the whole select list (`SELECT %s FROM`).
_QUOTES = (("`", "`"), ('"', '"'), ("[", "]"))
_TABLE_KEYWORD = re.compile(r"\b(?:from|join|into|update|table|view|index|sequence|truncate)\s+"
                            r"(?:if\s+(?:not\s+)?exists\s+)?(?:[^\s,()'=]*\.)?$", re.IGNORECASE)
_SELECT_LIST = re.compile(r"\bselect\s+(?:distinct\s+)?$", re.IGNORECASE)
_AFTER_NAME = re.compile(r"^(?:[\s,;().]|$)")
_AFTER_SELECT_LIST = re.compile(r"^\s+from\b", re.IGNORECASE)


def _identifier_place(before: str, after: str) -> bool:
    """The text around a place says SQL reads the value there as a table or column name."""
    if any(before.endswith(opening) and after.startswith(closing) for opening, closing in _QUOTES):
        return not (before.endswith('"') and before[:-1].rstrip().endswith("="))
    if _TABLE_KEYWORD.search(before) and _AFTER_NAME.match(after):
        return True
    return bool(_SELECT_LIST.search(before) and _AFTER_SELECT_LIST.match(after))


def only_names(ctx: Context, built: BuiltString) -> bool:
    """Every spliced part fills only places where SQL expects a table or column name.

    Names cannot be bound parameters, so schema code (DDL, introspection, a backend's constraint
    checks) splices them by necessity; a name whose origin is not visible is the schema's. Request
    data or a caller's text in such a place is still reported (a user-chosen table name is injection).
    """
    for part in built.parts:
        places = around(ctx, built.node, part)
        if not places or not all(_identifier_place(before, after) for before, after in places):
            return False
    return True


def _judge_query(ctx: Context, node: ast.Call, query: ast.expr | None, parameterised: bool, sink: str) -> None:
    built = built_string(ctx, query, SQL_NEUTRALISERS)
    if built is None or not looks_like_sql(built.literal):
        return
    judged = spliced_origin(ctx, built.parts, SQL_NEUTRALISERS)
    if judged is None or (parameterised and judged[0] is not Confidence.HIGH):
        return  # placeholders carry the values; the spliced parts are identifiers or fragments
    if judged[0] is Confidence.LOW and only_names(ctx, built):
        return  # names of unknown origin in name places: the schema's own
    _report(ctx, node, built, judged, sink)


def _report(ctx: Context, node: ast.AST, built: BuiltString, judged: tuple[Confidence, str], sink: str) -> None:
    confidence, why = judged
    ctx.report(node, f"{sink} runs SQL built by {built.describe()}; {why}, and a quote in it changes the "
               "statement.", confidence=confidence)


@rule(
    id="sql-injection-built-query",
    name="SQL statement built from data and executed",
    cwe="89",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    methods=SQL_EXECUTE_METHODS,
    bandit=("B608",),
    fix="Keep the SQL constant and pass values as parameters: "
    "cursor.execute('SELECT * FROM users WHERE name = %s', (name,)) (the placeholder is ? for sqlite3).",
)
def sql_injection_built_query(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `execute()`, `executemany()` and `executescript()` calls (DB-API
    cursors and connections, SQLAlchemy sessions) whose SQL text is built at
    run time with an f-string, `+`, `%` or `.format()`, directly or through a
    local variable, from values that are not numbers or quoted identifiers.

    ## Why is this bad
    A quote in a spliced value ends the string literal and the rest of the
    value is parsed as SQL: `' OR '1'='1` reads every row, `'; DROP TABLE`
    destroys data (CWE-89). Escaping by hand misses cases; bound parameters
    never reach the SQL parser as code.

    ## Example
    ```python
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    ```

    ## Use instead
    ```python
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    ```
    """
    query = argument(node, 0, "sql") or argument(node, 0, "operation") or argument(node, 0, "statement")
    parameterised = len(node.args) > 1 or any(k.arg in ("params", "parameters", "args") for k in node.keywords)
    _judge_query(ctx, node, query, parameterised, f"{node.func.attr}()")  # type: ignore[attr-defined]


@rule(
    id="sql-injection-sqlalchemy-text",
    name="SQLAlchemy text() built from data",
    cwe="89",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=SQL_TEXT_CALLS,
    bandit=("B608",),
    fix="Write the statement with named bind parameters and pass the values at execution: "
    "session.execute(text('SELECT * FROM users WHERE name = :name'), {'name': name}).",
)
def sql_injection_sqlalchemy_text(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `sqlalchemy.text()` whose SQL is built at run time from values that
    are not numbers or quoted identifiers.

    ## Why is this bad
    `text()` passes its string to the database as written; SQLAlchemy only
    protects values bound with `:name` parameters. Spliced values are parsed
    as SQL (CWE-89).

    ## Example
    ```python
    session.execute(text("SELECT * FROM users WHERE name = '%s'" % name))
    ```

    ## Use instead
    ```python
    session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    ```
    """
    _judge_query(ctx, node, argument(node, 0, "text"), False, "text()")


@rule(
    id="sql-injection-django-raw",
    name="Django raw SQL built from data",
    cwe="89",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=DJANGO_RAWSQL_CALLS,
    methods=DJANGO_RAW_METHODS + DJANGO_EXTRA_METHODS,
    bandit=("B610", "B611"),
    fix="Keep the SQL constant and pass values in params: "
    "User.objects.raw('SELECT * FROM auth_user WHERE username = %s', [name]); "
    "prefer ORM filters (User.objects.filter(username=name)) over extra().",
)
def sql_injection_django_raw(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds Django `Manager.raw()`, `QuerySet.extra(where=..., select=...,
    order_by=..., tables=...)` and `RawSQL()` whose SQL is built at run time
    from values that are not numbers or quoted identifiers.

    ## Why is this bad
    Django escapes values only when they are passed in `params`; SQL text in
    `raw()`, `extra()` and `RawSQL` is sent as written, so spliced values
    become SQL (CWE-89).

    ## Example
    ```python
    User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{name}'")
    ```

    ## Use instead
    ```python
    User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [name])
    ```
    """
    if isinstance(node.func, ast.Attribute) and node.func.attr in DJANGO_EXTRA_METHODS:
        for name in ("where", "select", "tables", "order_by"):
            kw = keyword(node, name)
            if kw is None:
                continue
            container = kw.value
            pieces = container.values if isinstance(container, ast.Dict) else \
                container.elts if isinstance(container, (ast.List, ast.Tuple)) else [container]
            for piece in pieces:
                built = built_string(ctx, piece, SQL_NEUTRALISERS)
                judged = spliced_origin(ctx, built.parts, SQL_NEUTRALISERS) if built is not None else None
                if built is None or judged is None:
                    continue
                if judged[0] is Confidence.HIGH or keyword(node, "params") is None:
                    _report(ctx, node, built, judged, f"extra({name}=...)")
                    return
        return
    if isinstance(node.func, ast.Attribute) and node.func.attr in DJANGO_RAW_METHODS:
        parameterised = len(node.args) > 1 or keyword(node, "params") is not None
        _judge_query(ctx, node, argument(node, 0, "raw_query"), parameterised, "raw()")
        return
    parameterised = len(node.args) > 1 or keyword(node, "params") is not None
    _judge_query(ctx, node, argument(node, 0, "sql"), parameterised, "RawSQL()")
