"""Who speaks for a company, in the browser: an SME claims a register company, receives the verification e-mail on
the test's SMTP server, follows the link, and only then answers the invitation its company had; another
organisation's claim of the same SIRET goes to the CCI operator, who rejects it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.pages import flashed, log_in
from tests.browser.seeding import CLAIMANT, CLAIMED_CONTACT, OPERATOR, RIVAL
from tests.consortium_data import siret
from tests.mail_server import Mailbox

COMPANY = "Charpentes de Pertuis"


def claim(page: Page, email: str) -> None:
    log_in(page, email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("link", name="Rattacher votre entreprise").click()
    page.get_by_label("SIRET de l'établissement").fill(siret(5))
    page.get_by_label("Pour la CCI : qui êtes-vous dans cette entreprise ?").fill(f"Message de {email}")
    page.get_by_role("button", name="Demander le rattachement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Rattachement de {COMPANY}")


def groupement_link(page: Page, groupement: int):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Groupements").click()
    return page.get_by_role("link", name=f"Groupement n° {groupement}", exact=True)


def test_an_sme_proves_it_speaks_for_its_company_then_answers_and_a_rival_claim_is_rejected(
    page: Page, new_page, live_server: LiveServer, mailbox: Mailbox
):
    groupement = live_server.seed.claim_groupement
    claim(page, CLAIMANT)
    expect(page.get_by_text("en attente de vérification")).to_be_visible()
    expect(groupement_link(page, groupement)).to_have_count(0)  # a pending claim sees nothing of the company

    page.go_back()
    page.get_by_role("button", name="Envoyer le lien de vérification").click()
    expect(flashed(page, "Lien de vérification envoyé")).to_be_visible()
    (message,) = mailbox.to(CLAIMED_CONTACT)
    link = mailbox.link(message, "/rattachements/verification/", base=live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Je confirme représenter cette entreprise").click()
    expect(flashed(page, f"vous représentez désormais {COMPANY.upper()}")).to_be_visible()

    groupement_link(page, groupement).click()
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(flashed(page, "Invitation acceptée.")).to_be_visible()

    rival = new_page()
    claim(rival, RIVAL)
    expect(rival.get_by_text("contestation", exact=True)).to_be_visible()
    expect(rival.get_by_role("button", name="Envoyer le lien de vérification")).to_have_count(0)

    operator = new_page()
    log_in(operator, OPERATOR)
    operator.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Tableau de bord").click()
    operator.get_by_role("link", name="Rattachements à vérifier").click()
    request = operator.get_by_role("region").filter(has_text=f"Message de {RIVAL}")
    expect(request).to_contain_text("Contestation")
    request.get_by_label("Décision").select_option("reject")
    request.get_by_label("Motif").fill("L'entreprise est déjà représentée par son gérant.")
    request.get_by_role("button", name="Enregistrer la décision").click()
    expect(flashed(operator, "refusé")).to_be_visible()

    rival.reload()
    expect(rival.get_by_text("refusée", exact=True)).to_be_visible()
    (told,) = mailbox.to(RIVAL)
    assert "refusé" in told["Subject"]
