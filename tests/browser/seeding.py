"""The data the browser journeys start from, written through the app's own services before the server starts: the
small métropole of ``tests.consortium_data`` (its tender is the one the buyer measures), one tender of the same
shape per SME journey so that no journey sees another's groupement, a public buyer and a large group with its
company."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask

from app.accounts.models import OrganisationKind
from app.db import get_session
from app.tenders.models import Tender
from tests.conftest import create_user
from tests.consortium_data import add_large_group, build_world, school_tender

INITIATOR, PLUMBER, ROOFER, ROOFER2 = (
    "chef@elec.fr",
    "contact@plomberie.fr",
    "contact@toitures.fr",
    "contact@couvreurs.fr",
)
BUYER = "acheteur@marseille.fr"
LARGE_GROUP = "achats@bpsa.fr"
# The journeys that form a groupement on a tender of their own: key → tender title.
JOURNEY_TENDERS = {
    "bid_pack": "Rénovation de l'école des Chartreux",
    "decline": "Rénovation de l'école de la Belle de Mai",
    "keyboard": "Rénovation de l'école du Panier",
}


@dataclass(frozen=True)
class Seed:
    world_tender_id: int
    world_tender_title: str
    tenders: dict[str, int]  # JOURNEY_TENDERS key → tender id


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
        title = session.get(Tender, world.tender_id).title
        return Seed(world.tender_id, title, tenders)
