"""Predictable randomness for secrets (CWE-338)."""
import random
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


def make_reset_token():
    # ruleid: insecure-random-for-secret
    return "".join(random.choice(ALPHABET) for _ in range(32))


def new_session(user):
    # ruleid: insecure-random-for-secret
    session_id = random.getrandbits(128)
    return user, session_id


def make_reset_token_safely():
    # ok: insecure-random-for-secret
    return secrets.token_urlsafe(32)


def shuffle_questions(questions):
    # ok: insecure-random-for-secret
    order = random.sample(questions, len(questions))
    # ok: insecure-random-for-secret
    delay = random.uniform(0.1, 0.5)
    return order, delay
