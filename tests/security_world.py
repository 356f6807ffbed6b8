"""The world the route matrix (``tests/test_security_routes.py``) runs against: a large group owning a private
consultation and a groupement, one member and one administrator of it, an outsider, the operator and a company the
groupement invited, with the ids its URLs are filled with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from app.accounts import resets
from app.accounts import services as accounts
from app.accounts.models import Organisation, OrganisationKind, Role
from app.companies import claims, optout, profiles
from app.companies.models import Company, CompanyClaim
from app.consortium.documents import store as bidpack
from app.consortium.formation import start as consortium
from app.consortium.jobs import solve as jobs
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.consortium.workflow import transitions as workflow
from app.consortium.workspace import pieces
from app.consortium.workspace.models import PieceKind
from app.consortium.workspace.storage import uploads
from app.tenders import consultations
from app.tenders.models import LotRequirement, Tender
from tests.consortium_data import ELEC, ROOF, build_world
from tests.databases import PASSWORD

ACTORS = ("anonymous", "outsider", "member", "admin", "operator", "invited")
EMAILS = {
    "outsider": "autre@pme.fr",
    "member": "membre@elec.fr",  # a member (not admin) of the owning organisation
    "admin": "chef@elec.fr",  # administers the owning organisation (a large group here)
    "operator": "cci@cci.fr",
    "invited": "contact@plomberie.fr",  # its company is invited into the owner's groupement
}


# --- The world: one database per backend for this module, built once ---------------------------------------
@dataclass(frozen=True)
class Ids:
    organisation: int
    company: int
    competence: int
    certification: int
    other_company: int
    tender: int
    lot: int
    requirement: int
    consultation: int
    groupement: int
    proposal: int
    member: int
    token: str
    zip: str
    claim: int
    claim_token: str
    reset_token: str
    opt_out_token: str
    partner_company: int  # the plumber's: the invited company
    piece: int  # the owner company's Kbis in the groupement's workspace
    lot2: int  # the school tender's second lot (plumbing and roofing)
    roofer: int  # the company the groupement's proposal gives the roofing to


def _make_user(session: Session):
    def make(email: str, *, kind=OrganisationKind.SME, organisation_name: str = "PME") -> object:
        user = accounts.create_account(
            session,
            email=email,
            full_name="Camille Martin",
            password=PASSWORD,
            organisation_name=organisation_name,
            kind=kind,
        )
        session.commit()
        return user

    return make


def _consultation(session: Session, organisation: Organisation) -> Tender:
    lot = consultations.LotInput(title="Couverture", cpv="45261000", value_eur=Decimal(120_000))
    data = consultations.ConsultationInput(
        title="Réhabilitation du siège",
        description="Travaux.",
        buyer_name=organisation.name,
        deadline=date.today() + timedelta(days=30),
        commune_insee="13055",
        lots=(lot,),
    )
    return consultations.create_consultation(session, organisation, data)


def _owner_and_people(session: Session):
    """The world of ``build_world``, its initiator's organisation turned into a large group (the owner, which also
    gets a plain member and a pending invitation), another SME and the operator."""
    make_user = _make_user(session)
    world = build_world(session, make_user)
    make_user(EMAILS["outsider"], organisation_name="Autre PME")
    make_user(EMAILS["operator"], kind=OrganisationKind.OPERATOR, organisation_name="CCI")
    owner = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    owner.kind = OrganisationKind.LARGE_GROUP
    invite = {"organisation": owner, "inviter": None, "role": Role.MEMBER, "valid_days": 7}
    invitation, _ = accounts.invite(session, email=EMAILS["member"], **invite)
    accounts.register_invited(session, invitation, full_name="Membre Simple", password=PASSWORD)
    _, token = accounts.invite(session, email="nouveau@elec.fr", **invite)
    return world, owner, token


def _groupement(app, session: Session, tender: Tender, owner: Organisation, company_id: int) -> Groupement:
    """The owner's groupement on ``tender``, solved, invitations sent, a draft bid pack generated."""
    started = consortium.start_groupement(session, tender, owner, None, Request(company_id=company_id, alternatives=0))
    session.commit()
    jobs.run_job(app, started.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, started.id)
    workflow.invite(session, groupement, None)
    bidpack.generate(session, groupement, None, date.today())
    session.commit()
    return groupement


def build(app, session: Session) -> Ids:
    """The owner's company (with a certification), public tender, private consultation and groupement."""
    world, owner, token = _owner_and_people(session)
    company = session.get(Company, world.companies[1])
    profiles.add_certification(session, company, "Qualifelec", "E2", "Électricité", None)
    tender = session.get(Tender, world.tender_id)
    tender.organisation_id = owner.id
    consultation = _consultation(session, owner)
    groupement = _groupement(app, session, tender, owner, company.id)
    lot = tender.lots[0]
    # A certification the owner's company holds, required once the groupement is solved (its page offers the
    # global assessment).
    lot.requirements.append(LotRequirement(kind="certification", code="Qualifelec E2", source="test"))
    session.flush()
    claim, claim_token = _claim(session, owner, world.companies[5])
    return Ids(
        organisation=owner.id,
        company=company.id,
        competence=next(c.id for c in company.competences if c.cpv_code == ELEC),
        certification=company.certifications[0].id,
        other_company=world.companies[4],
        tender=tender.id,
        lot=lot.id,
        requirement=lot.requirements[0].id,
        consultation=consultation.id,
        groupement=groupement.id,
        proposal=groupement.proposal.id,
        member=next(m.id for m in groupement.members if m.company_id == world.companies[2]),  # the plumber
        token=token,
        zip=f"groupement-{groupement.id}-v1.zip",
        claim=claim.id,
        claim_token=claim_token,
        reset_token=resets.reset_token(accounts.find_user(session, EMAILS["admin"])),
        opt_out_token=optout.opt_out_token(company),
        partner_company=world.companies[2],
        piece=_piece(session, groupement, company.id),
        lot2=tender.lots[1].id,
        roofer=next(a.company_id for a in groupement.proposal.assignments if a.requirement == ROOF),
    )


def _piece(session: Session, groupement: Groupement, company_id: int) -> int:
    """The owner company's Kbis, uploaded to the groupement's workspace."""
    member = pieces.member_of(groupement, company_id)
    pdf = b"%PDF-1.4\n%%EOF\n"
    piece = pieces.provide(session, groupement, member, PieceKind.KBIS, uploads.check(pdf, "kbis.pdf", 1 << 20), None)
    session.commit()
    return piece.id


def _claim(session: Session, owner: Organisation, company_id: int) -> tuple[CompanyClaim, str]:
    """The owner's pending claim of a register company nobody speaks for, its verification link sent."""
    company = session.get(Company, company_id)
    company.register_email = "contact@charpentes.fr"
    admin = accounts.find_user(session, EMAILS["admin"])
    claim = claims.request_claim(session, owner, admin, company, "Je suis le gérant.", max_pending=3)
    token = claims.send_code(session, claim, admin, valid_hours=48)
    session.commit()
    return claim, token
