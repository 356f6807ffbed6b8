"""The tender list: open tenders first by deadline, filtered by text, CPV (with the hierarchy), place and date.
Only the tenders the viewer may see are listed: the caller gives the visibility clause (``app.visibility``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, defer

from app.pagination import Page, clamp, count
from app.reference.cpv import prefix_range
from app.search import SearchError, cpv_prefix, escape_like
from app.tenders.models import LotRequirement, Tender, TenderLot


@dataclass(frozen=True)
class TenderQuery:
    text: str | None = None
    cpv: str | None = None
    nuts: str | None = None  # a NUTS prefix: "FRL04", "FRL0"
    deadline_after: date | None = None
    include_closed: bool = False
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Listed:
    """A tender of the list and its number of lots (counted in SQL, the lots themselves are not loaded)."""

    tender: Tender
    lot_count: int


def search_tenders(
    session: Session, query: TenderQuery, visible: ColumnElement[bool], now: datetime | None = None
) -> Page[Listed]:
    """The tenders matching ``query`` among those ``visible`` (the viewer's clause)."""
    stmt = select(Tender).where(visible)
    now = now or datetime.now(UTC)
    if not query.include_closed:
        stmt = stmt.where(or_(Tender.deadline_utc.is_(None), Tender.deadline_utc >= now))
    if query.deadline_after:
        stmt = stmt.where(Tender.deadline_utc >= datetime.combine(query.deadline_after, time.min, tzinfo=UTC))
    if query.text:
        pattern = f"%{escape_like(query.text.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Tender.title).like(pattern, escape="\\"),
                func.lower(Tender.buyer_name).like(pattern, escape="\\"),
            )
        )
    if query.cpv:
        lower, upper = prefix_range(cpv_prefix(query.cpv))
        lots = (
            select(TenderLot.tender_id)
            .join(LotRequirement)
            .where(LotRequirement.kind == "cpv", LotRequirement.code >= lower, LotRequirement.code < upper)
            .where(TenderLot.withdrawn_at.is_(None))
        )
        stmt = stmt.where(Tender.id.in_(lots))
    if query.nuts:
        if not query.nuts.isalnum():
            raise SearchError("Code NUTS invalide.")
        places = select(TenderLot.tender_id).where(
            TenderLot.nuts.like(f"%{query.nuts}%"), TenderLot.withdrawn_at.is_(None)
        )
        stmt = stmt.where(or_(Tender.id.in_(places), Tender.buyer_nuts.like(f"{query.nuts}%")))
    page, per_page = clamp(query.page, query.per_page)
    lot_count = (
        select(func.count(TenderLot.id))
        .where(TenderLot.tender_id == Tender.id, TenderLot.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    # The page query counts the matches too (a window count); past the last page it has no row to carry it.
    rows = session.execute(
        stmt.add_columns(lot_count, func.count().over())
        .order_by(Tender.deadline_utc.is_(None), Tender.deadline_utc, Tender.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(defer(Tender.description))
    ).all()
    total = rows[0][2] if rows else count(session, stmt)
    return Page([Listed(tender, lots) for tender, lots, _ in rows], total, page, per_page)
