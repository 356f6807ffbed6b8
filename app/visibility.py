"""Who sees which tender, written once, as SQL: the tender list and « Pour vous » filter with the clause, and the
``view_tender`` permission asks the database the same question about one tender.

Public notices: every signed-in user. A large group's private consultation: its organisation, and the companies its
own groupement for that consultation invited (whatever their answer). A buyer's draft: its organisation only."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.companies.models import Company
from app.consortium.models import Groupement, GroupementMember
from app.tenders.models import Tender

_OWNER = aliased(Tender, name="owner")  # made once: an alias per request cost a millisecond


def visible_tenders(organisations: tuple[int, ...]) -> ColumnElement[bool]:
    """The tenders a user of ``organisations`` sees (a signed-in user of no organisation: the public ones)."""
    if not organisations:
        return Tender.visibility == "public"
    invited = (
        select(Groupement.tender_id)
        .join(_OWNER, and_(_OWNER.id == Groupement.tender_id, _OWNER.organisation_id == Groupement.organisation_id))
        .join(GroupementMember, GroupementMember.groupement_id == Groupement.id)
        .join(Company, Company.id == GroupementMember.company_id)
        .where(Company.organisation_id.in_(organisations))
    )
    return or_(
        Tender.visibility == "public",
        Tender.organisation_id.in_(organisations),
        and_(Tender.visibility == "private", Tender.id.in_(invited)),
    )


def sees_tender(session: Session, organisations: tuple[int, ...], tender: Tender) -> bool:
    """Whether a signed-in user of ``organisations`` sees ``tender``: the clause, asked of this one tender."""
    stmt = select(Tender.id).where(Tender.id == tender.id, visible_tenders(organisations))
    return session.scalar(stmt) is not None
