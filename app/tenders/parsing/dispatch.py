"""``parse_notice``: recognise the format of a notice and hand it to its parser. Pure."""

from __future__ import annotations

from lxml import etree

from app.tenders.parsing.boamp import parse_boamp
from app.tenders.parsing.bounded import bounded
from app.tenders.parsing.eforms import parse_eforms
from app.tenders.parsing.model import Notice, Skipped
from app.tenders.parsing.ted import parse_ted
from app.tenders.parsing.xml import parse_xml

UBL_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
TED_NAMESPACE_PREFIX = "http://publications.europa.eu/resource/schema/ted/"


def parse_notice(data: bytes) -> Notice | Skipped:
    """A call for competition as a Notice — values that cannot be right left out, with their reason in its
    ``warnings`` — anything else as Skipped with its reason.
    Raises NoticeParseError (French message, with the position) for malformed or hostile XML."""
    parsed = _parse(data)
    return bounded(parsed) if isinstance(parsed, Notice) else parsed


def _parse(data: bytes) -> Notice | Skipped:
    root = parse_xml(data)
    name = etree.QName(root)
    namespace = name.namespace or ""
    if namespace.startswith(UBL_PREFIX):
        return parse_eforms(root)
    if name.localname == "TED_EXPORT" and namespace.startswith(TED_NAMESPACE_PREFIX):
        return parse_ted(root)
    if name.localname == "ANNONCE" and not namespace:
        return parse_boamp(root)
    return Skipped(f"format XML non reconnu (élément racine « {name.localname} »)")
