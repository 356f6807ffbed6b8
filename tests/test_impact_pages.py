"""The « retombées » pages on the six contracts of ``tests/impact_data.py``: the operator's dashboard, its CSV,
XLSX and PDF, a buyer's page, a company's page; their filters, bad input and who sees what."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date

import pytest
from lxml import html
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.accounts.models import OrganisationKind
from app.awards.model import Source
from app.awards.models import ContractHolder
from app.awards.store import Store
from app.impact import charts, facts
from app.impact.figures import Filters, headline
from tests.award_samples import eforms_award
from tests.conftest import Browser
from tests.consortium_data import siret
from tests.impact_data import BUYER, make_contract, make_holder, page_text


def test_the_dashboard_shows_the_figures_computed_by_hand(contracts, operator):
    response = operator.get("/operateur/retombees")
    assert response.status_code == 200
    page = page_text(response)
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
    page = page_text(operator.get("/operateur/retombees?annee=2026&division=45"))
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
    page = page_text(response)
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


def test_pictures_escape_their_labels_and_draw_nothing_from_nothing():
    hostile = charts.Bar('<script>alert("x")</script>', 10.0, 20.0)
    svg = str(charts.stacked_bars([hostile], "T", "t")) + str(charts.share_bars([hostile], "T", "s"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "aucun" in str(charts.stacked_bars([], "Vide", "v"))
    spot = charts.Spot("Marseille & co", 43.3, 5.4, 0.0)
    assert "Marseille &amp; co" in str(charts.commune_map([spot], "Carte", "c"))
    assert charts.share_bars([charts.Bar("Rien", 0.0, 0.0)], "T", "z")  # no division by zero


def test_a_company_page_shows_its_demonstration_contracts_as_such(runner, operator, session, world):
    runner.invoke(args=["impact", "demo", "--contracts", "400", "--year", "2025"])
    held = session.scalar(select(ContractHolder.company_id).where(ContractHolder.company_id.is_not(None)).limit(1))
    response = operator.get(f"/entreprises/{held}")
    assert response.status_code == 200 and "démonstration" in page_text(response)


def test_a_buyer_page_shows_its_contracts_beside_everyone_s_with_the_legal_reminder(contracts, app, make_user):
    buyer = Browser(app.test_client())
    buyer.login(make_user("achats@ville.fr", kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville").email)
    response = buyer.get(f"/acheteurs/{BUYER}")
    assert response.status_code == 200
    page = page_text(response)
    assert "Ville de Marseille" in page and "Information de sourcing, pas critère d'attribution." in page
    assert "Marchés 5 5" in page  # every contract of the set is the Ville de Marseille's
    assert "Part locale du montant 76,7 % 76,7 %" in page
    assert "publié aussi par une autre source, compté une fois" in page  # C, listed but not counted
    other = "21130001000019"
    assert "Aucun marché attribué connu" in page_text(buyer.get(f"/acheteurs/{other}"))
    assert "Marchés 1 1" in page_text(buyer.get(f"/acheteurs/{BUYER[:9]}?annee=2025"))  # by SIREN, one year: D
    assert buyer.get("/acheteurs/123").status_code == 404


def test_a_company_page_names_its_local_partners_and_its_sub_contracting(contracts, operator, world):
    response = operator.get(f"/entreprises/{world.companies[3]}")
    (table,) = html.fromstring(response.data).xpath("//table[starts-with(caption, 'Entreprises de la Métropole')]")
    rows = [[" ".join(cell.text_content().split()) for cell in row] for row in table.xpath("tbody/tr")]
    # A is ours: its split table is its members' own, the partner is listed without its share; F is not.
    assert ["Plomberie de la Joliette", "1", "0"] in rows and ["Charpentes de Pertuis", "1", "30 000"] in rows
    assert not [row for row in rows if "Lyon" in row[0]]  # F's firm of Lyon is not local
    pertuis = page_text(operator.get(f"/entreprises/{world.companies[5]}"))
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
    shown = page_text(member.get(f"/entreprises/{roofer_page}"))
    assert "Groupements formés sur la plateforme" in shown and "Gagné" in shown
    assert "Groupements formés sur la plateforme" not in page_text(operator.get(f"/entreprises/{roofer_page}"))


def test_the_dashboard_s_buyers_and_holders_open_their_pages(contracts, operator, world):
    tree = html.fromstring(operator.get("/operateur/retombees").data)
    buyers = tree.xpath("//section[@aria-labelledby='tableau-acheteurs']//tbody//th/a/@href")
    holders = tree.xpath("//section[@aria-labelledby='tableau-titulaires']//tbody//th/a/@href")
    assert buyers == [f"/acheteurs/{BUYER}"]
    assert f"/entreprises/{world.companies[4]}" in holders and operator.get(holders[0]).status_code == 200


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


def test_a_name_that_reads_as_a_formula_stays_text_in_the_downloads(session, world, operator):
    hostile = make_contract(Source.DECP, "X", "50000", date(2026, 3, 1), "45261000", make_holder("Couvreurs", siret(4)))
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
        assert response.status_code == 200 and "Marchés 5 pour" in page_text(response)
