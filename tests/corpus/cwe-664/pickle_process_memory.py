"""An in-process cache that pickles what it stores and unpickles what it reads back holds only
bytes the process wrote itself, and so does a pipe between the two halves of a fork; a cache kept where
others can write (a file, a shared store) does not."""
import os
import pickle
import subprocess
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


def fork_process():
    """Forks twice to detach from the session; returns 0 in the detached child, its pid elsewhere."""
    pid = os.fork()
    if pid == 0:
        os.setsid()
        pid = os.fork()
        if pid > 0:
            os._exit(0)
    return pid


def run_detached(command):
    """Runs `command` in a forked child that pickles its result back to the parent through a pipe
    only the two halves of this program hold."""
    pipe = os.pipe()
    pid = fork_process()
    if pid == 0:
        # The child reads its command's output under the same names the parent uses for the pipe:
        # what the child assigns never reaches the parent's copy of them.
        os.close(pipe[0])
        process = subprocess.Popen(command, stdout=subprocess.PIPE)
        output = b""
        chunk = os.read(process.stdout.fileno(), 4096)
        while chunk:
            output += chunk
            chunk = os.read(process.stdout.fileno(), 4096)
        data = pickle.dumps([process.wait(), output])
        os.write(pipe[1], data)
        os._exit(0)
    else:
        os.close(pipe[1])
        os.waitpid(pid, 0)
        data = b""
        while True:
            chunk = os.read(pipe[0], 4096)
            if not chunk:
                break
            data += chunk
        # ok: unsafe-deserialization-pickle
        return pickle.loads(data)


def run_detached_reporting(command, sock):
    """The same fork, but the bytes unpickled come from a socket as well as the child's pipe."""
    pipe = os.pipe()
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    data = os.read(pipe[0], 4096) + sock.recv(4096)
    # ruleid: unsafe-deserialization-pickle
    return pickle.loads(data)
