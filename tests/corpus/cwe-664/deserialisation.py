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


def load_checkpoints(path):
    import numpy
    import torch as th
    # ruleid: torch-load-unsafe
    model = th.load(path, weights_only=False)
    # ruleid: torch-load-unsafe
    legacy = th.load(path)
    # ok: torch-load-unsafe
    state = th.load(path, weights_only=True)
    # ruleid: numpy-load-allow-pickle
    objects = numpy.load(path, allow_pickle=True)
    # ok: numpy-load-allow-pickle
    arrays = numpy.load(path)
    # ok: numpy-load-allow-pickle
    explicit = numpy.load(path, allow_pickle=False)
    return model, legacy, state, objects, arrays, explicit


def other_pickle_family(blob, path):
    import cloudpickle
    import dill
    import jsonpickle
    import marshal
    import shelve
    # ruleid: unsafe-deserialization-pickle
    first = cloudpickle.loads(blob)
    # ruleid: unsafe-deserialization-pickle
    second = dill.loads(blob)
    # ruleid: unsafe-deserialization-pickle
    third = jsonpickle.decode(blob)
    # ok: unsafe-deserialization-pickle
    fourth = marshal.loads(blob)  # marshal calls nothing while loading (see below)
    # ruleid: unsafe-deserialization-pickle
    db = shelve.open(path)
    # ok: unsafe-deserialization-pickle
    cache = shelve.open("cache.db")
    return first, second, third, fourth, db, cache


def deep_copy(obj):
    # ok: unsafe-deserialization-pickle
    return pickle.loads(pickle.dumps(obj))


def upload_model():
    from flask import request
    # ruleid: unsafe-deserialization-pickle
    return pickle.loads(request.files["model"].read())


def configurable_weights(path, trusted):
    import torch
    # ok: torch-load-unsafe
    return torch.load(path, weights_only=not trusted)


def c_safe_loader(text):
    # ok: yaml-unsafe-load
    return yaml.load(text, Loader=yaml.CSafeLoader)


# marshal builds core values and code objects and calls nothing while loading: reading a module's
# compiled code is what importing does (modulefinder, zipimport). Client data is still a finding: it
# can crash the interpreter, and the code object runs what the client wrote if executed.
def load_compiled(pathname):
    import marshal
    with open(pathname, "rb") as fp:
        data = fp.read()
    # ok: unsafe-deserialization-pickle
    return marshal.loads(memoryview(data)[16:])


def code_from_request(request):
    import marshal
    # ruleid: unsafe-deserialization-pickle
    return marshal.loads(base64.b64decode(request.cookies["code"]))
