"""The SME journey through the Flask test client: ask for a groupement, read the proposals, invite, partners
accept or decline, re-solve around those who accepted, confirm, submit, win. Solves run inline (TEST_CONFIG)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.consortium.models import AuditEvent, Groupement, GroupementMember
from app.consortium.vocabulary import Answer, GroupementStatus, MemberRole, RunState
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world


@pytest.fixture
def world(session, make_user):
    return build_world(session, make_user)


def start(browser, world, **overrides) -> int:
    """Log in as the initiator, submit the groupement form with its defaults, return the new groupement's id."""
    browser.login("chef@elec.fr")
    url = f"/appels-d-offres/{world.tender_id}/groupement"
    page = browser.get(url).get_data(as_text=True)
    lots = re.findall(r'name="lots"[^>]*value="(\d+)"', page) or re.findall(r'value="(\d+)"[^>]*name="lots"', page)
    data = {"lots": lots, "company_id": str(world.companies[1]), "max_members": "6", "radius_km": "60"}
    data |= {"nature": "conjoint", "exclude": ""} | overrides
    response = browser.submit(url, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def members(session, groupement_id: int) -> dict[int, GroupementMember]:
    rows = session.scalars(select(GroupementMember).where(GroupementMember.groupement_id == groupement_id))
    return {m.company_id: m for m in rows}


def post(browser, groupement_id: int, action: str):
    return browser.submit(f"/groupements/{groupement_id}/{action}", {}, page_url=f"/groupements/{groupement_id}")


def test_form_preselects_every_lot_and_my_company(browser, world):
    browser.login("chef@elec.fr")
    page = browser.get(f"/appels-d-offres/{world.tender_id}/groupement").get_data(as_text=True)
    assert page.count('name="lots"') == 2 and page.count("checked") >= 2
    assert "Électricité du Vieux-Port" in page


def test_best_proposal_covers_every_lot_with_the_nearest_firms(browser, world, session):
    groupement_id = start(browser, world)
    groupement = session.get(Groupement, groupement_id)
    run = groupement.runs[-1]
    assert run.state is RunState.DONE and run.solver_status == "OPTIMAL"
    assert run.bound == run.objective and run.gap == 0
    best = groupement.proposal
    assert best.rank == 0
    done_by = {(a.lot.lot_id, a.requirement): a.company_id for a in best.assignments}
    c = world.companies
    # The roofer of Allauch is nearer than Aubagne's and Pertuis'.
    assert done_by == {("LOT-0001", ELEC): c[1], ("LOT-0002", PLUMB): c[2], ("LOT-0002", ROOF): c[3]}
    assert sum(a.amount_eur for a in best.assignments) == 300_000
    roles = {m.company_id: m.role for m in best.members}
    assert roles == {c[1]: MemberRole.MANDATAIRE, c[2]: MemberRole.CO_CONTRACTOR, c[3]: MemberRole.CO_CONTRACTOR}
    assert len(run.proposals) > 1  # alternatives, each with a different member set
    sets = [frozenset(m.company_id for m in p.members) for p in run.proposals]
    assert len(set(sets)) == len(sets)
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    for text in ("Proposition n° 1 — la meilleure", "optimal prouvé", "Toitures d&#39;Allauch", "Part des PME"):
        assert text in page


def test_decline_then_resolve_keeps_the_accepted_members(browser, world, session):
    groupement_id = start(browser, world)
    assert post(browser, groupement_id, "inviter").status_code == 302
    invited = members(session, groupement_id)
    assert invited[world.companies[1]].answer is Answer.ACCEPTED  # the initiator's own company
    assert session.get(Groupement, groupement_id).status is GroupementStatus.INVITED
    browser.logout()

    # The plumber accepts, the roofer declines.
    for email, n, choice in (("contact@plomberie.fr", 2, "accepter"), ("contact@toitures.fr", 3, "refuser")):
        browser.login(email)
        assert f"Groupement n° {groupement_id}" in browser.get("/groupements").get_data(as_text=True)
        member_id = invited[world.companies[n]].id
        response = post(browser, groupement_id, f"membres/{member_id}/{choice}")
        assert response.status_code == 302
        browser.logout()
    session.expire_all()
    assert members(session, groupement_id)[world.companies[3]].answer is Answer.DECLINED

    browser.login("chef@elec.fr")
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "a refusé" in page and "Recalculer sans lui" in page
    response = browser.submit(
        f"/groupements/{groupement_id}/recalculer", {"garder": "acceptes"}, page_url=f"/groupements/{groupement_id}"
    )
    assert response.status_code == 302
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    new_members = {m.company_id for m in groupement.proposal.members}
    c = world.companies
    assert {c[1], c[2]} <= new_members and c[3] not in new_members and c[4] in new_members

    post(browser, groupement_id, "inviter")
    session.expire_all()
    current = {cid: m for cid, m in members(session, groupement_id).items() if m.current}
    assert set(current) == {c[1], c[2], c[4]}
    assert current[c[2]].answer is Answer.ACCEPTED and current[c[4]].answer is Answer.PENDING
    # Not everyone has accepted yet: confirming is refused with the names of those missing.
    post(browser, groupement_id, "confirmer")
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Couvreurs d&#39;Aubagne" in page and "Tous les membres n&#39;ont pas accepté" in page
    browser.logout()

    browser.login("contact@couvreurs.fr")
    post(browser, groupement_id, f"membres/{current[c[4]].id}/accepter")
    browser.logout()
    browser.login("chef@elec.fr")
    page = f"/groupements/{groupement_id}"
    assert post(browser, groupement_id, "confirmer").status_code == 302
    # The members' pieces are not in the workspace: « déposé » only once that is confirmed (tests/test_workspace.py).
    confirmed = {"deposer_quand_meme": "oui"}
    assert browser.submit(f"{page}/statut/depose", confirmed, page_url=page).status_code == 302
    assert post(browser, groupement_id, "statut/gagne").status_code == 302
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    assert groupement.status is GroupementStatus.WON
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.groupement_id == groupement_id))]
    assert actions[:2] == ["création", "invitations"] and actions[-2:] == ["statut", "statut"]
    assert "invitation refusée" in actions and "constitué" in actions


