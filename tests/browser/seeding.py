"""The data the browser journeys start from, written through the app's own services before the server starts: the
small métropole of ``tests.consortium_data`` (its tender is the one the buyer measures), one tender of the same
shape per SME journey so that no journey sees another's groupement, a public buyer and a large group with its
company."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from app.accounts import services
from app.accounts.models import OrganisationKind, User
from app.companies.models import Company
from app.companies.records import CompanyRecord
from app.companies.register import write_companies
from app.db import get_session
from app.tenders.models import LotRequirement, Tender, TenderLot
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world, siret
from tests.databases import PASSWORD

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

        def make_user(
            email: str,
            *,
            kind: OrganisationKind = OrganisationKind.SME,
            organisation_name: str,
            full_name: str = "Camille Martin",
        ) -> User:
            user = services.create_account(
                session,
                email=email,
                full_name=full_name,
                password=PASSWORD,
                organisation_name=organisation_name,
                kind=kind,
            )
            session.commit()
            return user

        world = build_world(session, make_user)
        tenders = {key: _tender(session, f"avis-navigateur-{key}", title) for key, title in JOURNEY_TENDERS.items()}
        make_user(BUYER, kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
        group = make_user(LARGE_GROUP, kind=OrganisationKind.LARGE_GROUP, organisation_name="Bâtiment Provence SA")
        record = CompanyRecord(
            siret=siret(9),
            legal_name="Bâtiment Provence SA",
            commune_insee="13055",
            declared_cpv=(ELEC,),
            headcount=900,
            turnovers=((2025, 200_000_000),),
        )
        write_companies(session, [record], source="demo")
        company = session.scalar(select(Company).where(Company.siret == siret(9)))
        company.organisation_id = group.memberships[0].organisation_id
        session.commit()
        title = session.get(Tender, world.tender_id).title
        return Seed(world.tender_id, title, tenders)


def _tender(session, notice_id: str, title: str) -> int:
    """A public tender shaped like the world's: electricity, then plumbing and roofing, in Marseille."""
    lots = [
        (1, "LOT-0001", "Électricité", Decimal(100_000), (ELEC,)),
        (2, "LOT-0002", "Plomberie et couverture", Decimal(200_000), (PLUMB, ROOF)),
    ]
    tender = Tender(
        format="eforms",
        notice_id=notice_id,
        subtype="16",
        title=title,
        buyer_name="Ville de Marseille",
        buyer_city="Marseille",
        source_name="avis.xml",
        xml_sha256="0" * 64,
        xml=b"<x/>",
        lots=[
            TenderLot(
                position=position,
                lot_id=lot_id,
                title=lot_title,
                main_cpv=codes[0],
                town="Marseille",
                value_amount=value,
                value_currency="EUR",
                duration_days=365,
                requirements=[LotRequirement(kind="cpv", code=code, source="main-cpv") for code in codes],
            )
            for position, lot_id, lot_title, value, codes in lots
        ],
    )
    session.add(tender)
    session.commit()
    return tender.id
