"""A small métropole for groupement tests: a tender with two lots and the companies able to answer it, some of
them with an organisation whose users log in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import OrganisationKind, User
from app.companies.identifiers import luhn_check_digit
from app.companies.models import Company
from app.companies.records import CompanyRecord
from app.companies.register import write_companies
from app.tenders.models import LotRequirement, Tender, TenderLot

ELEC, PLUMB, ROOF = "45310000", "45330000", "45261000"


def siret(n: int) -> str:
    siren = f"7{n:07d}"
    siren += luhn_check_digit(siren)
    base = siren + "0001"
    return base + luhn_check_digit(base)


# (n, name, commune, competences, headcount, turnover)
COMPANIES = (
    (1, "Électricité du Vieux-Port", "13055", (ELEC,), 12, 2_000_000),
    (2, "Plomberie de la Joliette", "13055", (PLUMB,), 8, 1_500_000),
    (3, "Toitures d'Allauch", "13002", (ROOF,), 6, 1_200_000),
    (4, "Couvreurs d'Aubagne", "13005", (ROOF,), 9, 1_800_000),
    (5, "Charpentes de Pertuis", "84089", (ROOF,), 4, 900_000),
)


@dataclass
class World:
    tender_id: int
    companies: dict[int, int]  # n → company id
    users: dict[str, User]  # "initiator", "plumber", "roofer", "roofer2"


def build_world(session: Session, make_user) -> World:
    records = [
        CompanyRecord(
            siret=siret(n),
            legal_name=name,
            commune_insee=commune,
            naf_code=None,
            declared_cpv=cpv,
            headcount=headcount,
            turnovers=((2025, turnover),),
            legal_form="5710",
            address=f"{n} rue de la République",
        )
        for n, name, commune, cpv, headcount, turnover in COMPANIES
    ]
    write_companies(session, records, source="demo")
    session.commit()
    ids = {n: session.scalar(select(Company.id).where(Company.siret == siret(n))) for n, *_ in COMPANIES}
    users = {
        "initiator": make_user("chef@elec.fr", organisation_name="Électricité du Vieux-Port"),
        "plumber": make_user("contact@plomberie.fr", organisation_name="Plomberie de la Joliette"),
        "roofer": make_user("contact@toitures.fr", organisation_name="Toitures d'Allauch"),
        "roofer2": make_user("contact@couvreurs.fr", organisation_name="Couvreurs d'Aubagne"),
    }
    for n, who in ((1, "initiator"), (2, "plumber"), (3, "roofer"), (4, "roofer2")):
        session.get(Company, ids[n]).organisation_id = users[who].memberships[0].organisation_id
    tender = school_tender("avis-ecole-2026", "Rénovation de l'école Saint-Charles")
    session.add(tender)
    session.commit()
    return World(tender.id, ids, users)


def school_tender(notice_id: str, title: str) -> Tender:
    """A public tender of the Ville de Marseille: electricity, then plumbing and roofing (not yet added)."""
    return Tender(
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
            _lot(1, "LOT-0001", "Électricité", Decimal(100_000), (ELEC,)),
            _lot(2, "LOT-0002", "Plomberie et couverture", Decimal(200_000), (PLUMB, ROOF)),
        ],
    )


def add_large_group(session: Session, make_user, email: str) -> int:
    """Bâtiment Provence SA: a large group's account and its company (an electrician of 900 people in Marseille),
    committed; returns the company's id."""
    user = make_user(email, kind=OrganisationKind.LARGE_GROUP, organisation_name="Bâtiment Provence SA")
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
    company.organisation_id = user.memberships[0].organisation_id
    session.commit()
    return company.id


def _lot(position: int, lot_id: str, title: str, value: Decimal, codes: tuple[str, ...]) -> TenderLot:
    return TenderLot(
        position=position,
        lot_id=lot_id,
        title=title,
        main_cpv=codes[0],
        town="Marseille",
        value_amount=value,
        value_currency="EUR",
        duration_days=365,
        requirements=[LotRequirement(kind="cpv", code=code, source="main-cpv") for code in codes],
    )


def accept_all(session: Session, world: World, groupement_id: int) -> None:
    """Every member of the groupement accepts, each through a user of the organisation that speaks for it."""
    from app.consortium.models import GroupementMember
    from app.consortium.workflow import transitions as workflow

    speakers = {user.memberships[0].organisation_id: user for user in world.users.values()}
    for member in session.scalars(select(GroupementMember).where(GroupementMember.groupement_id == groupement_id)):
        workflow.answer(session, member, session.merge(speakers[member.company.organisation_id]), True)


def formed_groupement(app, session: Session, world: World, tender_id: int | None = None) -> int:
    """The electrician's groupement on the school tender (or ``tender_id``), solved, every member accepting,
    formed; its id."""
    from app.consortium.formation import start as formation
    from app.consortium.jobs import solve as jobs
    from app.consortium.models import Groupement
    from app.consortium.request import Request
    from app.consortium.workflow import transitions as workflow

    tender = session.get(Tender, tender_id or world.tender_id)
    organisation = session.get(Company, world.companies[1]).organisation
    started = formation.start_groupement(
        session, tender, organisation, None, Request(company_id=world.companies[1], alternatives=0)
    )
    session.commit()
    jobs.run_job(app, started.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, started.id)
    workflow.invite(session, groupement, None)
    accept_all(session, world, groupement.id)
    workflow.confirm(session, groupement, None)
    session.commit()
    return groupement.id
