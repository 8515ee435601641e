"""Production settings of a small Django site (issue 20: settings-module security settings)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# ruleid: hardcoded-cryptographic-key
SECRET_KEY = "django-insecure-9x!r#m2k@v7p$w4q8z1c6b3n0t5y"

# ruleid: debug-setting-enabled
DEBUG = True

ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop_site.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "shop",
        # ok: hardcoded-password
        "PASSWORD": os.environ["DB_PASSWORD"],
        "HOST": "db",
    }
}

# ruleid: cookie-without-secure
SESSION_COOKIE_SECURE = False
# ok: cookie-without-secure
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
# ruleid: hsts-without-ssl-redirect
SECURE_SSL_REDIRECT = False
STATIC_URL = "static/"
