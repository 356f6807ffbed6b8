"""The ESPD (DUME) response of each member of a groupement: UBL 2.3 QualificationApplicationResponse in the
ESPD-EDM v4.1.0 shape, checked with XPath on a pack built by hand (no database)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from app.companies.sizes import SizeCategory
from app.consortium.documents.espd import (
    EO_GROUP,
    NO_LOT,
    QAR,
    TURNOVER,
    espd_file_name,
    espd_response,
    member_lots,
    role_code,
    size_code,
)
from tests.document_samples import sample_pack

NS = {
    "q": QAR,
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CODELISTS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "eforms-sdk-1.15.1" / "codelists"
needs_codelists = pytest.mark.skipif(not CODELISTS.is_dir(), reason="corpus partagé absent (../shared/corpus)")
ISSUED = datetime(2026, 11, 3, 9, 30, 15, tzinfo=timezone(timedelta(hours=1)))
UUID = "0b9f7c1e-3f8a-4c55-9d2e-6a1f0c4b7e21"
HARDENED = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False)
# The children of QualificationApplicationResponse in the order of the UBL 2.3 schema (xsd:sequence of
# QualificationApplicationResponseType), for the elements this generator may write.
ROOT_ORDER = (
    "UBLVersionID",
    "CustomizationID",
    "ProfileID",
    "ProfileExecutionID",
    "ID",
    "CopyIndicator",
    "UUID",
    "ContractFolderID",
    "ContractName",
    "IssueDate",
    "IssueTime",
    "EconomicOperatorGroupName",
    "VersionID",
    "PreviousVersionID",
    "ProcedureCode",
    "Note",
    "ContractingParty",
    "EconomicOperatorParty",
    "ProcurementProject",
    "ProcurementProjectLot",
    "TenderingCriterion",
    "TenderingCriterionResponse",
    "AdditionalDocumentReference",
    "Evidence",
)


def _doc(pack, member, **kwargs) -> etree._Element:
    data = espd_response(pack, member, issued=kwargs.get("issued", ISSUED), uuid=kwargs.get("uuid", UUID))
    return etree.fromstring(data, HARDENED)


def _text(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0] if isinstance(found[0], str) else found[0].text


def _responses(root: etree._Element, question_id: str) -> list[etree._Element]:
    path = f"cac:TenderingCriterionResponse[cbc:ValidatedCriterionPropertyID='{question_id}']"
    return root.xpath(path, namespaces=NS)


def _codes(name: str) -> set[str]:
    tree = etree.parse(str(CODELISTS / name), HARDENED)
    return set(tree.xpath("//Row/Value[@ColumnRef='code']/SimpleValue/text()"))


def test_root_namespaces_and_header():
    pack = sample_pack()
    root = _doc(pack, pack.mandataire)
    assert root.tag == f"{{{QAR}}}QualificationApplicationResponse"
    assert root.nsmap == {None: NS["q"], "cac": NS["cac"], "cbc": NS["cbc"]}
    assert _text(root, "cbc:UBLVersionID") == "2.3"
    assert _text(root, "cbc:ProfileExecutionID") == "ESPD-EDMv4.1.0"
    assert _text(root, "cbc:VersionID") == "4.1.0"
    assert _text(root, "cbc:CopyIndicator") == "false"
    assert _text(root, "cbc:UUID") == UUID
    assert _text(root, "cbc:ContractFolderID") == pack.notice_id
    assert _text(root, "cbc:IssueDate") == "2026-11-03"
    assert _text(root, "cbc:IssueTime") == "09:30:15+01:00"
    assert _text(root, "cbc:ID") == f"DUME-GME-12-{pack.mandataire.party.siret}"
    assert _text(root, "cbc:EconomicOperatorGroupName") == pack.name
    assert _text(root, "cac:ContractingParty/cac:Party/cac:PartyName/cbc:Name") == pack.buyer.name
    assert _text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID") == pack.buyer.identifier
    assert _text(root, "cac:ProcurementProject/cbc:Name") == pack.tender_title


def test_procedure_code_only_when_it_is_an_eu_code():
    pack = sample_pack()
    assert not _doc(pack, pack.mandataire).xpath("cbc:ProcedureCode", namespaces=NS)  # « Procédure adaptée… »
    open_pack = dataclasses.replace(pack, procedure="open")
    assert _text(_doc(open_pack, open_pack.mandataire), "cbc:ProcedureCode") == "open"


def test_role_codes_for_mandataire_members_and_subcontractor():
    pack = sample_pack(members=3)
    lead, second, third = pack.members
    (sub,) = pack.subcontractors
    assert _text(_doc(pack, lead), "cac:EconomicOperatorParty/cac:EconomicOperatorRole/cbc:RoleCode") == "group-lead"
    assert _text(_doc(pack, second), "cac:EconomicOperatorParty/cac:EconomicOperatorRole/cbc:RoleCode") == "group-mem"
    assert _text(_doc(pack, third), "cac:EconomicOperatorParty/cac:EconomicOperatorRole/cbc:RoleCode") == "group-mem"
    root = _doc(pack, sub)
    assert _text(root, "cac:EconomicOperatorParty/cac:EconomicOperatorRole/cbc:RoleCode") == "subcont"
    assert not root.xpath("cbc:EconomicOperatorGroupName", namespaces=NS)
    (answer,) = _responses(root, "C59_OT_eo-group/QG1/Q1")
    assert _text(answer, "cac:ResponseValue/cbc:ResponseIndicator") == "false"
    assert not _responses(root, "C59_OT_eo-group/QG1/QSG1/Q2")


def test_mandataire_alone_is_a_sole_tenderer():
    pack = sample_pack(members=1, with_subcontractor=False)
    assert role_code(pack, pack.mandataire) == "sole-tenderer"
    root = _doc(pack, pack.mandataire)
    assert _text(_responses(root, "C59_OT_eo-group/QG1/Q1")[0], "cac:ResponseValue/cbc:ResponseIndicator") == "false"


def test_eo_group_names_the_other_members_and_the_group():
    pack = sample_pack(members=3)
    member = pack.members[1]
    root = _doc(pack, member)
    assert _text(root, "cac:TenderingCriterion[cbc:CriterionTypeCode='eo-group']/cbc:ID") == EO_GROUP.id
    (together,) = _responses(root, "C59_OT_eo-group/QG1/Q1")
    assert _text(together, "cac:ResponseValue/cbc:ResponseIndicator") == "true"
    (role,) = _responses(root, "C59_OT_eo-group/QG1/QSG1/Q1")
    assert _text(role, "cac:ResponseValue/cbc:ResponseCode") == "group-mem"
    (others,) = _responses(root, "C59_OT_eo-group/QG1/QSG1/Q2")
    descriptions = others.xpath("cac:ResponseValue/cbc:Description/text()", namespaces=NS)
    expected = [m for m in pack.members if m is not member]
    assert len(descriptions) == len(expected) == 2
    for other, text in zip(expected, descriptions, strict=True):
        assert other.party.name in text and other.party.siret in text
    assert not any(member.party.siret in text for text in descriptions)
    (name,) = _responses(root, "C59_OT_eo-group/QG1/QSG1/Q3")
    assert _text(name, "cac:ResponseValue/cbc:Description") == pack.name


def test_turnover_one_period_and_one_eur_amount_per_year():
    pack = sample_pack(members=3)
    for member in pack.members:
        root = _doc(pack, member)
        periods = _responses(root, "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q1")
        amounts = _responses(root, "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2")
        assert len(periods) == len(amounts) == len(member.turnovers) >= 2
        for (year, eur), period, amount in zip(member.turnovers, periods, amounts, strict=True):
            assert _text(period, "cac:ApplicablePeriod/cbc:StartDate") == f"{year}-01-01"
            assert _text(period, "cac:ApplicablePeriod/cbc:EndDate") == f"{year}-12-31"
            assert _text(amount, "cac:ResponseValue/cbc:ResponseAmount") == str(eur)
            assert _text(amount, "cac:ResponseValue/cbc:ResponseAmount/@currencyID") == "EUR"
            assert _text(amount, "cac:ApplicablePeriod/cbc:StartDate") == f"{year}-01-01"
        assert _text(root, "cac:TenderingCriterion[cbc:CriterionTypeCode='gen-year-to']/cbc:ID") == TURNOVER.id


def test_no_turnover_no_turnover_criterion():
    pack = sample_pack()
    member = dataclasses.replace(pack.members[1], turnovers=())
    pack = dataclasses.replace(pack, members=(pack.members[0], member, *pack.members[2:]))
    root = _doc(pack, member)
    assert not root.xpath("cac:TenderingCriterion[cbc:CriterionTypeCode='gen-year-to']", namespaces=NS)
    assert not _responses(root, "C29_SC_gen-year-to/RG1/RSG1/QSG2/Q2")


def test_party_siret_size_address_and_contact():
    pack = sample_pack(members=3)
    lead = pack.mandataire
    party = _doc(pack, lead).xpath("cac:EconomicOperatorParty/cac:Party", namespaces=NS)[0]
    assert _text(party, "cac:PartyIdentification/cbc:ID") == lead.party.siret
    assert _text(party, "cac:PartyIdentification/cbc:ID/@schemeID") == "NATIONAL"
    assert _text(party, "cac:PartyName/cbc:Name") == lead.party.name
    assert _text(party, "cbc:IndustryClassificationCode") == "small"  # « Petite entreprise »
    assert _text(party, "cac:PostalAddress/cbc:StreetName") == lead.party.address
    assert _text(party, "cac:PostalAddress/cbc:CityName") == lead.party.city
    assert _text(party, "cac:PostalAddress/cbc:PostalZone") == lead.party.postcode
    assert _text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "FRA"
    assert _text(party, "cac:Contact/cbc:ElectronicMail") == lead.party.email
    sme = _responses(_doc(pack, lead), "C65_OT_sme/QG1/Q1")
    assert _text(sme[0], "cac:ResponseValue/cbc:ResponseIndicator") == "true"


def test_size_codes():
    pack = sample_pack(members=3)
    unknown = pack.members[2]  # neither size nor SME flag
    assert size_code(unknown) is None
    root = _doc(pack, unknown)
    assert not root.xpath("cac:EconomicOperatorParty/cac:Party/cbc:IndustryClassificationCode", namespaces=NS)
    assert not root.xpath("cac:TenderingCriterion[cbc:CriterionTypeCode='sme']", namespaces=NS)
    assert size_code(pack.members[1]) == "medium"
    assert size_code(pack.subcontractors[0]) == "micro"

    large = dataclasses.replace(unknown, party=dataclasses.replace(unknown.party, size=SizeCategory.LARGE))
    assert size_code(large) == "large" and large.party.sme is False


def test_lots_are_the_member_lots():
    pack = sample_pack(members=3, lots=4)
    for member in pack.members:
        worked = sorted({row.lot for row in member.rows})
        root = _doc(pack, member)
        assert (
            root.xpath("cac:ProcurementProjectLot/cbc:ID/text()", namespaces=NS) == worked == member_lots(pack, member)
        )
        lot_refs = "cac:TenderingCriterion[cbc:CriterionTypeCode='gen-year-to']/cac:ProcurementProjectLotReference"
        assert root.xpath(f"{lot_refs}/cbc:ID/text()", namespaces=NS) == worked
    idle = dataclasses.replace(pack.members[1], rows=())
    assert member_lots(pack, idle) == [lot.number for lot in pack.lots]
    assert member_lots(dataclasses.replace(pack, lots=()), idle) == [NO_LOT]


def test_every_response_answers_a_question_of_the_document():
    pack = sample_pack()
    root = _doc(pack, pack.members[1])
    questions = set(root.xpath("//cac:TenderingCriterionProperty/cbc:ID/text()", namespaces=NS))
    validated = root.xpath("cac:TenderingCriterionResponse/cbc:ValidatedCriterionPropertyID/text()", namespaces=NS)
    assert validated and set(validated) <= questions
    ids = root.xpath("//cac:TenderingCriterionResponse//cbc:ID/text()", namespaces=NS)
    assert len(ids) == len(set(ids))


def test_root_children_follow_the_schema_order():
    pack = dataclasses.replace(sample_pack(), procedure="restricted")
    root = _doc(pack, pack.mandataire)
    names = [etree.QName(child).localname for child in root]
    assert set(names) <= set(ROOT_ORDER)
    positions = [ROOT_ORDER.index(name) for name in names]
    assert positions == sorted(positions)
    assert names.count("ContractingParty") == names.count("EconomicOperatorParty") == 1


def test_well_formed_and_parsed_by_a_hardened_parser():
    pack = sample_pack()
    data = espd_response(pack, pack.mandataire, issued=ISSUED, uuid=UUID)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert b"<!DOCTYPE" not in data and b"<!ENTITY" not in data
    tree = etree.fromstring(data, HARDENED).getroottree()
    assert tree.docinfo.doctype == ""
    assert tree.docinfo.encoding == "UTF-8"


def test_same_inputs_same_bytes_and_only_issued_and_uuid_change():
    pack = sample_pack()
    member = pack.members[1]
    first = espd_response(pack, member, issued=ISSUED, uuid=UUID)
    assert first == espd_response(sample_pack(), sample_pack().members[1], issued=ISSUED, uuid=UUID)
    other = espd_response(pack, member, issued=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC), uuid="another")

    def without_issue(data: bytes) -> bytes:
        root = etree.fromstring(data, HARDENED)
        for name in ("UUID", "IssueDate", "IssueTime"):
            root.remove(root.find(f"cbc:{name}", NS))
        return etree.tostring(root)

    assert first != other
    assert without_issue(first) == without_issue(other)


def test_hostile_names_are_escaped():
    pack = sample_pack()
    hostile = 'Dupont & Fils <script>alert("x")</script> ]]> \x01'
    lead = dataclasses.replace(pack.mandataire, party=dataclasses.replace(pack.mandataire.party, name=hostile))
    pack = dataclasses.replace(pack, mandataire=lead, members=(lead, *pack.members[1:]))
    data = espd_response(pack, pack.members[1], issued=ISSUED, uuid=UUID)
    assert b"<script>" not in data and b"&lt;script&gt;" in data and b"Dupont &amp; Fils" in data
    root = etree.fromstring(data, HARDENED)
    (others,) = _responses(root, "C59_OT_eo-group/QG1/QSG1/Q2")
    first = others.xpath("cac:ResponseValue/cbc:Description/text()", namespaces=NS)[0]
    assert first.startswith('Dupont & Fils <script>alert("x")</script> ]]> ')  # control character dropped
    assert "\x01" not in first
    assert _text(root, "cbc:EconomicOperatorGroupName") == pack.name.replace("\x01", "")
    mine = etree.fromstring(espd_response(pack, lead, issued=ISSUED, uuid=UUID), HARDENED)
    assert _text(mine, "cac:EconomicOperatorParty/cac:Party/cac:PartyName/cbc:Name") == hostile.replace("\x01", "")


def test_a_stranger_gets_no_espd():
    pack = sample_pack()
    stranger = dataclasses.replace(pack.members[1], party=dataclasses.replace(pack.members[1].party, siret="1" * 14))
    with pytest.raises(ValueError, match="ni membre ni sous-traitant"):
        espd_response(pack, stranger, issued=ISSUED, uuid=UUID)


def test_file_name():
    pack = sample_pack()
    assert espd_file_name(pack.mandataire) == f"05-DUME-{pack.mandataire.party.siret}.xml"


@needs_codelists
def test_codes_are_in_the_op_code_lists():
    """Size, country and procedure codes against the OP authority tables shipped with the eForms SDK."""
    pack = dataclasses.replace(sample_pack(members=3), procedure="neg-w-call")
    sizes, countries = _codes("economic-operator-size.gc"), _codes("country.gc")
    for member in (*pack.members, *pack.subcontractors):
        root = _doc(pack, member)
        assert set(root.xpath("//cbc:IndustryClassificationCode/text()", namespaces=NS)) <= sizes
        assert set(root.xpath("//cac:Country/cbc:IdentificationCode/text()", namespaces=NS)) <= countries
        assert _text(root, "cbc:ProcedureCode") in _codes("procurement-procedure-type.gc")
