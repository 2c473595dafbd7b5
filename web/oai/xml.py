"""Building XML safely: ElementTree trees, written with every value escaped and stripped of what
XML 1.0 forbids, namespaces declared once on the root with chosen prefixes."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["OAI", "OAI_DC", "DC", "TTDN", "XSI", "XML_LANG", "OAI_SCHEMA_URL", "OAI_DC_SCHEMA_URL",
           "OAI_ID", "OAI_PREFIXES", "XML_NS", "clean", "sub", "text", "serialize"]

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
TTDN = "urn:ttdn-archive:metadata:ttdn:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
OAI_SCHEMA_URL = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA_URL = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
# The prefixes an OAI-PMH response declares on its root (the envelope in the default namespace).
OAI_PREFIXES = {OAI: "", XSI: "xsi", OAI_DC: "oai_dc", DC: "dc", TTDN: "ttdn", OAI_ID: "oai-id"}

# Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F);
# a value holding one would make the whole response unreadable to a harvester.
_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value: object) -> str:
    """The value as text XML 1.0 can hold."""
    return _ILLEGAL.sub("", str(value))


def sub(parent: ET.Element, tag: str, attrib: dict | None = None) -> ET.Element:
    """A child element (attribute values cleaned)."""
    return ET.SubElement(parent, tag, {k: clean(v) for k, v in (attrib or {}).items()})


def text(parent: ET.Element, tag: str, value: object, attrib: dict | None = None) -> ET.Element:
    """A child element holding `value` as text."""
    element = sub(parent, tag, attrib)
    element.text = clean(value)
    return element


def _escape(value: str, *, attribute: bool = False) -> str:
    out = clean(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:  # kept as they are: a parser would fold raw tabs and newlines to spaces
        out = (out.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
               .replace("\r", "&#13;"))
    return out.replace("\r", "&#13;")


def _name(qname: str, prefixes: dict[str, str]) -> str:
    if not qname.startswith("{"):
        return qname
    uri, local = qname[1:].split("}", 1)
    prefix = "xml" if uri == XML_NS else prefixes[uri]
    return f"{prefix}:{local}" if prefix else local


def _write(element: ET.Element, prefixes: dict[str, str], out: list[str], top: bool) -> None:
    name = _name(element.tag, prefixes)
    attrs = [(_name(k, prefixes), v) for k, v in element.attrib.items()]
    if top:  # every namespace declared once, on the root
        attrs = [(f"xmlns:{p}" if p else "xmlns", uri) for uri, p in prefixes.items()] + attrs
    out.append(f"<{name}" + "".join(f' {k}="{_escape(v, attribute=True)}"' for k, v in attrs))
    children = list(element)
    if not children and not element.text:
        out.append("/>")
    else:
        out.append(">" + _escape(element.text or ""))
        for child in children:
            _write(child, prefixes, out, False)
            out.append(_escape(child.tail or ""))
        out.append(f"</{name}>")


def serialize(root: ET.Element, prefixes: dict[str, str] | None = None) -> bytes:
    """The document as UTF-8 with its declaration; `prefixes` maps namespace URI -> prefix."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, prefixes if prefixes is not None else OAI_PREFIXES, out, True)
    return "".join(out).encode("utf-8")
