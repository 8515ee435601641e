"""Obsolete, insecure APIs (CWE-477)."""
import socket
import ssl
# ruleid: deprecated-insecure-api
import telnetlib
# ruleid: deprecated-insecure-api
from cgi import FieldStorage
# ok: deprecated-insecure-api
import json


def connect(host):
    sock = socket.create_connection((host, 443), timeout=10)
    # ruleid: deprecated-insecure-api
    return ssl.wrap_socket(sock)


def connect_properly(host):
    sock = socket.create_connection((host, 443), timeout=10)
    # ok: deprecated-insecure-api
    return ssl.create_default_context().wrap_socket(sock, server_hostname=host)


def parse(environ):
    return FieldStorage(environ=environ), telnetlib, json
