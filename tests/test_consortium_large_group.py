"""The large-group journey: a private consultation, the lots the group performs itself, local sub-contractors
found for the rest, invited, and the consultation opened to them alone."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.consortium.models import Groupement
from app.consortium.vocabulary import MemberRole
from app.tenders.models import Tender
from tests.consortium_data import ELEC, PLUMB, add_large_group, build_world


@pytest.fixture
def group(session, make_user):
    world = build_world(session, make_user)
    return world, add_large_group(session, make_user, "achats@bpsa.fr")


def test_large_group_finds_a_local_subcontractor_for_the_lot_it_does_not_perform(browser, group, session):
    world, big = group
    browser.login("achats@bpsa.fr")
    consultation = {
        "title": "Siège régional – aménagement",
        "buyer_name": "Bâtiment Provence SA",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "commune": "13055",
        "lots-0-title": "Électricité",
        "lots-0-cpv": ELEC,
        "lots-0-value": "100 000",
        "lots-1-title": "Plomberie",
        "lots-1-cpv": PLUMB,
        "lots-1-value": "150 000",
    }
    response = browser.submit("/appels-d-offres/nouveau", consultation)
    assert response.status_code == 302
    tender = session.scalar(select(Tender).where(Tender.title == "Siège régional – aménagement"))
    assert tender.visibility == "private"
    electricity, plumbing = (lot.id for lot in tender.lots)

    url = f"/appels-d-offres/{tender.id}/groupement"
    form = {"lots": [str(electricity), str(plumbing)], "self_lots": [str(electricity)], "subcontracting": "y"}
    form |= {"company_id": str(big), "max_members": "4", "radius_km": "60", "nature": "conjoint"}
    response = browser.submit(url, form)
    assert response.status_code == 302
    groupement_id = int(response.headers["Location"].rsplit("/", 1)[1])
    groupement = session.get(Groupement, groupement_id)
    best = groupement.proposal
    roles = {m.company_id: m.role for m in best.members}
    assert roles == {big: MemberRole.MANDATAIRE, world.companies[2]: MemberRole.SUBCONTRACTOR}
    work = {(a.lot_id, a.company_id): a.amount_eur for a in best.assignments}
    assert work == {(electricity, big): 100_000, (plumbing, world.companies[2]): 150_000}
    assert "Réalise elle-même" in browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)

    browser.submit(f"/groupements/{groupement_id}/inviter", {}, page_url=f"/groupements/{groupement_id}")
    browser.logout()

    # The invited plumber now sees the private consultation; the roofer, not invited, does not.
    browser.login("contact@plomberie.fr")
    assert browser.get(f"/appels-d-offres/{tender.id}").status_code == 200
    page = browser.get(f"/groupements/{groupement_id}").get_data(as_text=True)
    member_id = re.search(rf"/groupements/{groupement_id}/membres/(\d+)/accepter", page).group(1)
    browser.submit(f"/groupements/{groupement_id}/membres/{member_id}/accepter", {}, page_url="/groupements")
    browser.logout()
    browser.login("contact@toitures.fr")
    assert browser.get(f"/appels-d-offres/{tender.id}").status_code == 404
    assert "Siège régional" not in browser.get("/appels-d-offres").get_data(as_text=True)


def test_performing_every_lot_itself_is_refused_beside_the_lots_field(browser, group, session):
    """Nothing left to solve is said on the form, beside « Lots à couvrir », and nothing is created."""
    world, big = group
    browser.login("achats@bpsa.fr")
    tender = session.get(Tender, world.tender_id)
    lots = [str(lot.id) for lot in tender.lots]
    form = {"lots": lots, "self_lots": lots, "company_id": str(big), "max_members": "4", "radius_km": "60"}
    before = session.scalar(select(func.count(Groupement.id)))
    response = browser.submit(f"/appels-d-offres/{tender.id}/groupement", form | {"nature": "conjoint"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    lots_field = page[page.index("Lots à couvrir") : page.index("Inclure mon entreprise")]
    assert "Aucun lot à pourvoir : votre entreprise réalise elle-même tous les lots retenus." in lots_field
    session.expire_all()
    assert session.scalar(select(func.count(Groupement.id))) == before
