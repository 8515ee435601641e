"""Parses uploaded feeds with the parsers of xmlutil."""
from xml.etree import ElementTree

from flask import request
from lxml import etree

from loaderapp import xmlutil
from loaderapp.xmlutil import make_defused, make_plain


def feed():
    # ok: xml-entity-expansion
    return ElementTree.fromstring(request.data, parser=make_defused())


def feed_attribute():
    parser = xmlutil.make_defused()
    # ok: xml-entity-expansion
    return ElementTree.fromstring(request.data, parser)


def feed_plain():
    # ruleid: xml-entity-expansion
    return ElementTree.fromstring(request.data, parser=make_plain())


def feed_lxml():
    # ok: xml-external-entities
    return etree.fromstring(request.data, xmlutil.make_parser())
