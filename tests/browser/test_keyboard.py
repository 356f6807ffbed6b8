"""The groupement form works with the keyboard alone: Tab reaches « Lancer le calcul », Enter submits it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.pages import GROUPEMENT_URL, best_proposal, log_in, open_tender, wait_for_solver
from tests.browser.seeding import INITIATOR, JOURNEY_TENDERS, Seed

MAX_TABS = 60


def focused_text(page: Page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.textContent.trim() : ''")


def test_groupement_form_is_submitted_with_the_keyboard(page: Page, seeded: Seed):
    log_in(page, INITIATOR)
    open_tender(page, seeded.tenders["keyboard"], JOURNEY_TENDERS["keyboard"])
    page.get_by_role("link", name="Constituer un groupement").click()
    expect(page.get_by_role("heading", name="Constituer un groupement")).to_be_visible()

    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused_text(page) == "Lancer le calcul":
            break
    else:
        raise AssertionError(f"« Lancer le calcul » not reached in {MAX_TABS} Tab presses")
    expect(page.get_by_role("button", name="Lancer le calcul")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(GROUPEMENT_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Groupement n°")
    wait_for_solver(page)
    expect(best_proposal(page)).to_be_visible()
