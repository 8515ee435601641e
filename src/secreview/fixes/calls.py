"""Fixes that change one call or comparison in place: a name, a keyword, an operator.

Each applies only where the safe form says the same thing the code meant,
with the library's own safe API; anything else is left to the reviewer.
"""

from __future__ import annotations

import ast
import re

from secreview.fixes.registry import fixer
from secreview.fixes.site import Site
from secreview.fixes.text import Edit

Result = tuple[str, tuple[Edit, ...]] | None


def keyword_arg(call: ast.Call, name: str) -> ast.keyword | None:
    """The keyword argument `name=` of `call`, if given (shared with `rewrites`)."""
    return next((kw for kw in call.keywords if kw.arg == name), None)


def is_constant(node: ast.AST | None, value: object) -> bool:
    """`node` is the constant `value` itself (`True`, `False`, `None`)."""
    return isinstance(node, ast.Constant) and node.value is value


def _call(site: Site) -> ast.Call | None:
    return site.node if isinstance(site.node, ast.Call) else None


def _retarget(site: Site, call: ast.Call, module: str, name: str) -> tuple[Edit, ...] | None:
    """Make `call` call `module.name` (the module imported if need be)."""
    func = call.func
    if isinstance(func, ast.Attribute) and site.qualname(func.value) == module:
        return (site.replace_attribute_name(func, name),)
    return site.replace_using(func, module, f"{{module}}.{name}")


# -- deserialisation ---------------------------------------------------------------------

_YAML_SAFE = {"load": "safe_load", "unsafe_load": "safe_load", "full_load": "safe_load",
              "load_all": "safe_load_all", "unsafe_load_all": "safe_load_all", "full_load_all": "safe_load_all"}


@fixer("yaml-unsafe-load", "taint-unsafe-deserialization")
def yaml_safe_load(site: Site) -> Result:
    """`yaml.load(x[, Loader=...])` -> `yaml.safe_load(x)`: plain data only, no Python objects."""
    call = _call(site)
    name = site.qualname(call.func) if call else None
    if call is None or name is None or not name.startswith("yaml.") or name[5:] not in _YAML_SAFE:
        return None
    if len(call.args) > 2 or any(kw.arg not in ("stream", "Loader") for kw in call.keywords):
        return None
    safe = _YAML_SAFE[name[5:]]
    edits = _retarget(site, call, "yaml", safe)
    if edits is None:
        return None
    loader = call.args[1] if len(call.args) == 2 else keyword_arg(call, "Loader")
    if loader is not None:
        removed = site.remove_argument(call, loader)
        if removed is None:
            return None
        edits = (*edits, removed)
    return f"Use yaml.{safe}, which builds only plain data (no Python objects).", edits


@fixer("numpy-load-allow-pickle")
def numpy_no_pickle(site: Site) -> Result:
    """`numpy.load(f, allow_pickle=True)` -> `numpy.load(f)`: arrays only (the default)."""
    call = _call(site)
    flag = keyword_arg(call, "allow_pickle") if call else None
    if call is None or flag is None or not is_constant(flag.value, True):
        return None
    removed = site.remove_argument(call, flag)
    return ("Drop allow_pickle=True: numpy.load then reads arrays only and refuses pickled objects.",
            (removed,)) if removed else None


@fixer("torch-load-unsafe")
def torch_weights_only(site: Site) -> Result:
    """`torch.load(f)` / `weights_only=False` -> `weights_only=True` (PyTorch's default since 2.6)."""
    call = _call(site)
    if call is None:
        return None
    flag = keyword_arg(call, "weights_only")
    if flag is None:
        if any(kw.arg is None for kw in call.keywords):
            return None  # **options may already hold weights_only
        edit = site.add_keyword(call, "weights_only=True")
    elif is_constant(flag.value, False):
        edit = site.text.replace(flag.value, "True")
    else:
        return None
    return "Load with weights_only=True: tensors and plain containers only, no arbitrary objects.", (edit,)


# -- TLS ---------------------------------------------------------------------------------

_VERIFY_KEYWORDS = ("verify", "ssl", "verify_ssl")


@fixer("tls-verification-disabled")
def tls_verify(site: Site) -> Result:
    """`requests.get(url, verify=False)` -> `requests.get(url)`: the library's default verifies."""
    call = _call(site)
    if call is None:
        return None
    flags = [kw for kw in call.keywords if kw.arg in _VERIFY_KEYWORDS and is_constant(kw.value, False)]
    if len(flags) != 1:
        return None
    removed = site.remove_argument(call, flags[0])
    return (f"Remove {flags[0].arg}=False so that the certificate is verified (the default).",
            (removed,)) if removed else None


# -- archives ----------------------------------------------------------------------------

