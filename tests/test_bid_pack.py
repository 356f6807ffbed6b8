"""The bid pack of a real groupement, from the database to the ZIP: the same amounts in DC1, the convention's
annex and the summary; each member's turnover and SME answer in its DC2; refusal with the list of problems;
versions with their SHA-256; who may download; the CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.models import Organisation
from app.companies.models import Company
from app.consortium.documents import store as bidpack
from app.consortium.formation import start as services
from app.consortium.jobs import solve as jobs
from app.consortium.models import DocumentSet, Groupement
from app.consortium.request import Request
from app.consortium.workflow import transitions as workflow
from app.tenders.models import Tender
from tests.consortium_data import accept_all, build_world, siret


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def whole_euros(amount: int) -> str:
    """« 1 500 000 € », as a turnover is printed."""
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0€"


def euros(amount: int) -> str:
    """« 75 001,00 € »: an amount of the split as the documents print it, to the cent."""
    return f"{amount:,}".replace(",", "\u202f") + ",00\u00a0€"


@pytest.fixture
def formed(app, session, make_user):
    """A groupement of three members, lot 2 worth 150,001 € (shares 75,001 and 75,000); ``formed_now()``."""
    world = build_world(session, make_user)
    tender = session.get(Tender, world.tender_id)
    tender.lots[1].value_amount = Decimal(150_001)
    session.commit()
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    groupement = services.start_groupement(
        session, tender, organisation, None, Request(company_id=world.companies[1], alternatives=0)
    )
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, groupement.id)
    workflow.invite(session, groupement, None)
    session.commit()

    def formed_now() -> Groupement:
        accept_all(session, world, groupement.id)
        workflow.confirm(session, groupement, None)
        session.commit()
        return groupement

    return world, groupement, formed_now


def files_of(document_set: DocumentSet) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(document_set.archive)) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_the_same_amounts_in_dc1_the_convention_annex_and_the_summary(formed, session):
    world, groupement, _ = formed
    document_set, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    assert created and document_set.version == 1 and document_set.draft
    files = files_of(document_set)
    texts = {name: pdf_text(content) for name, content in files.items() if name.endswith(".pdf")}
    dc1, convention, summary = (
        next(t for n, t in texts.items() if key in n) for key in ("DC1", "convention", "synthese")
    )
    for amount in (100_000, 90_001, 60_000, 250_001):  # lot 2: its main package 60 %, the other 40 %
        for text in (dc1, convention, summary):
            assert euros(amount) in text, (amount, text[:300])
    for n in (1, 2, 3):
        assert siret(n) in dc1 and siret(n) in convention
    assert all("PROJET" in t for t in texts.values())  # not every member has accepted yet
    dumes = [n for n in files if n.endswith(".xml")]
    assert len(dumes) == 3


def test_a_members_dc2_states_its_turnover_and_sme_answer(formed, session):
    _, groupement, _ = formed
    document_set, _ = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    files = files_of(document_set)
    dc2 = pdf_text(next(c for n, c in files.items() if "DC2" in n and siret(2) in n))
    assert "Plomberie de la Joliette" in dc2 and whole_euros(1_500_000) in dc2 and "2025" in dc2
    assert "☒ Oui" in dc2 or "☒Oui" in dc2.replace(" ", "")


def test_an_inconsistent_pack_is_refused_with_its_problems_and_nothing_stored(formed, session):
    world, groupement, _ = formed
    session.get(Company, world.companies[2]).legal_form = None
    session.get(Company, world.companies[3]).address = ""
    session.commit()
    with pytest.raises(bidpack.PackRefused) as refusal:
        bidpack.generate(session, groupement, None, date.today())
    assert any("Plomberie de la Joliette" in p and "forme juridique" in p for p in refusal.value.problems)
    assert any("Toitures d'Allauch" in p and "adresse" in p for p in refusal.value.problems)
    session.rollback()
    assert session.scalar(select(func.count(DocumentSet.id))) == 0


def test_versions_change_with_the_groupement_not_without(formed, session):
    _, groupement, formed_now = formed
    first, _ = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    session.commit()
    again, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    assert not created and again.id == first.id
    formed_now()
    final, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    assert created and final.version == 2 and not final.draft and final.sha256 != first.sha256
    assert all("PROJET" not in pdf_text(c) for n, c in files_of(final).items() if n.endswith(".pdf"))


def test_download_page_and_who_may_download(formed, session, browser):
    world, groupement, formed_now = formed
    browser.login("chef@elec.fr")
    page = f"/groupements/{groupement.id}/documents"
    assert browser.submit(page, {}).status_code == 302
    listing = browser.get(page).get_data(as_text=True)
    assert "Version 1 (projet)" in listing and "SHA-256" in listing
    response = browser.get(f"{page}/v1/groupement-{groupement.id}-v1.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert browser.get(f"{page}/v1/../../secret").status_code == 404
    browser.logout()
    browser.login("contact@plomberie.fr")  # invited: not before the groupement is formed
    assert browser.get(page).status_code == 403
    formed_now()
    assert browser.get(page).status_code == 200
    assert browser.submit(page, {}, page_url=page).status_code == 403  # only the initiator generates
    browser.logout()
    browser.login("contact@couvreurs.fr")  # not a member
    assert browser.get(page).status_code == 403


def test_cli_writes_the_documents(formed, runner, tmp_path):
    _, groupement, _ = formed
    result = runner.invoke(args=["consortium", "documents", str(groupement.id), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert any("DC1" in n for n in written) and f"groupement-{groupement.id}-v1.zip" in written
    result = runner.invoke(args=["consortium", "documents", "999", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "Groupement introuvable" in result.output


def test_an_imposed_member_with_no_work_stops_the_documents(app, session, make_user):
    world = build_world(session, make_user)
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    two_roofers = Request(company_id=world.companies[1], impose=(world.companies[4], world.companies[5]))
    groupement = services.start_groupement(
        session, session.get(Tender, world.tender_id), organisation, None, two_roofers
    )
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, groupement.id)
    idle = [m for m in groupement.proposal.members if m.amount_eur == 0]
    assert len(idle) == 1  # one roof, two imposed roofers
    with pytest.raises(bidpack.PackRefused) as refusal:
        bidpack.generate(session, groupement, None, date.today())
    assert any("ne réalise aucune prestation" in p for p in refusal.value.problems)
