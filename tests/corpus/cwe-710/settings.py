"""Django settings left in debug mode (CWE-489)."""
# ruleid: debug-setting-enabled
DEBUG = True
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.auth", "shop"]
ROOT_URLCONF = "shop.urls"
