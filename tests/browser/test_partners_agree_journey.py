"""The groupement as its members agree it, in Chromium: the partner accepts the solver's split; the mandataire
changes it, which sends the partner back to « à confirmer »; the partner reads the new version and accepts it; it
writes in the conversation, the mandataire reads it; the partner brings its Kbis, which shows as provided."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.pages import flashed, log_in, start_groupement
from tests.browser.seeding import INITIATOR, JOURNEY_TENDERS, PLUMBER, Seed
from tests.browser.test_sme_journeys import invite_partners
from tests.mail_server import Mailbox

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def plumber_row(page: Page):
    """The plumber's row in the members table of the groupement page."""
    members = page.locator("section[aria-labelledby=membres]")
    return members.get_by_role("row").filter(has_text="Plomberie de la Joliette")


def test_the_members_agree_the_split_talk_and_bring_their_pieces(
    page: Page, new_page: Callable[[], Page], seeded: Seed, mailbox: Mailbox
):
    log_in(page, INITIATOR)
    groupement = start_groupement(page, seeded.tenders["split"], JOURNEY_TENDERS["split"])
    invite_partners(page)

    partner = new_page()
    log_in(partner, PLUMBER)
    partner.goto(f"/groupements/{groupement}")
    mine = plumber_row(partner)
    mine.get_by_role("button", name="Accepter", exact=True).click()
    expect(flashed(partner, "Invitation acceptée.")).to_be_visible()

    # The mandataire moves 1 000 € of the plumbing and roofing lot from one package to the other, in euros.
    page.goto(f"/groupements/{groupement}/repartition")
    lot = page.locator("input[name^=prix_]").nth(1).get_attribute("name").removeprefix("prix_")
    first, second = (page.locator(f"input[name=ligne_{lot}_{i}_montant]") for i in (0, 1))
    a, b = (int(re.sub(r"\D", "", field.input_value().split(",")[0])) for field in (first, second))
    first.fill(f"{a - 1000}")
    second.fill(f"{b + 1000}")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    expect(flashed(page, re.compile(r"Répartition enregistrée \(version \d+\)"))).to_be_visible()
    number = int(re.search(r"version (\d+)", page.locator(".flash").first.inner_text()).group(1))
    told = [m for m in mailbox.to(PLUMBER) if "Nouvelle répartition à confirmer" in m["Subject"]]
    assert told, "the partner is told by e-mail that a new version awaits it"

    partner.goto(f"/groupements/{groupement}")
    expect(plumber_row(partner)).to_contain_text(f"À confirmer : nouvelle répartition (version {number})")
    expect(partner.get_by_text(f"Version {number} de la répartition")).to_be_visible()
    plumber_row(partner).get_by_role("button", name=f"Accepter la répartition (version {number})").click()
    expect(flashed(partner, "Invitation acceptée.")).to_be_visible()
    expect(plumber_row(partner)).to_contain_text(f"Accepté (répartition version {number})")

    # The conversation: the partner writes, the mandataire sees it as new and reads it.
    partner.get_by_role("link", name=re.compile("Conversation et pièces à fournir")).click()
    partner.get_by_label("Message").fill("Version acceptée ; je dépose notre Kbis.")
    partner.get_by_role("button", name="Envoyer le message").click()
    expect(flashed(partner, "Message envoyé.")).to_be_visible()
    page.goto(f"/groupements/{groupement}")
    page.get_by_role("link", name=re.compile("1 nouveau message")).click()
    expect(page.get_by_role("listitem").filter(has_text="Version acceptée ; je dépose notre Kbis.")).to_be_visible()
    page.goto(f"/groupements/{groupement}")
    expect(page.get_by_role("link", name=re.compile("nouveau message"))).to_have_count(0)  # read

    # The piece: uploaded by the partner for its own company, then provided (« Fourni ») for both.
    upload = partner.get_by_label("Déposer : Extrait Kbis de moins de 3 mois")
    upload.set_input_files(files=[{"name": "kbis.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    upload.locator("xpath=ancestor::form").get_by_role("button", name="Déposer", exact=True).click()
    expect(flashed(partner, re.compile("Extrait Kbis de moins de 3 mois déposée pour Plomberie"))).to_be_visible()
    page.goto(f"/groupements/{groupement}/espace")
    plumber = page.locator("section.member-pieces").filter(has_text="Plomberie")
    kbis = plumber.get_by_role("row").filter(has_text="Extrait Kbis de moins de 3 mois")
    expect(kbis).to_contain_text("Fourni")
    expect(kbis.get_by_role("link", name="kbis.pdf")).to_be_visible()
