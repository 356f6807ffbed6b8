"""Bad values never get in: absurd amounts and dates in notices are dropped with their reason, integers past their
column and texts past their length are refused with one French message, URL ids past the column answer 404, a
second reference works, the SIRENE rejects CSV is safe to open in a spreadsheet, and an unchanged bid pack is not
rendered again."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organisation, OrganisationKind
from app.companies import profiles
from app.companies.cli import spreadsheet_safe
from app.companies.models import Company, CompanyReference, Competence, CompetenceSource, Turnover
from app.consortium.documents import rendering
from app.consortium.documents import store as bidpack
from app.consortium.formation import start as formation
from app.consortium.jobs import solve as jobs
from app.consortium.models import DocumentSet, Groupement, SolverRun
from app.consortium.request import Request
from app.consortium.vocabulary import RunState
from app.consortium.workflow import transitions as workflow
from app.errors import DomainError
from app.tenders.models import Tender, TenderLot
from app.tenders.parsing.dispatch import parse_notice
from app.tenders.services import import_notice
from tests.consortium_data import ROOF, accept_all, build_world, siret

NOTICES = Path(__file__).parent / "fixtures" / "notices"
EFORMS = (NOTICES / "eforms_cn_marseille_travaux.xml").read_bytes()
TED = (NOTICES / "ted_f02_aix_travaux.xml").read_bytes()
BOAMP = (NOTICES / "boamp_ao_metropole_lots.xml").read_bytes()
SIRENE = Path(__file__).parent / "fixtures" / "sirene" / "stock_etablissement_sample.csv"
UPLOAD = "/appels-d-offres/importer"
BUYER = "achats@ville-marseille.fr"
NINES = "9" * 400


def flat(text: str) -> str:
    """Whitespace of any kind (narrow no-break spaces of French numbers) as plain spaces."""
    return " ".join(unescape(text).replace("\u202f", " ").replace("\u00a0", " ").split())


def upload(browser, data: bytes, name: str = "avis.xml"):
    return browser.submit(UPLOAD, {"notice": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- Notices: amounts --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "old", "lot", "kept"),
    [
        (EFORMS, b">1250000.00<", "LOT-0001", "LOT-0002"),
        (TED, b'<VAL_OBJECT CURRENCY="EUR">850000.00<', "1", "2"),
        (BOAMP, b'<VALEUR DEVISE="EUR">850000<', "1", "2"),
    ],
    ids=["eforms", "ted", "boamp"],
)
@pytest.mark.parametrize(("value", "shown"), [(NINES, "1e400"), ("1e308", "1e308")])
def test_a_huge_lot_value_is_dropped_with_its_reason(data, old, lot, kept, value, shown):
    edited = data.replace(old, old[: old.rindex(b">") + 1] + value.encode() + b"<")
    assert edited != data
    notice = parse_notice(edited)
    lots = {item.lot_id: item for item in notice.lots}
    assert lots[lot].estimated_value is None
    assert lots[kept].estimated_value is not None
    assert f"Valeur estimée du lot {lot} ignorée : {shown} € dépasse 1 000 000 000 000 €" in map(flat, notice.warnings)


def test_a_huge_turnover_in_a_selection_text_is_dropped():
    edited = EFORMS.replace(b"1 875 000", b"999 999 999 999 999 milliards")
    assert edited != EFORMS
    notice = parse_notice(edited)
    assert all(c.min_turnover_eur is None for c in notice.lots[0].selection_criteria)
    assert any(w.startswith("Chiffre d'affaires minimum du lot LOT-0001 ignoré") for w in notice.warnings)


@pytest.fixture
def world(session, make_user):
    world = build_world(session, make_user)
    make_user(BUYER, kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
    return world


@pytest.mark.parametrize("value", [NINES, "1e308"])
def test_a_tender_with_a_huge_value_still_solves_and_reports(app, session, world, browser, value):
    data = EFORMS.replace(b">480000<", f">{value}<".encode(), 1)
    outcome = import_notice(session, data, "avis.xml")
    session.commit()
    tender = outcome.tender
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    groupement = formation.start_groupement(session, tender, organisation, None, Request(alternatives=0))
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    run = session.get(SolverRun, groupement.runs[-1].id)
    assert run.state is not RunState.FAILED, run.message
    browser.login(BUYER)
    response = browser.get(f"/appels-d-offres/{tender.id}/capacite-locale")
    assert response.status_code == 200
    lots = session.scalars(select(TenderLot).where(TenderLot.tender_id == tender.id).order_by(TenderLot.position))
    assert [lot.value_amount for lot in lots] == [Decimal("1250000.00"), None, None]


# --- Notices: dates -----------------------------------------------------------------------------------------
def _eforms_deadline(day: str, at: str) -> bytes:
    return EFORMS.replace(b"<cbc:EndDate>2024-01-08+01:00", f"<cbc:EndDate>{day}".encode()).replace(
        b"<cbc:EndTime>12:00:00+01:00", f"<cbc:EndTime>{at}".encode()
    )


@pytest.mark.parametrize(
    "data",
    [
        _eforms_deadline("9999-12-31-12:00", "23:00:00"),
        _eforms_deadline("0001-01-01+12:00", "00:00:00"),
        TED.replace(b"2020-12-04", b"0001-01-01").replace(b">9:00<", b">0:00<"),
        BOAMP.replace(b"2025-03-14T12:00:00+01:00", b"9999-12-31T23:00:00-05:00"),
    ],
    ids=["eforms-9999", "eforms-0001", "ted-0001", "boamp-9999"],
)
def test_an_absurd_deadline_is_dropped_and_the_upload_goes_through(browser, make_user, session, data):
    notice = parse_notice(data)
    assert notice.deadline is None
    assert any(w.startswith("Date limite ignorée") and "1900 et 2100" in w for w in notice.warnings)
    browser.login(make_user().email)
    response = upload(browser, data)
    assert response.status_code == 302, flat(response.get_data(as_text=True))[:500]
    tender = session.scalar(select(Tender))
    assert tender.deadline_date is None and tender.deadline_utc is None


def test_absurd_lot_dates_and_durations_are_dropped():
    edited = EFORMS.replace(b"<cbc:StartDate>2024-03-01+01:00", b"<cbc:StartDate>9999-03-01+01:00")
    edited = re.sub(rb"(<cbc:DurationMeasure[^>]*>)[^<]*", rb"\g<1>99999999", edited, count=1)
    notice = parse_notice(edited.replace(b'unitCode="MONTH"', b'unitCode="YEAR"', 1))
    assert notice.lots[2].start is None and notice.lots[2].end == date(2025, 2, 28)
    assert any(w.startswith("Date de début du lot LOT-0003 ignorée") for w in notice.warnings)
    assert notice.lots[0].duration_days is None and notice.lots[0].duration_text == "99999999 YEAR"
    assert any(w.startswith("Durée du lot LOT-0001 ignorée : 36 499 999 635 jours") for w in map(flat, notice.warnings))


# Shown once the import hands its warnings on: ``ImportOutcome.warnings`` (app/tenders/services.py), flashed by
# app/tenders/views.py ``_after_import`` and listed by app/tenders/cli.py ``import_command``, which also reports a
# DomainError per file.


def test_the_upload_page_says_what_was_left_out(browser, make_user):
    browser.login(make_user().email)
    response = upload(browser, EFORMS.replace(b">480000<", b">1e308<"))
    page = flat(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert "Valeur estimée du lot LOT-0002 ignorée : 1e308 € dépasse 1 000 000 000 000 €" in page


def test_the_import_command_reports_a_refused_notice_and_what_was_left_out(runner, session, tmp_path):
    (tmp_path / "a.xml").write_bytes(EFORMS.replace(b"6b1f0c2e-3d4a-4e5b-9c8d-7a6f5e4d3c2b", b"a" * 5000))
    (tmp_path / "b.xml").write_bytes(TED.replace(b">850000.00<", b">1e308<"))
    result = runner.invoke(args=["tenders", "import", str(tmp_path)])
    assert not isinstance(result.exception, DomainError), result.exception
    output = flat(result.output)
    assert result.exit_code == 1 and "1 importés" in output and "1 en erreur" in output
    assert "dépasse 100 caractères (5000 saisis)" in output
    assert "Valeur estimée du lot 1 ignorée : 1e308 € dépasse 1 000 000 000 000 €" in output


# --- Forms and URLs: integers -------------------------------------------------------------------------------
HUGE = "99999999999999999999"


@pytest.fixture
def owner(world, browser, session):
    """The initiator signed in, and its company's edit form filled as it stands."""
    browser.login("chef@elec.fr")
    company = session.get(Company, world.companies[1])
    form = {
        "legal_name": company.legal_name,
        "commune_insee": company.commune_insee,
        "address": company.address,
        "open_to_groupements": "y",
        "committed_capacity_eur": "0",
    }
    return company, form


