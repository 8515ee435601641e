"""Development settings: plain-HTTP cookies on localhost are expected."""
# ok: cookie-without-secure
SESSION_COOKIE_SECURE = False
# ok: cookie-without-httponly
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 60
# ok: hsts-without-ssl-redirect
SECURE_SSL_REDIRECT = False
