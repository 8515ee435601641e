"""XML parsers that resolve external entities (CWE-611) or expand entity bombs (CWE-776).

What is dangerous depends on the parser, and the defaults changed over time:
Python's expat-based parsers have not resolved external entities since 3.7.1,
and expat 2.4.1+ limits entity expansion ("billion laughs"); lxml resolves
only internal entities since 5.0 and never fetches from the network unless
`no_network=False`. The rules report what is dangerous on current versions
with high confidence, and what depends on an older library with lower
confidence and severity.
"""

from __future__ import annotations

import ast

from secreview.analysis.class_facts import safe_xml_parser_call
from secreview.core.model import Confidence, Severity
from secreview.rules import loader_classes
from secreview.rules.base import Context, argument, is_true, keyword, rule
from secreview.rules.dataflow_hints import request_data
from secreview.rules.heuristics import in_test_code

LXML_PARSER_CALLS = ("lxml.etree.XMLParser", "lxml.etree.XMLPullParser", "lxml.etree.iterparse",
                     "lxml.etree.XMLTreeBuilder")
LXML_PARSE_CALLS = ("lxml.etree.fromstring", "lxml.etree.XML", "lxml.etree.parse", "lxml.etree.fromstringlist")
SAX_FEATURE_METHODS = ("setFeature",)
SAX_EXTERNAL_FEATURES = frozenset({
    "xml.sax.handler.feature_external_ges", "xml.sax.handler.feature_external_pes",
    "http://xml.org/sax/features/external-general-entities",
    "http://xml.org/sax/features/external-parameter-entities",
})
STDLIB_XML_PARSE_CALLS = (
    "xml.etree.ElementTree.fromstring", "xml.etree.ElementTree.XML", "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.iterparse", "xml.etree.ElementTree.fromstringlist",
    "xml.etree.cElementTree.fromstring", "xml.etree.cElementTree.parse",
    "xml.dom.minidom.parseString", "xml.dom.minidom.parse", "xml.dom.pulldom.parseString",
    "xml.dom.pulldom.parse", "xml.sax.parseString", "xml.sax.parse", "xmlrpc.client.loads",
)


def _constant_true(ctx: Context, node: ast.expr | None) -> bool:
    return node is not None and (is_true(node) or ctx.constant_value(node) is True)


