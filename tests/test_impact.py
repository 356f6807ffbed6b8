"""The « retombées » computed by hand on six contracts, and compared with what the platform computes: the figures'
functions, ``flask impact report --json``.

The set (every holder below is in the register unless said otherwise; all local companies are SMEs but one):

* A — ours: the groupement formed here on the school's lot 2 wins it, 195,000 € (eForms award, imported as a file):
  shared as its split table says;
* B — DECP, 120,000 €, Couvreurs d'Aubagne and a firm of Lyon the register does not know: 60,000 € local;
* C — B again, published as a BOAMP award notice: counted once (from the DECP);
* D — DECP, Bâtiment Provence SA (local, a large group), 50,000 € raised to 80,000 € by a modification;
* E — BOAMP, a holder with no identifier and no match: 30,000 €, not local, « sans titulaire identifiable »;
* F — DECP, a conjoint groupement of three: Toitures d'Allauch, Charpentes de Pertuis and a firm of Lyon, 90,000 €:
  30,000 € each (equal split), 60,000 € local.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from lxml import html
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import OrganisationKind
from app.awards.importing import FileImport
from app.awards.model import Contract, GroupementForm, Holder, IdType, Modification, Role, Source, Subcontract
from app.awards.models import ContractHolder
from app.awards.store import Store
from app.consortium.models import Assignment, Groupement
from app.db import make_engine
from app.impact import charts, facts
from app.impact.companies import top_holders
from app.impact.demo import generate_contracts
from app.impact.figures import Filters, by_division, by_year, headline
from app.impact.funnel import funnel
from app.impact.geography import by_commune, by_territory
from app.impact.models import ImpactContract, ImpactState
from app.impact.report import report
from app.impact.shares import EQUAL, GROUPEMENT, SOLE, split
from app.impact.tables import TABLES
from tests.award_samples import eforms_award
from tests.conftest import Browser
from tests.consortium_data import add_large_group, build_world, formed_groupement, siret

BUYER = "21130055300016"  # Ville de Marseille
LYON = "79877335400013"  # a firm of Lyon: a valid SIRET the register does not hold
LYON_2 = "81234567600017"
MEMBERS = ("Électricité du Vieux-Port", "Plomberie de la Joliette", "Toitures d'Allauch")


def _contract(source: Source, source_id: str, amount: str, day: date, cpv: str, *holders: Holder, **fields):
    return Contract(
        source=source,
        source_id=source_id,
        buyer_id=BUYER,
        buyer_name="Ville de Marseille",
        object=f"Marché {source_id}",
        cpv=cpv,
        award_date=day,
        amount_eur=Decimal(amount),
        holders=holders,
        **fields,
    )


def _holder(name: str, identifier: str | None, role: Role = Role.SOLE) -> Holder:
    return Holder(name=name, id=identifier, id_type=IdType.SIRET if identifier else None, role=role)


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


@pytest.fixture
def contracts(app, session, make_user, world):
    """The six contracts stored, A last, through a file import (which recomputes the facts); the split table."""
    groupement_id = formed_groupement(app, session, world)
    add_large_group(session, make_user, "achats@batiment-provence.fr")
    b = _contract(
        Source.DECP, "B", "120000", date(2026, 3, 10), "45260000",
        _holder("Couvreurs d'Aubagne", siret(4), Role.MANDATAIRE), _holder("Lyon Bâtiment", LYON, Role.COTRAITANT),
        subcontracts=(Subcontract("Charpentes de Pertuis", siret(5), IdType.SIRET, Decimal(20000), date(2026, 5, 1)),),
    )  # fmt: skip
    c = _contract(
        Source.BOAMP, "C", "120000", date(2026, 3, 10), "45261000",
        _holder("COUVREURS D'AUBAGNE (mandataire) / LYON BATIMENT", None),
    )  # fmt: skip
    d = _contract(
        Source.DECP, "D", "50000", date(2025, 6, 1), "71000000", _holder("Bâtiment Provence SA", siret(9)),
        modifications=(Modification(date(2026, 2, 1), amount_eur=Decimal("80000")),),
    )  # fmt: skip
    e = _contract(Source.BOAMP, "E", "30000", date(2026, 4, 1), "90910000", _holder("Entreprise Martin", None))
    f = _contract(
        Source.DECP, "F", "90000", date(2026, 9, 15), "45261000",
        _holder("Toitures d'Allauch", siret(3), Role.MANDATAIRE), _holder("Charpentes de Pertuis", siret(5)),
        _holder("Lyon Charpente", LYON_2), groupement=GroupementForm.JOINT,
    )  # fmt: skip
    store = Store(session, "decp.json")
    store.add(session, [b, c, d, e, f])
    session.commit()
    award = eforms_award("avis-ecole-2026", "LOT-0002", [(name, siret(n)) for n, name in enumerate(MEMBERS, 1)])
    importing = FileImport(session, io.BytesIO(award), "attribution.xml")
    for _ in importing.run():
        session.commit()
    proposal = session.get(Groupement, groupement_id).proposal_id
    lot_2 = {
        company: Decimal(amount)
        for company, amount in session.execute(
            select(Assignment.company_id, func.sum(Assignment.amount_eur))
            .where(Assignment.proposal_id == proposal, Assignment.lot.has(lot_id="LOT-0002"))
            .group_by(Assignment.company_id)
        )
    }
    return lot_2


def test_the_figures_are_those_computed_by_hand(contracts, session, world):
    lot_2 = contracts
    plumber, roofer = world.companies[2], world.companies[3]
    assert set(lot_2) <= {world.companies[n] for n in (1, 2, 3)} and sum(lot_2.values()) > 0
    share = {c: Decimal(195000) * amount / sum(lot_2.values()) for c, amount in lot_2.items()}  # A's split table

    top = headline(session, Filters())
    assert (top.contracts, top.duplicates) == (5, 1)  # C is B
    assert top.amount_eur == 195000 + 120000 + 80000 + 30000 + 90000 == 515000
    assert top.local_amount_eur == 195000 + 60000 + 80000 + 0 + 60000 == 395000
    assert top.local_contracts == 4 and top.local_share_count == 4 / 5
    assert top.local_share_amount == pytest.approx(395000 / 515000)
    assert top.sme_amount_eur == 195000 + 60000 + 0 + 0 + 60000  # D is a large group's, E's size is unknown
    assert top.sme_contracts == 3
    assert top.unidentified_contracts == 1 and top.ours_contracts == 1 and top.ours_amount_eur == 195000
    assert (top.subcontract_amount_eur, top.local_subcontract_amount_eur) == (20000, 20000)  # apart from the shares
    assert top.equal_split_contracts == 2  # B and F; A follows its split table, D and E have one holder

    divisions = {
        row.key: (row.contracts, row.amount_eur, row.local_amount_eur) for row in by_division(session, Filters())
    }
    assert divisions == {"45": (3, 405000, 315000), "71": (1, 80000, 80000), "90": (1, 30000, 0)}
    communes = {p.insee: p.local_amount_eur for p in by_commune(session, Filters()) if p.local_amount_eur}
    marseille = 80000 + sum(share.get(c, 0) for c in (world.companies[1], plumber))
    assert communes == pytest.approx({"13055": marseille, "13002": 30000 + share.get(roofer, 0), "13005": 60000,
                                      "84089": 30000})  # fmt: skip
    assert len(by_commune(session, Filters())) == 92  # every commune, those without a contract too
    years = {row.key: (row.contracts, row.amount_eur) for row in by_year(session, Filters())}
    assert years == {"2025": (1, 80000), "2026": (4, 435000)}  # D was awarded in 2025, modified in 2026


def test_a_territory_keeps_what_stayed_there(contracts, session):
    aubagne = Filters(territory="Pays d'Aubagne et de l'Étoile")
    top = headline(session, aubagne)
    assert (top.contracts, top.amount_eur) == (5, 515000)  # every contract: the share of all of it that went there
    assert (top.local_amount_eur, top.local_contracts) == (60000, 1)  # B's Couvreurs d'Aubagne
    assert [(p.name, p.local_amount_eur) for p in by_territory(session, aubagne)] == [(aubagne.territory, 60000)]
    assert {p.territory for p in by_commune(session, aubagne)} == {aubagne.territory}
    assert len(by_commune(session, aubagne)) == 12


def test_filters_combine(contracts, session):
    works_2026 = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), division="45")
    top = headline(session, works_2026)
    assert (top.contracts, top.amount_eur, top.local_amount_eur) == (3, 405000, 315000)
    assert headline(session, Filters(buyer="00000000000000")).contracts == 0
    assert headline(session, Filters(date_to=date(2025, 12, 31))).amount_eur == 80000


def test_the_local_holders_with_the_most(contracts, session, world):
    ranked = top_holders(session, Filters())
    assert [h.amount_eur for h in ranked] == sorted((h.amount_eur for h in ranked), reverse=True)
    assert {h.name for h in ranked} >= {"Bâtiment Provence SA", "Couvreurs d'Aubagne", "Charpentes de Pertuis"}
    assert sum(h.amount_eur for h in ranked) == 395000  # every local euro goes to one of them


def test_the_report_command_prints_the_same_figures(contracts, runner, session):
    result = runner.invoke(args=["impact", "report", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == json.loads(json.dumps(report(session, Filters())))
    assert printed["contracts"] == 5 and printed["amount_eur"] == 515000 and printed["local_amount_eur"] == 395000
    assert printed["unidentified_contracts"] == 1
    assert printed["by_cpv_division"][0] == {
        "division": "45",
        "label": printed["by_cpv_division"][0]["label"],
        "contracts": 3,
        "amount_eur": 405000,
        "local_amount_eur": 315000,
    }
    assert printed["by_cpv_division"][0]["label"].startswith("Travaux de construction")
    period = json.loads(runner.invoke(args=["impact", "report", "--json", "--from", "2026-01-01"]).output)
    assert (period["from"], period["to"], period["contracts"], period["amount_eur"]) == ("2026-01-01", None, 4, 435000)
    text = runner.invoke(args=["impact", "report"]).output
    assert "Part locale : 76,7 % du montant" in text and "80,0 % des marchés" in text


def test_a_report_with_dates_the_wrong_way_round_is_refused(runner):
    result = runner.invoke(args=["impact", "report", "--from", "2026-12-31", "--to", "2026-01-01"])
    assert result.exit_code == 2 and "la date de début est après la date de fin" in result.output
    assert "Traceback" not in result.output


def test_a_refresh_recomputes_only_what_changed(contracts, session):
    assert facts.refresh(session) == 0  # the import recomputed everything already
    decp_b = session.scalar(
        select(ImpactContract).where(ImpactContract.source == "decp", ImpactContract.amount_eur == 120000)
    )
    assert decp_b.counted and not decp_b.ours
    assert facts.refresh(session, full=True) == 6


def test_shares_add_up_to_the_amount_to_the_cent():
    assert split(Decimal("100.00"), [1, 2, 3], {}) == ([Decimal("33.34"), Decimal("33.33"), Decimal("33.33")], EQUAL)
    shares, method = split(Decimal("1000.00"), [1, 2, 3], {2: Decimal(1), 3: Decimal(2)})
    assert method == GROUPEMENT and shares == [0, Decimal("333.34"), Decimal("666.66")] and sum(shares) == 1000
    assert split(Decimal(0), [1], {}) == ([Decimal(0)], SOLE)
    assert split(Decimal(500), [], {}) == ([], "none")
    assert split(Decimal(500), [None, 7], {7: Decimal(0)})[1] == EQUAL  # the table gives them nothing: equal


# --- the operator's dashboard, its CSV and its XLSX -----------------------------------------------------------------


@pytest.fixture
def operator(app, make_user) -> Browser:
    browser = Browser(app.test_client())
    browser.login(make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI").email)
    return browser


def _page(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", " ".join(html.fromstring(response.data).itertext()))  # \u202f kept


def test_the_dashboard_shows_the_figures_computed_by_hand(contracts, operator):
    response = operator.get("/operateur/retombees")
    assert response.status_code == 200
    page = _page(response)
    assert "Marchés 5 pour 515\u202f000 € HT" in page
    assert "Part locale du montant 76,7 % (395\u202f000 € HT)" in page
    assert "Part locale des marchés 80,0 % (4 marchés avec au moins un titulaire local)" in page
    assert "1 marché publié par deux sources compté une fois" in page and "1 sans titulaire identifiable" in page
    assert "répartition égale entre cotitulaires, faute de mieux" in page
    assert "Gagnés par des groupements formés ici 1 marché, 195\u202f000 € HT" in page
    tree = html.fromstring(response.data)
    pictures = tree.xpath("//svg[@role='img']")
    assert len(pictures) == 3 and all(
        svg.find("title") is not None and svg.find("desc") is not None for svg in pictures
    )
    (commune_map,) = tree.xpath("//svg[@aria-labelledby='carte-communes-titre carte-communes-desc']")
    assert "Pertuis" in commune_map.text_content()
    assert not tree.xpath("//main//script")


def test_the_filters_stay_in_the_url_and_combine(contracts, operator):
    page = _page(operator.get("/operateur/retombees?annee=2026&division=45"))
    assert "Marchés 3 pour 405\u202f000 € HT" in page
    tree = html.fromstring(operator.get("/operateur/retombees?division=45&territoire=Pays+d%27Aix").data)
    links = tree.xpath("//a[normalize-space()='XLSX']/@href")
    assert links and all("division=45" in link and "territoire=Pays" in link for link in links)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("trimestre=2", "Choisissez l'année de ce trimestre."),
        ("annee=1066", "Une année entre 1900 et 2100."),
        ("annee=2026&trimestre=5", "N'est pas un choix valide"),
        ("division=4x", "Une division CPV s'écrit en deux chiffres"),
        ("acheteur=123", "Un SIRET a 14 chiffres, un SIREN 9."),
        ("territoire=Lyon", "N'est pas un choix valide"),
        ("annee=deux-mille", "entier"),
    ],
)
def test_a_bad_filter_is_said_on_its_field_and_the_page_still_answers(contracts, operator, query, message):
    response = operator.get(f"/operateur/retombees?{query}")
    assert response.status_code == 422
    page = _page(response)
    assert message in page and "Traceback" not in page
    assert len(html.fromstring(response.data).xpath("//ul[@class='errors']/li")) == 1  # one clear error
    assert "Marchés 5 pour 515\u202f000 € HT" in page  # unfiltered, not a wrong subset
    assert operator.get(f"/operateur/retombees/divisions.csv?{query}").status_code == 400


def test_the_csv_holds_what_the_page_shows(contracts, operator):
    response = operator.get("/operateur/retombees/divisions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="retombees-divisions.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffPar division CPV (catégorie d'achat) — tous les marchés connus")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:5] == ["Division CPV", "Libellé", "Marchés", "Montant (€ HT)", "Montant local (€ HT)"]
    by_code = {row[0]: row for row in rows[2:]}
    assert by_code["45"][2:5] == ["3", "405000,00", "315000,00"] and by_code["71"][5] == "100,0"
    filtered = operator.get("/operateur/retombees/communes.csv?territoire=Pays+d%27Aubagne+et+de+l%27%C3%89toile")
    lines = filtered.data.decode("utf-8").splitlines()
    assert "territoire Pays d'Aubagne et de l'Étoile" in lines[0] and len(lines) == 2 + 12
    assert "Aubagne;13005;Pays d'Aubagne et de l'Étoile;1;60000,00" in lines


def test_the_xlsx_holds_the_same_numbers(contracts, operator):
    response = operator.get("/operateur/retombees/annees.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:4] == ["Année", "Marchés", "Montant (€ HT)", "Montant local (€ HT)"]
    assert rows[2][:4] == ["2025", 1, 80000, 80000] and rows[3][:4] == ["2026", 4, 435000, 315000]
    assert sheet.cell(row=4, column=5).number_format == "0.0%"
    assert rows[3][4] == pytest.approx(315000 / 435000)


def test_an_unknown_table_is_not_found(contracts, operator):
    assert operator.get("/operateur/retombees/secrets.csv").status_code == 404
    assert operator.get("/operateur/retombees/divisions.pdf").status_code == 404


# --- demonstration data and pictures ---------------------------------------------------------------------------------


def test_the_demo_generator_is_deterministic_and_shaped_as_the_decp():
    sirets = [siret(n) for n in range(1, 50)]
    first = list(generate_contracts(500, [2025], sirets, seed=3))
    assert first == list(generate_contracts(500, [2025], sirets, seed=3))
    assert first != list(generate_contracts(500, [2025], sirets, seed=4))
    assert all(c.source is Source.DEMO and c.buyer_name.endswith("(démonstration)") for c in first)
    assert all(c.award_date.year == 2025 and c.amount_eur >= 40_000 for c in first)
    holders = [h for c in first for h in c.holders]
    local = sum(h.id in sirets for h in holders) / len(holders)
    assert 0.45 < local < 0.65  # LOCAL_SHARE, give or take
    assert any(len(c.holders) > 1 and c.groupement is not None for c in first)
    assert any(h.id is None for h in holders) and any(c.modifications for c in first)


def test_the_demo_command_fills_an_empty_platform_once(runner, session, world):
    result = runner.invoke(args=["impact", "demo", "--contracts", "300", "--year", "2025", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "300 ajoutés" in result.output
    assert headline(session, Filters()).sources == {"demo": 300}
    again = runner.invoke(args=["impact", "demo", "--contracts", "300", "--if-empty"])
    assert "rien à faire" in again.output and headline(session, Filters()).contracts == 300


def test_pictures_escape_their_labels_and_draw_nothing_from_nothing():
    hostile = charts.Bar('<script>alert("x")</script>', 10.0, 20.0)
    svg = str(charts.stacked_bars([hostile], "T", "t")) + str(charts.share_bars([hostile], "T", "s"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "aucun" in str(charts.stacked_bars([], "Vide", "v"))
    spot = charts.Spot("Marseille & co", 43.3, 5.4, 0.0)
    assert "Marseille &amp; co" in str(charts.commune_map([spot], "Carte", "c"))
    assert charts.share_bars([charts.Bar("Rien", 0.0, 0.0)], "T", "z")  # no division by zero


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
        Filters(date_from=date(2026, 4, 1), date_to=date(2026, 9, 30), division="45"),
        Filters(territory="Pays d'Aix"),
        Filters(territory="Pays d'Aubagne et de l'Étoile", date_from=date(2026, 1, 1)),
        Filters(buyer=BUYER[:9]),
        Filters(buyer=BUYER),
        Filters(buyer=BUYER, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
        Filters(division="45", buyer=BUYER, territory="Marseille Provence"),
    ],
    ids=["all", "2026", "quarters-works", "aix", "aubagne-2026", "buyer-siren", "buyer", "buyer-2026", "combined"],
)
def test_the_rollups_give_what_the_facts_give(contracts, session, monkeypatch, filters):
    """Whole quarters are read from the rollups; the same figures from the facts must be equal, table by table."""
    assert filters.on_quarters()
    from_rollups = {slug: build(session, filters).rows for slug, build in TABLES.items()}
    headline_rollups = headline(session, filters)
    monkeypatch.setattr(Filters, "on_quarters", lambda self: False)
    monkeypatch.setattr("app.impact.companies._whole_year", lambda filters: None)
    assert {slug: build(session, filters).rows for slug, build in TABLES.items()} == from_rollups
    assert headline(session, filters) == headline_rollups


def test_a_company_page_shows_its_demonstration_contracts_as_such(runner, operator, session, world):
    runner.invoke(args=["impact", "demo", "--contracts", "400", "--year", "2025"])
    held = session.scalar(select(ContractHolder.company_id).where(ContractHolder.company_id.is_not(None)).limit(1))
    response = operator.get(f"/entreprises/{held}")
    assert response.status_code == 200 and "démonstration" in _page(response)


def test_a_buyer_page_shows_its_contracts_beside_everyone_s_with_the_legal_reminder(contracts, app, make_user):
    buyer = Browser(app.test_client())
    buyer.login(make_user("achats@ville.fr", kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville").email)
    response = buyer.get(f"/acheteurs/{BUYER}")
    assert response.status_code == 200
    page = _page(response)
    assert "Ville de Marseille" in page and "Information de sourcing, pas critère d'attribution." in page
    assert "Marchés 5 5" in page  # every contract of the set is the Ville de Marseille's
    assert "Part locale du montant 76,7 % 76,7 %" in page
    assert "publié aussi par une autre source, compté une fois" in page  # C, listed but not counted
    other = "21130001000019"
    assert "Aucun marché attribué connu" in _page(buyer.get(f"/acheteurs/{other}"))
    assert "Marchés 1 1" in _page(buyer.get(f"/acheteurs/{BUYER[:9]}?annee=2025"))  # by SIREN, one year: D
    assert buyer.get("/acheteurs/123").status_code == 404


def test_a_company_page_names_its_local_partners_and_its_sub_contracting(contracts, operator, world):
    response = operator.get(f"/entreprises/{world.companies[3]}")
    (table,) = html.fromstring(response.data).xpath("//table[starts-with(caption, 'Entreprises de la Métropole')]")
    rows = [[" ".join(cell.text_content().split()) for cell in row] for row in table.xpath("tbody/tr")]
    # A is ours: its split table is its members' own, the partner is listed without its share; F is not.
    assert ["Plomberie de la Joliette", "1", "0"] in rows and ["Charpentes de Pertuis", "1", "30 000"] in rows
    assert not [row for row in rows if "Lyon" in row[0]]  # F's firm of Lyon is not local
    pertuis = _page(operator.get(f"/entreprises/{world.companies[5]}"))
    assert "Sous-traitance déclarée" in pertuis and "Marché B" in pertuis and "20\u202f000" in pertuis


def test_the_printable_report_holds_the_page_s_figures(contracts, operator):
    response = operator.get("/operateur/retombees/rapport.pdf?annee=2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u202f", " "))
    assert "Retombées dans la Métropole" in text and "du 2026-01-01, au 2026-12-31" in text
    assert "Marchés 4" in text and "Montant attribué (€ HT) 435 000" in text
    assert "Part locale du montant 72,4 %" in text  # 315,000 / 435,000
    assert operator.get("/operateur/retombees/rapport.pdf?trimestre=3").status_code == 400


def test_a_company_page_lists_its_groupements_to_who_may_see_them(contracts, app, world, operator):
    roofer_page = world.companies[3]
    member = Browser(app.test_client())
    member.login(world.users["roofer"].email)
    shown = _page(member.get(f"/entreprises/{roofer_page}"))
    assert "Groupements formés sur la plateforme" in shown and "Gagné" in shown
    assert "Groupements formés sur la plateforme" not in _page(operator.get(f"/entreprises/{roofer_page}"))


def test_two_refreshes_at_once_take_turns(database_url, app):
    """Two imports finishing together: the second refresh waits for the first (the state's row is locked), so that
    the rollups, deleted and inserted whole, are never written by both. SQLite serialises writers by itself."""
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("SQLite lets one writer at a time: nothing to lock")
    finished = threading.Event()

    def second() -> None:
        with Session(engine) as other:
            facts.refresh(other)
            other.rollback()
        finished.set()

    try:
        with Session(engine) as first:
            first.get(ImpactState, 1, with_for_update=True)  # a refresh under way
            waiting = threading.Thread(target=second)
            waiting.start()
            assert not finished.wait(0.5)  # it waits for the lock
            first.rollback()
        assert finished.wait(10)
        waiting.join()
    finally:
        engine.dispose()


def test_the_sub_contractors_of_our_dc4_are_counted_apart_from_the_holders():
    contract = SimpleNamespace(
        id=1, amount_eur=Decimal(1000), award_date=date(2026, 3, 1), cpv="45261000", buyer_id=BUYER,
        buyer_name="Ville", source="eforms", lot_id="LOT-1",
    )  # fmt: skip
    holder = SimpleNamespace(
        id=10, company_id=5, commune_insee="13055", legal_name="Toitures", name=None, role="titulaire",
        identifier=siret(5), size_category="small", sme=None,
    )  # fmt: skip
    table = facts.Split(members={5: Decimal(300)}, subcontractors={7: Decimal(100), 8: Decimal(50)})
    in_decp = SimpleNamespace(amount_eur=Decimal(120), company_id=8)  # the DECP declare the second one too
    row, shares = facts._facts(contract, [holder], [in_decp], {1: table})
    assert [s["share_eur"] for s in shares] == [Decimal(1000)]  # the holder's share is the contract's amount
    assert (row["subcontract_amount_eur"], row["local_subcontract_amount_eur"]) == (220, 220)  # 120 + 100, not 270
    assert row["ours"] and row["local_amount_eur"] == 1000


def test_the_dashboard_s_buyers_and_holders_open_their_pages(contracts, operator, world):
    tree = html.fromstring(operator.get("/operateur/retombees").data)
    buyers = tree.xpath("//section[@aria-labelledby='tableau-acheteurs']//tbody//th/a/@href")
    holders = tree.xpath("//section[@aria-labelledby='tableau-titulaires']//tbody//th/a/@href")
    assert buyers == [f"/acheteurs/{BUYER}"]
    assert f"/entreprises/{world.companies[4]}" in holders and operator.get(holders[0]).status_code == 200


def test_the_funnel_counts_our_groupements_and_what_they_won(contracts, session):
    stages = {stage.label: stage for stage in funnel(session, Filters())}
    assert stages["Gagnés"].groupements == 1 and stages["Gagnés"].amount_eur == 195000
    assert stages["Proposés"].groupements >= stages["Déposés"].groupements >= 1 and stages["Invités"].amount_eur is None


def test_on_a_large_platform_an_upload_leaves_the_refresh_to_the_background(app, session, make_user, world):
    """Past IMPACT_INLINE_LIMIT contracts the upload does not recompute in its own request: the runner does, once
    the response is sent (inline in the tests), with a session of its own."""
    app.config["IMPACT_INLINE_LIMIT"] = 0
    submitted = []
    runner = app.extensions["impact_runner"]
    original = runner.submit
    runner.submit = lambda job, *args: (submitted.append(job.__name__), original(job, *args))
    operator = Browser(app.test_client())
    operator.login(make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI").email)
    award = eforms_award("avis-ecole-2026", "LOT-0002", [("Plomberie de la Joliette", siret(2))])
    response = operator.submit(
        "/operateur/attributions", {"award_file": (io.BytesIO(award), "a.xml")}, content_type="multipart/form-data"
    )
    assert response.status_code == 200 and submitted == ["refresh_job"]
    session.expire_all()
    assert headline(session, Filters()).contracts == 1  # the job ran, after the page
    operator.submit("/operateur/retombees/recalcul", {}, page_url="/operateur/retombees")
    assert submitted == ["refresh_job", "refresh_job"]  # the button too, on a large platform


def test_a_contract_published_again_with_a_new_amount_is_recomputed(session, world):
    first = _contract(Source.DECP, "R", "100000", date(2026, 3, 1), "45261000", _holder("Couvreurs", siret(4)))
    Store(session, "a.json").add(session, [first])
    session.commit()
    assert facts.refresh(session) == 1
    session.commit()
    changed = replace(first, amount_eur=Decimal("150000"))
    Store(session, "b.json").add(session, [changed])
    session.commit()
    assert facts.is_stale(session)
    assert facts.refresh(session) == 1  # only the changed one
    session.commit()
    assert headline(session, Filters()).amount_eur == 150000 and not facts.is_stale(session)


def test_the_decp_copy_of_our_award_leaves_it_ours(contracts, session):
    """The DECP publish our groupement's contract months after its award notice: the notice's copy, which carries
    the split table, stays the one counted."""
    members = [_holder(name, siret(n)) for n, name in enumerate(MEMBERS, 1)]
    copy = _contract(Source.DECP, "A-decp", "195000", date(2026, 5, 2), "45261000", *members)
    Store(session, "decp-2026.json").add(session, [copy])
    session.commit()
    facts.refresh(session)
    top = headline(session, Filters())
    assert (top.contracts, top.duplicates, top.ours_contracts, top.ours_amount_eur) == (5, 2, 1, 195000)
    assert top.equal_split_contracts == 2  # still B and F: A keeps its split table


def test_a_name_that_reads_as_a_formula_stays_text_in_the_downloads(session, world, operator):
    hostile = _contract(Source.DECP, "X", "50000", date(2026, 3, 1), "45261000", _holder("Couvreurs", siret(4)))
    hostile = replace(hostile, buyer_id="21130001000019", buyer_name='=HYPERLINK("http://evil.example","x")')
    Store(session, "x.json").add(session, [hostile])
    session.commit()
    facts.refresh(session)
    session.commit()
    text = operator.get("/operateur/retombees/acheteurs.csv").data.decode("utf-8")
    assert "'=HYPERLINK" in text
    sheet = load_workbook(io.BytesIO(operator.get("/operateur/retombees/acheteurs.xlsx").data)).active
    cell = sheet.cell(row=3, column=1)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


def test_query_arguments_that_are_not_filters_change_nothing(contracts, operator):
    for query in ("slug=x", "endpoint=y", "extension=z&_external=1"):
        response = operator.get(f"/operateur/retombees?{query}")
        assert response.status_code == 200 and "Marchés 5 pour" in _page(response)
