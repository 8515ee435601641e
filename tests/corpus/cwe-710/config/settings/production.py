"""Production settings read DEBUG from the environment."""
import os

# ok: debug-setting-enabled
DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
ALLOWED_HOSTS = ["shop.example.com"]
