"""A member's ESPD response (DUME OE) for a groupement's bid: UBL 2.3 ``QualificationApplicationResponse`` in the
ESPD Exchange Data Model v4.1.0 shape (OP-TED/ESPD-EDM). Pure: standard library and lxml; reads the frozen ``Pack``.

Roles: ``group-lead`` (mandataire), ``group-mem`` (co-contractors), ``sole-tenderer`` (mandataire alone), ``subcont``
(a presented sub-contractor: not a member, so « not together with others »). Criteria, with the v4.1.0 taxonomy ids:
``gen-year-to`` (period and EUR amount per known calendar year), ``eo-group`` (role, other members with SIRET, group
name), ``sme`` (when the flag is known). Assumed: buyer and members in France (``FRA``). Response ids are uuid5 of
pack, SIRET and question: a pack always gives the same bytes but for ``issued`` and ``uuid``.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from app.consortium.documents.espd_criteria import (
    AMOUNT,
    EO_GROUP,
    GROUP_NAME,
    IS_SME,
    OTHERS,
    PERIOD,
    ROLE,
    SME,
    TOGETHER,
    TURNOVER,
    Criterion,
    Group,
    Question,
)
from app.consortium.documents.pack import Member, Pack

QAR = "urn:oasis:names:specification:ubl:schema:xsd:QualificationApplicationResponse-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
EDM_VERSION = "4.1.0"
NO_LOT = "LOT-0000"  # the EDM's lot id when the procedure has no lots
_NSMAP = {None: QAR, "cac": CAC, "cbc": CBC}
_PREFIX = {"cac": CAC, "cbc": CBC}
_AUTHORITY = "http://publications.europa.eu/resource/authority/"
_EDM_ID = {"schemeID": "Criterion", "schemeAgencyID": "OP", "schemeVersionID": EDM_VERSION}
_ID_NAMESPACE = uuidlib.uuid5(uuidlib.NAMESPACE_URL, "urn:groupement:espd-response")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# the EU procurement-procedure-type codes
PROCEDURE_CODES = {"open", "restricted", "neg-w-call", "neg-wo-call", "comp-dial", "innovation", "comp-tend"}
PROCEDURE_CODES |= {"oth-single", "oth-mult", "exp-int-rail"}
GROUP_ROLES = ("group-lead", "group-mem")
YES, NO = ("cbc:ResponseIndicator", "true", {}), ("cbc:ResponseIndicator", "false", {})


@dataclass(frozen=True)
class Answer:
    question: Question
    number: int  # R1, R2… when a question is answered several times (one per year)
    values: tuple[tuple[str, str, dict[str, str]], ...] = ()  # (element, text, attributes) of each ResponseValue
    year: int | None = None  # the answer's ApplicablePeriod, a calendar year


def espd_file_name(member: Member) -> str:
    return f"05-DUME-{''.join(ch for ch in member.party.siret if ch.isalnum())}.xml"


def espd_response(pack: Pack, member: Member, *, issued: datetime, uuid: str) -> bytes:
    """The ESPD response of one member (or presented sub-contractor) of the pack, UTF-8 XML bytes."""
    role = role_code(pack, member)
    criteria = _answers(pack, member, role)
    root = etree.Element(f"{{{QAR}}}QualificationApplicationResponse", nsmap=_NSMAP)
    _header(root, pack, member, role, issued, uuid)
    _contracting_party(root, pack)
    _economic_operator(root, member, role)
    _sub(_sub(root, "cac:ProcurementProject"), "cbc:Name", pack.tender_title)
    for lot in member_lots(pack, member):
        _sub(_sub(root, "cac:ProcurementProjectLot"), "cbc:ID", lot, **_EDM_ID)
    for criterion, _ in criteria:
        _criterion(root, criterion, member_lots(pack, member) if criterion is TURNOVER else ())
    key = f"{pack.reference}/{member.party.siret}"
    for _, answers in criteria:
        for answer in answers:
            _response(root, key, answer)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def role_code(pack: Pack, member: Member) -> str:
    """The EDM eo-role-type code of the member in this pack; ValueError when it is not in the pack."""
    siret = member.party.siret
    if any(m.party.siret == siret for m in pack.members):
        lead = pack.mandataire is not None and pack.mandataire.party.siret == siret
        return "sole-tenderer" if len(pack.members) == 1 else "group-lead" if lead else "group-mem"
    if any(m.party.siret == siret for m in pack.subcontractors):
        return "subcont"
    raise ValueError(f"{member.party.name} ({siret}) n'est ni membre ni sous-traitant de {pack.reference}")


def size_code(member: Member) -> str | None:
    """The economic-operator-size code: the EU category's own value (``SizeCategory`` holds the ESPD codes)."""
    return member.party.size.value if member.party.size else None


