"""PyCrypto, unmaintained (CWE-1104)."""
import secrets

# ruleid: unmaintained-pycrypto
from Crypto.Util.randpool import RandomPool
# ruleid: unmaintained-pycrypto
from Crypto.Random import OSRNG
# ok: unmaintained-pycrypto
from Crypto.Cipher import AES
# ok: unmaintained-pycrypto
from Crypto.Random import get_random_bytes


def legacy_key():
    return RandomPool().get_bytes(32), OSRNG.new().read(16)


def key():
    return secrets.token_bytes(32), get_random_bytes(16), AES.block_size
