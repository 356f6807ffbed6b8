"""Creating and editing a company profile: identity, turnover, competences, certifications, references.
Only members of the company's organisation may edit (``edit_company``)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.companies import claims, profiles
from app.companies.forms import CertificationForm, CompetenceForm, CreateCompanyForm, IdentityForm, ReferenceForm
from app.companies.models import Certification, Company, CompanyReference
from app.companies.views import commune_choices
from app.db import get_or_404
from app.forms import FrenchForm, commit_or_show, flash_result, form_status
from app.permissions import authorize, may

bp = Blueprint("company_edit", __name__, url_prefix="/entreprises")


def _identity(form: IdentityForm) -> profiles.Identity:
    return profiles.Identity(
        legal_name=form.legal_name.data,
        trade_name=form.trade_name.data or None,
        naf_code=form.naf_code.data or None,
        legal_form=form.legal_form.data or None,
        address=form.address.data or "",
        postcode=form.postcode.data or None,
        commune_insee=form.commune_insee.data,
        headcount=form.headcount.data,
        open_to_groupements=form.open_to_groupements.data,
        committed_capacity_eur=form.committed_capacity_eur.data or 0,
        contact_name=form.contact_name.data or None,
        contact_email=form.contact_email.data or None,
        contact_phone=form.contact_phone.data or None,
    )


def _save(session, company: Company, form: IdentityForm) -> Company:
    profiles.update_identity(session, company, _identity(form))
    turnovers = {year: field.data for year, field in form.turnover_fields(date.today())}
    profiles.set_turnovers(session, company, turnovers)
    return company


def _create(session, organisation, form: CreateCompanyForm) -> Company:
    company = profiles.create_profile(session, organisation, form.siret.data, _identity(form))
    claims.declare_new(session, company, current_user)
    return _save(session, company, form)


@bp.route("/nouvelle", methods=["GET", "POST"])
@login_required
def create() -> str | Response | tuple[str, int]:
    organisation = next(
        (m.organisation for m in current_user.memberships if may(current_user, "create_company", m.organisation)),
        None,
    )
    if organisation is None:
        abort(403)
    form = CreateCompanyForm()
    form.commune_insee.choices = commune_choices()
    turnovers = form.turnover_fields(date.today())
    if not form.is_submitted():
        form.siret.data = request.args.get("siret", "")[:20]
    if form.validate_on_submit():
        company = commit_or_show(form, lambda session: _create(session, organisation, form))
        if company is not None:
            flash("Profil d'entreprise enregistré.", "success")
            return redirect(url_for("companies.profile", company_id=company.id))
    return render_template(
        "companies/edit.html", form=form, company=None, organisation=organisation, turnovers=turnovers
    ), form_status(form)


@bp.route("/<int:company_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(company_id: int) -> str | Response | tuple[str, int]:
    company = get_or_404(Company, company_id)
    authorize("edit_company", company)
    form = IdentityForm(obj=company)
    form.commune_insee.choices = commune_choices()
    turnovers = form.turnover_fields(date.today())
    if not form.is_submitted():
        amounts = {t.year: t.amount_eur for t in company.turnovers}
        for year, field in turnovers:
            field.data = amounts.get(year)
    if form.validate_on_submit() and commit_or_show(form, lambda session: _save(session, company, form)):
        flash("Profil mis à jour.", "success")
        return redirect(url_for("companies.profile", company_id=company.id))
    return render_template(
        "companies/edit.html",
        form=form,
        company=company,
        organisation=company.organisation,
        turnovers=turnovers,
        competence_form=CompetenceForm(prefix="cpv"),
        certification_form=CertificationForm(prefix="cert"),
        reference_form=ReferenceForm(prefix="ref"),
    ), form_status(form)


def _editable(company_id: int) -> Company:
    company = get_or_404(Company, company_id)
    authorize("edit_company", company)
    return company


def _after(company: Company, form: FrenchForm, message: str) -> Response:
    flash_result(form, message)
    return redirect(url_for(".edit", company_id=company.id))


@bp.post("/<int:company_id>/competences")
@login_required
def add_competence(company_id: int) -> Response:
    company, form = _editable(company_id), CompetenceForm(prefix="cpv")
    if form.validate_on_submit():
        commit_or_show(form, lambda session: profiles.add_competence(session, company, form.cpv_code.data))
    return _after(company, form, "Compétence ajoutée.")


@bp.post("/<int:company_id>/competences/<int:competence_id>/supprimer")
@login_required
def remove_competence(company_id: int, competence_id: int) -> Response:
    company, form = _editable(company_id), FrenchForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: profiles.remove_competence(session, company, competence_id))
    return _after(company, form, "Compétence retirée.")


@bp.post("/<int:company_id>/certifications")
@login_required
def add_certification(company_id: int) -> Response:
    company, form = _editable(company_id), CertificationForm(prefix="cert")
    if form.validate_on_submit():
        commit_or_show(
            form,
            lambda session: profiles.add_certification(
                session, company, form.scheme.data, form.code.data or "", form.label.data or "", form.valid_until.data
            ),
        )
    return _after(company, form, "Certification ajoutée.")


@bp.post("/<int:company_id>/references")
@login_required
def add_reference(company_id: int) -> Response:
    company, form = _editable(company_id), ReferenceForm(prefix="ref")
    if form.validate_on_submit():
        commit_or_show(
            form,
            lambda session: profiles.add_reference(
                session,
                company,
                title=form.title.data,
                buyer=form.buyer.data,
                cpv_code=form.cpv_code.data,
                amount_eur=form.amount_eur.data,
                year=form.year.data,
            ),
        )
    return _after(company, form, "Référence ajoutée.")


_CHILDREN = {"certifications": Certification, "references": CompanyReference}


@bp.post("/<int:company_id>/<any(certifications, references):kind>/<int:child_id>/supprimer")
@login_required
def remove_child(company_id: int, kind: str, child_id: int) -> Response:
    company, form = _editable(company_id), FrenchForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: profiles.remove_child(session, company, _CHILDREN[kind], child_id))
    return _after(company, form, "Élément retiré.")
