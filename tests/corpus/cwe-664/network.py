"""SSRF (CWE-918), open redirect (CWE-601), all-interface binding (CWE-1327), missing timeouts (CWE-1088)."""
import socket
import urllib.request
from http.server import HTTPServer, SimpleHTTPRequestHandler
from urllib.parse import urlsplit
from urllib.request import urlopen

import httpx
import requests
import uvicorn
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
ALLOWED_HOSTS = {"images.example.org"}
NEXT_PAGES = {"billing": "/account/billing", "profile": "/account/profile"}


@app.route("/preview")
def preview():
    # ruleid: ssrf-request-url
    page = requests.get(request.args["url"], timeout=5)
    # ok: ssrf-request-url
    search = requests.get(f"https://api.example.org/search?q={request.args['q']}", timeout=5)
    return page.text + search.text


@app.route("/fetch")
def fetch():
    target = "http://" + request.args["host"] + "/status"
    # ruleid: ssrf-request-url, read-unbounded
    return urlopen(target, timeout=5).read()


@app.route("/fetch-checked")
def fetch_checked():
    parts = urlsplit(request.args["url"])
    if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
        return "forbidden", 403
    # ok: ssrf-request-url
    return httpx.get(parts.geturl()).text


@app.route("/proxy/<host>")
def proxy(host):
    with httpx.Client() as client:
        # ruleid: ssrf-request-url
        return client.get(f"https://{host}/api").text


def fetch_configured(settings):
    # ok: ssrf-request-url
    return requests.get(settings.UPSTREAM_URL, timeout=10).json()


@app.route("/login")
def login():
    # ruleid: open-redirect
    return redirect(request.args.get("next", "/"))


@app.route("/login-local")
def login_local():
    # ok: open-redirect
    return redirect("/account/" + request.args.get("tab", ""))


@app.route("/login-protocol-relative")
def login_protocol_relative():
    # ruleid: open-redirect
    return redirect("/" + request.args.get("path", ""))


def django_login_checked(request):
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    # ok: open-redirect
    return HttpResponseRedirect(target)


@app.route("/login-mapped")
def login_mapped():
    # ok: open-redirect
    return redirect(NEXT_PAGES.get(request.args.get("next"), "/"))


@app.route("/form", methods=["POST"])
def post_redirect_get():
    # ok: open-redirect
    return redirect(request.url)


@app.route("/double-slash")
def double_slash():
    # ruleid: open-redirect
    return redirect(request.path)


@app.route("/home")
def home():
    # ok: open-redirect
    return redirect(url_for("index", tab=request.args.get("tab")))


def django_login(request):
    # ruleid: open-redirect
    return HttpResponseRedirect(request.GET["next"])


def serve_everywhere(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # ruleid: bind-all-interfaces
    sock.bind(("0.0.0.0", port))
    # ok: bind-all-interfaces
    sock.bind(("127.0.0.1", port))
    # ruleid: bind-all-interfaces
    HTTPServer(("", 8000), SimpleHTTPRequestHandler).serve_forever()
    return sock


def main(host):
    # ruleid: bind-all-interfaces
    app.run(host="0.0.0.0", port=8080)
    # ok: bind-all-interfaces
    app.run(host="127.0.0.1", port=8080)
    # ok: bind-all-interfaces
    app.run(host=host)
    # ruleid: bind-all-interfaces
    uvicorn.run(app, host="::", port=8000)


def call_upstream(url, payload):
    # ruleid: http-request-without-timeout
    first = requests.get(url)
    # ok: http-request-without-timeout
    second = requests.post(url, json=payload, timeout=10)
    session = requests.Session()
    # ruleid: http-request-without-timeout
    third = session.put(url, data=payload)
    with requests.Session() as pooled:
        # ruleid: http-request-without-timeout
        fourth = pooled.get(url)
        # ok: http-request-without-timeout
        fifth = pooled.get(url, timeout=3)
    # ruleid: http-request-without-timeout
    sixth = urllib.request.urlopen(url)
    # ok: http-request-without-timeout
    seventh = urllib.request.urlopen(url, timeout=30)
    # ok: http-request-without-timeout
    eighth = httpx.get(url)
    # ruleid: http-request-without-timeout
    ninth = httpx.get(url, timeout=None)
    # ok: http-request-without-timeout
    tenth = {"a": 1}.get("a")
    return first, second, third, fourth, fifth, sixth, seventh, eighth, ninth, tenth


def get_safe_redirect(url):
    return url if url.startswith("/account/") else "/"


@app.route("/safe-helper")
def safe_helper():
    # ok: open-redirect
    return redirect(get_safe_redirect(request.args.get("next", "")))


@app.route("/back")
def back():
    # ruleid: open-redirect
    return redirect(request.referrer)


# eventlet's (and gevent's) Timeout interrupts the green thread's wait inside the block (Celery's
# eventlet web crawler example): the request is bounded. Outside such a block it is not.
def crawl_green(url):
    from eventlet import Timeout

    with Timeout(5, False):
        # ok: http-request-without-timeout
        response = requests.get(url)
    return response


def crawl_green_unbounded(url):
    from eventlet import Timeout

    with Timeout(5, False):
        pass
    # ruleid: http-request-without-timeout
    return requests.get(url)
