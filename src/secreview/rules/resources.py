"""CWE-664 Improper Control of a Resource Through its Lifetime."""

from __future__ import annotations

import ast

from secreview.analysis.class_facts import UNPICKLERS
from secreview.core.model import Confidence, Severity
from secreview.rules import loader_classes, process_memory
from secreview.rules.base import Context, argument, is_false, is_true, keyword, rule
from secreview.rules.dataflow_hints import request_data
from secreview.rules.heuristics import in_test_code

PICKLE_LOADS = (
    "pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load", "_pickle.loads",
    "cPickle.load", "cPickle.loads", "dill.load", "dill.loads", "shelve.open",
    "marshal.load", "marshal.loads", "jsonpickle.decode", "jsonpickle.loads",
    "pandas.read_pickle", "joblib.load", "cloudpickle.load", "cloudpickle.loads", "dill.Unpickler",
)
_MARSHAL_LOADS = frozenset({"marshal.load", "marshal.loads"})
TORCH_LOADS = ("torch.load",)
NUMPY_LOADS = ("numpy.load",)


@rule(
    id="unsafe-deserialization-pickle",
    name="Deserialisation with pickle-family modules",
    cwe="502",
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    calls=PICKLE_LOADS,
    methods=("load",),  # `U(stream).load()` of a pickle.Unpickler subclass U
    bandit=("B301", "B302", "B403"),
    fix="Exchange data as JSON (json.loads) or another data-only format; if pickled data must be read, "
    "authenticate it first (hmac.compare_digest over an HMAC of the bytes) and only from trusted storage.",
)
def unsafe_deserialization_pickle(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds loading of data with `pickle`, `cPickle`, `dill`, `cloudpickle`,
    `shelve`, `marshal`, `jsonpickle`, `pandas.read_pickle` and
    `joblib.load`, unless what is loaded is a literal or a fixed path.
    `marshal` only when it reads request data: it builds core values and code
    objects and calls nothing while loading (importers read `.pyc` files with it).
    A `pickle.Unpickler` subclass (of this module or another) is reported where
    it loads, unless its `find_class` restricts what it imports.

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
    if (ctx.call_name(node) or "") not in PICKLE_LOADS:
        _unpickler_load(node, ctx)
        return
    data = node.args[0] if node.args else None
    if data is not None and _programs_own(ctx, data):
        return
    origin = request_data(ctx, data) if data is not None else None
    if (ctx.call_name(node) or "") in _MARSHAL_LOADS:
        # marshal builds core values and code objects only; it calls nothing while loading (a code
        # object runs only if executed, which code-injection rules judge). Malformed data may crash it.
        if origin:
            ctx.report(node, f"{ctx.call_name(node)}() reads `{origin}`, which the client sends: marshal is not "
                       "safe against malformed data (it can crash the interpreter), and a code object it "
                       "returns runs whatever the client wrote if executed.", confidence=Confidence.HIGH,
                       severity=Severity.MEDIUM)
        return  # a module's compiled code (.pyc), stats files, the program's own caches
    if origin:
        ctx.report(node, f"{ctx.call_name(node)}() deserialises `{origin}`, which the client sends: "
                   "a crafted payload runs code in this process.", confidence=Confidence.HIGH)
    elif not in_test_code(ctx):
        ctx.report(node, f"{ctx.call_name(node)}() deserialises data that can name arbitrary callables; "
                   "if an attacker can influence the bytes, they run code in this process.")


def _programs_own(ctx: Context, data: ast.expr) -> bool:
    """Bytes the program itself wrote: a literal, a fixed path, its own copy, memory store or pipe."""
    if ctx.is_constant(data):
        return True  # a literal, or a file at a fixed path the program writes itself
    if isinstance(data, ast.Call) and (ctx.call_name(data) or "").endswith("dumps"):
        return True  # pickle.loads(pickle.dumps(obj)): a deep copy of the program's own object
    # bytes the program pickled into its own in-memory store, or its forked child into a pipe only
    # the two halves hold
    return process_memory.from_process_memory(ctx, data) or process_memory.from_own_pipe(ctx, data)


def _unpickler_load(node: ast.Call, ctx: Context) -> None:
    """`U(stream).load()` (or `u = U(stream)` then `u.load()`) for an Unpickler subclass `U` whose
    find_class imports what the stream names. `pickle.Unpickler(...)` is reported where it is made."""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    made = receiver if isinstance(receiver, ast.Call) else ctx.assigned_value(receiver) if receiver else None
    if node.args or node.keywords or not isinstance(made, ast.Call):
        return
    name = loader_classes.class_name(ctx, made.func)
    if name is None or name in UNPICKLERS:
        return
    data = made.args[0] if made.args else None
    if data is not None and _programs_own(ctx, data):
        return
    origin = (request_data(ctx, data) if data is not None else None) or ""
    if not origin and in_test_code(ctx):
        return
    judged = loader_classes.local(ctx, loader_classes.UNPICKLER, node, name, origin)
    if judged is not None and judged.verdict is False:
        found = loader_classes.unpickler_wording(name.rpartition(".")[2], origin)
        ctx.report(node, found.message, confidence=found.confidence)


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
    or `FullLoader` (or a class, of this module or another, built on an
    object-constructing constructor, whatever its name), and
    `unsafe_load`/`full_load`.

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
        qual = loader_classes.class_name(ctx, loader) if loader is not None else None
        if qual:
            judged = loader_classes.local(ctx, loader_classes.YAML, node, qual)
            if judged is None:
                return  # a class of another module: the project link judges it
            if judged.verdict or not qual.startswith("yaml."):  # PyYAML's own loaders keep the plain message
                found = loader_classes.wording(loader_classes.YAML, qual, judged, name, "")
                if found is not None:
                    ctx.report(node, found.message, confidence=found.confidence)
                return
    ctx.report(node, f"{name}() can construct arbitrary Python objects from YAML tags; "
               "a crafted document runs code when it is loaded.")


@rule(
    id="insecure-tempfile-mktemp",
    # A race on a temporary name in a test's scratch files harms nobody (tests also call mktemp on
    # purpose, to check a linter): not reported in test code.
    tests=False,
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
    if in_test_code(ctx):
        return  # a test's scratch name
    ctx.report(node, f"{ctx.call_name(node)}() returns a name without creating the file; "
               "another process can create it (or a symlink) first.")


@rule(
    id="torch-load-unsafe",
    name="torch.load without weights_only=True",
    cwe="502",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=TORCH_LOADS,
    fix="Load tensors only: torch.load(path, weights_only=True) (the default from PyTorch 2.6); "
    "for whole models prefer safetensors (safetensors.torch.load_file).",
)
def torch_load_unsafe(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `torch.load(..., weights_only=False)`, and `torch.load()` without
    `weights_only=` at all.

    ## Why is this bad
    `torch.load` is `pickle.load` underneath: a checkpoint downloaded from a
    model hub can run code when it is loaded (CWE-502). With
    `weights_only=True` only tensors and plain containers are accepted.
    PyTorch 2.6 made that the default, so a call without the argument is
    safe there but unsafe on every earlier version; it is reported with low
    confidence and medium severity, because this tool cannot see which
    version the project runs. `weights_only=False` is reported with high
    confidence.

    ## Example
    ```python
    model = torch.load(checkpoint_path, weights_only=False)
    ```

    ## Use instead
    ```python
    state = torch.load(checkpoint_path, weights_only=True)
    model.load_state_dict(state)
    ```
    """
    setting = keyword(node, "weights_only")
    if setting is None:
        if any(k.arg is None for k in node.keywords):
            return  # **kwargs may set it
        ctx.report(node, "torch.load() without weights_only= unpickles arbitrary objects on PyTorch < 2.6.",
                   severity=Severity.MEDIUM, confidence=Confidence.LOW)
    elif is_false(setting.value) or ctx.constant_value(setting.value) is False:
        ctx.report(node, "torch.load(weights_only=False) unpickles the file: a crafted checkpoint runs code.")


@rule(
    id="numpy-load-allow-pickle",
    name="numpy.load with allow_pickle=True",
    cwe="502",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=NUMPY_LOADS,
    fix="Keep the default allow_pickle=False and store object data as JSON or separate numeric arrays.",
)
def numpy_load_allow_pickle(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds `numpy.load(..., allow_pickle=True)`.

    ## Why is this bad
    Object arrays in `.npy`/`.npz` files are stored as pickles; with
    `allow_pickle=True` loading a crafted file runs code (CWE-502). NumPy
    turned the default off in 1.16.3 for this reason.

    ## Example
    ```python
    data = np.load(upload_path, allow_pickle=True)
    ```

    ## Use instead
    ```python
    data = np.load(upload_path)  # allow_pickle=False
    ```
    """
    setting = keyword(node, "allow_pickle")
    if setting is not None and (is_true(setting.value) or ctx.constant_value(setting.value) is True):
        ctx.report(node, "numpy.load(allow_pickle=True) unpickles object arrays: a crafted file runs code.")
