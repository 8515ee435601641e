"""Production settings that redirect plain HTTP before HSTS applies (the safe twin of the shop site)."""
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# ok: hsts-without-ssl-redirect
SECURE_SSL_REDIRECT = True
