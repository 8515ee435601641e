"""More protection cases: aliases and near misses (CWE-327, CWE-1204, CWE-326, CWE-347, CWE-352, CWE-338, CWE-916)."""
import hashlib as h
import os
import random as rnd
import ssl

import jwt as pyjwt
from Crypto.Cipher import AES as A
from Crypto.Cipher import DES
from Cryptodome.Cipher import ARC4
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.ciphers import modes as m
from django.views.decorators.csrf import csrf_exempt as nocsrf


def ciphers(k):
    # ruleid: weak-cipher
    des = DES.new(k, DES.MODE_CBC, os.urandom(8))
    # ruleid: weak-cipher
    rc4 = ARC4.new(k)
    # ruleid: cipher-ecb-mode
    ecb = A.new(k, A.MODE_ECB)
    # ruleid: cipher-ecb-mode
    hazmat_ecb = m.ECB()
    # ruleid: static-iv-or-nonce
    cbc = A.new(k, A.MODE_CBC, iv=b"\x00" * 16)
    # ruleid: static-iv-or-nonce
    gcm = m.GCM(b"123456789012")
    # ok: static-iv-or-nonce, cipher-ecb-mode
    fresh = m.GCM(os.urandom(12))
    return des, rc4, ecb, hazmat_ecb, cbc, gcm, fresh


def keys():
    # ruleid: short-asymmetric-key
    return generate_private_key(65537, 1024)


def claims(token, key):
    # ruleid: jwt-signature-not-verified
    return pyjwt.decode(token, key, algorithms=["HS256"], options={"verify_signature": False})


def claims_checked(token, key):
    # ok: jwt-signature-not-verified
    return pyjwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": True})


# ruleid: csrf-exempt-state-change
@nocsrf
def rename(request, thing):
    thing.name = request.POST["name"]
    thing.save()


def api_token():
    # ruleid: insecure-random-for-secret
    api_token = "".join(rnd.choices("abcdef0123456789", k=32))
    return api_token


def hash_password(password):
    # ruleid: fast-hash-for-password
    return h.new("md5", password.encode()).hexdigest()


def file_checksum(data):
    # ok: fast-hash-for-password, weak-hash-for-security
    return h.new("md5", data, usedforsecurity=False).hexdigest()


def legacy_context():
    # ruleid: weak-tls-version
    return ssl.SSLContext(protocol=ssl.PROTOCOL_TLSv1_1)


def modern_context():
    # ok: weak-tls-version
    return ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
