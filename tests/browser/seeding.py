"""The data the browser journeys start from, written through the app's own services before the server starts: the
small métropole of ``tests.consortium_data`` (its tender is the one the buyer measures), one tender of the same
shape per SME journey so that no journey sees another's groupement, a public buyer and a large group with its
company."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask

from app.accounts.models import OrganisationKind
from app.companies.models import Company
from app.consortium.formation import start as formation
from app.consortium.jobs import solve as jobs
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.consortium.workflow import transitions as workflow
from app.db import get_session
from app.tenders.models import Tender
from tests.conftest import create_user
from tests.consortium_data import add_large_group, build_world, formed_groupement, school_tender

INITIATOR, PLUMBER, ROOFER, ROOFER2 = (
    "chef@elec.fr",
    "contact@plomberie.fr",
    "contact@toitures.fr",
    "contact@couvreurs.fr",
)
BUYER = "acheteur@marseille.fr"
LARGE_GROUP = "achats@bpsa.fr"
# The claim journey: Charpentes de Pertuis (in the register, nobody speaks for it) is invited into a groupement;
# its manager signs up and claims it; a rival claims it too; the CCI operator decides.
CLAIMANT, RIVAL, OPERATOR = "gerant@charpentes.fr", "squatteur@rival.fr", "cci@cci.fr"
CLAIMED_CONTACT = "contact@charpentes-pertuis.fr"
# The journeys that form a groupement on a tender of their own: key → tender title.
JOURNEY_TENDERS = {
    "bid_pack": "Rénovation de l'école des Chartreux",
    "decline": "Rénovation de l'école de la Belle de Mai",
    "keyboard": "Rénovation de l'école du Panier",
    "claim": "Rénovation de l'école de Pertuis",
    "award": "Rénovation de l'école de Saint-Henri",
    "split": "Rénovation de l'école de Sainte-Marthe",
}


@dataclass(frozen=True)
class Seed:
    world_tender_id: int
    world_tender_title: str
    tenders: dict[str, int]  # JOURNEY_TENDERS key → tender id
    claimed_company: int
    claim_groupement: int
    award_groupement: int  # formed on tenders["award"], before its award notice is imported


def seed(app: Flask) -> Seed:
    with app.app_context():
        session = get_session()
        make_user = partial(create_user, session)
        world = build_world(session, make_user)
        tenders = {}
        for key, title in JOURNEY_TENDERS.items():
            tender = school_tender(f"avis-navigateur-{key}", title)
            session.add(tender)
            session.commit()
            tenders[key] = tender.id
        make_user(BUYER, kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
        add_large_group(session, make_user, LARGE_GROUP)
        make_user(CLAIMANT, organisation_name="Charpentes de Pertuis SARL")
        make_user(RIVAL, organisation_name="Rival Toitures")
        make_user(OPERATOR, kind=OrganisationKind.OPERATOR, organisation_name="CCI Aix-Marseille-Provence")
        claimed = world.companies[5]
        groupement = _inviting(app, session, tenders["claim"], world.companies[1], claimed)
        awarded = formed_groupement(app, session, world, tenders["award"])
        title = session.get(Tender, world.tender_id).title
        return Seed(world.tender_id, title, tenders, claimed, groupement, awarded)


def _inviting(app: Flask, session, tender_id: int, initiator: int, invited: int) -> int:
    """The electrician's groupement on ``tender_id`` with ``invited`` imposed, solved and its invitations sent."""
    session.get(Company, invited).register_email = CLAIMED_CONTACT
    tender = session.get(Tender, tender_id)
    organisation = session.get(Company, initiator).organisation
    request = Request(company_id=initiator, impose=(invited,), radius_km=None, alternatives=0)
    groupement = formation.start_groupement(session, tender, organisation, None, request)
    session.commit()
    jobs.run_job(app, groupement.runs[-1].id)
    session.expire_all()
    workflow.invite(session, session.get(Groupement, groupement.id), None)
    session.commit()
    return groupement.id
