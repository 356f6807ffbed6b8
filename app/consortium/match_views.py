"""« Appels d'offres pour vous »: the open tenders a company of the user's organisations can answer, each with
whether a groupement including it is possible. The checks run off the request; the page refreshes itself while
one is pending."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.companies.models import Company
from app.consortium import jobs, matches
from app.consortium.matches import FitState
from app.db import get_session, utcnow
from app.permissions import authorize, may
from app.reference.cpv_labels import cpv_labels

log = logging.getLogger(__name__)
bp = Blueprint("matches", __name__)


def _my_companies(session: Session, organisations: tuple[int, ...]) -> list[Company]:
    stmt = select(Company).where(Company.organisation_id.in_(organisations)).order_by(Company.legal_name, Company.id)
    return list(session.scalars(stmt))


def _queue_checks(session: Session, company: Company, tenders: list) -> None:
    """Pending fit rows for the tenders not (freshly) checked, committed, then their checks submitted."""
    due = matches.fits_to_check(session, company, tenders, utcnow())
    try:
        session.commit()
    except IntegrityError:  # another page view created the same rows first: it submitted their checks
        log.info("fit rows of company %s created concurrently", company.id)
        session.rollback()
        return
    for tender_id in due:
        jobs.runner("check").submit(matches.check_fit, company.id, tender_id)


@bp.get("/pour-vous")
@login_required
def for_you() -> str:
    authorize("browse_directory")
    session = get_session()
    organisations = tuple(m.organisation_id for m in current_user.memberships)
    companies = _my_companies(session, organisations)
    if not companies:
        return render_template("consortium/for_you.html", companies=[], company=None)
    chosen = request.args.get("entreprise", type=int)
    company = next((c for c in companies if c.id == chosen), companies[0])
    page = matches.matching_tenders(
        session, company.id, organisations, utcnow(), page=request.args.get("page", 1, type=int)
    )
    items = [item for item in page.items if may(current_user, "view_tender", item.tender)]
    _queue_checks(session, company, [item.tender for item in items])
    fits = matches.fits_of(session, company.id, (item.tender.id for item in items))
    states = {item.tender.id: matches.fit_state(fits.get(item.tender.id)) for item in items}
    return render_template(
        "consortium/for_you.html",
        companies=companies,
        company=company,
        page=page,
        items=items,
        fits=fits,
        states=states,
        pending=FitState.PENDING in states.values(),
        labels=cpv_labels(session, (code for item in items for code in item.competences)),
    )
