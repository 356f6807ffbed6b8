"""« Appels d'offres pour vous »: the open tenders a company's competences match (through the CPV hierarchy),
visible to the user, with whether a groupement including the company is possible — worked out by a job that runs
inline in tests (TEST_CONFIG)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import solver
from app.accounts.models import OrganisationKind
from app.companies.models import Company
from app.consortium.jobs import fit_check
from app.consortium.models import TenderFit
from app.consortium.recommendations import fits
from app.tenders.models import LotRequirement, Tender, TenderLot
from tests.consortium_data import ELEC, build_world

NOBODY = "90910000"  # cleaning: no company of the world holds it


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def add_tender(session, title: str, lots: list[tuple[str, ...]], **fields) -> int:
    """A tender with one lot per tuple of CPV codes (LOT-0001, LOT-0002…), committed."""
    tender = Tender(
        format="eforms",
        notice_id=f"avis-{title}",
        subtype="16",
        title=title,
        buyer_name="Métropole Aix-Marseille-Provence",
        buyer_city="Marseille",
        source_name="avis.xml",
        xml_sha256="1" * 64,
        xml=b"<x/>",
        lots=[
            TenderLot(
                position=n,
                lot_id=f"LOT-{n:04d}",
                title=f"Travaux {n}",
                main_cpv=codes[0],
                town="Marseille",
                value_amount=Decimal(50_000),
                value_currency="EUR",
                duration_days=365,
                requirements=[LotRequirement(kind="cpv", code=code, source="main-cpv") for code in codes],
            )
            for n, codes in enumerate(lots, start=1)
        ],
        **fields,
    )
    session.add(tender)
    session.commit()
    return tender.id


def page_for(browser, email: str, query: str = "") -> str:
    browser.login(email)
    response = browser.get(f"/pour-vous{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fit(session, company_id: int, tender_id: int) -> TenderFit | None:
    stmt = select(TenderFit).where(TenderFit.company_id == company_id, TenderFit.tender_id == tender_id)
    return session.scalar(stmt.execution_options(populate_existing=True))


class Recorder:
    """A runner that keeps the jobs instead of running them: the checks stay pending."""

    def __init__(self) -> None:
        self.jobs: list[tuple] = []

    def submit(self, job, *args) -> None:
        self.jobs.append((job, *args))


def test_matching_public_tender_is_listed_with_its_lot_and_a_feasible_flag(browser, world, session):
    page = page_for(browser, "chef@elec.fr")
    assert f'href="/appels-d-offres/{world.tender_id}"' in page
    assert "Rénovation de l&#39;école Saint-Charles" in page and "Ville de Marseille" in page
    assert "Lot LOT-0001 – Électricité" in page and ELEC in page
    assert "LOT-0002" not in page  # plumbing and roofing: not this company's trade
    assert "groupement possible avec vous" in page and "3 membres" in page
    assert 'http-equiv="refresh"' not in page
    row = fit(session, world.companies[1], world.tender_id)
    assert row.feasible is True and row.members == 3 and row.detail == ""


def test_closed_tender_is_not_listed_but_an_open_one_is(browser, world, session):
    now = datetime.now(UTC)
    add_tender(session, "Éclairage du stade (clos)", [(ELEC,)], deadline_utc=now - timedelta(days=1))
    add_tender(session, "Éclairage du port (ouvert)", [(ELEC,)], deadline_utc=now + timedelta(days=10))
    page = page_for(browser, "chef@elec.fr")
    assert "Éclairage du stade" not in page
    assert "Éclairage du port" in page


def test_tender_without_a_matching_competence_is_not_listed(browser, world, session):
    add_tender(session, "Nettoyage des écoles", [(NOBODY,)])
    add_tender(session, "Travaux de toiture", [("45400000",)])  # another group of division 45
    page = page_for(browser, "chef@elec.fr")
    assert "Nettoyage des écoles" not in page and "Travaux de toiture" not in page


def test_competences_match_through_the_cpv_hierarchy(browser, world, session):
    add_tender(session, "Câblage de la mairie", [("45311000",)])  # narrower than 45310000: the company is broader
    add_tender(session, "Tous travaux du bâtiment", [("45000000",)])  # the company's code lies below
    add_tender(session, "Travaux d'installation", [("45300000",)])
    page = page_for(browser, "chef@elec.fr")
    for title in ("Câblage de la mairie", "Tous travaux du bâtiment", "Travaux d&#39;installation"):
        assert title in page


def test_other_organisations_draft_and_private_tenders_are_not_listed(browser, world, session, make_user):
    buyer = make_user("achats@ville.fr", kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville d'Aix")
    organisation_id = buyer.memberships[0].organisation_id
    add_tender(session, "Brouillon de la ville", [(ELEC,)], visibility="draft", organisation_id=organisation_id)
    add_tender(session, "Consultation privée", [(ELEC,)], visibility="private", organisation_id=organisation_id)
    mine = world.users["initiator"].memberships[0].organisation_id
    add_tender(session, "Notre propre brouillon", [(ELEC,)], visibility="draft", organisation_id=mine)
    page = page_for(browser, "chef@elec.fr")
    assert "Brouillon de la ville" not in page and "Consultation privée" not in page
    assert "Notre propre brouillon" in page


def test_company_in_no_feasible_groupement_is_told_so(browser, world, session):
    tender_id = add_tender(session, "Électricité et nettoyage", [(ELEC,), (NOBODY,)])
    page = page_for(browser, "chef@elec.fr")
    assert "Électricité et nettoyage" in page and "aucun groupement possible" in page
    assert f"Lot LOT-0002 : aucune entreprise ne sait réaliser « {NOBODY} »" in page
    row = fit(session, world.companies[1], tender_id)
    assert row.feasible is False and NOBODY in row.detail


def test_latest_deadline_first_and_unknown_deadlines_last(browser, world, session):
    now = datetime.now(UTC)
    add_tender(session, "Échéance proche", [(ELEC,)], deadline_utc=now + timedelta(days=2))
    add_tender(session, "Échéance lointaine", [(ELEC,)], deadline_utc=now + timedelta(days=40))
    page = page_for(browser, "chef@elec.fr")
    positions = [page.index(t) for t in ("Échéance lointaine", "Échéance proche", "Rénovation de l&#39;école")]
    assert positions == sorted(positions)


def test_user_without_a_company_is_invited_to_claim_it(browser, make_user):
    make_user("seule@exemple.fr", organisation_name="Jeune pousse")
    page = page_for(browser, "seule@exemple.fr")
    assert "Aucune entreprise n'est rattachée à votre organisation" in page
    assert 'href="/entreprises/rattacher"' in page


def test_signed_out_visitor_is_sent_to_the_login_page(client):
    response = client.get("/pour-vous")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_navigation_shows_the_page_to_signed_in_users(browser, world):
    assert ">Pour vous<" not in browser.get("/").get_data(as_text=True)
    assert ">Pour vous<" in page_for(browser, "chef@elec.fr")


def test_several_companies_choose_one_in_a_select(browser, world, session):
    organisation_id = world.users["initiator"].memberships[0].organisation_id
    session.get(Company, world.companies[5]).organisation_id = organisation_id  # Charpentes de Pertuis, roofing
    session.commit()
    page = page_for(browser, "chef@elec.fr", f"?entreprise={world.companies[5]}")
    assert '<select id="entreprise" name="entreprise">' in page
    assert f'<option value="{world.companies[5]}" selected>' in page
    assert "Lot LOT-0002 – Plomberie et couverture" in page and "45261000" in page
    assert "Lot LOT-0001" not in page


def test_pending_checks_refresh_the_page_and_are_submitted_once(app, browser, world, session):
    recorder = Recorder()
    app.extensions["check_runner"] = recorder
    page = page_for(browser, "chef@elec.fr")
    assert "vérification en cours…" in page and '<meta http-equiv="refresh" content="3">' in page
    assert recorder.jobs == [(fit_check.check_fit, world.companies[1], world.tender_id)]
    browser.get("/pour-vous")
    assert len(recorder.jobs) == 1  # still pending, not resubmitted
    fit_check.check_fit(app, world.companies[1], world.tender_id)
    page = browser.get("/pour-vous").get_data(as_text=True)
    assert "groupement possible avec vous" in page and 'http-equiv="refresh"' not in page
    assert len(recorder.jobs) == 1


def test_a_changed_tender_is_checked_again(app, browser, world, session):
    page_for(browser, "chef@elec.fr")
    first = fit(session, world.companies[1], world.tender_id).checked_at
    tender = session.get(Tender, world.tender_id)
    tender.title = "Rénovation de l'école Saint-Charles (rectificatif)"
    session.commit()
    recorder = Recorder()
    app.extensions["check_runner"] = recorder
    browser.get("/pour-vous")
    assert recorder.jobs == [(fit_check.check_fit, world.companies[1], world.tender_id)]
    assert fit(session, world.companies[1], world.tender_id).checked_at > first


def test_no_answer_in_time_is_undetermined_and_not_resubmitted(app, browser, world, session, monkeypatch):
    monkeypatch.setattr(fits.solver, "solve", lambda *a, **k: solver.Result(solver.Status.UNKNOWN))
    page = page_for(browser, "chef@elec.fr")
    assert "indéterminé" in page and 'http-equiv="refresh"' not in page
    row = fit(session, world.companies[1], world.tender_id)
    assert row.feasible is None and row.detail == "indéterminé"
    recorder = Recorder()
    app.extensions["check_runner"] = recorder
    browser.get("/pour-vous")
    assert recorder.jobs == []


def test_a_failing_check_never_raises_and_leaves_a_french_detail(browser, world, session, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fits, "prepare", broken)
    page = page_for(browser, "chef@elec.fr")
    assert "La vérification a échoué" in page and 'http-equiv="refresh"' not in page
    row = fit(session, world.companies[1], world.tender_id)
    assert row.feasible is None and "erreur interne" in row.detail
