"""« Appels d'offres pour vous »: the open tenders one of a company's competences matches, and whether a feasible
groupement including that company exists for each of them.

The match is found in SQL from the company's ``Competence`` codes, through the CPV hierarchy of ``matching``: a
requirement at or above a company code (EXACT or NARROWER) is one of the code's ancestors, an explicit list; a
requirement below a company code of at least 3 significant digits (BROADER) lies in the code's prefix range. Both
are answered from the ``lot_requirement(kind, code)`` index.

Whether a groupement is possible is worked out off the request: one ``TenderFit`` row per (company, tender), set
pending (``feasible`` None, no detail) and handed to ``check_fit`` by the view. A row is checked again once older
than the tender, the company or 24 hours, or when its check was lost (the process that held it died)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

import solver
from app.companies.models import Company, Competence
from app.consortium import matching
from app.consortium.candidates import prepare
from app.consortium.models import STALE_MARGIN_S, TenderFit
from app.consortium.request import Request
from app.db import utcnow
from app.errors import DomainError
from app.pagination import Page, clamp, count
from app.search import prefix_range
from app.tenders.models import LotRequirement, Tender, TenderLot
from app.tenders.search import visible_to

log = logging.getLogger(__name__)

PER_PAGE = 20
CHECK_TIME_LIMIT_S = 3
FIT_LIFETIME = timedelta(hours=24)
LOST_AFTER = timedelta(seconds=CHECK_TIME_LIMIT_S + STALE_MARGIN_S)  # a check still pending this long was lost
UNDETERMINED = "indéterminé"
DETAIL_LENGTH = 300


class FitState(enum.StrEnum):
    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"
    PENDING = "en_cours"
    UNDETERMINED = "indetermine"  # no answer within the time limit, or the check failed: see the detail


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


# --- The match, in SQL --------------------------------------------------------------------------------------
def company_codes(session: Session, company_id: int) -> tuple[str, ...]:
    stmt = select(Competence.cpv_code).where(Competence.company_id == company_id).distinct()
    return tuple(sorted(code for code in session.scalars(stmt) if matching.is_cpv_code(code)))


def _requirements_matching(codes: Sequence[str]) -> ColumnElement[bool]:
    """CPV requirements one of ``codes`` matches: the codes and their ancestors (the company's code is EXACT or
    NARROWER), or below a code of at least 3 significant digits (BROADER)."""
    ancestors = sorted({code[:size].ljust(matching.CPV_LENGTH, "0") for code in codes for size in range(2, 9)})
    terms = [LotRequirement.code.in_(ancestors)]
    for digits in sorted({matching.significant(code) for code in codes}):
        if len(digits) >= matching.MIN_BROADER_DIGITS:
            lower, upper = prefix_range(digits)
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
    matched = select(TenderLot.tender_id).join(LotRequirement).where(_requirements_matching(codes))
    stmt = select(Tender).where(Tender.id.in_(matched), _open(now), visible_to(organisations))
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
        .where(TenderLot.tender_id.in_(tender_ids), _requirements_matching(codes))
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


# --- Fit bookkeeping ----------------------------------------------------------------------------------------
def fit_state(fit: TenderFit | None) -> FitState:
    if fit is not None and fit.feasible is not None:
        return FitState.POSSIBLE if fit.feasible else FitState.IMPOSSIBLE
    return FitState.UNDETERMINED if fit is not None and fit.detail else FitState.PENDING


def is_stale(fit: TenderFit, tender: Tender, company: Company, now: datetime) -> bool:
    """Older than the tender, the company or 24 hours; or pending for longer than a check can take."""
    if fit.checked_at < tender.updated_at or fit.checked_at < company.updated_at:
        return True
    if fit_state(fit) is FitState.PENDING:
        return now - fit.checked_at > LOST_AFTER
    return now - fit.checked_at > FIT_LIFETIME


def fits_of(session: Session, company_id: int, tender_ids: Iterable[int]) -> dict[int, TenderFit]:
    """The company's fit rows for these tenders, as the database holds them now."""
    stmt = select(TenderFit).where(TenderFit.company_id == company_id, TenderFit.tender_id.in_(sorted(tender_ids)))
    return {fit.tender_id: fit for fit in session.scalars(stmt.execution_options(populate_existing=True))}


