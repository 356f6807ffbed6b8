"""The « retombées », in the browser: the CCI operator imports a DECP file, filters the dashboard by year and CPV
division (the filters stay in the URL), reads the figures, downloads the XLSX of a table and finds the same numbers
in it; the pictures are drawn (screenshots in test-artifacts/retombees/, checked for what they show)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.pages import log_in
from tests.browser.seeding import OPERATOR
from tests.consortium_data import siret

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "retombees"
LYON = "79877335400013"


def _record(number: str, day: str, cpv: str, amount: int, holder: str) -> dict:
    return {
        "id": number, "acheteur": {"id": "21130055300016"}, "nature": "Marché", "objet": f"Marché {number}",
        "codeCPV": cpv, "procedure": "Procédure adaptée", "dureeMois": 12, "dateNotification": day,
        "montant": amount, "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": holder}}],
    }  # fmt: skip


def test_the_operator_filters_the_retombees_and_downloads_the_same_figures(
    page: Page, live_server: LiveServer, tmp_path
):
    decp = tmp_path / "decp-2025.json"
    records = [
        _record("R-1", "2025-03-10", "45261000", 150_000, siret(4)),  # Couvreurs d'Aubagne: local
        _record("R-2", "2025-06-02", "45310000", 50_000, LYON),  # a firm of Lyon
        _record("R-3", "2025-09-15", "71000000", 80_000, siret(2)),
        _record("R-4", "2024-11-20", "45210000", 999_000, siret(1)),  # another year
    ]
    decp.write_text(json.dumps({"marches": {"marche": records, "contrat-concession": []}}), encoding="utf-8")
    log_in(page, OPERATOR)
    page.goto("/operateur/attributions")
    page.get_by_label("Avis d'attribution (XML eForms, TED ou BOAMP) ou fichier DECP (JSON ou XML)").set_input_files(
        decp
    )
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status")).to_contain_text("4 marchés enregistrés")

    page.goto("/tableau-de-bord")
    page.get_by_role("link", name="Retombées dans la Métropole").click()
    page.get_by_role("spinbutton", name="Année d'attribution").fill("2025")
    page.get_by_role("textbox", name="Division CPV").fill("45")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"annee=2025.*division=45"))
    figures = page.locator("dl.figures")
    expect(figures).to_contain_text("2 pour 200\u202f000 € HT")
    expect(figures).to_contain_text("75,0 % (150\u202f000 € HT)")

    section = page.get_by_role("region", name="Par division CPV (catégorie d'achat)")
    with page.expect_download() as download:
        section.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "retombees-divisions.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "division CPV 45" in rows[0][0] and rows[2][0] == "45"
    assert rows[2][2:5] == [2, 200000, 150000] and rows[2][5] == 0.75

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, picture in (("trimestres", "graphique-trimestres"), ("divisions", "graphique-divisions"),
                          ("carte", "carte-communes")):  # fmt: skip
        svg = page.locator(f"svg[aria-labelledby^='{picture}-titre']")
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 60
        shot = ARTIFACTS / f"{name}.png"
        svg.screenshot(path=str(shot))
        assert shot.stat().st_size > 2000  # something was drawn
    expect(page.locator("svg[aria-labelledby^='carte-communes-titre'] circle")).to_have_count(92)
    expect(page.locator("svg[aria-labelledby^='graphique-trimestres-titre'] title").filter(
        has_text="2025 T1 : 150 k€ au total")).to_have_count(1)  # fmt: skip
