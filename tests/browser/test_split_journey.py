"""The « Répartition » page with the keyboard alone and without JavaScript: the initiator changes a lot's price and
a work package's amount with Tab and typing, a sum that does not add up is refused beside the price, Enter saves
the new version; the partner reads its part and accepts that version."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.pages import flashed, log_in, start_groupement
from tests.browser.seeding import INITIATOR, JOURNEY_TENDERS, PLUMBER, Seed
from tests.browser.test_sme_journeys import invite_partners

MAX_TABS = 40


def without_javascript(browser: Browser, live_server: LiveServer) -> Page:
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def tab_to(page: Page, name: str) -> None:
    """Press Tab until the field named ``name`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"{name} not reached in {MAX_TABS} Tab presses")


def retype(page: Page, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_the_split_is_edited_with_the_keyboard_and_accepted_by_the_partner(
    page: Page, new_page: Callable[[], Page], browser: Browser, live_server: LiveServer, seeded: Seed
):
    log_in(page, INITIATOR)
    groupement = start_groupement(page, seeded.tenders["split"], JOURNEY_TENDERS["split"])
    invite_partners(page)
    editor = without_javascript(browser, live_server)
    log_in(editor, INITIATOR)
    editor.goto(f"/groupements/{groupement}/repartition")
    expect(editor.get_by_role("heading", level=1)).to_have_text("Répartition des prestations et des prix")
    price = editor.locator("input[name^=prix_]").nth(1).get_attribute("name")
    lot = price.removeprefix("prix_")

    editor.locator("a", has_text="Aller au contenu").focus()
    tab_to(editor, price)
    retype(editor, "200 000,50")
    editor.keyboard.press("Enter")  # the first package still at its old amount: the sum is refused
    errors = editor.locator(f"#{price}-erreurs")
    expect(errors).to_contain_text("elles doivent faire le prix du lot (200 000,50 € HT)")
    expect(editor.locator(f"input[name={price}]")).to_have_attribute("aria-invalid", "true")

    tab_to(editor, f"ligne_{lot}_0_montant")
    value = editor.locator(f"input[name=ligne_{lot}_0_montant]").input_value()
    retype(editor, value.replace(" ", "") + ",50")
    editor.keyboard.press("Enter")
    expect(flashed(editor, "Répartition enregistrée (version 1)")).to_be_visible()
    expect(editor.get_by_text("Version 1 de la répartition")).to_be_visible()

    partner = new_page()
    log_in(partner, PLUMBER)
    partner.goto(f"/groupements/{groupement}")
    expect(partner.get_by_role("heading", name="Votre part et le prix de chaque lot")).to_be_visible()
    expect(partner.get_by_text("200\u202f000,50\u00a0€")).to_be_visible()
    accept = partner.get_by_role("button", name="Accepter la répartition (version 1)")
    accept.focus()
    partner.keyboard.press("Enter")
    expect(flashed(partner, "Invitation acceptée.")).to_be_visible()
