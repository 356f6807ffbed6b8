"""The groupements formed here, from the proposal to the win: how many reached each stage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.awards.models import AwardedContract, GroupementAward
from app.consortium.models import Groupement
from app.consortium.vocabulary import GroupementStatus as S
from app.impact.figures import Filters


@dataclass(frozen=True)
class Stage:
    label: str
    groupements: int
    amount_eur: Decimal | None = None  # the won stage: the contracts they won, HT


FUNNEL = (
    ("Proposés", None),
    ("Invités", (S.INVITED, S.FORMED, S.SUBMITTED, S.WON, S.LOST)),
    ("Constitués", (S.FORMED, S.SUBMITTED, S.WON, S.LOST)),
    ("Déposés", (S.SUBMITTED, S.WON, S.LOST)),
    ("Gagnés", (S.WON,)),
)


def funnel(session: Session, filters: Filters) -> list[Stage]:
    """Groupements formed here by the furthest stage they reached (created in the period); a groupement marked
    « gagné » or « perdu » from « constitué » counts as « déposé »: an award settles a bid."""
    counts = dict(
        session.execute(_created(select(Groupement.status, func.count()), filters).group_by(Groupement.status)).all()
    )
    won = (
        select(func.coalesce(func.sum(AwardedContract.amount_eur), 0))
        .select_from(GroupementAward)
        .join(AwardedContract, AwardedContract.id == GroupementAward.contract_id)
        .join(Groupement, Groupement.id == GroupementAward.groupement_id)
        .where(GroupementAward.won.is_(True), Groupement.status == S.WON)
    )
    amount = Decimal(session.scalar(_created(won, filters)) or 0)
    return [
        Stage(
            label,
            sum(counts.values()) if statuses is None else sum(counts.get(s, 0) for s in statuses),
            amount if statuses == (S.WON,) else None,
        )
        for label, statuses in FUNNEL
    ]


def _created(stmt, filters: Filters):
    """Groupements with a proposal, created in the period."""
    stmt = stmt.where(Groupement.proposal_id.is_not(None))
    if filters.date_from is not None:
        stmt = stmt.where(func.date(Groupement.created_at) >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(func.date(Groupement.created_at) <= filters.date_to)
    return stmt
