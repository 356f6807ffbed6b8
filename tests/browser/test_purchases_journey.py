"""A large group's local purchasing, in the browser: it signs the MBA pledge with a target, uploads a CSV of
purchases and a received Factur-X invoice, and reads its local share against its target, by month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.pages import log_in
from tests.browser.seeding import LARGE_GROUP
from tests.consortium_data import siret
from tests.invoice_samples import facturx_pdf

ELSEWHERE = "81234567600017"  # a firm the register does not hold


def test_a_large_group_signs_the_pledge_uploads_its_purchases_and_reads_its_share(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    purchases = tmp_path / "achats-2026.csv"
    purchases.write_text(
        f"siret;montant_ht;date;categorie\n{siret(4)};3000,00;2026-01-12;Couverture\n"
        f"{ELSEWHERE};3000,00;2026-01-20;Couverture\n{siret(2)};abc;2026-01-21;Plomberie\n",
        encoding="utf-8",
    )
    invoice = tmp_path / "facture-F-204.pdf"
    invoice.write_bytes(facturx_pdf(siret(3), "F-204", 2000.0, date(2026, 2, 9)))

    log_in(page, LARGE_GROUP)
    page.goto("/tableau-de-bord")
    page.get_by_role("link", name="Engagement MBA").click()
    page.get_by_label("Date de signature").fill("2026-01-05")
    page.get_by_label("Signataire (nom et fonction)").fill("Paul Durand, directeur des achats")
    page.get_by_label("Objectif de part locale des achats (%)").fill("50")
    page.get_by_role("button", name="Signer l'engagement").click()
    expect(page.get_by_text("Engagement enregistré")).to_be_visible()
    signed = "Signé le 5 janvier 2026 par Paul Durand, directeur des achats, objectif 50,0 %"
    expect(page.get_by_text(signed)).to_be_visible()

    page.get_by_role("link", name="Vos achats locaux").click()
    upload = page.get_by_label("Achats (CSV) ou facture reçue (UBL, CII ou PDF Factur-X)")
    upload.set_input_files(purchases)
    page.get_by_role("button", name="Importer").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("2 achats importés (CSV), dont 1 auprès d'établissements locaux ; 1 ligne refusée.")
    expect(result).to_contain_text("Ligne 4 : montant « abc » illisible")

    upload.set_input_files(invoice)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status")).to_contain_text("1 achat importé (facture Factur-X)")
    figures = page.locator("dl.figures")
    expect(figures).to_contain_text("3 pour 8\u202f000 € HT")
    expect(figures).to_contain_text("62,5 % (objectif 50,0 % : atteint)")
    months = page.get_by_role("table").first
    expect(months.get_by_role("row", name="2026-01")).to_contain_text("50,0 %")
    expect(months.get_by_role("row", name="2026-02")).to_contain_text("100,0 %")
