"""The outcome, in the browser: the CCI operator imports the award notice of a tender on which a groupement was
formed here; the groupement reads « Gagné », with the award in its trail, and the tender page shows who won."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.award_samples import eforms_award
from tests.browser.conftest import LiveServer
from tests.browser.pages import log_in
from tests.browser.seeding import INITIATOR, JOURNEY_TENDERS, OPERATOR
from tests.consortium_data import siret

MEMBERS = ("Électricité du Vieux-Port", "Plomberie de la Joliette", "Toitures d'Allauch")


def test_importing_the_award_notice_marks_our_groupement_won(
    page: Page, new_page, live_server: LiveServer, tmp_path: Path
):
    seed = live_server.seed
    award = tmp_path / "avis-attribution.xml"
    award.write_bytes(
        eforms_award("avis-navigateur-award", "LOT-0002", [(name, siret(n)) for n, name in enumerate(MEMBERS, 1)])
    )
    log_in(page, OPERATOR)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("link", name="Importer des attributions").click()
    page.get_by_label("Avis d'attribution (XML eForms, TED ou BOAMP) ou fichier DECP (JSON ou XML)").set_input_files(
        award
    )
    page.get_by_role("button", name="Importer").click()
    result = page.get_by_role("status")
    expect(result).to_contain_text("1 marché enregistré")
    expect(result).to_contain_text("1 rattaché à un appel d'offres")
    outcome = f"Groupement n° {seed.award_groupement} : Attribution : lot LOT-0002 gagné"
    expect(page.get_by_text(outcome)).to_be_visible()

    initiator = new_page()
    log_in(initiator, INITIATOR)
    initiator.goto(f"/groupements/{seed.award_groupement}")
    expect(initiator.get_by_role("heading", level=1)).to_contain_text("Gagné")
    expect(initiator.get_by_text("lot LOT-0002 gagné, 195 000 € HT").first).to_be_visible()
    initiator.goto(f"/appels-d-offres/{seed.tenders['award']}")
    expect(initiator.get_by_role("heading", level=1)).to_contain_text(JOURNEY_TENDERS["award"])
    awarded = initiator.get_by_role("table", name="Marchés attribués sur cet appel d'offres")
    expect(awarded).to_contain_text("Plomberie de la Joliette")
