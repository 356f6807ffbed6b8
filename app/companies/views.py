"""The company directory and company profiles."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import select

from app.companies.forms import DirectoryForm
from app.companies.legal_forms import legal_form_label
from app.companies.models import Company
from app.companies.naf_cpv import NAF_LABELS
from app.companies.search import CompanyQuery, search_companies
from app.companies.sizes import HEADCOUNT_BANDS, SizeCategory
from app.db import get_or_404, get_session
from app.forms import form_status
from app.permissions import authorize, may
from app.reference.cpv_labels import cpv_labels
from app.reference.models import Commune
from app.search import SearchError

bp = Blueprint("companies", __name__, url_prefix="/entreprises")


@bp.app_template_filter("size_label")
def size_label(value: str | None) -> str:
    return SizeCategory(value).label if value else "non déterminée"


@bp.app_template_filter("band_label")
def band_label(value: str | None) -> str:
    return HEADCOUNT_BANDS[value].label if value in HEADCOUNT_BANDS else "non renseigné"


@bp.app_template_filter("legal_form_label")
def _legal_form_label(code: str | None) -> str:
    return legal_form_label(code)


@bp.app_template_global("naf_label")
def naf_label(code: str) -> str:
    return NAF_LABELS.get(code, "")


def commune_choices() -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name in get_session().execute(select(Commune.insee_code, Commune.name).order_by(Commune.name))
    ]


@bp.get("")
def directory() -> tuple[str, int]:
    authorize("browse_directory")
    form = DirectoryForm(request.args)
    form.commune.choices = [("", "Toute la Métropole"), *commune_choices()]
    result = None
    if form.validate():
        try:
            result = search_companies(get_session(), _query(form))
        except SearchError as error:
            form.cpv.errors = [*form.cpv.errors, str(error)]
    labels = cpv_labels(
        get_session(), (c.cpv_code for hit in (result.items if result else []) for c in hit.company.competences)
    )
    return render_template("companies/directory.html", form=form, result=result, labels=labels), form_status(form)


def _query(form: DirectoryForm) -> CompanyQuery:
    return CompanyQuery(
        cpv=form.cpv.data or None,
        near=form.commune.data or None,
        radius_km=float(form.radius.data) if form.commune.data else None,
        sizes=tuple(form.size.data or ()),
        certification=form.certification.data or None,
        text=form.q.data or None,
        page=request.args.get("page", 1, type=int),  # not a number: the first page
    )


@bp.get("/<int:company_id>")
def profile(company_id: int) -> str:
    company = get_or_404(Company, company_id)
    authorize("view_company", company)
    codes = [c.cpv_code for c in company.competences] + [r.cpv_code for r in company.references]
    return render_template(
        "companies/profile.html",
        company=company,
        labels=cpv_labels(get_session(), codes),
        today=date.today(),
        can_edit=may(current_user, "edit_company", company),
    )
