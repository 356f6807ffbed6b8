"""A newer version of a notice never loses groupement data: only the importing organisation or the operator
supersedes a tender; the tender and its lots are updated in place (a lot that disappeared is withdrawn, never
deleted; user edits of requirements survive); each groupement on the tender shows what changed until someone
acknowledges it; no foreign key lets tender data take groupement data with it."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app import models, schema  # noqa: F401  (models: every table on the metadata)
from app.accounts.models import OrganisationKind
from app.consortium.formation import start as formation
from app.consortium.jobs import solve as jobs
from app.consortium.models import Assignment, Groupement
from app.consortium.request import Request
from app.db import Base
from app.errors import DomainError
from app.tenders.models import LotRequirement, Tender, TenderLot, TenderRevision
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world

NOTICE_ID = "avis-ecole-versions"
PAINT = "45442100"
V1_LOTS = (
    ("LOT-0001", "Électricité", "100000", (ELEC,)),
    ("LOT-0002", "Plomberie et couverture", "200000", (PLUMB, ROOF)),
    ("LOT-0003", "Couverture du préau", "50000", (ROOF,)),
)
# Version 2: lot 3 is gone, lot 2 is worth more, the deadline moves two weeks later.
V2_LOTS = (V1_LOTS[0], ("LOT-0002", "Plomberie et couverture", "240000", (PLUMB, ROOF)))
NS = (
    'xmlns:cn="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" '
    'xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1" '
    'xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"'
)
TENDER_DATA = {"tender", "tender_lot", "lot_requirement"}
GROUPEMENT_DATA = {
    "groupement",
    "solver_run",
    "proposal",
    "proposal_member",
    "assignment",
    "groupement_member",
    "audit_event",
    "document_set",
}


def notice(version: str, lots=V1_LOTS, deadline: str = "2030-03-02") -> bytes:
    """A minimal eForms contract notice of the Ville de Marseille (fictitious), one version of it."""
    parts = []
    for lot_id, title, value, codes in lots:
        extra = "".join(
            f'<cac:AdditionalCommodityClassification><cbc:ItemClassificationCode listName="cpv">{code}'
            "</cbc:ItemClassificationCode></cac:AdditionalCommodityClassification>"
            for code in codes[1:]
        )
        parts.append(
            f"""<cac:ProcurementProjectLot><cbc:ID schemeName="Lot">{lot_id}</cbc:ID>
  <cac:TenderingProcess><cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>{deadline}+01:00</cbc:EndDate>
    <cbc:EndTime>12:00:00+01:00</cbc:EndTime></cac:TenderSubmissionDeadlinePeriod></cac:TenderingProcess>
  <cac:ProcurementProject><cbc:Name languageID="FRA">{title}</cbc:Name>
    <cbc:ProcurementTypeCode listName="contract-nature">works</cbc:ProcurementTypeCode>
    <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">{codes[0]}</cbc:ItemClassificationCode>
    </cac:MainCommodityClassification>{extra}
    <cac:RealizedLocation><cac:Address><cbc:CityName>Marseille</cbc:CityName><cbc:PostalZone>13001</cbc:PostalZone>
    </cac:Address></cac:RealizedLocation>
    <cac:RequestedTenderTotal>
      <cbc:EstimatedOverallContractAmount currencyID="EUR">{value}</cbc:EstimatedOverallContractAmount>
    </cac:RequestedTenderTotal></cac:ProcurementProject></cac:ProcurementProjectLot>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<cn:ContractNotice {NS}>
  <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
    <efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">16</cbc:SubTypeCode></efac:NoticeSubType>
    <efac:Organizations><efac:Organization><efac:Company>
      <cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID></cac:PartyIdentification>
      <cac:PartyName><cbc:Name languageID="FRA">Ville de Marseille</cbc:Name></cac:PartyName>
      <cac:PostalAddress><cbc:CityName>Marseille</cbc:CityName><cbc:PostalZone>13002</cbc:PostalZone></cac:PostalAddress>
    </efac:Company></efac:Organization></efac:Organizations>
  </efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
  <cbc:ID schemeName="notice-id">{NOTICE_ID}</cbc:ID>
  <cbc:VersionID>{version}</cbc:VersionID>
  <cbc:NoticeTypeCode listName="competition">cn-standard</cbc:NoticeTypeCode>
  <cbc:NoticeLanguageCode>FRA</cbc:NoticeLanguageCode>
  <cac:ContractingParty><cac:Party><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID>
  </cac:PartyIdentification></cac:Party></cac:ContractingParty>
  <cac:ProcurementProject><cbc:Name languageID="FRA">Rénovation de l'école Saint-Charles</cbc:Name>
    <cbc:ProcurementTypeCode listName="contract-nature">works</cbc:ProcurementTypeCode></cac:ProcurementProject>
  {"".join(parts)}
