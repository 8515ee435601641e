"""The metadata API: instance ids signed with the secret shared with the proxy."""
import hashlib
import hmac

from flask import Flask, jsonify, request
from oslo_utils import strutils

import inventory.conf

CONF = inventory.conf.CONF
app = Flask(__name__)


def _sign(instance_id):
    return hmac.new(CONF.api.metadata_secret.encode(), instance_id.encode(), hashlib.sha256).hexdigest()


@app.route("/metadata/<instance_id>")
def metadata(instance_id):
    given = request.headers.get("X-Instance-ID-Signature", "")
    if not hmac.compare_digest(_sign(instance_id), given):
        return jsonify(error="bad signature"), 403
    return jsonify(instance=instance_id, auth=CONF.api.auth_strategy)


@app.route("/debug/settings")
def debug_settings():
    # ruleid: secret-in-response
    return jsonify(auth=CONF.api.auth_strategy, secret=CONF.api.metadata_secret)


@app.route("/debug/settings/safe")
def debug_settings_safe():
    # ok: secret-in-response
    return jsonify(auth=CONF.api.auth_strategy, pool=CONF.database.max_pool_size)


@app.route("/debug/settings/raw")
def debug_settings_raw():
    # Flask sends a returned dict as JSON
    # ruleid: secret-in-response
    return {"auth": CONF.api.auth_strategy, "secret": CONF.api.metadata_secret}


@app.route("/debug/settings/masked")
def debug_settings_masked():
    # ok: secret-in-response
    return strutils.mask_dict_password({"auth": CONF.api.auth_strategy, "secret": CONF.api.metadata_secret})
