"""A public buyer reads the « Capacité locale » report of a tender; a large group enters a private consultation,
keeps the lot it performs itself and finds a local sub-contractor for the other."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.pages import best_proposal, flashed, log_in, member_row, open_tender, wait_for_solver
from tests.browser.seeding import BUYER, LARGE_GROUP, Seed
from tests.consortium_data import ELEC, PLUMB


def test_buyer_reads_the_local_capacity_report(page: Page, seeded: Seed):
    log_in(page, BUYER)
    open_tender(page, seeded.world_tender_id, seeded.world_tender_title)
    expect(page.get_by_role("link", name="Constituer un groupement")).to_have_count(0)  # a buyer does not bid
    page.get_by_role("link", name="Capacité locale").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Capacité locale")
    expect(page.get_by_role("note")).to_contain_text("Ce rapport ne peut servir de critère d'attribution")
    expect(page.get_by_role("note")).to_contain_text("aider à définir les lots")
    electricity = page.get_by_role("region", name="Lot LOT-0001 — Électricité")
    expect(electricity.get_by_role("heading", level=2)).to_have_text("Lot LOT-0001 — Électricité")
    expect(electricity.get_by_text("1 PME peut prendre ce lot seule")).to_be_visible()
    expect(page.get_by_role("heading", name="Lot LOT-0002 — Plomberie et couverture")).to_be_visible()

    page.get_by_label("Rayon autour du lieu d'exécution (km)").fill("20")
    page.get_by_role("button", name="Mettre à jour le rapport").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?rayon=20")
    expect(page.get_by_role("definition").filter(has_text="20 km autour")).to_be_visible()


def test_large_group_performs_one_lot_and_finds_a_subcontractor_for_the_other(page: Page):
    log_in(page, LARGE_GROUP)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Appels d'offres").click()
    page.get_by_role("link", name="Nouvelle consultation").click()
    page.get_by_label("Objet de la consultation").fill("Siège régional – aménagement")
    expect(page.get_by_label("Acheteur")).to_have_value("Bâtiment Provence SA")
    page.get_by_label("Date limite de réception des offres").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Lieu d'exécution").select_option("13055")
    for number, (title, cpv, value) in enumerate(
        (("Électricité", ELEC, "100 000"), ("Plomberie", PLUMB, "150 000")), 1
    ):
        row = page.get_by_role("group", name=f"Lot {number}", exact=True)
        row.get_by_label("Intitulé du lot").fill(title)
        row.get_by_label("Code CPV principal").fill(cpv)
        row.get_by_label("Valeur estimée (€ HT)").fill(value)
    page.get_by_role("button", name="Créer la consultation").click()
    expect(flashed(page, "Consultation privée créée")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siège régional – aménagement")

    page.get_by_role("link", name="Constituer un groupement").click()
    page.get_by_text("Grand groupe : lots réalisés en propre, sous-traitance").click()  # opens the <details>
    large_group = page.get_by_role("group").filter(has_text="Grand groupe : lots réalisés en propre")  # the <details>
    large_group.get_by_label("Lot LOT-0001 – Électricité").check()
    page.get_by_label("Chercher des sous-traitants plutôt que des cotraitants").check()
    page.get_by_role("button", name="Lancer le calcul").click()
    wait_for_solver(page)

    best = best_proposal(page)
    expect(member_row(best, "Bâtiment Provence SA")).to_contain_text("Mandataire")
    expect(member_row(best, "Bâtiment Provence SA")).to_contain_text("Réalise elle-même")
    expect(member_row(best, "Plomberie de la Joliette")).to_contain_text("Sous-traitant")
    expect(best.get_by_role("table", name="Membres").get_by_role("row")).to_have_count(3)  # header + 2 members
