"""A directory server's "add the trailing slash" redirect, as http.server and small file servers write it.

taint-header-injection also reports both Location headers (self.path into send_header); http.server
splits the request line on whitespace, so its path holds no CR/LF: a known over-report of that rule.
"""
import os
import urllib.parse
from http.server import BaseHTTPRequestHandler


class DirectoryHandler(BaseHTTPRequestHandler):
    root = "/srv/www"

    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        if os.path.isdir(os.path.join(self.root, parts.path.lstrip("/"))) and not parts.path.endswith("/"):
            self.send_response(301)
            new_url = urllib.parse.urlunsplit((parts[0], parts[1], parts[2] + "/", parts[3], parts[4]))
            # ruleid: redirect-own-path-leading-slashes, taint-header-injection
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
        if os.path.isdir(os.path.join(self.root, parts.path[1:])) and not parts.path.endswith("/"):
            self.send_response(301)
            new_url = urllib.parse.urlunsplit((parts[0], parts[1], parts[2] + "/", parts[3], parts[4]))
            # ruleid: taint-header-injection
            # ok: redirect-own-path-leading-slashes
            self.send_header("Location", new_url)
            self.end_headers()
