"""A test's own database: its password is a fixture, not a production secret."""
import psycopg2

# ok: hardcoded-password
TEST_PASSWORD = "Xk3-9vQ2mL!p-test"


def test_connect():
    # ok: hardcoded-password
    conn = psycopg2.connect(host="localhost", user="test", password=TEST_PASSWORD)
    assert conn