def fits_to_check(session: Session, company: Company, tenders: Iterable[Tender], now: datetime) -> list[int]:
    """Creates the missing fit rows and resets the stale ones, pending; the ids of the tenders to check. Flushes."""
    tenders = list(tenders)
    existing = fits_of(session, company.id, (t.id for t in tenders))
    due = []
    for tender in tenders:
        fit = existing.get(tender.id)
        if fit is None:
            fit = TenderFit(company_id=company.id, tender_id=tender.id)
            session.add(fit)
        elif not is_stale(fit, tender, company, now):
            continue
        fit.feasible, fit.members, fit.detail, fit.checked_at = None, None, "", now
        due.append(tender.id)
    session.flush()
    return due


# --- The check, off the request -----------------------------------------------------------------------------
def check_fit(app: Flask, company_id: int, tender_id: int) -> None:
    """The job: whether a feasible groupement including the company exists for the tender. Opens its own session,
    commits, never raises: a failure leaves a French detail on the row (and is not retried before it is stale)."""
    try:
        with app.app_context():
            session: Session = app.extensions["db_sessionmaker"]()
            try:
                _check_in(session, company_id, tender_id)
            finally:
                session.close()
    except Exception:  # noqa: BLE001 — a job never raises; the failure is in the log
        log.exception("fit check of company %s for tender %s failed", company_id, tender_id)


def _check_in(session: Session, company_id: int, tender_id: int) -> None:
    fit = _pending(session, company_id, tender_id)
    if fit is None:
        return
    try:
        work_out(session, fit, date.today())
        session.commit()
    except Exception:  # noqa: BLE001 — reported on the row
        log.exception("fit check of company %s for tender %s failed", company_id, tender_id)
        session.rollback()
        fit = _pending(session, company_id, tender_id)
        if fit is not None:
            fit.detail, fit.checked_at = (
                "La vérification a échoué (erreur interne) ; elle sera refaite plus tard.",
                utcnow(),
            )
            session.commit()


def _pending(session: Session, company_id: int, tender_id: int) -> TenderFit | None:
    """The fit row to work out; None when it is gone or already answered (by another check)."""
    fit = session.scalar(select(TenderFit).where(TenderFit.company_id == company_id, TenderFit.tender_id == tender_id))
    return fit if fit is not None and fit_state(fit) is FitState.PENDING else None


def work_out(session: Session, fit: TenderFit, today: date) -> None:
    """Candidates in SQL, then one quick solve with the company imposed; writes the answer on ``fit``. Flushes."""
    tender = session.get(Tender, fit.tender_id)
    request = Request(company_id=fit.company_id, alternatives=0, time_limit_s=CHECK_TIME_LIMIT_S)
    try:
        prepared = prepare(session, tender, request, today)
    except DomainError as error:
        fit.feasible, fit.detail = False, error.message[:DETAIL_LENGTH]
    else:
        result = solver.solve(prepared.instance, time_limit_s=CHECK_TIME_LIMIT_S, workers=1, alternatives=1)
        if result.best is not None:
            fit.feasible, fit.members, fit.detail = True, len(result.best.members), ""
        elif result.status is solver.Status.INFEASIBLE:
            reasons = solver.explain_infeasible(prepared.instance)
            first = reasons[0] if reasons else "aucune combinaison ne respecte toutes les règles"
            fit.feasible, fit.detail = False, first[:DETAIL_LENGTH]
        else:
            fit.feasible, fit.detail = None, UNDETERMINED
    fit.checked_at = utcnow()
    session.flush()
