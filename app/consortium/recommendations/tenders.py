"""« Appels d'offres pour vous »: the open tenders, among those the user sees, with a lot one of a company's
competences matches. The match is the rule of ``selection.matching`` asked the other way round
(``matched_requirements``: a company code's lineage and the range below it), answered from the
``lot_requirement(kind, code)`` index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from app.companies.models import Competence
from app.consortium.selection import matching
from app.pagination import Page, clamp, count
from app.reference.cpv import is_cpv_code
from app.tenders.models import LotRequirement, Tender, TenderLot
from app.visibility import visible_tenders

PER_PAGE = 20


@dataclass(frozen=True)
class MatchedLot:
    id: int  # TenderLot.id
    lot_id: str
    title: str
    competences: tuple[str, ...]  # the company's codes matching a CPV requirement of the lot


@dataclass(frozen=True)
class Match:
    tender: Tender
    lots: tuple[MatchedLot, ...]

    @property
    def competences(self) -> tuple[str, ...]:
        return tuple(sorted({code for lot in self.lots for code in lot.competences}))


def company_codes(session: Session, company_id: int) -> tuple[str, ...]:
    stmt = select(Competence.cpv_code).where(Competence.company_id == company_id).distinct()
    return tuple(sorted(code for code in session.scalars(stmt) if is_cpv_code(code)))


def _requirements_matching(codes: Sequence[str]) -> ColumnElement[bool]:
    """CPV requirements one of ``codes`` matches."""
    pieces = [matching.matched_requirements(code) for code in codes]
    terms = [LotRequirement.code.in_(sorted({listed for p in pieces for listed in p.listed}))]
    for lower, upper in sorted({(p.lower, p.upper) for p in pieces if p.lower is not None}):
        terms.append(and_(LotRequirement.code >= lower, LotRequirement.code < upper))
    return and_(LotRequirement.kind == "cpv", or_(*terms))


def _open(now: datetime) -> ColumnElement[bool]:
    return or_(Tender.deadline_utc.is_(None), Tender.deadline_utc > now)


def matching_tenders(
    session: Session, company_id: int, organisations: tuple[int, ...], now: datetime, page: int = 1
) -> Page[Match]:
    """The open tenders visible to ``organisations`` with a lot one of the company's competences matches, the latest
    deadline first (unknown deadlines last), with the matching lots and competences."""
    page, per_page = clamp(page, PER_PAGE)
    codes = company_codes(session, company_id)
    if not codes:
        return Page([], 0, page, per_page)
    matched = (
        select(TenderLot.tender_id)
        .join(LotRequirement)
        .where(_requirements_matching(codes), TenderLot.withdrawn_at.is_(None))
    )
    stmt = select(Tender).where(Tender.id.in_(matched), _open(now), visible_tenders(organisations))
    ordered = stmt.order_by(Tender.deadline_utc.is_(None), Tender.deadline_utc.desc(), Tender.id.desc())
    tenders = list(session.scalars(ordered.offset((page - 1) * per_page).limit(per_page)))
    lots = _matched_lots(session, codes, [t.id for t in tenders])
    items = [Match(tender, tuple(lots.get(tender.id, ()))) for tender in tenders]
    return Page(items, count(session, stmt), page, per_page)


def _matched_lots(session: Session, codes: Sequence[str], tender_ids: list[int]) -> dict[int, list[MatchedLot]]:
    """Per tender: its lots with a requirement one of ``codes`` matches, in the tender's order."""
    if not tender_ids:
        return {}
    stmt = (
        select(TenderLot.tender_id, TenderLot.id, TenderLot.lot_id, TenderLot.title, LotRequirement.code)
        .join(LotRequirement)
        .where(TenderLot.tender_id.in_(tender_ids), _requirements_matching(codes), TenderLot.withdrawn_at.is_(None))
        .order_by(TenderLot.tender_id, TenderLot.position, LotRequirement.code)
    )
    found: dict[int, dict[int, tuple[str, str, set[str]]]] = {}
    for tender_id, lot_pk, lot_id, title, requirement in session.execute(stmt):
        held = {code for code in codes if matching.match_rank(code, requirement) is not None}
        found.setdefault(tender_id, {}).setdefault(lot_pk, (lot_id, title, set()))[2].update(held)
    return {
        tender_id: [MatchedLot(pk, lot_id, title, tuple(sorted(held))) for pk, (lot_id, title, held) in lots.items()]
        for tender_id, lots in found.items()
    }
