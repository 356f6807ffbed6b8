"""``parse_award``: recognise the format of an award notice and hand it to its parser. Pure.

The bytes are read by the hardened ``app.tenders.parsing.xml.parse_xml`` (no DTD, no entity, 20 MB at most). The
format comes from the root element, as for calls for competition: a UBL or eForms namespace is eForms, ``TED_EXPORT`` /
``TED_ESENDERS`` in a TED R2.0.9 namespace is TED, ``ANNONCE`` without namespace is BOAMP."""

from __future__ import annotations

from lxml import etree

from app.awards.model import AwardNotice
from app.awards.parsing.boamp_awards import parse_boamp_award
from app.awards.parsing.eforms_awards import parse_eforms_award
from app.awards.parsing.ted_awards import TED_NAMESPACE, parse_ted_award
from app.tenders.parsing.model import NoticeFormat, Skipped
from app.tenders.parsing.xml import parse_xml

UBL_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
EFORMS_PREFIX = "http://data.europa.eu/p27/"  # eForms' own roots: business registration notices X01, X02
TED_PREFIX = "http://publications.europa.eu/resource/schema/ted/"


def parse_award(data: bytes) -> AwardNotice | Skipped:
    """An award notice as its contracts (``AwardNotice``: one contract per lot awarded and holder, the lots not
    awarded aside, values out of bounds left out with their French reason in the contract's warnings); any other
    notice as ``Skipped`` with its French reason (a call for competition: « avis de marché, pas un avis
    d'attribution »). Raises ``NoticeParseError`` (French, with the position) for malformed or hostile XML and for
    an award notice without identifier."""
    root = parse_xml(data)
    name = etree.QName(root)
    namespace = name.namespace or ""
    if namespace.startswith((UBL_PREFIX, EFORMS_PREFIX)):
        return parse_eforms_award(root)
    if name.localname in ("TED_EXPORT", "TED_ESENDERS") and namespace.startswith(TED_PREFIX):
        if not TED_NAMESPACE.fullmatch(namespace):
            version = namespace[len(TED_PREFIX) :][:40]
            return Skipped(f"schéma TED non pris en charge ({version}) : R2.0.9 attendu", format=NoticeFormat.TED)
        return parse_ted_award(root)
    if name.localname == "ANNONCE" and not namespace:
        return parse_boamp_award(root)
    return Skipped(f"format XML non reconnu (élément racine « {name.localname[:60]} »)")
