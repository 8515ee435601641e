"""The project's XML parser factories."""
from xml.etree import ElementTree

from defusedxml.ElementTree import DefusedXMLParser
from lxml import etree


def make_parser():
    return etree.XMLParser(resolve_entities=False, no_network=True)


def make_defused():
    return DefusedXMLParser()


def make_plain():
    return ElementTree.XMLParser()


def make_resolving():
    # ruleid: xml-external-entities
    return etree.XMLParser(resolve_entities=True)
