"""Deserialisation of untrusted data (CWE-502)."""
import base64
import json
import pickle

import yaml
from yaml import load as yload


def session_from_cookie(request):
    raw = base64.b64decode(request.cookies["s"])
    # ruleid: unsafe-deserialization-pickle
    return pickle.loads(raw)


def session_from_cookie_json(request):
    raw = base64.b64decode(request.cookies["s"])
    # ok: unsafe-deserialization-pickle
    return json.loads(raw)


def read_config(text):
    # ruleid: yaml-unsafe-load
    first = yaml.load(text)
    # ruleid: yaml-unsafe-load
    second = yload(text, Loader=yaml.Loader)
    # ruleid: yaml-unsafe-load
    third = yaml.load(text, Loader=yaml.FullLoader)
    # ruleid: yaml-unsafe-load
    fourth = yaml.unsafe_load(text)
    return first, second, third, fourth


def read_config_safely(text):
    # ok: yaml-unsafe-load
    first = yaml.safe_load(text)
    # ok: yaml-unsafe-load
    second = yaml.load(text, Loader=yaml.SafeLoader)
    return first, second
