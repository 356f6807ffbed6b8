"""The local companies behind the figures: who took the most, and who won a first public contract through a
groupement formed here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.impact.figures import TOP, Filters
from app.impact.models import ImpactContract as C
from app.impact.models import ImpactShare as H


@dataclass(frozen=True)
class Holder:
    company_id: int
    name: str
    commune_insee: str | None
    amount_eur: Decimal
    contracts: int
    ours: int


def top_holders(session: Session, filters: Filters, limit: int = TOP) -> list[Holder]:
    ours = func.sum(case((C.ours, 1), else_=0))
    stmt = (
        filters.on_shares(
            select(H.company_id, func.max(H.name), func.max(H.commune_insee), func.sum(H.share_eur), func.count(), ours)
        )
        .where(H.company_id.is_not(None))
        .group_by(H.company_id)
        .join(C, C.contract_id == H.contract_id)
        .order_by(func.sum(H.share_eur).desc(), H.company_id)
        .limit(limit)
    )
    return [
        Holder(cid, name or "", insee, Decimal(a), int(n), int(o))
        for cid, name, insee, a, n, o in session.execute(stmt)
    ]


def first_contracts(session: Session, filters: Filters) -> list[Holder]:
    """Companies whose first public contract (by award date, every source) is one a groupement formed here won."""
    first = (
        select(H.company_id, func.min(C.award_date).label("day"))
        .join(C, C.contract_id == H.contract_id)
        .where(H.company_id.is_not(None), C.counted.is_(True), C.award_date.is_not(None))
        .group_by(H.company_id)
        .subquery()
    )
    stmt = (
        select(H.company_id, func.max(H.name), func.max(H.commune_insee), func.sum(H.share_eur), func.count())
        .join(C, C.contract_id == H.contract_id)
        .join(first, (first.c.company_id == H.company_id) & (first.c.day == C.award_date))
        .where(C.ours.is_(True), C.counted.is_(True))
        .group_by(H.company_id)
        .order_by(func.max(H.name))
    )
    if filters.date_from is not None:
        stmt = stmt.where(C.award_date >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(C.award_date <= filters.date_to)
    return [
        Holder(cid, name or "", insee, Decimal(a), int(n), int(n)) for cid, name, insee, a, n in session.execute(stmt)
    ]
