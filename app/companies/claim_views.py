"""Claiming a company of the register, verifying the claim by e-mail, and the operator's queue."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.accounts.mail import UNDELIVERED, compose, deliver, site_url
from app.accounts.models import Organisation
from app.companies import claims, optout
from app.companies.claim_forms import ClaimForm, DecisionForm, WithdrawForm
from app.companies.models import Company, CompanyClaim
from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show, flash_result, form_status
from app.permissions import authorize, may
from app.security import limiter

bp = Blueprint("claims", __name__)


def _claiming_organisation() -> Organisation:
    organisation = next(
        (m.organisation for m in current_user.memberships if may(current_user, "claim_company", m.organisation)),
        None,
    )
    if organisation is None:
        abort(403)
    return organisation


@bp.route("/entreprises/rattacher", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["CLAIM_RATE_LIMIT"], methods=["POST"])
def new() -> str | Response | tuple[str, int]:
    organisation = _claiming_organisation()
    form = ClaimForm()
    if not form.is_submitted():
        form.siret.data = request.args.get("siret", "")[:20]
    if form.validate_on_submit():
        outcome = commit_or_show(form, lambda session: _claim_or_absent(session, organisation, form))
        if isinstance(outcome, CompanyClaim):
            flash("Demande enregistrée. Elle ne donne aucun droit tant qu'elle n'est pas vérifiée.", "info")
            return redirect(url_for(".show", claim_id=outcome.id))
        if outcome == "absent":
            flash("Ce SIRET n'est pas au répertoire : décrivez l'établissement pour créer son profil.", "info")
            return redirect(url_for("company_edit.create", siret=form.siret.data.replace(" ", "")))
    return render_template("claims/new.html", form=form, organisation=organisation), form_status(form)


def _claim_or_absent(session: Session, organisation: Organisation, form: ClaimForm) -> CompanyClaim | str:
    company = claims.register_company(session, form.siret.data)
    if company is None:
        return "absent"
    limit = current_app.config["CLAIMS_PENDING_PER_ORGANISATION"]
    return claims.request_claim(session, organisation, current_user, company, form.evidence.data, max_pending=limit)


@bp.get("/rattachements/<int:claim_id>")
@login_required
def show(claim_id: int) -> str:
    claim = get_or_404(CompanyClaim, claim_id)
    authorize("view_claim", claim)
    mine = may(current_user, "claim_company", claim.organisation)
    return render_template("claims/show.html", claim=claim, mine=mine, masked=claims.masked, form=FrenchForm())


@bp.post("/rattachements/<int:claim_id>/lien")
@login_required
@limiter.limit(lambda: current_app.config["CLAIM_RATE_LIMIT"])
def send_code(claim_id: int) -> Response:
    claim = _own_claim(claim_id)
    form = FrenchForm()
    hours = current_app.config["CLAIM_CODE_VALID_HOURS"]
    token = form.validate_on_submit() and commit_or_show(
        form, lambda session: claims.send_code(session, claim, current_user, valid_hours=hours)
    )
    if token:
        message = compose(
            claim.code_sent_to,
            "claim_verification",
            f"Vérification : {claim.organisation.name} demande à représenter {claim.company.legal_name}",
            claim=claim,
            requester=current_user,
            link=site_url("claims.verify", token=token),
            hours=hours,
        )
        if deliver(message):
            flash(f"Lien de vérification envoyé à {claims.masked(claim.code_sent_to)} (valable {hours} h).", "success")
        else:
            flash(UNDELIVERED, "error")
    else:
        flash_result(form, "")
    return redirect(url_for(".show", claim_id=claim.id))


@bp.post("/rattachements/<int:claim_id>/annuler")
@login_required
def cancel(claim_id: int) -> Response:
    claim, form = _own_claim(claim_id), FrenchForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: claims.cancel(session, claim, current_user))
    flash_result(form, "Demande annulée.")
    return redirect(url_for(".show", claim_id=claim.id))


def _own_claim(claim_id: int) -> CompanyClaim:
    claim = get_or_404(CompanyClaim, claim_id)
    authorize("claim_company", claim.organisation)
    return claim


@bp.route("/rattachements/verification/<token>", methods=["GET", "POST"])
@login_required
def verify(token: str) -> str | Response | tuple[str, int]:
    claim = claims.claim_for_token(get_session(), token[:100])
    if claim is None:
        flash("Ce lien de vérification n'est pas valide, a déjà servi ou a expiré. Demandez-en un nouveau.", "error")
        return redirect(url_for("main.dashboard"))
    authorize("claim_company", claim.organisation)  # a member of the claiming organisation opens it
    form = FrenchForm()
    if form.validate_on_submit() and commit_or_show(
        form, lambda session: claims.verify_by_link(session, claim, current_user)
    ):
        flash(f"Rattachement vérifié : vous représentez désormais {claim.company.legal_name}.", "success")
        return redirect(url_for("company_edit.edit", company_id=claim.company_id))
    return render_template("claims/verify.html", claim=claim, form=form), form_status(form)


@bp.get("/operateur/rattachements")
@login_required
def queue() -> str:
    authorize("review_claims")
    session = get_session()
    siret = request.args.get("siret", "")[:20]
    return render_template(
        "claims/queue.html",
        claims=claims.pending_claims(session),
        attached=claims.attached_companies(session, siret),
        siret=siret,
        decision_form=DecisionForm(),
        withdraw_form=WithdrawForm(),
        masked=claims.masked,
    )


@bp.post("/operateur/rattachements/<int:claim_id>/decision")
@login_required
def decide(claim_id: int) -> Response:
    authorize("review_claims")
    session = get_session()
    claim = session.scalar(select(CompanyClaim).where(CompanyClaim.id == claim_id).with_for_update())
    if claim is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit() and commit_or_show(form, lambda session: _decide(session, claim, form)):
        _tell_requester(claim)
    flash_result(form, f"Demande de {claim.organisation.name} : {claim.status.label}.")
    return redirect(url_for(".queue"))


def _decide(session: Session, claim: CompanyClaim, form: DecisionForm) -> bool:
    decide_with = claims.approve if form.decision.data == "approve" else claims.reject
    decide_with(session, claim, current_user, form.reason.data or "")
    return True


def _tell_requester(claim: CompanyClaim) -> None:
    if claim.requested_by is None:
        return
    message = compose(
        claim.requested_by.email,
        "claim_decision",
        f"Votre demande de rattachement de {claim.company.legal_name} : {claim.status.label}",
        claim=claim,
        link=site_url("claims.show", claim_id=claim.id),
    )
    if not deliver(message):
        flash(UNDELIVERED, "error")


@bp.post("/operateur/entreprises/<int:company_id>/retrait")
@login_required
def withdraw(company_id: int) -> Response:
    authorize("review_claims")
    company, form = get_or_404(Company, company_id), WithdrawForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: claims.withdraw(session, company, current_user, form.reason.data))
    flash_result(form, f"{company.legal_name} n'est plus rattachée à aucune organisation.")
    return redirect(url_for(".queue"))


@bp.route("/entreprises/desinscription/<token>", methods=["GET", "POST"])
def opt_out(token: str) -> str | Response:
    """From the link of an invitation e-mail: no more groupement invitations to the company's contact address."""
    company = optout.company_for_token(get_session(), token[:200])
    if company is None:
        abort(404)
    form = FrenchForm()
    if form.validate_on_submit() and commit_or_show(form, lambda session: optout.stop(session, company)):
        flash(
            f"C'est noté : {company.legal_name} ne recevra plus d'invitations à des groupements par e-mail.", "success"
        )
        return redirect(url_for("main.home"))
    return render_template("claims/opt_out.html", company=company, form=form)
