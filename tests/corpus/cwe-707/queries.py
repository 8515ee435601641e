"""LDAP (CWE-90), XPath (CWE-643) and regular-expression (CWE-1333) injection."""
import re

import ldap
from flask import request
from ldap.filter import escape_filter_chars, filter_format
from ldap3 import Connection
from lxml import etree

BASE_DN = "ou=people,dc=example,dc=org"


def find_person(conn, username):
    # ruleid: ldap-injection
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={username})")


def find_person_escaped(conn, username):
    # ok: ldap-injection
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")


def find_person_formatted(conn, username):
    # ok: ldap-injection
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [username]))


def ldap3_login(server):
    conn = Connection(server)
    query = "(&(objectClass=person)(mail=" + request.form["email"] + "))"
    # ruleid: ldap-injection
    conn.search(BASE_DN, query)
    # ok: ldap-injection
    conn.search(BASE_DN, "(objectClass=person)")
    # ruleid: ldap-injection
    conn.search(search_base=BASE_DN, search_filter="(cn=%s)" % request.form["cn"])


def regex_search_is_not_ldap(text, word):
    # ok: ldap-injection
    return re.search(word, f"(prefix {text})")


def find_user_node(root, name):
    # ruleid: xpath-injection
    return root.xpath(f"//user[@name='{name}']")


def find_user_node_bound(root, name):
    # ok: xpath-injection
    return root.xpath("//user[@name = $name]", name=name)


def compiled_xpath():
    # ruleid: xpath-injection
    finder = etree.XPath("//item[@sku='" + request.args["sku"] + "']")
    # ok: xpath-injection
    fixed = etree.XPath("//item[@sku = $sku]")
    return finder, fixed


def grep_lines(lines):
    # ruleid: regex-injection
    return [line for line in lines if re.search(request.args["q"], line)]


def grep_lines_escaped(lines):
    # ok: regex-injection
    pattern = re.compile(re.escape(request.args["q"]))
    return [line for line in lines if pattern.search(line)]


def highlight(text):
    term = request.args.get("term", "")
    # ruleid: regex-injection
    return re.sub("(" + term + ")", r"<mark>\1</mark>", text)


def validated_term(text):
    term = request.args.get("term", "")
    if not re.fullmatch(r"[\w ]{1,40}", term):
        return text
    # ok: regex-injection
    return re.sub(term, "*", text)


def pattern_from_settings(settings, text):
    # ok: regex-injection
    return re.findall(settings.TOKEN_PATTERN, text)
