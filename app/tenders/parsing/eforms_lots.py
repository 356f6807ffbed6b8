"""eForms lots (``cac:ProcurementProjectLot``) and the XPath helpers shared with ``eforms.py``. Pure: lxml only.

Elements are matched by namespace URI through the ``NS`` dictionary, never by the prefixes of the file. Optional
fields that are missing or unreadable become ``None`` or empty: reading a lot never raises."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree

from app.tenders.parsing.model import AwardCriterion, Lot, Money, SelectionCriterion, SelectionType
from app.tenders.parsing.texts import min_turnover_eur

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
}
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
PROJECT = "cac:ProcurementProject"

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
_CPV = re.compile(r"\d{8}")
_MEANINGFUL = re.compile(r"\w")
_DAYS_PER_UNIT = {"DAY": 1, "WEEK": 7, "MONTH": 30, "YEAR": 365}
_OLD_SELECTION = {  # BT-747, SDK < 1.12
    "sui-act": SelectionType.SUITABILITY,
    "ef-stand": SelectionType.ECONOMIC_FINANCIAL,
    "tp-abil": SelectionType.TECHNICAL_PROFESSIONAL,
}
_NEW_SELECTION = (  # BT-809, SDK >= 1.12
    ("slc-suit-", SelectionType.SUITABILITY),
    ("slc-stand-", SelectionType.ECONOMIC_FINANCIAL),
    ("slc-abil-", SelectionType.TECHNICAL_PROFESSIONAL),
)
_SELECTION_CODE = (
    "cbc:CriterionTypeCode[@listName='selection-criterion']"
    " | cbc:TendererRequirementTypeCode[@listName='selection-criterion']"
)
_WEIGHT = f"{EXT}/efac:AwardCriterionParameter[efbc:ParameterCode/@listName='number-weight']/efbc:ParameterNumeric"


@cache
def _compiled(path: str) -> etree.XPath:
    # Compiling an XPath costs more than evaluating it: each distinct path is compiled once per process.
    return etree.XPath(path, namespaces=NS, smart_strings=False)


def find(node: etree._Element, path: str) -> list[etree._Element]:
    return _compiled(path)(node)


def _string(element: etree._Element) -> str:
    if len(element) == 0:  # most notice fields are leaves: skip the text iterator
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def first_text(node: etree._Element, path: str) -> str | None:
    """The first non-empty, stripped text the path selects, or None."""
    for element in find(node, path):
        text = _string(element) if isinstance(element, etree._Element) else str(element).strip()
        if text:
            return text
    return None


def localized(node: etree._Element, path: str, language: str | None) -> str | None:
    """A multilingual text: in French when given, else in the notice language, else the first one."""
    found = [(el.get("languageID", "").upper(), _string(el)) for el in find(node, path)]
    found = [(lang, text) for lang, text in found if _MEANINGFUL.search(text)]  # not "-" nor "---"
    for wanted in ("FRA", language):
        for lang, text in found:
            if wanted and lang == wanted:
                return text
    return found[0][1] if found else None


def parse_date(text: str | None) -> tuple[date, tzinfo | None] | None:
    """``2019-06-24Z`` or ``2024-01-08+01:00`` → the day and its zone (None when the text states none)."""
    match = _DATE.fullmatch(text or "")
    if match is None:
        return None
    try:
        day = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    zone = match.group(2)
    if zone is None:
        return day, None
    if zone == "Z":
        return day, UTC
    offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    if offset >= timedelta(hours=24):  # "+99:00" is no zone: an unreadable date
        return None
    return day, timezone(-offset if zone[0] == "-" else offset)


def parse_time(text: str | None) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def to_decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal(text.strip()) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _day(node: etree._Element, path: str) -> date | None:
    parsed = parse_date(first_text(node, path))
    return parsed[0] if parsed else None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _cpv(text: str | None) -> str | None:
    code = (text or "").strip().split("-")[0]  # tolerate a check digit: "45210000-2"
    return code if _CPV.fullmatch(code) else None


@dataclass(frozen=True)
class Project:
    """What a lot inherits from the procedure (``/*/cac:ProcurementProject``) when it states nothing."""

    main_cpv: str | None = None
    additional_cpv: tuple[str, ...] = ()
    nuts: tuple[str, ...] = ()
    town: str | None = None
    postcode: str | None = None


def read_project(node: etree._Element) -> Project:
    """CPVs and place of a ``cac:ProcurementProject`` child of ``node`` (the notice root or a lot)."""
    codes = "cac:{}CommodityClassification/cbc:ItemClassificationCode"
    main = _cpv(first_text(node, f"{PROJECT}/{codes.format('Main')}"))
    additional = _unique(_cpv(el.text) for el in find(node, f"{PROJECT}/{codes.format('Additional')}"))
    addresses = find(node, f"{PROJECT}/cac:RealizedLocation/cac:Address")
    return Project(
        main_cpv=main,
        additional_cpv=tuple(code for code in additional if code != main),
        nuts=_unique(first_text(address, "cbc:CountrySubentityCode") for address in addresses),
        town=next(filter(None, (first_text(a, "cbc:CityName") for a in addresses)), None),
        postcode=next(filter(None, (first_text(a, "cbc:PostalZone") for a in addresses)), None),
    )


def _inherit(own: Project, procedure: Project) -> Project:
    """CPVs come from the lot when it has any, else from the procedure; the place likewise, as a whole."""
    if own.main_cpv is None and not own.additional_cpv:
        cpvs = (procedure.main_cpv, procedure.additional_cpv)
    else:
        main = own.main_cpv or procedure.main_cpv
        cpvs = (main, tuple(code for code in own.additional_cpv if code != main))
    place = own if (own.nuts or own.town or own.postcode) else procedure
    return Project(*cpvs, nuts=place.nuts, town=place.town, postcode=place.postcode)


def lot_nodes(root: etree._Element, *, parts_as_lots: bool) -> list[etree._Element]:
    """The lots (lot groups excluded); the parts of a PIN used as a call for competition when it has no lot."""
    lots = find(root, "cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']")
    if not lots and parts_as_lots:
        lots = find(root, "cac:ProcurementProjectLot[cbc:ID/@schemeName='Part']")
    return lots


def read_lot(node: etree._Element, language: str | None, procedure: Project) -> Lot:
    project = _inherit(read_project(node), procedure)
    duration_days, duration_text = _duration(node)
    reserved = first_text(node, "cac:TenderingTerms//cbc:TendererRequirementTypeCode[@listName='reserved-procurement']")
    return Lot(
        lot_id=first_text(node, "cbc:ID") or "",
        title=localized(node, f"{PROJECT}/cbc:Name", language) or "",
        internal_number=first_text(node, f"{PROJECT}/cbc:ID"),
        description=localized(node, f"{PROJECT}/cbc:Description", language) or "",
        main_cpv=project.main_cpv,
        additional_cpv=project.additional_cpv,
        nuts=project.nuts,
        town=project.town,
        postcode=project.postcode,
        estimated_value=_money(node, f"{PROJECT}/cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"),
        duration_days=duration_days,
        duration_text=duration_text,
        start=_day(node, f"{PROJECT}/cac:PlannedPeriod/cbc:StartDate"),
        end=_day(node, f"{PROJECT}/cac:PlannedPeriod/cbc:EndDate"),
        sme_suitable={"true": True, "false": False}.get(first_text(node, f"{PROJECT}/cbc:SMESuitableIndicator") or ""),
        reserved=reserved if reserved != "none" else None,
        selection_criteria=_selection_criteria(node, language),
        award_criteria=_award_criteria(node, language),
    )


def _money(node: etree._Element, path: str) -> Money | None:
    for element in find(node, path):
        amount = to_decimal(element.text)
        currency = (element.get("currencyID") or "").strip().upper()
        if amount is not None and amount >= 0 and currency:  # 0 is a value: app.bounds allows it
            return Money(amount, currency)
    return None


def _duration(node: etree._Element) -> tuple[int | None, str | None]:
    """BT-36 as days (a month counts 30 days, a year 365) and as the notice states it ("12 MONTH")."""
    elements = find(node, f"{PROJECT}/cac:PlannedPeriod/cbc:DurationMeasure")
    value = to_decimal(elements[0].text) if elements else None
    if value is None or value.adjusted() >= 9:  # "1E+999999" overflowed below; a duration, not a 10-digit number
        return None, None
    unit = (elements[0].get("unitCode") or "").strip().upper()
    factor = _DAYS_PER_UNIT.get(unit)
    days = int((value * factor).to_integral_value()) if factor else None
    return days, f"{elements[0].text.strip()} {unit}".strip()


def _selection_type(code: str | None) -> SelectionType:
    if code in _OLD_SELECTION:
        return _OLD_SELECTION[code]
    return next((kind for prefix, kind in _NEW_SELECTION if (code or "").startswith(prefix)), SelectionType.OTHER)


def _selection_criteria(node: etree._Element, language: str | None) -> tuple[SelectionCriterion, ...]:
    """BT-747 (old codes) or BT-809 (``slc-*``) with the BT-750 text; criteria marked not used are left out."""
    criteria = []
    for element in find(node, f"cac:TenderingTerms/{EXT}/efac:SelectionCriteria"):
        if first_text(element, "cbc:CalculationExpressionCode[@listName='usage']") == "n-used":
            continue
        code = first_text(element, _SELECTION_CODE)
        text = localized(element, "cbc:Description", language) or localized(element, "cbc:Name", language) or ""
        if code is None and not text:
            continue
        kind = _selection_type(code)
        criteria.append(SelectionCriterion(type=kind, text=text, code=code, min_turnover_eur=min_turnover_eur(text)))
    return tuple(criteria)


def _award_criteria(node: etree._Element, language: str | None) -> tuple[AwardCriterion, ...]:
    """BT-539 type, BT-734 name (else the BT-540 description) and the BT-541 weight of a number-weight."""
    path = "cac:TenderingTerms/cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion"
    criteria = []
    for element in find(node, path):
        kind = first_text(element, "cbc:AwardingCriterionTypeCode")
        if kind is None:
            continue
        name = localized(element, "cbc:Name", language) or localized(element, "cbc:Description", language) or ""
        criteria.append(AwardCriterion(type=kind, name=name, weight=to_decimal(first_text(element, _WEIGHT))))
    return tuple(criteria)