@pytest.mark.parametrize(
    ("field", "label"),
    [("turnover_1", "Chiffre d'affaires"), ("committed_capacity_eur", "Capacité déjà engagée (€ HT)")],
)
def test_an_integer_past_its_column_is_refused_on_its_field(owner, browser, session, field, label):
    company, form = owner
    url = f"/entreprises/{company.id}/modifier"
    response = browser.submit(url, form | {field: HUGE})
    assert response.status_code == 422
    page = flat(response.get_data(as_text=True))
    assert "doit être compris entre 0 et 1 000 000 000 000 €" in page and f"« {label}" in page
    session.expire_all()
    assert session.scalar(select(func.count(Turnover.id)).where(Turnover.amount_eur > 10**12)) == 0


def test_a_reference_amount_past_its_column_is_refused(owner, browser, session):
    company, _ = owner
    data = {
        "ref-title": "Toiture",
        "ref-buyer": "Ville",
        "ref-cpv_code": ROOF,
        "ref-amount_eur": HUGE,
        "ref-year": "2024",
    }
    response = browser.submit(
        f"/entreprises/{company.id}/references", data, page_url=f"/entreprises/{company.id}/modifier"
    )
    assert response.status_code == 302
    page = flat(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert "Rien n'a été enregistré" in page and "« Montant (€ HT) » doit être compris entre 1 et" in page
    assert session.scalar(select(func.count(CompanyReference.id))) == 0


def test_a_consultation_lot_value_past_the_bound_is_refused(make_user, browser, session):
    browser.login(make_user(kind=OrganisationKind.LARGE_GROUP, organisation_name="Grand Groupe").email)
    data = {
        "title": "Siège",
        "buyer_name": "Grand Groupe",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "commune": "13001",
        "lots-0-title": "Couverture",
        "lots-0-cpv": ROOF,
        "lots-0-value": "5 000 000 000 000",
    }
    response = browser.submit("/appels-d-offres/nouveau", data)
    assert response.status_code == 422
    assert "1 000 000 000 000 €" in flat(response.get_data(as_text=True))
    far = browser.submit("/appels-d-offres/nouveau", data | {"lots-0-value": "100 000", "deadline": "9999-12-31"})
    assert far.status_code == 422 and "1900 et 2100" in flat(far.get_data(as_text=True))
    assert session.scalar(select(func.count(Tender.id))) == 0


def test_url_ids_past_the_column_answer_404(world, browser):
    browser.login("chef@elec.fr")
    for url in (
        f"/entreprises/{HUGE}",
        f"/entreprises/{2**31}",
        f"/groupements/{HUGE}",
        f"/groupements/{2**63}/documents",
        f"/appels-d-offres/{HUGE}",
    ):
        assert browser.get(url).status_code == 404, url


# --- Texts past their column ------------------------------------------------------------------------------
def test_a_text_longer_than_its_column_is_refused_before_the_database(session):
    company = Company(siret=siret(42), siren=siret(42)[:9], legal_name="x" * 300, commune_insee="13055", source="demo")
    session.add(company)
    with pytest.raises(DomainError) as refusal:
        session.flush()
    assert refusal.value.field == "legal_name"
    assert refusal.value.message == "Le champ « legal_name » dépasse 200 caractères (300 saisis)."
    session.rollback()
    assert session.scalar(select(func.count(Company.id))) == 0


def test_a_notice_id_of_5000_characters_is_refused_on_the_upload_page(browser, make_user, session):
    data = EFORMS.replace(b"6b1f0c2e-3d4a-4e5b-9c8d-7a6f5e4d3c2b", b"a" * 5000)
    browser.login(make_user().email)
    response = upload(browser, data)
    assert response.status_code == 422
    assert "dépasse 100 caractères (5000 saisis)" in flat(response.get_data(as_text=True))
    assert session.scalar(select(func.count(Tender.id))) == 0
    assert session.scalar(select(func.count(TenderLot.id))) == 0


def test_a_sirene_line_with_a_300_character_name_is_rejected_and_the_rest_imports(runner, session, tmp_path):
    lines = SIRENE.read_bytes().splitlines(keepends=True)
    long_name = lines[1].replace(b"ELECTRICITE PROVENCE", b"E" * 300)
    path = tmp_path / "stock.csv"
    path.write_bytes(lines[0] + long_name + lines[2])
    result = runner.invoke(args=["companies", "import-sirene", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 ajoutés" in result.output and "1 rejetés" in result.output
    assert "ligne 2 (53282932200017) : Le champ « Raison sociale » dépasse 200 caractères (300 saisis)." in (
        result.output
    )
    assert session.scalars(select(Company.siret)).all() == ["40123456200015"]


# --- References, rejects, bid pack ------------------------------------------------------------------------
def test_a_second_and_third_reference_keep_one_competence_per_code(world, session):
    company = session.get(Company, world.companies[3])
    works, installation = "45200000", "45300000"  # codes the test database knows
    for title, code in (("Toiture A", works), ("Toiture B", works), ("Électricité", installation)):
        profiles.add_reference(
            session, company, title=title, buyer="Ville", cpv_code=code, amount_eur=10_000, year=2024
        )
        session.commit()
    proven = session.scalars(
        select(Competence.cpv_code).where(
            Competence.company_id == company.id, Competence.source == CompetenceSource.REFERENCE
        )
    ).all()
    assert sorted(proven) == [works, installation]
    removed = next(r for r in company.references if r.cpv_code == installation)
    profiles.remove_child(session, company, CompanyReference, removed.id)
    session.commit()
    session.expire_all()
    competences = session.get(Company, company.id).competences
    assert [c.cpv_code for c in competences if c.source is CompetenceSource.REFERENCE] == [works]


def test_rejects_csv_cells_cannot_run_as_formulas(runner, tmp_path):
    lines = SIRENE.read_bytes().splitlines(keepends=True)
    header = lines[0]
    bad = [
        lines[1].replace(b"53282932200017", b"=cmd|'/C calc'!A0", 1),
        lines[1].replace(b"53282932200017", b"+33 1 23", 1),
        lines[1].replace(b"53282932200017", b"-2+3", 1),
        lines[1].replace(b"53282932200017", b"@SUM(A1)", 1),
    ]
    path, rejects = tmp_path / "stock.csv", tmp_path / "rejets.csv"
    path.write_bytes(header + b"".join(bad))
    result = runner.invoke(args=["companies", "import-sirene", str(path), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["siret"] for row in rows] == ["'=cmd|'/C calc'!A0", "'+33 1 23", "'-2+3", "'@SUM(A1)"]
    assert all(row["motif"] == "SIRET invalide" for row in rows)
    cells = ("\tX", "\rX", "7", "SIRET invalide")
    assert [spreadsheet_safe(cell) for cell in cells] == ["'\tX", "'\rX", "7", "SIRET invalide"]


@pytest.fixture
def groupement(app, session, world):
    tender = session.get(Tender, world.tender_id)
    organisation = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    started = formation.start_groupement(
        session, tender, organisation, None, Request(company_id=world.companies[1], alternatives=0)
    )
    session.commit()
    jobs.run_job(app, started.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, started.id)
    workflow.invite(session, groupement, None)
    session.commit()
    return groupement


def test_generating_again_with_unchanged_inputs_renders_nothing(groupement, session, world, monkeypatch):
    renders: list[int] = []
    real = rendering.render_pdf
    monkeypatch.setattr(rendering, "render_pdf", lambda *args, **kwargs: renders.append(1) or real(*args, **kwargs))
    first, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    session.commit()
    assert created and renders
    rendered = len(renders)
    again, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    session.commit()
    assert not created and again.id == first.id and len(renders) == rendered
    assert session.scalar(select(func.count(DocumentSet.id))) == 1
    accept_all(session, world, groupement.id)
    workflow.confirm(session, groupement, None)
    session.commit()
    final, created = bidpack.generate(session, groupement, None, date(2026, 11, 27))
    assert created and final.version == 2 and len(renders) > rendered
