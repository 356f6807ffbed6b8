"""eForms (UBL 2.3) notices → ``Notice`` for calls for competition, ``Skipped`` for every other kind. Pure: lxml only.

The kind is decided on the notice subtype (OPP-070, else the BT-02 notice type), never on the root element: real
notices of subtypes 10–12 sometimes have a ``ContractNotice`` root. XPaths follow the SDK's ``fields.json``."""

from __future__ import annotations

from lxml import etree

from app.tenders.parsing.eforms_lots import (
    EXT,
    NS,
    first_text,
    localized,
    lot_nodes,
    parse_date,
    parse_time,
    read_lot,
    read_project,
)
from app.tenders.parsing.model import Buyer, Deadline, Notice, NoticeFormat, NoticeParseError, Skipped

__all__ = ["COMPETITION_SUBTYPES", "parse_eforms", "skip_reason"]

COMPETITION_SUBTYPES = frozenset({*(str(n) for n in range(10, 25)), "E3"})
# BT-02 notice types of the competition form (BT-03), used when a notice has no OPP-070 subtype.
_COMPETITION_TYPES = frozenset(
    {"pin-cfc-standard", "pin-cfc-social", "qu-sy", "cn-standard", "cn-social", "subco", "cn-desg"}
)
# Prior information notices used as a call for competition: their "parts" are read as lots when they have no lot.
_PIN_CFC = frozenset({"10", "11", "12", "13", "14", "pin-cfc-standard", "pin-cfc-social"})
_SKIPPED_RANGES = (
    (range(1, 4), "avis de préinformation publié sur un profil d'acheteur"),
    (range(4, 7), "avis de préinformation sans appel à la concurrence"),
    (range(7, 10), "avis de préinformation pour réduire les délais"),
    (range(25, 29), "avis de transparence ex ante volontaire"),
    (range(29, 36), "avis d'attribution"),
    (range(36, 38), "avis de résultats de concours"),
    (range(38, 41), "avis de modification de marché"),
)
_SKIPPED_CODES = {
    "E1": "avis volontaire de consultation préalable du marché",
    "E2": "avis volontaire de préinformation",
    "E4": "avis volontaire d'attribution",
    "E5": "avis volontaire d'achèvement",
    "E6": "avis volontaire de modification de marché",
    "CEI": "appel à manifestation d'intérêt",
    "T01": "avis de préinformation pour un contrat de service public de transport",
    "T02": "avis d'attribution d'un contrat de service public de transport",
    "X01": "avis d'enregistrement d'un groupement européen d'intérêt économique",
    "X02": "avis d'enregistrement d'une société européenne ou coopérative européenne",
}
_NATURES = frozenset({"works", "supplies", "services"})
# BT-131 tenders, BT-1311 requests to participate, BT-630 expressions of interest (PIN used as a call for competition)
_DEADLINES = (
    "cac:TenderingProcess/cac:TenderSubmissionDeadlinePeriod",
    "cac:TenderingProcess/cac:ParticipationRequestReceptionPeriod",
    f"cac:TenderingProcess/{EXT}/efac:InterestExpressionReceptionPeriod",
)


