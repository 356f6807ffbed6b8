"""The groupements formed here, from the proposal to the win: how many reached each stage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.consortium.models import Groupement
from app.consortium.vocabulary import GroupementStatus as S
from app.impact.figures import Filters


@dataclass(frozen=True)
class Stage:
    label: str
    groupements: int


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
    stmt = select(Groupement.status, func.count()).where(Groupement.proposal_id.is_not(None))
    if filters.date_from is not None:
        stmt = stmt.where(func.date(Groupement.created_at) >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(func.date(Groupement.created_at) <= filters.date_to)
    counts = dict(session.execute(stmt.group_by(Groupement.status)).all())
    return [
        Stage(label, sum(counts.values()) if statuses is None else sum(counts.get(s, 0) for s in statuses))
        for label, statuses in FUNNEL
    ]
