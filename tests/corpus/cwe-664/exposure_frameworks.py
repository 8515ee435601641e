"""The same exposures in Tornado, WebOb (OpenStack-style controllers) and FastAPI code."""
import logging
import traceback

import tornado.web
import webob.exc
from fastapi import FastAPI, HTTPException, Request

LOG = logging.getLogger(__name__)
api = FastAPI()


class StatusHandler(tornado.web.RequestHandler):
    def get(self):
        # ruleid: request-headers-logged
        LOG.debug("status asked with %s", self.request.headers)
        # ok: request-headers-logged
        LOG.debug("status asked by %r", self.request.headers.get("User-Agent"))
        try:
            self.write(status_of("all"))
        except Exception as exc:
            self.set_status(500)
            # ruleid: exception-details-in-response
            self.write({"error": str(exc), "trace": traceback.format_exc()})
        except ValueError:
            self.set_status(400)
            # ok: exception-details-in-response
            self.write({"error": "bad name"})


class ServersController:
    def create(self, req, body):
        # ruleid: request-headers-logged
        LOG.debug("create server, environ %s", sorted(req.environ.items()))
        # ok: request-headers-logged
        LOG.debug("create server for project %s", req.environ.get("nova.context"))
        try:
            return create_server(body)
        except Exception as exc:
            # ruleid: exception-details-in-response
            raise webob.exc.HTTPInternalServerError(explanation=f"create failed: {exc}")
        except KeyError:
            # ok: exception-details-in-response
            raise webob.exc.HTTPBadRequest(explanation="a required field is missing")


@api.get("/items/{name}")
async def read_item(name: str, request: Request):
    # ruleid: request-headers-logged
    LOG.info("read %r with headers %r", name, request.headers)
    try:
        return lookup(name)
    except Exception as exc:
        # ruleid: exception-details-in-response
        raise HTTPException(status_code=500, detail=repr(exc))


@api.get("/other/{name}")
async def read_other(name: str, request: Request):
    # ok: request-headers-logged
    LOG.info("read %r for %r", name, request.headers.get("X-Request-Id"))
    try:
        return lookup(name)
    except LookupError as exc:
        # ok: exception-details-in-response
        raise HTTPException(status_code=404, detail=str(exc))


def status_of(name):
    return {"name": name}


def create_server(body):
    return body


def lookup(name):
    return {"name": name}
