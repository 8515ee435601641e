"""Flows from the standard library's sources: argv, input, the environment, sockets, http.server."""
import argparse
import os
import socket
import subprocess
import sys
from http.server import BaseHTTPRequestHandler


def main():
    # ruleid: taint-command-injection
    os.system("grep -r " + sys.argv[1] + " /var/log")
    answer = input("host? ")
    # ruleid: taint-command-injection
    subprocess.call("ping -c1 " + answer, shell=True)
    # ruleid: taint-command-injection
    os.system("cd " + os.environ["WORKDIR"] + " && make")
    parser = argparse.ArgumentParser()
    parser.add_argument("--target")
    options = parser.parse_args()
    # ruleid: taint-command-injection
    os.system(f"scp build.tgz {options.target}:/srv")
    # A number on every path: the pattern rule defers to the flow.
    # ok: taint-command-injection, command-injection-shell
    os.system("make -j" + str(int(os.environ.get("JOBS", "4"))))


def serve(port):
    with socket.create_server(("127.0.0.1", port)) as listener:
        conn, _ = listener.accept()
        with conn:
            command = conn.recv(1024).decode()
            # ruleid: taint-command-injection
            os.system(command)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        # ok: taint-header-injection
        self.send_header("Location", "/static" + self.path)  # the path is split on whitespace: no CR/LF
        # ruleid: taint-header-injection
        self.send_header("X-Forwarded-For", self.headers["X-Forwarded-For"])  # folded lines keep CRLF
        self.end_headers()

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        # ruleid: allocation-size-from-input
        body = self.rfile.read(length).decode()
        # ruleid: taint-code-injection
        exec(body)
        # ok: taint-header-injection
        self.send_header("Content-Length", str(length))