@rule(
    id="xml-external-entities",
    tests=False,
    name="XML parser that resolves external entities",
    cwe="611",
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    calls=LXML_PARSER_CALLS + LXML_PARSE_CALLS,
    methods=SAX_FEATURE_METHODS,
    bandit=("B320", "B410"),
    fix="Parse untrusted XML with lxml.etree.XMLParser(resolve_entities=False, no_network=True) or with "
    "defusedxml for the standard library parsers; never enable external general or parameter entities.",
)
def xml_external_entities(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds lxml parsers created with `resolve_entities=True` or
    `no_network=False`, SAX parsers with `feature_external_ges` or
    `feature_external_pes` switched on, and `lxml.etree.fromstring()`/
    `parse()` of request data with lxml's default parser.

    ## Why is this bad
    An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes
    the parser read a local file or fetch a URL and put the result in the
    document: the sender reads the server's files or reaches internal hosts
    (CWE-611). lxml before 5.0 resolved external entities by default, which
    is why the default parser on request data is still reported (with
    medium confidence: the installed version decides).

    ## Example
    ```python
    parser = etree.XMLParser(resolve_entities=True)
    doc = etree.fromstring(body, parser)
    ```

    ## Use instead
    ```python
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(body, parser)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    if isinstance(node.func, ast.Attribute) and node.func.attr in SAX_FEATURE_METHODS:
        if len(node.args) != 2:
            return
        feature = ctx.qualname(node.args[0]) or ctx.constant_value(node.args[0])
        if feature in SAX_EXTERNAL_FEATURES and _constant_true(ctx, node.args[1]):
            ctx.report(node, "The SAX parser is told to resolve external entities; a document can make it "
                       "read local files or fetch URLs.")
        return
    name = ctx.call_name(node) or ""
    if name in LXML_PARSER_CALLS:
        if _constant_true(ctx, getattr(keyword(node, "resolve_entities"), "value", None)):
            ctx.report(node, f"{name}(resolve_entities=True) expands external entities: a document can include "
                       "local files or URLs.")
        elif (no_network := keyword(node, "no_network")) is not None and \
                ctx.constant_value(no_network.value) is False:
            ctx.report(node, f"{name}(no_network=False) lets documents make the parser fetch URLs.",
                       severity=Severity.MEDIUM)
        return
    if argument(node, 1, "parser") is not None:
        return
    origin = request_data(ctx, argument(node, 0, "text") or argument(node, 0, "source"))
    if origin:
        ctx.report(node, f"{name}() parses `{origin}` with lxml's default parser, which resolves external "
                   "entities before lxml 5.0.", severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)


@rule(
    id="xml-entity-expansion",
    tests=False,
    name="Request data parsed with a standard-library XML parser",
    cwe="776",
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    calls=STDLIB_XML_PARSE_CALLS,
    bandit=("B313", "B314", "B318", "B319", "B317"),
    fix="Parse untrusted XML with defusedxml (defusedxml.ElementTree.fromstring(body)), which refuses DTDs "
    "with entity declarations.",
)
def xml_entity_expansion(node: ast.Call, ctx: Context) -> None:
    """
    ## What it does
    Finds request data parsed with `xml.etree`, `xml.dom.minidom`,
    `xml.dom.pulldom`, `xml.sax` or `xmlrpc.client.loads` instead of
    `defusedxml`, unless it is given a parser that refuses entities: one of
    defusedxml's, or one a factory function of the project (in this module or
    another) makes on every return.

    ## Why is this bad
    A few hundred bytes of nested entity definitions ("billion laughs")
    expand to gigabytes in memory (CWE-776). These parsers do not resolve
    external entities (since Python 3.7.1), and expat 2.4.1 and newer limits
    expansion, so the severity is low; it is reported because the
    protection depends on the expat the interpreter was built with
    (`pyexpat.EXPAT_VERSION`), and defusedxml removes the question.

    ## Example
    ```python
    doc = ElementTree.fromstring(request.data)
    ```

    ## Use instead
    ```python
    doc = defusedxml.ElementTree.fromstring(request.data)
    ```
    """
    if in_test_code(ctx):
        return  # fixtures and test servers are not deployed code
    source = argument(node, 0, "text") or argument(node, 0, "source") or argument(node, 0, "string")
    origin = request_data(ctx, source)
    if not origin:
        return
    call = ctx.call_name(node) or ""
    factory = _parser_factory(ctx, argument(node, 2 if call.endswith("iterparse") else 1, "parser"))
    if factory is True:
        return
    if isinstance(factory, str):
        judged = loader_classes.local(ctx, loader_classes.XML_PARSER, node, factory, origin)
        found = loader_classes.wording(loader_classes.XML_PARSER, factory, judged, call, origin) if judged else None
        if found is not None:
            ctx.report(node, found.message)
        return
    ctx.report(node, f"{call}() parses `{origin}`; entity expansion in a crafted document "
               "is limited only by the expat version.")


def _parser_factory(ctx: Context, parser: ast.expr | None) -> bool | str | None:
    """True for a parser made here that refuses entities (`defusedxml...DefusedXMLParser()`); the
    qualified name of a project function that made it (`make_parser()`), for its facts to judge;
    None for no parser, or one of the standard library's."""
    made = ctx.assigned_value(parser) if isinstance(parser, ast.Name) else parser
    if not isinstance(made, ast.Call):
        return None
    name = ctx.call_name(made) or ""
    if safe_xml_parser_call(made, name, ctx.constant_value):
        return True
    if name.startswith("xml."):
        return None
    return loader_classes.class_name(ctx, made.func)