def member_lots(pack: Pack, member: Member) -> list[str]:
    worked = {row.lot for row in member.rows}
    lots = [lot.number for lot in pack.lots if lot.number in worked] or [lot.number for lot in pack.lots]
    return lots or [NO_LOT]


def _answers(pack: Pack, member: Member, role: str) -> list[tuple[Criterion, list[Answer]]]:
    """The criteria answered, in the EDM's order, each with its answers."""
    criteria = [(TURNOVER, _turnover_answers(member))] if member.turnovers else []
    criteria.append((EO_GROUP, _group_answers(pack, member, role)))
    if member.party.sme is not None:
        criteria.append((SME, [Answer(IS_SME, 1, (YES if member.party.sme else NO,))]))
    return criteria


def _turnover_answers(member: Member) -> list[Answer]:
    answers: list[Answer] = []
    for n, (year, eur) in enumerate(member.turnovers, 1):
        amount = ("cbc:ResponseAmount", str(eur), {"currencyID": "EUR"})
        answers += [Answer(PERIOD, n, year=year), Answer(AMOUNT, n, (amount,), year)]
    return answers


def _group_answers(pack: Pack, member: Member, role: str) -> list[Answer]:
    if role not in GROUP_ROLES:
        return [Answer(TOGETHER, 1, (NO,))]
    others = [m for m in pack.members if m.party.siret != member.party.siret]
    return [
        Answer(TOGETHER, 1, (YES,)),
        Answer(ROLE, 1, (("cbc:ResponseCode", role, _list("eo-role-type", "20211208-0")),)),
        Answer(OTHERS, 1, tuple(("cbc:Description", f"{m.party.name} (SIRET {m.party.siret})", {}) for m in others)),
        Answer(GROUP_NAME, 1, (("cbc:Description", pack.name, {}),)),
    ]


def _header(root: etree._Element, pack: Pack, member: Member, role: str, issued: datetime, uuid: str) -> None:
    _sub(root, "cbc:UBLVersionID", "2.3", schemeAgencyID="OASIS-UBL-TC")
    _sub(root, "cbc:ProfileExecutionID", f"ESPD-EDMv{EDM_VERSION}", schemeAgencyID="OP", schemeVersionID=EDM_VERSION)
    _sub(root, "cbc:ID", f"DUME-{pack.reference}-{member.party.siret}")
    _sub(root, "cbc:CopyIndicator", "false")
    _sub(root, "cbc:UUID", uuid, schemeID="ISO/IEC 9834-8:2008 - 4UUID")
    _sub(root, "cbc:ContractFolderID", pack.notice_id)
    _sub(root, "cbc:IssueDate", issued.date().isoformat())
    _sub(root, "cbc:IssueTime", issued.timetz().isoformat(timespec="seconds"))
    if role in GROUP_ROLES:
        _sub(root, "cbc:EconomicOperatorGroupName", pack.name)
    _sub(root, "cbc:VersionID", EDM_VERSION, schemeAgencyID="OP", schemeVersionID=EDM_VERSION)
    if pack.procedure in PROCEDURE_CODES:
        _sub(root, "cbc:ProcedureCode", pack.procedure, **_list("procurement-procedure-type", "20250924-0"))


def _contracting_party(root: etree._Element, pack: Pack) -> None:
    buyer = pack.buyer
    party = _sub(_sub(root, "cac:ContractingParty"), "cac:Party")
    if buyer.identifier:
        _sub(_sub(party, "cac:PartyIdentification"), "cbc:ID", buyer.identifier)
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", buyer.name)
    _address(party, buyer.address, buyer.city, buyer.postcode)


