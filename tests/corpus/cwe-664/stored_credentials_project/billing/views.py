"""The merchants' dashboard API."""
import logging

from flask import Flask, abort, jsonify, request
from flask_login import current_user, login_required

from billing.forms import DashboardLoginForm
from billing.models import Merchant
from billing.payments import key_id

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/merchants/<int:merchant_id>")
def merchant_detail(merchant_id):
    merchant = Merchant.query.get_or_404(merchant_id)
    # ruleid: secret-in-response
    return jsonify(id=merchant.id, name=merchant.name, provider_key=merchant.provider_key)


@app.route("/merchants/<int:merchant_id>/summary")
def merchant_summary(merchant_id):
    merchant = Merchant.query.get_or_404(merchant_id)
    # ok: secret-in-response
    return jsonify(id=merchant.id, name=merchant.name, key_id=key_id(merchant.provider_key))


@app.route("/password", methods=["POST"])
@login_required
def change_password():
    merchant = Merchant.query.filter_by(id=current_user.id).first()
    # ruleid: secret-in-log
    log.debug("password change for merchant %s, stored hash %s", merchant.id, merchant.password)
    # PasswordType compares by verifying the candidate against the hash (passlib).
    # ok: timing-unsafe-comparison
    if merchant.password != request.form["current_password"]:
        abort(403)
    merchant.password = request.form["new_password"]
    return jsonify(id=merchant.id)


@app.route("/password/quiet", methods=["POST"])
@login_required
def change_password_quietly():
    merchant = Merchant.query.filter_by(id=current_user.id).first()
    # ok: secret-in-log
    log.debug("password change for merchant %s", merchant.id)
    # ok: timing-unsafe-comparison
    if merchant.password != request.form["current_password"]:
        abort(403)
    merchant.password = request.form["new_password"]
    return jsonify(id=merchant.id)


@app.route("/dashboard/login", methods=["POST"])
def dashboard_login():
    form = DashboardLoginForm()
    if not form.validate_on_submit():
        abort(400)
    # ruleid: secret-in-log
    log.info("dashboard login %s with %s", form.email.data, form.password.data)
    # ok: secret-in-log
    log.info("dashboard login %s", form.email.data)
    return jsonify(ok=True)
