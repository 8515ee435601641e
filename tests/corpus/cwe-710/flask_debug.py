"""Flask and Werkzeug debuggers switched on (CWE-489)."""
from flask import Flask
from werkzeug.debug import DebuggedApplication
from werkzeug.serving import run_simple

app = Flask(__name__)
# ruleid: debug-setting-enabled
app.config["DEBUG"] = True
# ok: debug-setting-enabled
app.config["TESTING"] = True
# ruleid: debug-setting-enabled
app.debug = True

# ruleid: werkzeug-debugger-exposed
application = DebuggedApplication(app, evalex=True)
# ok: werkzeug-debugger-exposed
quiet = DebuggedApplication(app)


def serve():
    # ruleid: werkzeug-debugger-exposed
    run_simple("127.0.0.1", 8000, application, use_debugger=True, use_reloader=True)


def serve_quietly():
    # ok: werkzeug-debugger-exposed
    run_simple("127.0.0.1", 8000, app, use_reloader=True)


class Widget:
    def configure(self):
        # ok: debug-setting-enabled
        self.debug = True


def configure(flask_app):
    # ruleid: debug-setting-enabled
    flask_app.config.update(DEBUG=True, SERVER_NAME="app.example.com")
    # ok: debug-setting-enabled
    flask_app.config.update(DEBUG=False)
