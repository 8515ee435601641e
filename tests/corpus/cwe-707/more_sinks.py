"""More CWE-707 sinks and their safe twins, one library API at a time."""
import subprocess

import commands
import ldap
from django.utils.safestring import SafeString
from flask import request
from mako.template import Template as MakoTemplate
from psycopg2 import sql


def legacy_commands(host):
    # ruleid: command-injection-shell
    return commands.getoutput("nslookup " + host)


def getoutput(branch):
    # ruleid: command-injection-shell
    log = subprocess.getoutput(f"git log --oneline {branch}")
    # ok: command-injection-shell
    same = subprocess.run(["git", "log", "--oneline", branch], capture_output=True, text=True).stdout
    return log, same


def list_with_shell_true(path):
    # ok: command-injection-shell
    return subprocess.run(["ls", "-l", path], shell=True)


def composed_identifiers(cursor, table, key):
    query = sql.SQL("SELECT value FROM {} WHERE key = %s").format(sql.Identifier(table))
    # ok: sql-injection-built-query
    cursor.execute(query, (key,))


def named_parameters(cursor, name):
    # ok: sql-injection-built-query
    cursor.execute("SELECT * FROM users WHERE name = %(name)s", {"name": name})


def dict_formatting(cursor, name):
    # ruleid: sql-injection-built-query
    cursor.execute("SELECT * FROM users WHERE name = '%(name)s'" % {"name": name})


def with_cursor(connection, term):
    with connection.cursor() as cursor:
        # ruleid: sql-injection-built-query
        cursor.execute("DELETE FROM sessions WHERE user = '" + term + "'")


def mako_page(body):
    # ruleid: template-injection
    return MakoTemplate("<html>" + body + "</html>").render()


def mako_page_safe(body):
    # ok: template-injection
    return MakoTemplate("<html>${body | h}</html>").render(body=body)


def safe_string(title):
    # ruleid: xss-mark-safe
    return SafeString("<h1>%s</h1>" % title)


def safe_string_constant():
    # ok: xss-mark-safe
    return SafeString("<hr>")


def ldap_keywords(conn, uid):
    # ruleid: ldap-injection
    return conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, filterstr="(uid=" + uid + ")")


def ldap_constant_filter(conn):
    # ok: ldap-injection
    return conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, filterstr="(objectClass=person)")


def regex_compile_request():
    import re
    # ruleid: regex-injection
    matcher = re.compile(r"^" + request.args["prefix"])
    # ok: regex-injection
    escaped = re.compile(r"^" + re.escape(request.args["prefix"]))
    return matcher, escaped


def eval_request():
    # ruleid: code-injection-eval
    return eval(request.form["formula"])


def compile_from_file(path):
    with open(path) as handle:
        # ruleid: code-injection-eval
        return compile(handle.read(), path, "exec")
