"""« Appels d'offres pour vous »: the open tenders a company of the user's organisations can answer, each with
whether a groupement including it is possible. The checks run off the request; the page refreshes itself while
one is pending."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.companies.models import Company
from app.companies.owned import companies_of
from app.consortium.jobs.runners import runner
from app.consortium.recommendations.tenders import matching_tenders
from app.db import get_session, utcnow, writes
from app.permissions import authorize
from app.reference.cpv_labels import cpv_labels
from app.tenders.models import Tender

log = logging.getLogger(__name__)
bp = Blueprint("recommendations", __name__, template_folder="templates")


def _queue_checks(session: Session, company: Company, tenders: list[Tender]) -> None:
    """Pending fit rows for the tenders not (freshly) checked, committed, then their checks submitted."""
    # fits and its job reach the solver, which loads OR-Tools (a second): imported on the first page, not at start
    from app.consortium.jobs.fit_check import check_fit
    from app.consortium.recommendations import fits

    due = fits.fits_to_check(session, company, tenders, utcnow())
    try:
        session.commit()
    except IntegrityError:  # another page view created the same rows first: it submitted their checks
        log.info("fit rows of company %s created concurrently", company.id)
        session.rollback()
        return
    for tender_id in due:
        runner("check").submit(check_fit, company.id, tender_id)


@bp.get("/pour-vous")
@login_required
@writes  # it records the fit checks it queues
def for_you() -> str:
    authorize("browse_directory")
    from app.consortium.recommendations import fits  # as in _queue_checks

    session = get_session()
    organisations = current_user.organisation_ids
    companies = companies_of(session, organisations)
    if not companies:
        return render_template("recommendations/for_you.html", companies=[], company=None)
    chosen = request.args.get("entreprise", type=int)
    company = next((c for c in companies if c.id == chosen), companies[0])
    page = matching_tenders(session, company.id, organisations, utcnow(), page=request.args.get("page", 1, type=int))
    _queue_checks(session, company, [item.tender for item in page.items])
    found = fits.fits_of(session, company.id, (item.tender.id for item in page.items))
    states = {item.tender.id: fits.fit_state(found.get(item.tender.id)) for item in page.items}
    return render_template(
        "recommendations/for_you.html",
        companies=companies,
        company=company,
        page=page,
        items=page.items,
        fits=found,
        states=states,
        pending=fits.FitState.PENDING in states.values(),
        labels=cpv_labels(session, (code for item in page.items for code in item.competences)),
    )
