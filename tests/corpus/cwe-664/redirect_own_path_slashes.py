"""A directory server's "add the trailing slash" redirect, as http.server and small file servers write it.

taint-header-injection reports neither Location header: http.server splits the request line on
whitespace, so its path holds no CR/LF. What remains of the request path's flows is the existence
check of a directory it names ("/../../etc" is not collapsed before the join): taint-path-oracle.
"""
import os
import urllib.parse
from http.server import BaseHTTPRequestHandler


class DirectoryHandler(BaseHTTPRequestHandler):
    root = "/srv/www"

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        # ruleid: taint-path-oracle
        if os.path.isdir(os.path.join(self.root, parts.path.lstrip("/"))) and not parts.path.endswith("/"):
            self.send_response(301)
            new_url = urllib.parse.urlunsplit((parts[0], parts[1], parts[2] + "/", parts[3], parts[4]))
            # ruleid: redirect-own-path-leading-slashes
            # ok: taint-header-injection
            self.send_header("Location", new_url)
            self.end_headers()


class SafeDirectoryHandler(BaseHTTPRequestHandler):
    root = "/srv/www"

    def parse_request(self):
        ok = super().parse_request()
        if ok and self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")  # "//evil.example/" would be another host in Location
        return ok

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        # ruleid: taint-path-oracle
        if os.path.isdir(os.path.join(self.root, parts.path[1:])) and not parts.path.endswith("/"):
            self.send_response(301)
            new_url = urllib.parse.urlunsplit((parts[0], parts[1], parts[2] + "/", parts[3], parts[4]))
            # ok: redirect-own-path-leading-slashes, taint-header-injection
            self.send_header("Location", new_url)
            self.end_headers()
