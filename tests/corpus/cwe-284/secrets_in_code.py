"""Hard-coded passwords, keys and tokens (CWE-259, CWE-321, CWE-798)."""
import os

import boto3
import psycopg

# ruleid: hardcoded-cryptographic-key
SECRET_KEY = "k3J9x!vQ2m#Lw8zR5tY0pA7s"
# ok: hardcoded-cryptographic-key
SECRET_KEY_FALLBACK = os.environ["SECRET_KEY"]
# ok: hardcoded-password
PASSWORD_MIN_LENGTH = 12
# ok: hardcoded-password
PASSWORD_FIELD = "password"
# ok: hardcoded-password
DB_PASSWORD_ENV = "DB_PASSWORD"
# ok: hardcoded-credential
API_TOKEN = os.getenv("API_TOKEN")
# ok: hardcoded-cryptographic-key
JWT_SECRET = "changeme"


def connect():
    # ruleid: hardcoded-password
    return psycopg.connect(host="db", user="app", password="Tr0ub4dor&3x")


def connect_from_env():
    # ok: hardcoded-password
    return psycopg.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])


def connect_placeholder():
    # ok: hardcoded-password
    return psycopg.connect(host="db", user="app", password="")


def login(username, password):
    # ruleid: hardcoded-password
    if password == "s3cure-Admin-2024":
        return True
    # ok: hardcoded-password
    return password == ""


# ruleid: hardcoded-password
def open_vault(user, password="vault-Pa55word!"):
    return user, password


# ok: hardcoded-password
def open_vault_prompt(user, password=None):
    return user, password


SETTINGS = {
    # ruleid: hardcoded-credential
    "api_key": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    # ok: hardcoded-credential
    "api_key_header": "X-Api-Key",
    # ok: hardcoded-credential
    "token": "xxx",
}


class Client:
    def __init__(self):
        # ruleid: hardcoded-credential
        self.client_secret = "q8Zt-4mYb9xR2wLk7sDf3hJn"
        # ok: hardcoded-credential
        self.client_secret_name = "prod/billing/client-secret"


def s3():
    # ruleid: hardcoded-credential
    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIA2E0A8F3B244C9986",
                        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])


def s3_docs():
    # ok: hardcoded-credential
    return boto3.client("s3", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")


# ruleid: hardcoded-credential
GITHUB = "ghp_4fT9kLmN2pQ7rS1vW8xY3zA6bC0dE5gH9jKq"

DEPLOY_KEY = (
    # ruleid: hardcoded-credential
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)

# ok: hardcoded-credential
PUBLIC_KEY_HEADER = "-----BEGIN PUBLIC KEY-----"


def signing_key():
    # ok: hardcoded-cryptographic-key
    secret_key = os.environ.get("SECRET_KEY", "dev")
    # ruleid: hardcoded-cryptographic-key
    signing_key = os.environ.get("SIGNING_KEY", "Yp3$kq9Lz!m2Vw8Rt5Xb")
    return secret_key, signing_key


def issue_token(claims):
    import jwt
    from cryptography.fernet import Fernet

    # ruleid: hardcoded-cryptographic-key
    token = jwt.encode(claims, "s3cret", algorithm="HS256")
    # ruleid: hardcoded-cryptographic-key
    box = Fernet(b"q8Zt4mYb9xR2wLk7sDf3hJnq8Zt4mYb9xR2wLk7sDf0=")
    # ok: hardcoded-cryptographic-key
    signed = jwt.encode(claims, os.environ["JWT_KEY"], algorithm="HS256")
    return token, box, signed


def engines(create_engine):
    # ruleid: hardcoded-password
    prod = create_engine("postgresql://billing:Xk3!9vQ2mL@db.prod.internal:5432/billing")
    # ruleid: hardcoded-password
    dsn = "host=db.prod.internal dbname=billing user=billing password=Xk3-9vQ2mL"
    # ok: hardcoded-password
    local = create_engine("postgresql://postgres:postgres@localhost/dev")
    # ok: hardcoded-password
    compose = create_engine("postgresql://app:Xk3!9vQ2mL@127.0.0.2:5432/dev")  # a loopback alias: never leaves the machine
    # ok: hardcoded-password
    templated = create_engine("postgresql://billing:${DB_PASSWORD}@db.prod.internal/billing")
    # ok: hardcoded-password
    from_env = create_engine(os.environ["DATABASE_URL"])
    # ok: hardcoded-password
    docs = "https://docs.example.com/setup"
    return prod, dsn, local, templated, from_env, docs


# A fake user table holds password *hashes*: they log nobody in.
FAKE_USERS = {
    "alice": {
        # ok: hardcoded-password
        "hashed_password": "$2b$12$EixZaYVK1fsbw1ZfbX3OXePaWxn96p36WQoeG6Lruj3vjPGga31lW",
        # ruleid: hardcoded-password
        "password": "Tr0ub4dor&3x",
    },
}

# A regular expression for a quoted token names its shape, not a token.
# ok: hardcoded-credential
qtoken = '(?:"[^"]+"|[A-Za-z0-9_]+?)'
# ruleid: hardcoded-credential
api_token = "ghp_x7Kq2LmN9pR4sT6vW8yZ0aB3cD5eF7gH1jK2"


def issue_session(claims):
    import jwt
    # SECRET_KEY's literal is reported once, where it is assigned (line 8), not at every use.
    # ok: hardcoded-cryptographic-key
    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")


# A name that does not say it is a key: the use says what it is, and the literal is reported
# where it is written, citing the use.
# ruleid: hardcoded-cryptographic-key
SIGNING = "k3J9x!vQ2m#Lw8zR5tY0pA7s"


def issue_signed(claims):
    import jwt
    # ok: hardcoded-cryptographic-key
    return jwt.encode(claims, SIGNING, algorithm="HS256")


# A constant whose name says nothing, given where a password goes: the use says what it is.
# ruleid: hardcoded-password
PRIMARY = "Vx9#kq2Lm!8zR"
PLACEHOLDER_VALUE = "changeme"
DB_HOST = "db.internal"


def connect_primary():
    # ok: hardcoded-password
    return psycopg.connect(host=DB_HOST, user="app", password=PRIMARY)


def connect_with_placeholder():
    # ok: hardcoded-password
    return psycopg.connect(host=DB_HOST, user="app", password=PLACEHOLDER_VALUE)


def connect_with_env(environ=os.environ):
    primary = environ.get("DB_PASSWORD", "")
    # ok: hardcoded-password
    return psycopg.connect(host=DB_HOST, user="app", password=primary)


# A mapping of operation names to their API labels: each value spells its own key.
# ok: hardcoded-credential
CREDENTIAL_OPERATIONS = {"new_credentials": "NewCredentials", "rotate_credentials": "RotateCredentials"}
# ruleid: hardcoded-credential
SERVICE_CREDENTIALS = {"new_credentials": "Zq8vLr2mKx9Tb4Wn"}
