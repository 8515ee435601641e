"""Development settings: debug on localhost is the point."""
# ok: debug-setting-enabled
DEBUG = True
ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
