"""The id of a record another service created is that service's identifier, not the caller's text.

A call the analysis cannot resolve (`self.volume_api.create(...)`) is assumed to pass its
arguments' taint to its result; the identifier field of that result (`['id']`, `.uuid`) is
assigned by the service that created the record (Nova's Location header of a new volume or
image) and cannot carry the name it was created with. A field the request itself holds is.
"""
import webob

from flask import Flask, make_response, request

app = Flask(__name__)


class VolumeController:
    def create(self, req, body):
        volume = self.volume_api.create(req.environ["nova.context"], body["volume"]["name"])
        resp = webob.Response(status_int=202)
        # ok: taint-header-injection
        resp.headers["Location"] = "/volumes/%s" % volume["id"]
        return resp

    def snapshot(self, req, body):
        image = self.image_api.snapshot(body["name"])
        resp = webob.Response(status_int=202)
        # ok: taint-header-injection
        resp.headers["Location"] = "/images/" + str(image.uuid)
        return resp

    def rename(self, req, body):
        volume = self.volume_api.update(body["volume"])
        resp = webob.Response(status_int=202)
        # ruleid: taint-header-injection
        resp.headers["X-Volume-Name"] = volume["name"]
        return resp


@app.route("/items", methods=["POST"])
def create_item():
    data = request.get_json()
    response = make_response(b"", 201)
    # ruleid: taint-header-injection
    response.headers["Location"] = "/items/%s" % data["id"]
    return response
