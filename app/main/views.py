"""Home page, dashboard, the section pages of the navigation, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app import schema
from app.accounts.models import Organisation, OrganisationKind
from app.companies.claims import claims_of, pending_count
from app.companies.owned import companies_of
from app.db import get_session
from app.permissions import authorize, may

bp = Blueprint("main", __name__)


@bp.get("/")
def home() -> str:
    authorize("view_home")
    return render_template("main/home.html")


@bp.get("/tableau-de-bord")
def dashboard() -> str:
    authorize("view_dashboard")
    session = get_session()
    statistics = claims_to_review = None
    if may(current_user, "view_statistics"):
        rows = session.execute(select(Organisation.kind, func.count(Organisation.id)).group_by(Organisation.kind))
        counts = {kind: count for kind, count in rows}
        statistics = [(kind.label, counts.get(kind, 0)) for kind in OrganisationKind]
    if may(current_user, "review_claims"):
        claims_to_review = pending_count(session)
    return render_template(
        "main/dashboard.html",
        statistics=statistics,
        claims_to_review=claims_to_review,
        companies=companies_of(session, current_user.organisation_ids),
        claims=claims_of(session, current_user.organisation_ids),
    )


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Database connectivity and migration state, for monitors."""
    head = schema.head_revision()
    try:
        with current_app.extensions["db_engine"].connect() as connection:
            current = schema.current_revision(connection)
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable", migration={"head": head}), 503
    up_to_date = current == head
    body = {
        "status": "ok" if up_to_date else "degraded",
        "database": "ok",
        "migration": {"current": current, "head": head, "up_to_date": up_to_date},
    }
    return jsonify(body), 200 if up_to_date else 503