def test_lock_and_exclude_a_member_then_resolve(browser, world, session):
    groupement_id = start(browser, world)
    c = world.companies
    post(browser, groupement_id, f"entreprises/{c[3]}/exclure")
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    assert c[3] not in {m.company_id for m in groupement.proposal.members}
    post(browser, groupement_id, f"entreprises/{c[5]}/imposer")
    session.expire_all()
    groupement = session.get(Groupement, groupement_id)
    assert c[5] in {m.company_id for m in groupement.proposal.members}
    assert len(groupement.runs) == 3


def test_excluding_an_unknown_siret_is_refused_and_nothing_is_created(browser, world, session):
    browser.login("chef@elec.fr")
    url = f"/appels-d-offres/{world.tender_id}/groupement"
    data = {"company_id": str(world.companies[1]), "max_members": "6", "nature": "conjoint", "exclude": "123"}
    response = browser.submit(url, data)
    assert response.status_code == 422
    assert "SIRET inconnu" in response.get_data(as_text=True)
    assert session.scalar(select(Groupement)) is None


def test_no_possible_groupement_is_explained(browser, world, session):
    groupement_id = start(browser, world, max_members="1")
    run = session.get(Groupement, groupement_id).runs[-1]
    assert run.solver_status == "INFEASIBLE" and not run.proposals
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Aucun groupement possible" in page


def test_status_moves_follow_the_lifecycle(browser, world, session):
    groupement_id = start(browser, world)
    post(browser, groupement_id, "statut/gagne")  # a draft cannot be won
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Passage impossible" in page
    assert session.get(Groupement, groupement_id).status is GroupementStatus.DRAFT
    post(browser, groupement_id, "statut/abandonne")
    session.expire_all()
    assert session.get(Groupement, groupement_id).status is GroupementStatus.ABANDONED
