"""CWE-664 Improper Control of a Resource Through its Lifetime."""

from __future__ import annotations

import ast

from secreview.model import Confidence, Severity
from secreview.rules.base import Context, argument, rule

PICKLE_LOADS = (
    "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads",
    "cPickle.load", "cPickle.loads", "dill.load", "dill.loads", "shelve.open",
    "marshal.load", "marshal.loads", "jsonpickle.decode", "jsonpickle.loads",
    "pandas.read_pickle", "joblib.load",
)
SAFE_YAML_LOADERS = frozenset(
    {"yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"}
)


@rule(
    id="unsafe-deserialization-pickle",
    name="Deserialisation with pickle-family modules",
    cwe="502",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=PICKLE_LOADS,
    bandit=("B301", "B302", "B403"),
    fix="Exchange data as JSON (json.loads) or another data-only format; if pickled data must be read, "
    "authenticate it first (hmac.compare_digest over an HMAC of the bytes) and only from trusted storage.",
)
def unsafe_deserialization_pickle(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds loading of data with `pickle`, `cPickle`, `dill`, `shelve`,
    `marshal`, `jsonpickle`, `pandas.read_pickle` and `joblib.load`.

    ## Why is this bad
    Unpickling calls constructors named by the data itself (`__reduce__`), so
    whoever can write the bytes runs code in the process (CWE-502). There is
    no safe way to unpickle untrusted data.

    ## Example
    ```python
    session = pickle.loads(base64.b64decode(request.cookies["s"]))
    ```

    ## Use instead
    ```python
    session = json.loads(base64.b64decode(request.cookies["s"]))
    ```
    """
    if node.args and ctx.is_constant(node.args[0]) and ctx.call_name(node) != "shelve.open":
        return  # unpickling a literal is odd but not attacker-controlled
    name = ctx.call_name(node)
    ctx.report(node, f"{name}() deserialises data that can name arbitrary callables; "
               "if an attacker can influence the bytes, they run code in this process.")


@rule(
    id="yaml-unsafe-load",
    name="yaml.load without a safe loader",
    cwe="502",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=("yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all",
           "yaml.full_load", "yaml.full_load_all"),
    bandit=("B506",),
    fix="Use yaml.safe_load(data) (or yaml.load(data, Loader=yaml.SafeLoader)).",
)
def yaml_unsafe_load(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds PyYAML loading with a loader that constructs arbitrary Python
    objects: `yaml.load` without `Loader=` or with `Loader`, `UnsafeLoader`
    or `FullLoader`, and `unsafe_load`/`full_load`.

    ## Why is this bad
    YAML tags such as `!!python/object/apply:os.system` make these loaders call
    any function (CWE-502). `FullLoader` has had several bypasses.

    ## Example
    ```python
    config = yaml.load(text)
    ```

    ## Use instead
    ```python
    config = yaml.safe_load(text)
    ```
    """
    name = ctx.call_name(node) or ""
    if name in ("yaml.load", "yaml.load_all"):
        loader = argument(node, 1, "Loader")
        if loader is not None:
            loader_name = ctx.qualname(loader) or ""
            if loader_name in SAFE_YAML_LOADERS or loader_name.endswith(("SafeLoader", "BaseLoader")):
                return
    ctx.report(node, f"{name}() can construct arbitrary Python objects from YAML tags; "
               "a crafted document runs code when it is loaded.")


@rule(
    id="insecure-tempfile-mktemp",
    name="tempfile.mktemp race",
    cwe="377",
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    calls=("tempfile.mktemp", "os.tempnam", "os.tmpnam"),
    bandit=("B306",),
    fix="Use tempfile.NamedTemporaryFile(), tempfile.mkstemp() or tempfile.TemporaryDirectory(), "
    "which create the file atomically.",
)
def insecure_tempfile_mktemp(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `tempfile.mktemp()` (and the Python 2 `os.tempnam`/`os.tmpnam`).

    ## Why is this bad
    `mktemp` only returns a name. Between that call and the file's creation
    another local process can create the file or a symbolic link of that
    name and make the program write where it chooses (CWE-377).

    ## Example
    ```python
    path = tempfile.mktemp(suffix=".json")
    ```

    ## Use instead
    ```python
    fd, path = tempfile.mkstemp(suffix=".json")
    ```
    """
    ctx.report(node, f"{ctx.call_name(node)}() returns a name without creating the file; "
               "another process can create it (or a symlink) first.")
