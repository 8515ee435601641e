"""Database connections: the password comes from the settings module."""
import boto3
import psycopg2

from billing.settings import DB_HOST, DB_PASSWORD, DB_USER, REPLICA_PASSWORD


def primary():
    # The literal is reported where it is written (billing/settings.py), with this use cited.
    # ok: hardcoded-password
    return psycopg2.connect(host=DB_HOST, user=DB_USER, password=DB_PASSWORD, dbname="billing")


def replica():
    # ok: hardcoded-password
    return psycopg2.connect(host="replica.billing.internal", user=DB_USER, password=REPLICA_PASSWORD)


def reporting():
    # The password is kept in a secret manager and read at run time.
    secrets = boto3.client("secretsmanager")
    password = secrets.get_secret_value(SecretId="prod/billing/reporting")["SecretString"]
    # ok: hardcoded-password
    return psycopg2.connect(host=DB_HOST, user="reporting", password=password)