def parse_eforms(root: etree._Element) -> Notice | Skipped:
    """A call for competition (subtypes 10–24, E3) as a ``Notice``; any other notice as ``Skipped`` with its reason.

    Raises ``NoticeParseError`` (French message) when a call for competition has no identifier or no lot."""
    subtype = first_text(root, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode") or first_text(root, "cbc:NoticeTypeCode")
    notice_id = first_text(root, "cbc:ID[@schemeName='notice-id']")
    reason = skip_reason(subtype)
    if reason is not None:
        return Skipped(reason=reason, notice_id=notice_id, format=NoticeFormat.EFORMS)
    if notice_id is None:
        raise NoticeParseError("avis eForms sans identifiant d'avis (BT-701, cbc:ID[@schemeName='notice-id'])")
    language = (first_text(root, "cbc:NoticeLanguageCode") or "").upper() or None
    nodes = lot_nodes(root, parts_as_lots=subtype in _PIN_CFC)
    if not nodes:
        raise NoticeParseError(f"avis eForms {notice_id} sans aucun lot (cac:ProcurementProjectLot de type « Lot »)")
    procedure = read_project(root)
    nature = first_text(root, "cac:ProcurementProject/cbc:ProcurementTypeCode")
    return Notice(
        notice_id=notice_id,
        version=first_text(root, "cbc:VersionID"),
        format=NoticeFormat.EFORMS,
        subtype=str(subtype),
        language=language,
        buyer=_buyer(root, language),
        title=localized(root, "cac:ProcurementProject/cbc:Name", language) or "",
        description=localized(root, "cac:ProcurementProject/cbc:Description", language) or "",
        procedure_type=first_text(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        nature=nature if nature in _NATURES else None,
        deadline=_deadline(nodes),
        max_lots_submitted=_count(root, "cac:TenderingTerms/cac:LotDistribution/cbc:MaximumLotsSubmittedNumeric"),
        max_lots_awarded=_count(root, "cac:TenderingTerms/cac:LotDistribution/cbc:MaximumLotsAwardedNumeric"),
        groupement_legal_form=_legal_form(nodes, language),
        publication_number=first_text(
            root, f"{EXT}/efac:Publication/efbc:NoticePublicationID[@schemeName='ojs-notice-id']"
        ),
        lots=tuple(read_lot(node, language, procedure) for node in nodes),
        procedure_id=first_text(root, "cbc:ContractFolderID"),
    )


def skip_reason(subtype: str | None) -> str | None:
    """Why a notice of this subtype (or BT-02 type) is not imported, in French; None for a call for competition."""
    if subtype in COMPETITION_SUBTYPES or subtype in _COMPETITION_TYPES:
        return None
    if subtype is None:
        return "avis eForms sans sous-type (OPP-070) ni type d'avis (BT-02)"
    if subtype in _SKIPPED_CODES:
        return f"{_SKIPPED_CODES[subtype]} (sous-type {subtype})"
    number = int(subtype) if subtype.isdecimal() and len(subtype) <= 9 else None
    label = next((label for numbers, label in _SKIPPED_RANGES if number in numbers), None)
    if label is not None:
        return f"{label} (sous-type {subtype})"
    return f"avis eForms qui n'est pas un appel à la concurrence (sous-type ou type « {subtype} »)"


def _buyer(root: etree._Element, language: str | None) -> Buyer:
    """The organisation (OPT-200) the first contracting party refers to (OPT-300); an empty buyer when none."""
    reference = first_text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    path = f"{EXT}/efac:Organizations/efac:Organization/efac:Company[cac:PartyIdentification/cbc:ID = $ref]"
    companies = root.xpath(path, namespaces=NS, ref=reference) if reference else []
    if not companies:
        return Buyer(name="")
    company = companies[0]
    street_paths = ("cbc:StreetName", "cbc:AdditionalStreetName", "cac:AddressLine/cbc:Line")
    streets = [first_text(company, f"cac:PostalAddress/{path}") for path in street_paths]
    return Buyer(
        name=localized(company, "cac:PartyName/cbc:Name", language) or "",
        identifier=first_text(company, "cac:PartyLegalEntity/cbc:CompanyID"),
        address=", ".join(street for street in streets if street) or None,
        city=first_text(company, "cac:PostalAddress/cbc:CityName"),
        postcode=first_text(company, "cac:PostalAddress/cbc:PostalZone"),
        nuts=first_text(company, "cac:PostalAddress/cbc:CountrySubentityCode"),
        country=first_text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
    )


def _deadline(lots: list[etree._Element]) -> Deadline | None:
    """BT-131 of the first lot stating one, else BT-1311, else BT-630; the time takes the date's zone if it has none."""
    for period in _DEADLINES:
        for lot in lots:
            day = parse_date(first_text(lot, f"{period}/cbc:EndDate"))
            if day is None:
                continue
            at = parse_time(first_text(lot, f"{period}/cbc:EndTime"))
            if at is not None and at.tzinfo is None and day[1] is not None:
                at = at.replace(tzinfo=day[1])  # "12:00:00" on "2024-01-08+01:00"
            return Deadline(day=day[0], at=at)
    return None


def _legal_form(lots: list[etree._Element], language: str | None) -> str | None:
    """BT-76: the legal form a group of tenderers must take, first lot stating it."""
    path = "cac:TenderingTerms/cac:TendererQualificationRequest/cbc:CompanyLegalForm"
    return next(filter(None, (localized(lot, path, language) for lot in lots)), None)


def _count(root: etree._Element, path: str) -> int | None:
    text = first_text(root, path)
    return int(text) if text is not None and text.isdecimal() and len(text) <= 9 else None