@fixer("tar-extract-unfiltered")
def tar_data_filter(site: Site) -> Result:
    """`tar.extractall(dest)` -> `tar.extractall(dest, filter="data")` (PEP 706; the default from 3.14)."""
    call = _call(site)
    if call is None or any(kw.arg is None for kw in call.keywords):
        return None
    given = keyword_arg(call, "filter")
    if given is None:
        edit = site.add_keyword(call, 'filter="data"')
    elif isinstance(given.value, ast.Constant) and isinstance(given.value.value, str):
        edit = site.text.replace(given.value, '"data"')
    else:
        return None
    return (('Extract with filter="data" (Python 3.12, or 3.8.17/3.9.17/3.10.12/3.11.4 and later): members '
             "that would land outside the destination, links out of it and device files are refused."), (edit,))


# -- randomness --------------------------------------------------------------------------

_SECRETS = {"random.choice": "choice", "random.getrandbits": "randbits"}


def _source_call(site: Site) -> ast.Call | None:
    """The call a flow finding starts from, when it is in the finding's file."""
    if not site.finding.path:
        return _call(site)
    start = site.finding.path[0].location
    if start.path != site.finding.location.path:
        return None
    return next((node for node in ast.walk(site.module.tree) if isinstance(node, ast.Call)
                 and node.lineno == start.line and node.col_offset == start.column), None)


def _more_random(site: Site, call: ast.Call) -> bool:
    """Another call of the random module in the same function: changing one call would leave the value
    made of predictable parts (`[random.choice(lower), random.choice(digits), ...]`), so no fix."""
    for node in ast.walk(site.enclosing_scope(call)):
        if isinstance(node, ast.Call) and node is not call:
            name = site.qualname(node.func) or ""
            if name.startswith("random.") and not name.startswith("random.SystemRandom"):
                return True
    return False


@fixer("insecure-random-for-secret")
def secrets_module(site: Site) -> Result:
    """`random.choice(seq)` -> `secrets.choice(seq)`, `random.getrandbits(n)` -> `secrets.randbits(n)`,
    `random.randrange(n)` -> `secrets.randbelow(n)`: the same values from the OS's CSPRNG.

    The finding is at the use (a cookie, a `token=` argument); the call to change is where the flow
    starts, its first step, when that is in the same file."""
    call = _source_call(site)
    name = site.qualname(call.func) if call else None
    if call is None or name is None or call.keywords:
        return None
    replacement = _SECRETS.get(name)
    if name == "random.randrange" and len(call.args) == 1:
        replacement = "randbelow"
    if replacement is None or any(isinstance(a, ast.Starred) for a in call.args) or _more_random(site, call):
        return None
    edits = site.replace_using(call.func, "secrets", f"{{module}}.{replacement}")
    return (f"Use secrets.{replacement}, which draws from the operating system's CSPRNG.", edits) if edits else None


# -- XML ---------------------------------------------------------------------------------

_DEFUSED = {
    "xml.etree.ElementTree": ("defusedxml.ElementTree", {"parse", "iterparse", "fromstring", "XML", "XMLParser"}),
    "xml.etree.cElementTree": ("defusedxml.ElementTree", {"parse", "iterparse", "fromstring", "XML", "XMLParser"}),
    "xml.dom.minidom": ("defusedxml.minidom", {"parse", "parseString"}),
    "xml.dom.pulldom": ("defusedxml.pulldom", {"parse", "parseString"}),
    "xml.sax": ("defusedxml.sax", {"parse", "parseString", "make_parser"}),
}


@fixer("xml-entity-expansion", "taint-xxe")
def defusedxml_parser(site: Site) -> Result:
    """`xml.etree.ElementTree.fromstring(data)` -> `defusedxml.ElementTree.fromstring(data)` (same API)."""
    call = _call(site)
    name = site.qualname(call.func) if call else None
    if call is None or name is None or "." not in name:
        return None
    module, function = name.rsplit(".", 1)
    target = _DEFUSED.get(module)
    if target is None or function not in target[1]:
        return None
    edits = site.replace_using(call.func, target[0], f"{{module}}.{function}")
    return ((f"Parse with {target[0]}.{function} (the defusedxml package), which refuses entity expansion "
             "and external entities."), edits) if edits else None


# -- comparison --------------------------------------------------------------------------

_IS = re.compile(r"\bis(\s+not)?\b")


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes, int, float, complex)) \
        and not isinstance(node.value, bool)


@fixer("identity-comparison-with-literal")
def equality_for_literals(site: Site) -> Result:
    """`x is "admin"` -> `x == "admin"` (and `is not` -> `!=`): compare values, not object identity."""
    compare = site.node
    if not isinstance(compare, ast.Compare):
        return None
    operands = [compare.left, *compare.comparators]
    edits = []
    for index, op in enumerate(compare.ops):
        left, right = operands[index], operands[index + 1]
        if not isinstance(op, (ast.Is, ast.IsNot)) or not (_literal(left) or _literal(right)):
            continue
        start, end = site.text.end(left), site.text.start(right)
        between = site.text.between(start, end)
        match = _IS.search(between)
        if match is None or "#" in between or "\\" in between:
            return None
        offset = site.text.offset(start)
        edits.append(Edit(site.text.position(offset + match.start()), site.text.position(offset + match.end()),
                          "!=" if isinstance(op, ast.IsNot) else "=="))
    if not edits:
        return None
    return "Compare with == / != : `is` tests object identity, which literals do not promise.", tuple(edits)
