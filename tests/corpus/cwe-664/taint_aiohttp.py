"""Taint flows in aiohttp handlers to path, SSRF and redirect sinks."""
import os
from pathlib import Path

import requests
from aiohttp import web

STATIC = Path("/srv/static")
ALLOWED_HOSTS = {"api.example.org"}


async def download(request):
    name = request.match_info["name"]
    # ruleid: taint-path-traversal
    with open(os.path.join("/srv/static", name), "rb") as handle:
        data = handle.read()
    # ok: taint-path-traversal
    with open(os.path.join("/srv/static", os.path.basename(name)), "rb") as handle:
        data += handle.read()
    return web.Response(body=data)


async def download_checked(request):
    target = (STATIC / request.match_info["name"]).resolve()
    if not target.is_relative_to(STATIC):
        raise web.HTTPForbidden()
    # ok: taint-path-traversal
    return web.Response(body=target.read_bytes())


async def download_unchecked(request):
    target = STATIC / request.query["file"]
    # ruleid: taint-path-traversal
    return web.Response(body=target.read_bytes())


async def proxy(request):
    url = request.query.get("url", "")
    # ruleid: taint-ssrf
    upstream = requests.get(url, timeout=5)
    # ok: taint-ssrf
    fixed = requests.get("https://api.example.org/v1/search?q=" + url, timeout=5)
    return web.Response(text=upstream.text + fixed.text)


async def proxy_checked(request):
    form = await request.post()
    target = form["url"]
    if urlsplit(target).hostname not in ALLOWED_HOSTS:
        raise web.HTTPBadRequest()
    # ok: taint-ssrf
    # ruleid: url-parser-mismatch
    return web.Response(text=requests.get(target, timeout=5).text)


async def jump(request):
    # ruleid: taint-open-redirect
    raise web.HTTPFound(request.query["next"])


from urllib.parse import urlsplit  # noqa: E402
