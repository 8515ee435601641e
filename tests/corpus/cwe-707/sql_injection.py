"""SQL built from data versus bound parameters (CWE-89)."""
import sqlite3

from django.db.models.expressions import RawSQL
from flask import request
from sqlalchemy import text


def find_user(conn: sqlite3.Connection, name):
    cursor = conn.cursor()
    # ruleid: sql-injection-built-query
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    # ok: sql-injection-built-query
    cursor.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cursor.fetchall()


def find_by_request(conn):
    # ruleid: sql-injection-built-query
    conn.execute("SELECT * FROM orders WHERE id = " + request.args["id"])
    # ok: sql-injection-built-query
    conn.execute("SELECT * FROM orders WHERE id = ?", (request.args["id"],))


def query_via_variable(cursor, email):
    sql = "SELECT id FROM accounts WHERE email = '%s'" % email
    # ruleid: sql-injection-built-query
    cursor.execute(sql)
    constant_sql = "SELECT id FROM accounts WHERE email = %s"
    # ok: sql-injection-built-query
    cursor.execute(constant_sql, (email,))


def format_method(cursor, status):
    # ruleid: sql-injection-built-query
    cursor.execute("UPDATE jobs SET state = '{}' WHERE done = 1".format(status))


def grown_with_plus_equals(cursor, order):
    query = "SELECT * FROM items WHERE 1 = 1"
    query += " ORDER BY " + order
    # ruleid: sql-injection-built-query
    cursor.execute(query)


def numeric_parts_are_fine(cursor, limit, ids):
    # ok: sql-injection-built-query
    cursor.execute("SELECT * FROM items LIMIT %d" % int(limit))
    # ok: sql-injection-built-query
    cursor.execute(f"SELECT * FROM items LIMIT {len(ids)}")
    placeholders = ", ".join(["?"] * len(ids))
    # ok: sql-injection-built-query
    cursor.execute(f"SELECT * FROM items WHERE id IN ({placeholders})", ids)
    # ok: sql-injection-built-query
    cursor.execute("SELECT * FROM items WHERE id IN (%s)" % ",".join("?" for _ in ids), ids)


def identifier_with_parameters(cursor, table, key):
    # ok: sql-injection-built-query
    cursor.execute(f"SELECT value FROM {table} WHERE key = %s", (key,))


def script(conn, table):
    # ruleid: sql-injection-built-query
    conn.executescript("DROP TABLE IF EXISTS " + table + "; VACUUM;")


def bulk_insert(cursor, rows, table):
    # ok: sql-injection-built-query
    cursor.executemany("INSERT INTO " + table + " VALUES (?, ?)", rows)


def not_sql(executor, job_name):
    # ok: sql-injection-built-query
    executor.execute(f"job {job_name} started")


def whole_query_is_a_parameter(cursor, statement):
    # ok: sql-injection-built-query
    cursor.execute(statement)


def sqlalchemy_text(session, name):
    # ruleid: sql-injection-sqlalchemy-text
    stmt = text("SELECT * FROM users WHERE name = '%s'" % name)
    # ok: sql-injection-sqlalchemy-text
    safe = text("SELECT * FROM users WHERE name = :name")
    session.execute(safe, {"name": name})
    return stmt


def sqlalchemy_session_execute(session):
    term = request.args.get("q", "")
    # ruleid: sql-injection-built-query
    session.execute(f"SELECT * FROM posts WHERE title LIKE '%{term}%'")


def django_raw(User, name):
    # ruleid: sql-injection-django-raw
    users = User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{name}'")
    # ok: sql-injection-django-raw
    same = User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [name])
    return users, same


def django_raw_request(User, request):
    # ruleid: sql-injection-django-raw
    return User.objects.raw("SELECT * FROM auth_user WHERE id = " + request.GET["id"])


def django_extra(Entry, since):
    # ruleid: sql-injection-django-raw
    recent = Entry.objects.extra(where=[f"pub_date > '{since}'"])
    # ok: sql-injection-django-raw
    same = Entry.objects.extra(where=["pub_date > %s"], params=[since])
    return recent, same


def django_rawsql(Book, request):
    # ruleid: sql-injection-django-raw
    annotated = Book.objects.annotate(rank=RawSQL("SELECT rank FROM ranks WHERE name = '%s'" % request.GET["n"], []))
    # ok: sql-injection-django-raw
    fine = Book.objects.annotate(rank=RawSQL("SELECT rank FROM ranks WHERE name = %s", [request.GET["n"]]))
    return annotated, fine


def not_a_query(reader, raw_bytes):
    # ok: sql-injection-django-raw
    return reader.raw(f"{raw_bytes!r}")


def order_by_allow_listed(cursor, column):
    if column not in ("name", "price"):
        raise ValueError(column)
    # ok: sql-injection-built-query
    cursor.execute(f"SELECT * FROM items ORDER BY {column}")


class SchemaEditor:
    """DDL built from quoted identifiers, as a database backend's schema editor writes it."""

    def convert_column(self, table, column, old_type):
        # Every value `value` ever holds is a quoted identifier wrapped in constant SQL.
        value = self.quote_name(column)
        if old_type.startswith("CLOB"):
            value = "TO_CHAR(%s)" % value
        if old_type.startswith("DATE"):
            value = "TO_DATE(%s, 'YYYY-MM-DD')" % value
        # ok: sql-injection-built-query
        self.cursor.execute("UPDATE %s SET %s = %s" % (self.quote_name(table), self.quote_name(column), value))

    def convert_column_default(self, table, column, default):
        # One of the values `value` can hold is a caller's text: still reported.
        value = self.quote_name(column)
        if default:
            value = "COALESCE(%s, '%s')" % (value, default)
        # ruleid: sql-injection-built-query
        self.cursor.execute("UPDATE %s SET %s = %s" % (self.quote_name(table), self.quote_name(column), value))

    def table_description(self, cursor, table):
        # A counter incremented by a number is a number (`+=` of a str and an int raises).
        self.cache_bust_counter += 1
        # ok: sql-injection-built-query
        cursor.execute("SELECT * FROM {} WHERE ROWNUM < 2 AND {} > 0".format(
            self.quote_name(table), self.cache_bust_counter))

    def table_suffix(self, cursor, table):
        self.suffix += "_old"
        # ruleid: sql-injection-built-query
        cursor.execute("SELECT * FROM {} WHERE name = '{}'".format(self.quote_name(table), self.suffix))


# One literal or another (SQLAlchemy's MSSQL reflection picks a text by server version): constant text.
def reflect_indexes(connection, clustered):
    kind = "CLUSTERED" if clustered else "HEAP"
    # ok: sql-injection-sqlalchemy-text
    return connection.execute(text(f"SELECT name FROM sys.indexes WHERE type_desc = '{kind}'"))


def reflect_named_indexes(connection, name, clustered):
    kind = name if clustered else "HEAP"
    # ruleid: sql-injection-sqlalchemy-text
    return connection.execute(text(f"SELECT name FROM sys.indexes WHERE type_desc = '{kind}'"))
