"""The billing dashboard."""
import os

from flask import Flask

app = Flask(__name__)
# ruleid: hardcoded-cryptographic-key
app.secret_key = "fl4sk-S3ss10n-K3y-9x"

admin = Flask("admin")
# ok: hardcoded-cryptographic-key
admin.config["SECRET_KEY"] = os.environ["ADMIN_SECRET_KEY"]
