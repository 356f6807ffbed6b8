"""A large group's page: its pledge, its purchases uploaded (CSV or e-invoices), its local purchasing share by
month and category against its target. Its data is its own: its members see it, nobody else."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.accounts.models import Organisation
from app.db import get_session
from app.forms import commit_or_show, form_status
from app.impact.purchasing import figures
from app.impact.purchasing.forms import PledgeForm, PurchaseUploadForm
from app.impact.purchasing.models import Pledge
from app.impact.purchasing.reading import TEMPLATE
from app.impact.purchasing.store import import_purchases
from app.impact.tables import plain
from app.permissions import authorize, may

bp = Blueprint("purchasing", __name__)


def _organisation(organisation_id: int) -> Organisation:
    organisation = get_session().get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.route("/organisations/<int:organisation_id>/achats", methods=["GET", "POST"])
@login_required
def purchases(organisation_id: int) -> tuple[str, int]:
    organisation = _organisation(organisation_id)
    authorize("manage_purchases", organisation)
    session = get_session()
    form = PurchaseUploadForm()
    result = None
    if form.validate_on_submit():
        upload = form.purchases.data
        result = commit_or_show(
            form, lambda s: import_purchases(s, organisation.id, upload.filename or "achats", upload.read())
        )
    year = request.args.get("annee", type=int)
    if year is not None and not 2000 <= year <= 2100:
        year = None  # a year no purchase can have: every year
    pledge = session.query(Pledge).filter_by(organisation_id=organisation.id).one_or_none()
    return render_template(
        "impact/purchases.html",
        organisation=organisation,
        form=form,
        result=result,
        pledge=pledge,
        may_sign=may(current_user, "sign_pledge", organisation),
        year=year,
        years=figures.years(session, organisation.id),
        total=figures.total(session, organisation.id, year),
        months=figures.by_month(session, organisation.id, year),
        categories=figures.by_category(session, organisation.id, year),
        plain=plain,
    ), form_status(form)


def _pledge_form(pledge: Pledge | None) -> PledgeForm:
    form = PledgeForm(formdata=None)
    if pledge is not None:
        form.signed_on.data, form.signatory.data = pledge.signed_on, pledge.signatory
        form.target_percent.data = pledge.target_share * 100 if pledge.target_share is not None else None
    return form


@bp.route("/organisations/<int:organisation_id>/engagement", methods=["GET", "POST"])
@login_required
def pledge(organisation_id: int) -> Response | tuple[str, int]:
    """Sign the Métropolitain Business Act for the organisation (its administrators), or change what was signed."""
    organisation = _organisation(organisation_id)
    authorize("sign_pledge", organisation)
    session = get_session()
    current = session.query(Pledge).filter_by(organisation_id=organisation.id).one_or_none()
    form = PledgeForm() if request.method == "POST" else _pledge_form(current)
    if form.validate_on_submit() and commit_or_show(form, lambda s: _sign(s, organisation, form)) is not None:
        flash("Engagement enregistré : merci d'avoir signé le Métropolitain Business Act.", "success")
        return redirect(url_for("purchasing.pledge", organisation_id=organisation.id))
    return render_template("impact/pledge.html", organisation=organisation, form=form, pledge=current), form_status(
        form
    )


def _sign(session, organisation: Organisation, form: PledgeForm) -> Pledge:
    pledge = session.query(Pledge).filter_by(organisation_id=organisation.id).one_or_none() or Pledge(
        organisation_id=organisation.id
    )
    pledge.signed_on, pledge.signatory = form.signed_on.data, form.signatory.data
    target = form.target_percent.data
    pledge.target_share = (Decimal(target) / 100).quantize(Decimal("0.0001")) if target is not None else None
    pledge.recorded_by_id = current_user.id
    session.add(pledge)
    return pledge


@bp.get("/achats/modele.csv")
@login_required
def template() -> Response:
    headers = {"Content-Disposition": 'attachment; filename="modele-achats.csv"'}
    return Response("\ufeff" + TEMPLATE, mimetype="text/csv", headers=headers)
