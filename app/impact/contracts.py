"""The contracts behind a buyer's figures: each with its local and SME parts, the latest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.awards.models import AwardedContract as A
from app.impact.figures import Filters, buyer_filter
from app.impact.models import ImpactContract as C

LIMIT = 100


@dataclass(frozen=True)
class Line:
    contract_id: int
    object: str
    cpv: str | None
    award_date: date | None
    amount_eur: Decimal
    local_amount_eur: Decimal
    sme_amount_eur: Decimal
    split: str
    counted: bool
    source: str
    ours: bool  # its local and SME parts come from a convention's split: its members' own, not shown


def buyer_name(session: Session, buyer_id: str) -> str:
    stmt = buyer_filter(select(func.max(C.buyer_name)), C.buyer_id, buyer_id)
    return session.scalar(stmt) or buyer_id


def buyer_contracts(session: Session, buyer_id: str, filters: Filters, limit: int = LIMIT) -> list[Line]:
    stmt = select(
        C.contract_id, A.object, A.cpv, C.award_date, C.amount_eur, C.local_amount_eur, C.sme_amount_eur, C.split,
        C.counted, C.source, C.ours,
    ).join(A, A.id == C.contract_id)  # fmt: skip
    if filters.date_from is not None:
        stmt = stmt.where(C.award_date >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(C.award_date <= filters.date_to)
    stmt = buyer_filter(stmt, C.buyer_id, buyer_id)
    stmt = stmt.order_by(C.award_date.desc().nulls_last(), C.contract_id.desc()).limit(limit)
    return [Line(*row) for row in session.execute(stmt)]
