"""An SME in the browser: it imports a notice, forms a groupement, its partners accept (each in a browser of its
own), it confirms the mandataire and downloads the bid pack; or a partner declines and the groupement is
re-solved without it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.pages import best_proposal, flashed, log_in, member_row, start_groupement, wait_for_solver
from tests.browser.seeding import INITIATOR, JOURNEY_TENDERS, PLUMBER, ROOFER, Seed

NOTICE = Path(__file__).parents[1] / "fixtures" / "notices" / "eforms_cn_marseille_travaux.xml"


def import_notice(page: Page) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Appels d'offres").click()
    page.get_by_role("link", name="Importer un avis de marché").click()
    page.get_by_label("Avis de marché (XML eForms, TED ou BOAMP)").set_input_files(NOTICE)
    page.get_by_role("button", name="Importer").click()
    expect(flashed(page, "Avis importé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Réhabilitation du groupe scolaire Saint-Charles")
    expect(page.get_by_role("heading", name="Lots (3)")).to_be_visible()


def invite_partners(page: Page) -> None:
    page.get_by_role("button", name="Inviter les partenaires de la proposition retenue").click()
    expect(flashed(page, "Invitations envoyées.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invitations envoyées")


def answer(page: Page, email: str, groupement: int, choice: str) -> None:
    """``email`` logs in, finds the invitation on its « Groupements » page and answers it (« Accepter »…)."""
    log_in(page, email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Groupements").click()
    page.get_by_role("link", name=f"Groupement n° {groupement}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Groupement n° {groupement}")
    page.get_by_role("button", name=choice, exact=True).click()
    expected = "Invitation acceptée." if choice == "Accepter" else "Invitation refusée."
    expect(flashed(page, expected)).to_be_visible()


def test_sme_imports_a_notice_forms_a_groupement_and_downloads_the_bid_pack(
    page: Page, new_page, seeded: Seed, tmp_path: Path
):
    log_in(page, INITIATOR)
    import_notice(page)

    groupement = start_groupement(page, seeded.tenders["bid_pack"], JOURNEY_TENDERS["bid_pack"])
    best = best_proposal(page)
    for company in ("Électricité du Vieux-Port", "Plomberie de la Joliette", "Toitures d'Allauch"):
        expect(member_row(best, company)).to_be_visible()
    members = best.get_by_role("table", name="Membres")
    expect(members.get_by_role("cell", name="Mandataire", exact=True)).to_have_count(1)
    invite_partners(page)

    for email in (PLUMBER, ROOFER):
        answer(new_page(), email, groupement, "Accepter")

    page.reload()
    page.get_by_role("button", name="Confirmer le mandataire et constituer le groupement").click()
    expect(flashed(page, "Groupement constitué.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Constitué")

    page.get_by_role("link", name=re.compile(r"^Documents de candidature")).click()
    page.get_by_role("button", name="Générer les documents").click()
    expect(flashed(page, "Documents générés : version 1.")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 — la plus récente")).to_be_visible()  # every member accepted
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger tout (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"groupement-{groupement}-v1.zip"
    archive = tmp_path / download.suggested_filename
    download.save_as(archive)

    reference = f"GME-{groupement}"
    with zipfile.ZipFile(archive) as bundle:
        pdfs = {name: bundle.read(name) for name in bundle.namelist() if name.endswith(".pdf")}
    assert any("dc1" in name.lower() for name in pdfs) and len(pdfs) >= 5, sorted(pdfs)
    for name, content in pdfs.items():
        assert content.startswith(b"%PDF"), name
        reader = PdfReader(io.BytesIO(content))
        assert len(reader.pages) >= 1, name
        text = " ".join(" ".join(page_.extract_text() or "" for page_ in reader.pages).split())
        assert reference in text, f"{name} does not name {reference}"
        assert "PROJET" not in text, f"{name} is still marked as a draft"


def test_partner_declines_and_the_groupement_is_resolved_with_another_roofer(page: Page, new_page, seeded: Seed):
    log_in(page, INITIATOR)
    groupement = start_groupement(page, seeded.tenders["decline"], JOURNEY_TENDERS["decline"])
    expect(member_row(best_proposal(page), "Toitures d'Allauch")).to_be_visible()
    invite_partners(page)

    answer(new_page(), PLUMBER, groupement, "Accepter")
    answer(new_page(), ROOFER, groupement, "Refuser")

    page.reload()
    expect(page.get_by_role("alert").filter(has_text="a refusé")).to_contain_text("Toitures d'Allauch")
    page.get_by_role("button", name="Recalculer sans lui").click()
    expect(flashed(page, "Calcul relancé.")).to_be_visible()
    wait_for_solver(page)
    best = best_proposal(page)
    expect(member_row(best, "Couvreurs d'Aubagne")).to_be_visible()
    expect(member_row(best, "Toitures d'Allauch")).to_have_count(0)
    expect(member_row(best, "Électricité du Vieux-Port")).to_be_visible()
    expect(member_row(best, "Plomberie de la Joliette")).to_be_visible()
