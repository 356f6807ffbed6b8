"""Who sees and does what on a groupement, route by route: the initiating organisation edits; invited companies
see the composition and their own part and answer for themselves; nobody else — not another SME, not the
tender's buyer, not the operator — sees anything."""

from __future__ import annotations

import pytest

from app.accounts.models import OrganisationKind
from app.consortium.formation import start as services
from app.consortium.jobs import solve as jobs
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.consortium.workflow import transitions as workflow
from app.tenders.models import Tender
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world

ACTORS = ("anonymous", "outsider", "buyer", "operator", "initiator", "plumber")
EMAILS = {
    "outsider": "autre@pme.fr",
    "buyer": "achats@ville.fr",
    "operator": "cci@cci.fr",
    "initiator": "chef@elec.fr",
    "plumber": "contact@plomberie.fr",
}


@pytest.fixture
def invited(app, session, make_user):
    """A groupement of the initiator, invitations sent: the plumber and the roofer are invited."""
    world = build_world(session, make_user)
    make_user(EMAILS["outsider"], organisation_name="Autre PME")
    make_user(EMAILS["buyer"], kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
    make_user(EMAILS["operator"], kind=OrganisationKind.OPERATOR, organisation_name="CCI")
    organisation = world.users["initiator"].memberships[0].organisation
    groupement = services.start_groupement(
        session,
        session.get(Tender, world.tender_id),
        session.merge(organisation),
        None,
        Request(company_id=world.companies[1], alternatives=0),
    )
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    workflow.invite(session, session.get(Groupement, groupement.id), None)
    session.commit()
    members = {m.company_id: m.id for m in session.get(Groupement, groupement.id).members}
    return world, groupement.id, members[world.companies[2]]


def as_actor(browser, actor: str):
    if actor != "anonymous":
        assert browser.login(EMAILS[actor]).status_code == 302


# route → expected status per actor (anonymous, outsider, buyer, operator, initiator, plumber)
GETS = {
    "/groupements/{g}": (302, 403, 403, 403, 200, 200),
    "/appels-d-offres/{t}/groupement": (302, 200, 403, 403, 200, 200),
}
POSTS = {
    "/groupements/{g}/inviter": (302, 403, 403, 403, 302, 403),
    "/groupements/{g}/recalculer": (302, 403, 403, 403, 302, 403),
    "/groupements/{g}/confirmer": (302, 403, 403, 403, 302, 403),
    "/groupements/{g}/statut/abandonne": (302, 403, 403, 403, 302, 403),
    "/groupements/{g}/entreprises/{c}/exclure": (302, 403, 403, 403, 302, 403),
    "/groupements/{g}/membres/{m}/accepter": (302, 403, 403, 403, 403, 302),
}


def _url(template: str, world, groupement_id: int, member_id: int) -> str:
    return template.format(g=groupement_id, t=world.tender_id, c=world.companies[3], m=member_id)


@pytest.mark.parametrize("route", list(GETS))
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_get_routes(browser, invited, route, index):
    world, groupement_id, member_id = invited
    as_actor(browser, ACTORS[index])
    assert browser.get(_url(route, world, groupement_id, member_id)).status_code == GETS[route][index]


@pytest.mark.parametrize("route", list(POSTS))
@pytest.mark.parametrize("index", range(len(ACTORS)), ids=ACTORS)
def test_post_routes(browser, invited, route, index):
    world, groupement_id, member_id = invited
    as_actor(browser, ACTORS[index])
    url = _url(route, world, groupement_id, member_id)
    token = browser.token("/connexion") if ACTORS[index] == "anonymous" else browser.token("/groupements")
    response = browser.client.post(url, data={"csrf_token": token})
    assert response.status_code == POSTS[route][index]


@pytest.mark.parametrize("route", list(POSTS))
def test_every_post_refuses_a_missing_csrf_token(browser, invited, route):
    world, groupement_id, member_id = invited
    as_actor(browser, "initiator")
    assert browser.client.post(_url(route, world, groupement_id, member_id)).status_code == 400


def test_an_invited_company_sees_the_composition_and_only_its_own_part(browser, invited):
    world, groupement_id, _ = invited
    as_actor(browser, "plumber")
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    assert "Électricité du Vieux-Port" in page and "Toitures d&#39;Allauch" in page  # the composition
    assert PLUMB in page and ELEC not in page and ROOF not in page  # its own part only
    for private in ("Proposition n°", "Détail du coût", "Historique", "Borne prouvée"):
        assert private not in page


def test_groupements_list_shows_nothing_of_others(browser, invited):
    _, groupement_id, _ = invited
    for actor in ("outsider", "buyer", "operator"):
        as_actor(browser, actor)
        assert f"Groupement n° {groupement_id}" not in browser.get("/groupements").get_data(as_text=True)
        browser.logout()