</cn:ContractNotice>""".encode()


def upload(browser, data: bytes):
    return browser.submit(
        "/appels-d-offres/importer", {"notice": (io.BytesIO(data), "avis.xml")}, content_type="multipart/form-data"
    )


def the_tender(session) -> Tender:
    session.expire_all()
    return session.scalar(select(Tender).where(Tender.notice_id == NOTICE_ID))


def lots_by_ref(session) -> dict[str, TenderLot]:
    return {lot.lot_id: lot for lot in the_tender(session).lots}


def assignment_count(session) -> int:
    return session.scalar(select(func.count(Assignment.id)))


def start_groupement(browser, tender_id: int, company_id: int) -> int:
    """As the logged-in user, submit the groupement form with every lot it offers; the new groupement's id."""
    url = f"/appels-d-offres/{tender_id}/groupement"
    page = browser.get(url).get_data(as_text=True)
    lots = re.findall(r'name="lots"[^>]*value="(\d+)"', page) or re.findall(r'value="(\d+)"[^>]*name="lots"', page)
    data = {"lots": lots, "company_id": str(company_id), "max_members": "6", "radius_km": "60", "nature": "conjoint"}
    response = browser.submit(url, data | {"exclude": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


@pytest.fixture
def formed(world, session, browser):
    """Version 01 uploaded by the electrician's organisation, and its groupement solved on the three lots."""
    browser.login("chef@elec.fr")
    assert upload(browser, notice("01")).status_code == 302
    tender = the_tender(session)
    groupement_id = start_groupement(browser, tender.id, world.companies[1])
    groupement = session.get(Groupement, groupement_id)
    assert groupement.proposal is not None
    assert "LOT-0003" in {a.lot.lot_id for a in groupement.proposal.assignments}
    return tender.id, groupement_id


def test_a_newer_version_from_another_organisation_is_refused_and_nothing_changes(formed, session, browser):
    tender_id, _ = formed
    before = (assignment_count(session), {ref: lot.id for ref, lot in lots_by_ref(session).items()})
    browser.logout()
    browser.login("contact@plomberie.fr")
    response = upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert "Cet avis a été importé par une autre organisation" in page
    assert "l'opérateur de la plateforme" in page
    tender = the_tender(session)
    assert tender.id == tender_id and tender.version == "01"
    assert tender.deadline_date.isoformat() == "2030-03-02"
    assert (assignment_count(session), {ref: lot.id for ref, lot in lots_by_ref(session).items()}) == before
    assert all(lot.withdrawn_at is None for lot in tender.lots)
    assert session.scalar(select(func.count(TenderRevision.id))) == 0


def test_a_newer_version_of_its_own_notice_keeps_every_assignment_and_flags_the_groupement(formed, session, browser):
    tender_id, groupement_id = formed
    rows_before = assignment_count(session)
    ids_before = {ref: lot.id for ref, lot in lots_by_ref(session).items()}
    response = upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/appels-d-offres/{tender_id}")

    tender = the_tender(session)
    assert tender.id == tender_id and tender.version == "02"
    assert tender.deadline_date.isoformat() == "2030-03-16"
    lots = lots_by_ref(session)
    assert {ref: lot.id for ref, lot in lots.items()} == ids_before  # updated in place, same rows
    assert assignment_count(session) == rows_before
    assert lots["LOT-0003"].withdrawn_at is not None
    assert lots["LOT-0001"].withdrawn_at is None and lots["LOT-0002"].withdrawn_at is None
    assert lots["LOT-0002"].value_amount == Decimal(240_000)
    assert [(lot.lot_id, lot.position) for lot in tender.lots] == [("LOT-0001", 1), ("LOT-0002", 2), ("LOT-0003", 3)]

    tender_page = unescape(browser.get(f"/appels-d-offres/{tender_id}").get_data(as_text=True))
    assert tender_page.count("Lot retiré de l'avis") == 1

    detail = f"/groupements/{groupement_id}"
    page = unescape(browser.get(detail).get_data(as_text=True))
    assert "Avis modifié (version 01 → 02)" in page
    assert "Lot LOT-0003 « Couverture du préau » retiré de l'avis." in page
    assert "Lot LOT-0002 : valeur estimée 200\u202f000 € → 240\u202f000 €." in page
    assert "Date limite de remise des offres : 2 mars 2030 à 12:00 → 16 mars 2030 à 12:00." in page
    assert "J'ai pris connaissance des modifications" in page
    assert "Couverture du préau (lot retiré de l'avis)" in page  # the proposal still shows the withdrawn lot's rows
    assert browser.get(f"{detail}/documents").status_code == 200

    response = browser.submit(f"{detail}/avis-modifie/lu", {}, page_url=detail)
    assert response.status_code == 302
    page = unescape(browser.get(detail).get_data(as_text=True))
    assert "Avis modifié" not in page and "J'ai pris connaissance" not in page
    assert assignment_count(session) == rows_before


def test_the_banner_is_shown_to_invited_members_without_the_button(formed, session, browser):
    _, groupement_id = formed
    upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    detail = f"/groupements/{groupement_id}"
    assert browser.submit(f"{detail}/inviter", {}, page_url=detail).status_code == 302
    browser.logout()
    browser.login("contact@plomberie.fr")
    page = unescape(browser.get(detail).get_data(as_text=True))
    assert "Avis modifié (version 01 → 02)" in page and "J'ai pris connaissance" not in page
    token = browser.token(detail)
    assert browser.client.post(f"{detail}/avis-modifie/lu", data={"csrf_token": token}).status_code == 403


def test_re_solving_leaves_the_withdrawn_lot_out_and_clears_the_flag(formed, session, browser):
    _, groupement_id = formed
    upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    detail = f"/groupements/{groupement_id}"
    assert browser.submit(f"{detail}/recalculer", {}, page_url=detail).status_code == 302
    page = unescape(browser.get(detail).get_data(as_text=True))
    assert "Calcul relancé." in page and "Avis modifié" not in page
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    assert {a.lot.lot_id for a in groupement.proposal.assignments} == {"LOT-0001", "LOT-0002"}
    withdrawn = lots_by_ref(session)["LOT-0003"].id
    assert withdrawn not in Request.from_json(groupement.options).lot_ids
    assert len(groupement.runs) == 2


def test_a_withdrawn_lot_cannot_be_chosen_for_a_new_groupement(formed, world, session, browser):
    tender_id, _ = formed
    upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    withdrawn = lots_by_ref(session)["LOT-0003"]
    url = f"/appels-d-offres/{tender_id}/groupement"
    form = unescape(browser.get(url).get_data(as_text=True))
    assert f'value="{withdrawn.id}"' not in form and "Couverture du préau" not in form

    tender = the_tender(session)
    with pytest.raises(DomainError) as refused:
        formation.check_request(tender, Request(lot_ids=(withdrawn.id,)))
    assert refused.value.field == "lots" and "retiré de l'avis" in refused.value.message
    with pytest.raises(DomainError):
        formation.check_request(tender, Request(lot_ids=(), self_lot_ids=(withdrawn.id,), company_id=1))

    new_id = start_groupement(browser, tender_id, world.companies[1])  # every lot by default: the two left
    groupement = session.get(Groupement, new_id)
    assert {a.lot.lot_id for a in groupement.proposal.assignments} == {"LOT-0001", "LOT-0002"}
    assert "Avis modifié" not in unescape(browser.get(f"/groupements/{new_id}").get_data(as_text=True))


def test_the_operator_may_supersede_and_a_lot_that_comes_back_is_reinstated(formed, session, browser, make_user):
    tender_id, groupement_id = formed
    browser.logout()
    operator = make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI Aix-Marseille")
    browser.login(operator.email)
    assert upload(browser, notice("02", V2_LOTS, "2030-03-16")).status_code == 302
    assert the_tender(session).version == "02"
    assert lots_by_ref(session)["LOT-0003"].withdrawn_at is not None

    back = (V1_LOTS[2], V1_LOTS[0], ("LOT-0002", "Plomberie, couverture et zinguerie", "240000", (PLUMB, ROOF)))
    assert upload(browser, notice("03", back, "2030-03-16")).status_code == 302
    tender = the_tender(session)
    assert tender.version == "03"
    assert [(lot.lot_id, lot.position, lot.withdrawn_at) for lot in tender.lots] == [
        ("LOT-0003", 1, None),
        ("LOT-0001", 2, None),
        ("LOT-0002", 3, None),
    ]
    revisions = session.scalars(select(TenderRevision).order_by(TenderRevision.id)).all()
    assert [(r.previous_version, r.version) for r in revisions] == [("01", "02"), ("02", "03")]
    assert "Lot LOT-0003 « Couverture du préau » de nouveau dans l'avis." in revisions[1].changes
    assert (
        "Lot LOT-0002 : intitulé « Plomberie et couverture » → « Plomberie, couverture et zinguerie »."
        in revisions[1].changes
    )
    browser.logout()
    browser.login("chef@elec.fr")
    page = unescape(browser.get(f"/groupements/{groupement_id}").get_data(as_text=True))
    assert "Avis modifié (version 01 → 02)" in page and "Avis modifié (version 02 → 03)" in page


def test_a_tender_imported_from_the_command_line_is_superseded_by_the_operator_only(
    world, session, browser, runner, tmp_path
):
    first, second, third = (tmp_path / f"v{n}.xml" for n in (1, 2, 3))
    first.write_bytes(notice("01"))
    second.write_bytes(notice("02", V2_LOTS))
    third.write_bytes(notice("03", V1_LOTS))
    assert "1 importés" in runner.invoke(args=["tenders", "import", str(first)]).output
    assert the_tender(session).organisation_id is None
    browser.login("chef@elec.fr")
    refused = upload(browser, second.read_bytes())
    assert refused.status_code == 422
    assert "importé par l'opérateur de la plateforme : seul l'opérateur" in unescape(refused.get_data(as_text=True))
    assert the_tender(session).version == "01"
    assert "1 mis à jour" in runner.invoke(args=["tenders", "import", str(second)]).output
    assert "1 mis à jour" in runner.invoke(args=["tenders", "import", str(third)]).output
    assert [lot.withdrawn_at for lot in the_tender(session).lots] == [None, None, None]


def test_requirements_follow_the_notice_and_keep_what_users_changed(world, session, browser):
    browser.login("chef@elec.fr")
    upload(browser, notice("01"))
    tender = the_tender(session)
    lots = lots_by_ref(session)
    page_url = f"/appels-d-offres/{tender.id}"
    first, second = lots["LOT-0001"], lots["LOT-0002"]
    prefix = f"lot-{first.id}"
    browser.client.post(
        f"/appels-d-offres/{tender.id}/lots/{first.id}/exigences",
        data={
            f"{prefix}-kind": "certification",
            f"{prefix}-code": "RGE",
            f"{prefix}-csrf_token": browser.token(page_url),
        },
    )
    roof = next(r for r in second.requirements if r.code == ROOF)
    browser.submit(
        f"/appels-d-offres/{tender.id}/lots/{second.id}/exigences/{roof.id}/supprimer", {}, page_url=page_url
    )
    session.expire_all()
    assert ("certification", "RGE") in {(r.kind, r.code) for r in session.get(TenderLot, first.id).requirements}
    assert ROOF not in {r.code for r in session.get(TenderLot, second.id).requirements}

    # Version 2: lot 1 adds painting, lot 2 drops plumbing (and still names roofing, which the user removed).
    changed = (
        ("LOT-0001", "Électricité", "100000", (ELEC, PAINT)),
        ("LOT-0002", "Plomberie et couverture", "200000", (ROOF,)),
        V1_LOTS[2],
    )
    assert upload(browser, notice("02", changed)).status_code == 302
    session.expire_all()
    codes = {
        lot_id: {(r.kind, r.code, r.source) for r in session.get(TenderLot, pk).requirements}
        for lot_id, pk in (("LOT-0001", first.id), ("LOT-0002", second.id))
    }
    assert codes["LOT-0001"] == {
        ("cpv", ELEC, "main-cpv"),
        ("cpv", PAINT, "additional-cpv"),
        ("certification", "RGE", "user"),
    }
    assert codes["LOT-0002"] == set()  # plumbing gone with the notice, roofing left out as the user decided
    revision = session.scalar(select(TenderRevision))
    assert any(line.startswith(f"Lot LOT-0001 : exigence ajoutée — CPV {PAINT}") for line in revision.changes)
    assert any(line.startswith(f"Lot LOT-0002 : exigence retirée — CPV {PLUMB}") for line in revision.changes)
    assert not any(ROOF in line for line in revision.changes)
    assert session.scalar(select(func.count(LotRequirement.id)).where(LotRequirement.lot_id == second.id)) == 0


def test_no_foreign_key_cascades_from_tender_data_into_groupement_data():
    tables = Base.metadata.tables
    assert set(tables) >= GROUPEMENT_DATA | TENDER_DATA
    found = []
    for name in GROUPEMENT_DATA:
        for key in tables[name].foreign_keys:
            target = key.column.table.name
            if target in TENDER_DATA and (key.ondelete or "").upper() in ("CASCADE", "SET NULL", "SET DEFAULT"):
                found.append(f"{name}.{key.parent.name} → {target} ON DELETE {key.ondelete}")
    assert found == []
    side = {m.class_: m.local_table.name in TENDER_DATA for m in Base.registry.mappers}
    for mapper in Base.registry.mappers:
        if mapper.local_table.name not in GROUPEMENT_DATA | TENDER_DATA:
            continue
        for relationship in mapper.relationships:
            target = relationship.mapper
            if target.local_table.name in GROUPEMENT_DATA | TENDER_DATA and side[target.class_] != side[mapper.class_]:
                assert not {"delete", "delete-orphan"} & set(relationship.cascade), (  # between the two: no delete
                    f"{mapper.class_.__name__}.{relationship.key} cascades deletes"
                )


def test_a_lot_or_tender_referenced_by_groupement_data_cannot_be_deleted(app, world, session):
    tender = session.get(Tender, world.tender_id)
    groupement = formation.start_groupement(session, tender, None, None, Request(company_id=world.companies[1]))
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    lot_id = session.scalars(select(Assignment.lot_id)).first()
    assert lot_id is not None
    for statement in (delete(TenderLot).where(TenderLot.id == lot_id), delete(Tender).where(Tender.id == tender.id)):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(statement)
    assert session.get(TenderLot, lot_id) is not None


def test_a_withdrawn_lot_no_longer_matches_counts_or_prints(formed, world, session, browser):
    """Lists, searches, « Pour vous » and the bid pack read the notice as it now is."""
    tender_id, groupement_id = formed
    link = f'href="/appels-d-offres/{tender_id}"'

    def listed(url: str) -> str:
        return unescape(browser.get(url).get_data(as_text=True))

    upload(browser, notice("02", V2_LOTS, "2030-03-16"))
    assert link in listed(f"/appels-d-offres?cpv={ROOF[:5]}")  # lot 2 still asks for roofing
    upload(browser, notice("03", (V2_LOTS[0], ("LOT-0002", "Plomberie", "240000", (PLUMB,))), "2030-03-16"))
    assert link not in listed(f"/appels-d-offres?cpv={ROOF[:5]}")  # roofing is only in the withdrawn lot now
    row = re.search(rf'{re.escape(link)}.*?<td class="num">(\d+)</td>', listed("/appels-d-offres"), re.S)
    assert row and row.group(1) == "2"
    browser.logout()
    browser.login("contact@couvreurs.fr")  # a roofer: only the withdrawn lot asks for its trade
    assert link not in listed("/pour-vous")
    browser.logout()
    browser.login("chef@elec.fr")
    refused = browser.submit(f"/groupements/{groupement_id}/documents", {}, follow_redirects=True)
    expected = "Le lot LOT-0003 a été retiré de l'avis par une nouvelle version : recalculez le groupement."
    assert expected in unescape(refused.get_data(as_text=True))
