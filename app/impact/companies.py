"""The local companies behind the figures: who took the most, and who won a first public contract through a
groupement formed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.impact.figures import TOP, Filters
from app.impact.models import ImpactFirstContract as F
from app.impact.models import ImpactShare as H
from app.impact.models import ImpactTopHolder as T


@dataclass(frozen=True)
class Holder:
    company_id: int
    name: str
    commune_insee: str | None
    amount_eur: Decimal
    contracts: int
    ours: int


def top_holders(session: Session, filters: Filters, limit: int = TOP) -> list[Holder]:
    year = _whole_year(filters)
    one_buyer = filters.buyer is not None and len(filters.buyer) == 14
    ranked = not filters.buyer or (one_buyer and not filters.division and not filters.territory)
    if year is not None and ranked:
        stmt = (
            select(T.company_id, T.name, T.commune_insee, T.amount_eur, T.contracts, T.ours)
            .where(T.year == year, T.cpv_division == (filters.division or ""), T.territory == (filters.territory or ""))
            .where(T.buyer_id == (filters.buyer or ""))
            .order_by(T.rank)
            .limit(limit)
        )
    else:
        stmt = (
            filters.on_shares(
                select(
                    H.company_id, func.max(H.name), func.max(H.commune_insee), func.sum(H.share_eur), func.count(),
                    func.sum(case((H.ours, 1), else_=0)),
                )
            )
            .where(H.company_id.is_not(None))
            .group_by(H.company_id)
            .order_by(func.sum(H.share_eur).desc(), H.company_id)
            .limit(limit)
        )  # fmt: skip
    return [
        Holder(cid, name or "", insee, Decimal(a), int(n), int(o))
        for cid, name, insee, a, n, o in session.execute(stmt)
    ]


def _whole_year(filters: Filters) -> int | None:
    """0 for no period, the year for exactly one calendar year, None otherwise: the scopes of the ranked tops."""
    if filters.date_from is None and filters.date_to is None:
        return 0
    start, end = filters.date_from, filters.date_to
    if start and end and start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return start.year
    return None


def first_contracts(session: Session, filters: Filters) -> list[Holder]:
    """Companies whose first public contract (by award date, every source) is one a groupement formed here won."""
    stmt = select(F.company_id, F.name, F.commune_insee, F.amount_eur).order_by(F.name, F.company_id)
    stmt = filters.on_contracts(stmt, F, counted=None)
    if filters.territory:
        stmt = stmt.where(F.territory == filters.territory)
    return [Holder(cid, name or "", insee, Decimal(a), 1, 1) for cid, name, insee, a in session.execute(stmt)]
