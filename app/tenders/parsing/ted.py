"""TED legacy XML R2.0.9 (``TED_EXPORT``) → ``Notice | Skipped``. Pure: standard library, lxml, parsing modules.

Both publication namespaces, ``…/R2.0.9/publication`` and the older ``…/R2.0.9.S02/publication``, are read. Only the
form marked ``CATEGORY="ORIGINAL"`` is read, never the translations; multilingual buyers (Switzerland) publish several
originals, and the French one is preferred. Calls for competition are those eForms imports too: F02, F05 (utilities),
F07 (qualification system, eForms 15), F12 (design contest, eForms 23), F21 and F22 (light regime) when their
``NOTICE/@TYPE`` is ``CONTRACT`` — or a qualification system for F22 —, F24 (concession); every other form or type is
Skipped. Codes are normalised as the other parsers do: languages and countries in ISO alpha-3, NUTS 2013 PACA codes
mapped. Paths: ``../shared/domain/notices.md`` §4."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from decimal import Decimal, InvalidOperation

from lxml import etree

from app.tenders.parsing.iso_codes import LANGUAGES, alpha3
from app.tenders.parsing.model import (
    AwardCriterion,
    Buyer,
    Deadline,
    Lot,
    Money,
    Notice,
    NoticeFormat,
    NoticeParseError,
    SelectionCriterion,
    SelectionType,
    Skipped,
)
from app.tenders.parsing.nuts import current_nuts
from app.tenders.parsing.texts import min_turnover_eur
from app.tenders.parsing.xml import local_name

TED_NS = "http://publications.europa.eu/resource/schema/ted/R2.0.9/publication"
TED_NAMESPACES = (TED_NS, "http://publications.europa.eu/resource/schema/ted/R2.0.9.S02/publication")
NS = {"t": TED_NS}
_NS = {namespace: {"t": namespace} for namespace in TED_NAMESPACES}  # the prefix t in each namespace
_NUTS_NS = re.compile(r"http://publications\.europa\.eu/resource/schema/ted/\d{4}/nuts")  # 2013, 2016, 2021…
_NUTS_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")  # drops the "00" placeholder of non-European places
_EMPTY = etree.Element("EMPTY")  # stands for a missing section: every lookup in it finds nothing

_CALL_FORMS = {"F02", "F05", "F07", "F12", "F24"}
_TYPED_CALLS = {"F21": {"CONTRACT"}, "F22": {"CONTRACT", "QSU_CALL_COMPETITION", "QSU_ONLY"}}  # by NOTICE/@TYPE
_FORM_LABELS = {
    "F01": "avis de préinformation", "F03": "avis d'attribution", "F04": "avis périodique indicatif",
    "F06": "avis d'attribution (secteurs spéciaux)", "F13": "résultats de concours", "F14": "avis rectificatif",
    "F15": "avis de transparence ex ante volontaire", "F20": "avis de modification",
    "F23": "avis des services sociaux (concessions)", "F25": "avis d'attribution de concession",
}  # fmt: skip
_NOTICE_TYPE_LABELS = {
    "PRI_ONLY": "avis de préinformation", "PER_ONLY": "avis périodique indicatif",
    "AWARD_CONTRACT": "avis d'attribution",
    "PRI_CALL_COMPETITION": "avis de préinformation valant appel à la concurrence",
    "PER_CALL_COMPETITION": "avis périodique indicatif valant appel à la concurrence",
}  # fmt: skip
# TED procedure elements → eForms BT-105 (OP-TED/ted-xml-data-converter, other-mappings.xml). A procedure
# "involving negotiations" (F21) in a contract notice follows a call for competition: neg-w-call, not neg-wo-call.
PROCEDURES = {
    "PT_OPEN": "open", "PT_RESTRICTED": "restricted", "PT_COMPETITIVE_DIALOGUE": "comp-dial",
    "PT_COMPETITIVE_NEGOTIATION": "neg-w-call", "PT_NEGOTIATED_WITH_PRIOR_CALL": "neg-w-call",
    "PT_INVOLVING_NEGOTIATION": "neg-w-call", "PT_INNOVATION_PARTNERSHIP": "innovation",
    "PT_AWARD_CONTRACT_WITHOUT_CALL": "neg-wo-call", "PT_NEGOTIATED_WITHOUT_PUBLICATION": "neg-wo-call",
}  # fmt: skip
NATURES = {"WORKS": "works", "SUPPLIES": "supplies", "SERVICES": "services"}
_SELECTION = {  # OP's mapping: sui-act, ef-stand, tp-abil
    "SUITABILITY": SelectionType.SUITABILITY,
    **dict.fromkeys(("ECONOMIC_FINANCIAL_INFO", "ECONOMIC_FINANCIAL_MIN_LEVEL"), SelectionType.ECONOMIC_FINANCIAL),
    **dict.fromkeys(
        ("TECHNICAL_PROFESSIONAL_INFO", "TECHNICAL_PROFESSIONAL_MIN_LEVEL"), SelectionType.TECHNICAL_PROFESSIONAL
    ),
}
_RESERVED = {  # eForms BT-71 codes, in order of precedence
    "RESTRICTED_SHELTERED_WORKSHOP": "res-ws", "RESTRICTED_SHELTERED_PROGRAM": "res-ws",
    "RESERVED_ORGANISATIONS_SERVICE_MISSION": "res-pub-ser",
}  # fmt: skip
_AWARD = {"AC_QUALITY": ("quality", "Qualité"), "AC_COST": ("cost", "Coût"), "AC_PRICE": ("price", "Prix")}
_DAYS = {"DAY": 1, "MONTH": 30, "YEAR": 365}
_NO_IDENTIFIER = re.compile(r"(?i)n/?a|none|néant|sans objet|[-./]*")


def parse_ted(root: etree._Element) -> Notice | Skipped:
    """The notice a ``TED_EXPORT`` carries, Skipped when it is not a call for competition; NoticeParseError
    (French) without DOC_ID or ORIGINAL form."""
    if local_name(root) != "TED_EXPORT" or etree.QName(root).namespace not in TED_NAMESPACES:
        raise NoticeParseError(f"élément racine « {local_name(root)} » : TED_EXPORT (R2.0.9) attendu")
    notice_id = _clean(root.get("DOC_ID"))
    if not notice_id:
        raise NoticeParseError("avis TED sans identifiant (attribut DOC_ID de TED_EXPORT)")
    form = _original_form(root, notice_id)
    subtype = local_name(form).split("_")[0]
    reason = _not_a_call(form, subtype)
    if reason is not None:
        return Skipped(reason=reason, notice_id=notice_id, format=NoticeFormat.TED)
    return _notice(root, form, notice_id, subtype)


def _original_form(root: etree._Element, notice_id: str) -> etree._Element:
    forms = [form for form in root.iterfind("t:FORM_SECTION/*", _ns(root)) if form.get("CATEGORY") == "ORIGINAL"]
    if not forms:
        raise NoticeParseError(f"avis TED {notice_id} : aucun formulaire ORIGINAL dans FORM_SECTION")
    return next((form for form in forms if form.get("LG") == "FR"), forms[0])


def _not_a_call(form: etree._Element, subtype: str) -> str | None:
    """Why the form is not imported (French), or None for a call for competition."""
    if subtype in _TYPED_CALLS:  # light regime: a contract notice, a prior information notice or an award notice
        kind = _child(form, "NOTICE").get("TYPE") or ""
        label = None if kind in _TYPED_CALLS[subtype] else _NOTICE_TYPE_LABELS.get(kind, "type d'avis inconnu")
    else:
        label = None if subtype in _CALL_FORMS else _FORM_LABELS.get(subtype, "formulaire non pris en charge")
    if label is None:
        return None
    return f"{subtype} : {label} ; seuls les avis de marché (appels à la concurrence) sont importés"


def _notice(root: etree._Element, form: etree._Element, notice_id: str, subtype: str) -> Notice:
    contract = _child(form, "OBJECT_CONTRACT")
    procedure = _child(form, "PROCEDURE")
    lefti = _child(form, "LEFTI")
    submitted, awarded = _lot_limits(_child(contract, "LOT_DIVISION"))
    title = _text(contract, "TITLE")
    return Notice(
        notice_id=notice_id,
        version=_clean(root.get("VERSION")) or None,
        format=NoticeFormat.TED,
        subtype=subtype,
        language=LANGUAGES.get(_clean(form.get("LG")).upper()),
        buyer=_buyer(_child(_child(form, "CONTRACTING_BODY"), "ADDRESS_CONTRACTING_BODY")),
        title=title,
        description=_text(contract, "SHORT_DESCR", sep="\n"),
        procedure_type=next(filter(None, map(PROCEDURES.get, map(local_name, procedure.iterfind("*")))), None),
        nature=NATURES.get(_clean(_child(contract, "TYPE_CONTRACT").get("CTYPE")).upper()),
        deadline=_deadline(procedure),
        max_lots_submitted=submitted,
        max_lots_awarded=awarded,
        groupement_legal_form=_text(lefti, "LEGAL_FORM", sep="\n") or None,
        publication_number=_get(root, "CODED_DATA_SECTION/t:NOTICE_DATA/t:NO_DOC_OJS") or None,
        lots=_lots(root, contract, lefti, title),
    )


def _lots(root: etree._Element, contract: etree._Element, lefti: etree._Element, title: str) -> tuple[Lot, ...]:
    descriptions = contract.findall("t:OBJECT_DESCR", _ns(contract))
    procedure_level = Lot(  # what a lot inherits when it does not state it
        lot_id="1",
        title=title,
        main_cpv=_cpv(_child(_child(contract, "CPV_MAIN"), "CPV_CODE")),
        nuts=_nuts(_child(_child(root, "CODED_DATA_SECTION"), "NOTICE_DATA"), "PERFORMANCE_NUTS"),
        estimated_value=_money(_child(contract, "VAL_ESTIMATED_TOTAL")) if len(descriptions) == 1 else None,
        reserved=next((code for tag, code in _RESERVED.items() if _child(lefti, tag) is not _EMPTY), None),
        selection_criteria=_selection(lefti),
    )
    return tuple(_lot(description, procedure_level) for description in descriptions)


def _lot(description: etree._Element, inherited: Lot) -> Lot:
    main_cpv = _cpv(_child(_child(description, "CPV_MAIN"), "CPV_CODE")) or inherited.main_cpv
    additional = (_cpv(code) for code in description.iterfind("t:CPV_ADDITIONAL/t:CPV_CODE", _ns(description)))
    duration = _child(description, "DURATION")
    return replace(
        inherited,
        lot_id=_get(description, "LOT_NO") or _clean(description.get("ITEM")) or inherited.lot_id,
        title=_text(description, "TITLE") or inherited.title,
        description=_text(description, "SHORT_DESCR", sep="\n"),
        main_cpv=main_cpv,
        additional_cpv=tuple(dict.fromkeys(code for code in additional if code and code != main_cpv)),
        nuts=_nuts(description, "NUTS") or inherited.nuts,
        town=_short(_text(description, "MAIN_SITE", sep=", ").rstrip(". ")) or None,
        estimated_value=_money(_child(description, "VAL_OBJECT")) or inherited.estimated_value,
        duration_days=_duration_days(duration),
        duration_text=_clean(f"{_clean(duration.text)} {_clean(duration.get('TYPE'))}") or None,
        start=_date(_get(description, "DATE_START")),
        end=_date(_get(description, "DATE_END")),
        award_criteria=_award_criteria(description),
    )


def _buyer(address: etree._Element) -> Buyer:
    identifier, country = _get(address, "NATIONALID"), _clean(_child(address, "COUNTRY").get("VALUE"))
    if re.fullmatch(r"[\d ]+", identifier):  # "211 300 017 00012" → SIRET digits
        identifier = identifier.replace(" ", "")
    return Buyer(
        name=_get(address, "OFFICIALNAME"),
        identifier=None if _NO_IDENTIFIER.fullmatch(identifier) else identifier,
        address=_get(address, "ADDRESS") or None,
        city=_get(address, "TOWN") or None,
        postcode=_get(address, "POSTAL_CODE") or None,
        nuts=next(iter(_nuts(address, "NUTS")), None),
        country=alpha3(country),
    )


def _selection(lefti: etree._Element) -> tuple[SelectionCriterion, ...]:
    texts = ((tag, kind, _text(lefti, tag, sep="\n")) for tag, kind in _SELECTION.items())
    return tuple(SelectionCriterion(kind, text, tag, min_turnover_eur(text)) for tag, kind, text in texts if text)


def _award_criteria(description: etree._Element) -> tuple[AwardCriterion, ...]:
    criteria = []
    for element in description.iterfind("t:AC/*", _ns(description)):
        kind, default_name = _AWARD.get(local_name(element), (None, ""))
        if kind is not None:
            name = _get(element, "AC_CRITERION") or default_name
            criteria.append(AwardCriterion(kind, name, _weight(_get(element, "AC_WEIGHTING"))))
    return tuple(criteria)


def _lot_limits(division: etree._Element) -> tuple[int | None, int | None]:
    """BT-31 (LOT_MAX_NUMBER, LOT_ONE_ONLY = 1, LOT_ALL = no limit) and BT-33 (LOT_MAX_ONE_TENDERER)."""
    one_only = division.find("t:LOT_ONE_ONLY", _ns(division)) is not None
    return 1 if one_only else _int(_get(division, "LOT_MAX_NUMBER")), _int(_get(division, "LOT_MAX_ONE_TENDERER"))


def _deadline(procedure: etree._Element) -> Deadline | None:
    """DATE_RECEIPT_TENDERS + TIME_RECEIPT_TENDERS: "12:00", and "9:00" (one-digit hours occur); no zone."""
    day = _date(_get(procedure, "DATE_RECEIPT_TENDERS"))
    found = re.fullmatch(r"(\d{1,2})[:hH.](\d{2})(?::\d{2})?", _get(procedure, "TIME_RECEIPT_TENDERS"))
    at = time(int(found[1]), int(found[2])) if found and int(found[1]) < 24 and int(found[2]) < 60 else None
    return None if day is None else Deadline(day=day, at=at)


def _duration_days(duration: etree._Element) -> int | None:
    count = _int(duration.text)
    per = _DAYS.get(_clean(duration.get("TYPE")).upper())
    return count * per if count is not None and per is not None else None


def _nuts(parent: etree._Element, name: str) -> tuple[str, ...]:
    """The codes of the ``name`` children in a NUTS namespace (n2016, n2021…), in order, without duplicates."""
    nodes = (node for node in parent.iterfind(f"{{*}}{name}") if _NUTS_NS.fullmatch(etree.QName(node).namespace or ""))
    codes = (current_nuts(node.get("CODE")) or "" for node in nodes)  # NUTS 2013 PACA codes → FRL0x
    return tuple(dict.fromkeys(code for code in codes if _NUTS_CODE.fullmatch(code)))


def _money(element: etree._Element) -> Money | None:
    currency = _clean(element.get("CURRENCY")).upper()
    try:
        amount = Decimal("".join((element.text or "").split()))
    except InvalidOperation:
        return None
    return Money(amount, currency) if currency and amount.is_finite() and amount >= 0 else None


def _weight(text: str | None) -> Decimal | None:
    """``"40"``, ``"40 %"``, ``"12,5 %"`` → Decimal; free text (« voir RC ») → None."""
    found = re.fullmatch(r"(\d+(?:[.,]\d+)?)\s*(?:%|pts?|points?)?", _clean(text), re.IGNORECASE)
    return Decimal(found[1].replace(",", ".")) if found else None


def _cpv(code: etree._Element) -> str | None:
    value = _clean(code.get("CODE")).split("-")[0]
    return value if re.fullmatch(r"\d{8}", value) else None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(_clean(text)[:10])
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    value = _clean(text)
    return int(value) if value.isdecimal() and len(value) <= 9 else None  # a count, not a 4,000-digit number


def _text(parent: etree._Element, tag: str, *, sep: str = " ") -> str:
    """The paragraphs (``P``) of the ``tag`` child joined by ``sep``, whitespace collapsed; "" when absent."""
    element = parent.find(f"t:{tag}", _ns(parent))
    paragraphs = [] if element is None else element.findall("t:P", _ns(element)) or [element]
    return sep.join(text for text in (_clean("".join(p.itertext())) for p in paragraphs) if text)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,;") + "…"


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """The first ``tag`` child, or an empty element standing for it."""
    found = parent.find(f"t:{tag}", _ns(parent))
    return _EMPTY if found is None else found


def _get(parent: etree._Element, path: str) -> str:
    return _clean(parent.findtext(f"t:{path}", None, _ns(parent)))


def _ns(element: etree._Element) -> dict[str, str]:  # t: the element's own namespace; R2.0.9 for _EMPTY
    return _NS.get(etree.QName(element).namespace, NS)


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())
