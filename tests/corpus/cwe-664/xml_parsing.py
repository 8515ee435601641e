"""XML external entities (CWE-611) and entity expansion (CWE-776)."""
import xml.sax
from xml.dom import minidom
from xml.etree import ElementTree
from xml.sax.handler import feature_external_ges

import defusedxml.ElementTree
from flask import request
from lxml import etree


def parse_with_entities(body):
    # ruleid: xml-external-entities
    parser = etree.XMLParser(resolve_entities=True)
    # ok: xml-external-entities
    hardened = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(body, parser), etree.fromstring(body, hardened)


def parse_with_network(body):
    # ruleid: xml-external-entities
    parser = etree.XMLParser(no_network=False)
    return etree.fromstring(body, parser)


def lxml_default_parser_on_request():
    # ruleid: xml-external-entities
    doc = etree.fromstring(request.data)
    # ok: xml-external-entities
    same = etree.fromstring(request.data, etree.XMLParser(resolve_entities=False))
    return doc, same


def lxml_default_parser_on_own_file():
    # ok: xml-external-entities
    return etree.parse("/etc/app/settings.xml")


def sax_with_external_entities(stream, handler):
    parser = xml.sax.make_parser()
    # ruleid: xml-external-entities
    parser.setFeature(feature_external_ges, True)
    # ok: xml-external-entities
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(handler)
    parser.parse(stream)


def stdlib_parsers_on_request():
    # ruleid: xml-entity-expansion
    tree = ElementTree.fromstring(request.data)
    # ruleid: xml-entity-expansion
    dom = minidom.parseString(request.get_data())
    # ok: xml-entity-expansion
    safe = defusedxml.ElementTree.fromstring(request.data)
    return tree, dom, safe


def stdlib_parser_on_own_file(path):
    # ok: xml-entity-expansion
    return ElementTree.parse(path)
