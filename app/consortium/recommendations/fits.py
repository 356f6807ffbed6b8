"""Whether a feasible groupement including a company exists for a tender (« Pour vous »), kept as one ``TenderFit``
row per (company, tender). A row is set pending (``feasible`` None, no detail) and handed to the fit-check job
(``app.consortium.jobs.fit_check``), which calls ``work_out``. It is checked again once older than the tender, the
company or 24 hours, or when its check was lost (the process that held it died)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import solver
from app.companies.models import Company
from app.consortium.models import STALE_MARGIN_S, TenderFit
from app.consortium.request import Request
from app.consortium.selection.instance import prepare
from app.db import utcnow
from app.errors import DomainError
from app.tenders.models import Tender

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


def work_out(session: Session, fit: TenderFit, today: date) -> Iterator[None]:
    """Candidates in SQL, then one quick solve with the company imposed; writes the answer on ``fit``. Yields once
    the candidates are read (the job commits: the solve holds no transaction), then flushes the answer."""
    tender = session.get(Tender, fit.tender_id)
    request = Request(company_id=fit.company_id, alternatives=0, time_limit_s=CHECK_TIME_LIMIT_S)
    try:
        prepared = prepare(session, tender, request, today)
    except DomainError as error:
        fit.feasible, fit.detail = False, error.message[:DETAIL_LENGTH]
    else:
        yield
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
