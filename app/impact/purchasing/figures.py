"""A large group's local purchasing share, by month and by category, against the target of its pledge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from app.impact.purchasing.models import Purchase as P


@dataclass(frozen=True)
class Share:
    key: str
    purchases: int
    amount_eur: Decimal
    local_amount_eur: Decimal

    @property
    def local_share(self) -> float | None:
        return float(self.local_amount_eur) / float(self.amount_eur) if self.amount_eur else None


def _columns():
    local = func.coalesce(func.sum(case((P.local, P.amount_eur), else_=0)), 0)
    return func.count(), func.coalesce(func.sum(P.amount_eur), 0), local


def _shares(session: Session, organisation_id: int, year: int | None, group) -> list[Share]:
    stmt = select(group, *_columns()).where(P.organisation_id == organisation_id)
    if year is not None:
        stmt = stmt.where(P.purchase_date >= date(year, 1, 1), P.purchase_date <= date(year, 12, 31))
    rows = session.execute(stmt.group_by(group).order_by(group))
    return [Share(str(key or ""), int(n), Decimal(a), Decimal(local)) for key, n, a, local in rows]


def total(session: Session, organisation_id: int, year: int | None = None) -> Share:
    rows = _shares(session, organisation_id, year, P.organisation_id)
    return rows[0] if rows else Share("", 0, Decimal(0), Decimal(0))


def by_month(session: Session, organisation_id: int, year: int | None = None) -> list[Share]:
    month = extract("year", P.purchase_date) * 100 + extract("month", P.purchase_date)
    shares = _shares(session, organisation_id, year, month)
    return [Share(f"{int(s.key) // 100}-{int(s.key) % 100:02d}", *_values(s)) for s in shares]


def by_category(session: Session, organisation_id: int, year: int | None = None) -> list[Share]:
    shares = _shares(session, organisation_id, year, P.category)
    return sorted(shares, key=lambda s: (-s.amount_eur, s.key))


def years(session: Session, organisation_id: int) -> list[int]:
    year = extract("year", P.purchase_date)
    stmt = select(year).where(P.organisation_id == organisation_id).distinct()
    return sorted((int(y) for y in session.scalars(stmt)), reverse=True)


def _values(share: Share) -> tuple:
    return share.purchases, share.amount_eur, share.local_amount_eur
