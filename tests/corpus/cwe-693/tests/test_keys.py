"""Short keys in tests keep them fast; not a finding."""
from cryptography.hazmat.primitives.asymmetric import rsa


def test_sign_roundtrip():
    # ok: short-asymmetric-key
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert key.key_size == 1024
