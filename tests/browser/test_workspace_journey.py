"""The partners' workspace with the keyboard alone: from the groupement page to the workspace, a message written
and sent with Enter, a piece's file chosen and sent with Enter; the partner is told by e-mail and sees the message
as new on the groupement page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.pages import flashed, log_in
from tests.browser.seeding import INITIATOR, PLUMBER, Seed
from tests.mail_server import Mailbox

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_partner_writes_and_brings_a_piece_with_the_keyboard(page: Page, new_page, seeded: Seed, mailbox: Mailbox):
    groupement = seeded.award_groupement
    log_in(page, INITIATOR)
    page.goto(f"/groupements/{groupement}")
    page.get_by_role("link", name=re.compile("Conversation et pièces à fournir")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Espace des partenaires — groupement n° {groupement}")

    page.get_by_label("Message").focus()
    page.keyboard.type("Bonjour, je dépose notre Kbis.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer le message")).to_be_focused()
    page.keyboard.press("Enter")
    expect(flashed(page, "Message envoyé.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Bonjour, je dépose notre Kbis.")).to_be_visible()

    upload = page.get_by_label("Déposer : Extrait Kbis de moins de 3 mois").first
    upload.set_input_files(files=[{"name": "kbis.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    upload.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Déposer", exact=True).first).to_be_focused()
    page.keyboard.press("Enter")
    expect(flashed(page, "Extrait Kbis de moins de 3 mois déposée pour Électricité du Vieux-Port.")).to_be_visible()
    expect(page.get_by_role("link", name="kbis.pdf")).to_be_visible()

    told = [m for m in mailbox.to(PLUMBER) if "Nouveau message dans le groupement" in m["Subject"]]
    assert told and "Bonjour, je dépose notre Kbis." in mailbox.text(told[-1])
    partner = new_page()
    log_in(partner, PLUMBER)
    partner.goto(f"/groupements/{groupement}")
    expect(partner.get_by_role("link", name=re.compile("1 nouveau message"))).to_be_visible()
