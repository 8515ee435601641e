"""Django settings with the CSRF middleware in place and secure cookies."""
# ok: csrf-protection-disabled
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
# ruleid: cookie-without-secure
SESSION_COOKIE_SECURE = False
# ok: cookie-without-secure
CSRF_COOKIE_SECURE = True
