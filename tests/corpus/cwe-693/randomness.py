"""Predictable randomness where an unguessable value is needed (CWE-338), judged by where the value
goes, not by the name it is stored in: a credential keyword of any call, a cookie, a crypto key,
IV or salt. Random jitter, sampling and shuffles are not findings."""
import hashlib
import hmac
import random
import secrets
import string
import time
import uuid

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.contrib.auth.models import User
from django.http import HttpResponse

ALPHABET = string.ascii_letters + string.digits


def _random_code(length):
    return "".join(random.choice(ALPHABET) for _ in range(length))


def _strong_code(length):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def invite(email):
    # ruleid: insecure-random-for-secret
    return User.objects.create_user(email, email=email, password=_random_code(12))


def invite_safely(email):
    # ok: insecure-random-for-secret
    return User.objects.create_user(email, email=email, password=_strong_code(12))


def login_view(request, user):
    response = HttpResponse("welcome")
    sid = "%032x" % random.getrandbits(128)
    # ruleid: insecure-random-for-secret
    response.set_cookie("sid", sid, secure=True, httponly=True)
    return response


def login_view_safely(request, user):
    response = HttpResponse("welcome")
    sid = secrets.token_hex(16)
    # ok: insecure-random-for-secret
    response.set_cookie("sid", sid, secure=True, httponly=True)
    return response


def remember_theme(request):
    response = HttpResponse("ok")
    # ok: insecure-random-for-secret
    response.set_cookie("theme", request.GET.get("theme", "light"))
    return response


def hash_password(password):
    salt = bytes(random.getrandbits(8) for _ in range(16))
    # ruleid: insecure-random-for-secret
    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def hash_password_safely(password):
    salt = secrets.token_bytes(16)
    # ok: insecure-random-for-secret
    return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def encrypt(key, data):
    iv = np.random.bytes(16)
    # ruleid: insecure-random-for-secret
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(data) + encryptor.finalize()


def encrypt_safely(key, data):
    iv = secrets.token_bytes(16)
    # ok: insecure-random-for-secret
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + encryptor.update(data) + encryptor.finalize()


def sign(body):
    seeded = random.Random(time.time())
    key = seeded.randbytes(32)
    # ruleid: insecure-random-for-secret
    return key, hmac.new(key, body, hashlib.sha256).hexdigest()


def sign_safely(body):
    key = random.SystemRandom().randbytes(32)
    # ok: insecure-random-for-secret
    return key, hmac.new(key, body, hashlib.sha256).hexdigest()


def api_client(session):
    # ruleid: insecure-random-for-secret
    return session.open(token=str(uuid.uuid1()))


def api_client_safely(session):
    # ok: insecure-random-for-secret
    return session.open(token=str(uuid.uuid4()))


def new_session(user):
    # ruleid: insecure-random-for-secret
    session_id = random.getrandbits(128)
    return user, session_id


def shuffle_questions(questions):
    order = random.sample(questions, len(questions))
    delay = random.uniform(0.1, 0.5)
    # ok: insecure-random-for-secret
    time.sleep(delay)
    # ok: insecure-random-for-secret
    return sorted(order, key=lambda q: (q.weight, random.random()))


def retry(call, attempts):
    for attempt in range(attempts):
        try:
            return call()
        except OSError:
            # ok: insecure-random-for-secret
            time.sleep(2 ** attempt + random.normalvariate(0, 0.1))
    raise TimeoutError


def sample_rows(rows):
    # ok: insecure-random-for-secret
    picked = random.sample(rows, 10)
    return picked


def _reset_link(user, code):
    return f"https://shop.example/reset/{user.pk}/{code}/"


def send_reset(user):
    from django.core.mail import send_mail
    code = "%06d" % random.randrange(10**6)
    user.reset_codes.create(code=code)
    # ruleid: insecure-random-for-secret
    send_mail("Reset your password", f"Open {_reset_link(user, code)}", None, [user.email])


def send_reset_safely(user):
    from django.core.mail import send_mail
    code = "%06d" % secrets.randbelow(10**6)
    user.reset_codes.create(code=code)
    # ok: insecure-random-for-secret
    send_mail("Reset your password", f"Open {_reset_link(user, code)}", None, [user.email])


def reproducible_password(users, name, seed):
    # Identical seeds give identical passwords, on purpose (a deployment tool's `seed=` option):
    # the password is as secret as the seed the operator chose.
    rng = random.Random(seed)
    # ok: insecure-random-for-secret
    return users.create_user(name, password="".join(rng.choice(ALPHABET) for _ in range(20)))


def clock_seeded_password(users, name):
    rng = random.Random(int(time.time()))
    # ruleid: insecure-random-for-secret
    return users.create_user(name, password="".join(rng.choice(ALPHABET) for _ in range(20)))


def generated_password(users, name):
    chars = [random.choice(string.ascii_lowercase), random.choice(string.digits)]
    chars += [random.choice(ALPHABET) for _ in range(14)]
    # ruleid: insecure-random-for-secret
    return users.create_user(name, password="".join(chars))


def shuffled_password(users, name, alphabet_chars):
    chars = list(alphabet_chars)
    random.shuffle(chars)
    # ruleid: insecure-random-for-secret
    return users.create_user(name, password="".join(chars[:16]))


def shuffled_password_safely(users, name, alphabet_chars):
    chars = list(alphabet_chars)
    random.SystemRandom().shuffle(chars)
    # ok: insecure-random-for-secret
    return users.create_user(name, password="".join(chars[:16]))


def shuffled_playlist(player, songs):
    queue = list(songs)
    random.shuffle(queue)
    # ok: insecure-random-for-secret
    return player.play(queue, token=player.session_token)