def _economic_operator(root: etree._Element, member: Member, role: str) -> None:
    eo = _sub(root, "cac:EconomicOperatorParty")
    _sub(_sub(eo, "cac:EconomicOperatorRole"), "cbc:RoleCode", role, **_list("eo-role-type", "20211208-0"))
    party, company = _sub(eo, "cac:Party"), member.party
    size = size_code(member)
    if size:
        _sub(party, "cbc:IndustryClassificationCode", size, **_list("economic-operator-size", "20250924-0"))
    _sub(_sub(party, "cac:PartyIdentification"), "cbc:ID", company.siret, schemeID="NATIONAL", schemeName="SIRET")
    _sub(_sub(party, "cac:PartyName"), "cbc:Name", company.name)
    _address(party, company.address, company.city, company.postcode)
    details = (("cbc:Name", company.contact), ("cbc:Telephone", company.phone), ("cbc:ElectronicMail", company.email))
    if any(value for _, value in details):
        _present(_sub(party, "cac:Contact"), details)


def _address(party: etree._Element, street: str | None, city: str | None, postcode: str | None) -> None:
    address = _sub(party, "cac:PostalAddress")
    _present(address, (("cbc:StreetName", street), ("cbc:CityName", city), ("cbc:PostalZone", postcode)))
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", "FRA", **_list("country", "20250924-0"))


def _criterion(root: etree._Element, criterion: Criterion, lots: Sequence[str]) -> None:
    element = _sub(root, "cac:TenderingCriterion")
    _sub(element, "cbc:ID", criterion.id, **_EDM_ID)
    _sub(element, "cbc:CriterionTypeCode", criterion.code, **_list("criterion", "20240612-0"))
    _sub(element, "cbc:Name", criterion.name)
    _sub(element, "cbc:Description", criterion.description)
    for lot in lots:
        _sub(_sub(element, "cac:ProcurementProjectLotReference"), "cbc:ID", lot, **_EDM_ID)
    for group in criterion.groups:
        _property_group(element, "cac:TenderingCriterionPropertyGroup", group)


def _property_group(parent: etree._Element, tag: str, group: Group) -> None:
    element = _sub(parent, tag)
    _sub(element, "cbc:ID", group.id, **_EDM_ID)
    _sub(element, "cbc:PropertyGroupTypeCode", group.type_code, **_list("property-group-type"))
    for question in group.questions:
        prop = _sub(element, "cac:TenderingCriterionProperty")
        _sub(prop, "cbc:ID", question.id, **_EDM_ID)
        _sub(prop, "cbc:Description", question.description)
        _sub(prop, "cbc:TypeCode", "QUESTION", **_list("criterion-element-type"))
        _sub(prop, "cbc:ValueDataTypeCode", question.data_type, **_list("response-data-type"))
    for subgroup in group.subgroups:
        _property_group(element, "cac:SubsidiaryTenderingCriterionPropertyGroup", subgroup)


def _response(root: etree._Element, key: str, answer: Answer) -> None:
    element = _sub(root, "cac:TenderingCriterionResponse")
    name = f"{key}/{answer.question.id}/R{answer.number}"
    _sub(element, "cbc:ID", str(uuidlib.uuid5(_ID_NAMESPACE, name)))
    _sub(element, "cbc:ValidatedCriterionPropertyID", answer.question.id, **_EDM_ID)
    for n, (tag, text, attributes) in enumerate(answer.values, 1):
        value = _sub(element, "cac:ResponseValue")
        _sub(value, "cbc:ID", str(uuidlib.uuid5(_ID_NAMESPACE, f"{name}/RV{n}")))
        _sub(value, tag, text, **attributes)
    if answer.year is not None:
        period = _sub(element, "cac:ApplicablePeriod")
        _sub(period, "cbc:StartDate", f"{answer.year:04d}-01-01")
        _sub(period, "cbc:EndDate", f"{answer.year:04d}-12-31")


def _list(name: str, version: str | None = None) -> dict[str, str]:
    """A code list: an OP authority table with its version, or (no version) one of the EDM's own lists."""
    listed = f"{_AUTHORITY}{name}" if version else name
    return {"listID": listed, "listAgencyID": "OP", "listVersionID": version or EDM_VERSION}


def _present(parent: etree._Element, children: tuple[tuple[str, str | None], ...]) -> None:
    for tag, value in children:
        if value:
            _sub(parent, tag, value)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    """A child ``prefix:Name``; its text is stripped of what XML 1.0 cannot hold, lxml escapes the rest."""
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{_PREFIX[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element
