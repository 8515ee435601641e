"""An in-process cache that pickles what it stores and unpickles what it reads back holds only
bytes the process wrote itself; a cache kept where others can write (a file, a shared store) does not."""
import pickle
from collections import OrderedDict

_caches = {}


class LocalCache:
    def __init__(self, name):
        self._cache = _caches.setdefault(name, OrderedDict())

    def set(self, key, value):
        self._cache[key] = pickle.dumps(value)

    def get(self, key):
        pickled = self._cache[key]
        # ok: unsafe-deserialization-pickle
        return pickle.loads(pickled)


class SharedCache:
    def __init__(self, store):
        self._cache = store

    def get(self, key):
        pickled = self._cache[key]
        # ruleid: unsafe-deserialization-pickle
        return pickle.loads(pickled)
