"""The « Pour vous » fit-check job: whether a feasible groupement including the company exists for the tender. It
opens its own session, commits, never raises: a failure leaves a French detail on the row (and is not retried
before the row is stale)."""

from __future__ import annotations

import logging
from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consortium.models import TenderFit
from app.consortium.recommendations.fits import FitState, fit_state, work_out
from app.db import utcnow

log = logging.getLogger(__name__)


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
        for _candidates_read in work_out(session, fit, date.today()):
            session.commit()  # no transaction (no lock) while the solver runs
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
