"""Credentials in test code are fixtures, not production secrets."""
import psycopg

# ok: hardcoded-cryptographic-key
SECRET_KEY = "k3J9x!vQ2m#Lw8zR5tY0pA7s-test-only-key"


def test_login(client):
    # ok: hardcoded-password
    client.login(username="alice", password="correct-horse-battery")


def test_db():
    # ok: hardcoded-password
    return psycopg.connect(host="localhost", password="Tr0ub4dor&3x")


def test_s3(boto3):
    # ruleid: hardcoded-credential
    return boto3.client("s3", aws_access_key_id="AKIA2E0A8F3B244C9986")
