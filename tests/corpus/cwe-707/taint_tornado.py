"""Taint flows in Tornado request handlers."""
import subprocess

import tornado.web
from tornado.escape import xhtml_escape


class SearchHandler(tornado.web.RequestHandler):
    def get(self):
        term = self.get_argument("q")
        # ruleid: taint-xss
        self.write("<p>You searched for " + term + "</p>")
        # ok: taint-xss
        self.write("<p>You searched for " + xhtml_escape(term) + "</p>")

    def post(self):
        # ruleid: taint-command-injection
        subprocess.run("process " + self.request.body.decode(), shell=True)


class RepoHandler(tornado.web.RequestHandler):
    def get(self, repo):
        # ruleid: taint-command-injection
        subprocess.run(f"git -C /srv/{repo} log", shell=True)
        # ruleid: taint-open-redirect
        self.redirect(self.get_query_argument("next"))
