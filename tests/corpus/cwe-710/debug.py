"""Debug mode in deployable code (CWE-489)."""
import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # ruleid: debug-mode-enabled
    # ruleid: bind-all-interfaces
    app.run(host="0.0.0.0", debug=True)


def serve():
    # ok: debug-mode-enabled
    app.run(host="127.0.0.1", debug=os.environ.get("FLASK_DEBUG") == "1")
