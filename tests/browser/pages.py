"""What a person does on the pages, in the words and roles the pages show: log in, open a tender, ask for a
groupement and wait for the solver as the page does (it refreshes itself while « Calcul en cours » is shown)."""

from __future__ import annotations

import contextlib
import re
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from tests.databases import PASSWORD

SOLVER_WAIT_S = 30
GROUPEMENT_URL = re.compile(r"/groupements/(\d+)$")


def log_in(page: Page, email: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def open_tender(page: Page, tender_id: int, title: str) -> None:
    page.goto(f"/appels-d-offres/{tender_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def groupement_id(page: Page) -> int:
    match = GROUPEMENT_URL.search(page.url)
    assert match, f"not a groupement page: {page.url}"
    return int(match.group(1))


def start_groupement(page: Page, tender_id: int, title: str) -> int:
    """From the tender page, « Constituer un groupement » with the form's defaults (every lot, my company); wait for
    the solve; return the groupement's id."""
    open_tender(page, tender_id, title)
    page.get_by_role("link", name="Constituer un groupement").click()
    expect(page.get_by_role("heading", name="Constituer un groupement")).to_be_visible()
    page.get_by_role("button", name="Lancer le calcul").click()
    expect(page).to_have_url(GROUPEMENT_URL)
    wait_for_solver(page)
    return groupement_id(page)


def running(page: Page) -> Locator:
    """The progress line the groupement page shows while a solve is queued or running."""
    return page.get_by_role("status").filter(has_text=re.compile(r"^\s*Calcul en (cours|attente)"))


def wait_for_solver(page: Page, timeout_s: float = SOLVER_WAIT_S) -> None:
    """Reload the groupement page until the solve is over (the page also refreshes itself every 2 s; a reload
    that crosses that refresh is simply retried), then check the outcome is shown."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            page.wait_for_load_state()
            if running(page).count() == 0:
                break
        except PlaywrightError:  # the page navigated (its own refresh) while being read: look again
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the solve was still running after {timeout_s:.0f} s on {page.url}")
        page.wait_for_timeout(500)
        with contextlib.suppress(PlaywrightError):  # crossed the page's own refresh: the next turn looks again
            page.reload()
    expect(page.get_by_role("heading", name="Calcul", exact=True)).to_be_visible()
    expect(running(page)).to_have_count(0)
    expect(page.get_by_role("definition").filter(has_text="Terminé")).to_be_visible()


def best_proposal(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Proposition n° 1 — la meilleure"))


def member_row(proposal: Locator, company: str) -> Locator:
    """The row of ``company`` in the « Membres » table of a proposal."""
    return proposal.get_by_role("table", name="Membres").get_by_role("row").filter(has_text=company)


def flashed(page: Page, message: str) -> Locator:
    """The message the page flashes after an action (« Invitations envoyées. »…)."""
    return page.get_by_role("status").filter(has_text=message)
