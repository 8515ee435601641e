"""Broken ciphers, ECB, constant IVs and short keys (CWE-327, CWE-1204, CWE-326)."""
import os

from Crypto.Cipher import AES, ARC4, DES3, Blowfish
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FIXED_IV = b"0123456789abcdef"


def legacy_encrypt(key, iv, data):
    # ruleid: weak-cipher
    return DES3.new(key, DES3.MODE_CBC, iv).encrypt(data)


def stream(key, data):
    # ruleid: weak-cipher
    return ARC4.new(key).encrypt(data)


def blowfish(key, iv, data):
    # ruleid: weak-cipher
    return Blowfish.new(key, Blowfish.MODE_CBC, iv).encrypt(data)


def hazmat_3des(key):
    # ruleid: weak-cipher
    return Cipher(algorithms.TripleDES(key), modes.CBC(os.urandom(8)))


def modern(key, data, aad):
    nonce = os.urandom(12)
    # ok: weak-cipher, static-iv-or-nonce
    return nonce + AESGCM(key).encrypt(nonce, data, aad)


def ecb_token(key, block):
    # ruleid: cipher-ecb-mode
    return AES.new(key, AES.MODE_ECB).encrypt(block)


def ecb_hazmat(key):
    # ruleid: cipher-ecb-mode
    return Cipher(algorithms.AES(key), modes.ECB())


def gcm_token(key, data):
    # ok: cipher-ecb-mode
    cipher = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def cbc_fixed(key, data):
    # ruleid: static-iv-or-nonce
    return AES.new(key, AES.MODE_CBC, FIXED_IV).encrypt(data)


def cbc_zero(key):
    # ruleid: static-iv-or-nonce
    return Cipher(algorithms.AES(key), modes.CBC(b"\x00" * 16))


def ctr_nonce(key, data):
    # ruleid: static-iv-or-nonce
    return AES.new(key, AES.MODE_CTR, nonce=bytes(8)).encrypt(data)


def gcm_fixed(key, data):
    # ruleid: static-iv-or-nonce
    return AESGCM(key).encrypt(b"fixed-nonce!", data, None)


def cbc_random(key, data):
    iv = os.urandom(16)
    # ok: static-iv-or-nonce
    return iv + AES.new(key, AES.MODE_CBC, iv).encrypt(data)


def decrypt_stored(key, nonce, blob):
    # ok: static-iv-or-nonce
    return AESGCM(key).decrypt(nonce, blob, None)


def make_keys():
    # ruleid: short-asymmetric-key
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    # ok: short-asymmetric-key
    strong = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    # ruleid: short-asymmetric-key
    small_curve = ec.generate_private_key(ec.SECP192R1())
    # ok: short-asymmetric-key
    curve = ec.generate_private_key(ec.SECP256R1())
    return weak, strong, small_curve, curve
