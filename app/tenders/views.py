"""Tender list, notice upload, new consultation, tender page, publication of a draft and the requirements of each
lot. A tender the user may not see answers 404, as if it did not exist."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show, flash_result, form_status
from app.permissions import authorize, may
from app.reference.cpv_labels import cpv_labels
from app.search import SearchError
from app.tenders import consultations, labels, requirements_edit
from app.tenders.consultation_forms import LOT_ROWS, ConsultationForm
from app.tenders.forms import RequirementForm, TenderFilterForm, UploadForm
from app.tenders.models import Tender, TenderLot
from app.tenders.parsing.model import NoticeParseError
from app.tenders.search import TenderQuery, search_tenders
from app.tenders.services import import_notice
from app.visibility import visible_tenders

bp = Blueprint("tenders", __name__, url_prefix="/appels-d-offres")


@bp.app_context_processor
def _wording() -> dict:
    return {"wording": labels, "requirement_source": labels.requirement_source}


@bp.get("")
def index() -> tuple[str, int]:
    authorize("browse_directory")
    form = TenderFilterForm(request.args)
    result = None
    if form.validate():
        query = TenderQuery(
            text=form.q.data or None,
            cpv=form.cpv.data or None,
            nuts=form.nuts.data or None,
            deadline_after=form.deadline_after.data,
            include_closed=form.include_closed.data,
            page=request.args.get("page", 1, type=int),  # not a number: the first page
        )
        try:
            result = search_tenders(get_session(), query, visible_tenders(current_user.organisation_ids))
        except SearchError as error:
            form.cpv.errors = [*form.cpv.errors, str(error)]
    return render_template("tenders/index.html", form=form, result=result, now=datetime.now(UTC)), form_status(form)


@bp.route("/importer", methods=["GET", "POST"])
@login_required
def upload() -> str | Response | tuple[str, int]:
    authorize("import_tender")
    form = UploadForm()
    if form.validate_on_submit():
        upload_file = form.notice.data
        organisation_id = current_user.memberships[0].organisation_id
        try:
            outcome = commit_or_show(
                form,
                lambda session: import_notice(
                    session,
                    upload_file.read(),
                    upload_file.filename or "avis.xml",
                    organisation_id,
                    # The importing organisation and the operator: the rule of who edits a tender.
                    may_supersede=lambda tender: may(current_user, "edit_tender", tender),
                ),
            )
        except NoticeParseError as error:
            get_session().rollback()
            form.notice.errors = [*form.notice.errors, f"Avis illisible : {error}"]
            outcome = None
        if outcome is not None:
            return _after_import(outcome)
    return render_template("tenders/upload.html", form=form), form_status(form)


_MESSAGES = {
    "imported": ("Avis importé.", "success"),
    "updated": (
        "Nouvelle version de l'avis importée : l'appel d'offres est mis à jour, les lots retirés sont signalés et "
        "les groupements constitués sur cet avis affichent les modifications.",
        "success",
    ),
    "unchanged": ("Cet avis était déjà importé dans cette version : rien n'a changé.", "info"),
}


def _after_import(outcome) -> Response:
    if outcome.status == "skipped":
        flash(f"Avis non importé : {outcome.reason}.", "error")
        return redirect(url_for(".upload"))
    message, category = _MESSAGES[outcome.status]
    flash(message, category)
    for warning in outcome.warnings:
        flash(warning, "warning")
    return redirect(url_for(".detail", tender_id=outcome.tender.id))


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new() -> str | Response | tuple[str, int]:
    authorize("create_consultation")
    session = get_session()
    organisation = consultations.creating_organisation(current_user)
    form = ConsultationForm(buyer_name=organisation.name)
    form.commune.choices = [("", "— Choisissez une commune —"), *consultations.commune_choices(session)]
    if form.validate_on_submit():
        data = form.to_input()
        if not _attach(form, consultations.problems(session, data)):
            tender = commit_or_show(form, lambda s: consultations.create_consultation(s, organisation, data))
            if tender is not None:
                flash(_CREATED[tender.visibility], "success")
                return redirect(url_for(".detail", tender_id=tender.id))
    return render_template(
        "tenders/consultation_new.html", form=form, organisation=organisation, shown_rows=_shown_rows(form)
    ), form_status(form)


_CREATED = {
    "private": "Consultation privée créée : seules votre organisation et les entreprises invitées la voient.",
    "draft": "Brouillon créé : seule votre organisation le voit jusqu'à sa publication.",
}


def _attach(form: ConsultationForm, problems: list[consultations.Problem]) -> bool:
    """Show each problem next to its field (a lot's next to the lot's); True when there was any."""
    rows = form.filled_rows()
    for problem in problems:
        target = rows[problem.lot] if problem.lot is not None else form
        if problem.field in target and problem.field != "lots":
            target[problem.field].errors = [*target[problem.field].errors, problem.message]
        else:
            form.form_errors.append(problem.message)
    if any(entry.errors for entry in form.lots):  # the list keeps its own copy of its rows' errors
        form.lots.errors = [entry.errors for entry in form.lots]
    return bool(problems)


def _shown_rows(form: ConsultationForm) -> int:
    """Lot rows shown open: three, or up to the last row filled in; the others wait behind a « more » toggle."""
    filled = [position for position, entry in enumerate(form.lots, start=1) if not entry.form.is_blank()]
    return min(LOT_ROWS, max([3, *filled]))


def _visible_or_404(tender_id: int) -> Tender:
    """The tender with its lots and their requirements, or 404 when it does not exist or the user may not see it
    (its existence is not revealed)."""
    tender = get_or_404(Tender, tender_id, [selectinload(Tender.lots).selectinload(TenderLot.requirements)])
    if not may(current_user, "view_tender", tender):
        abort(404)
    return tender


@bp.get("/<int:tender_id>")
def detail(tender_id: int) -> str:
    authorize("browse_directory")
    tender = _visible_or_404(tender_id)
    labels = cpv_labels(get_session(), (r.code for lot in tender.lots for r in lot.requirements if r.kind == "cpv"))
    return render_template(
        "tenders/detail.html",
        tender=tender,
        labels=labels,
        forms={lot.id: RequirementForm(prefix=f"lot-{lot.id}") for lot in tender.lots},
        can_edit=may(current_user, "edit_tender", tender),
    )


@bp.post("/<int:tender_id>/lots/<int:lot_pk>/exigences")
@login_required
def add_requirement(tender_id: int, lot_pk: int) -> Response:
    tender = _visible_or_404(tender_id)
    authorize("edit_tender", tender)
    lot = next((lot for lot in tender.lots if lot.id == lot_pk), None) or abort(404)
    form = RequirementForm(prefix=f"lot-{lot.id}")
    if form.validate_on_submit():
        commit_or_show(form, lambda session: requirements_edit.add(session, lot, form.kind.data, form.code.data))
    return _back(tender, form, "Exigence ajoutée.")


@bp.post("/<int:tender_id>/lots/<int:lot_pk>/exigences/<int:requirement_id>/supprimer")
@login_required
def remove_requirement(tender_id: int, lot_pk: int, requirement_id: int) -> Response:
    tender = _visible_or_404(tender_id)
    authorize("edit_tender", tender)
    lot = next((lot for lot in tender.lots if lot.id == lot_pk), None) or abort(404)
    form = FrenchForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: requirements_edit.remove(session, lot, requirement_id))
    return _back(tender, form, "Exigence retirée.")


@bp.post("/<int:tender_id>/publier")
@login_required
def publish(tender_id: int) -> Response:
    tender = _visible_or_404(tender_id)
    authorize("edit_tender", tender)
    form = FrenchForm()
    if form.validate_on_submit():
        commit_or_show(form, lambda session: consultations.publish(session, tender))
    return _back(tender, form, "Appel d'offres publié : tous les utilisateurs le voient désormais.")


def _back(tender: Tender, form: FrenchForm, message: str) -> Response:
    flash_result(form, message)
    return redirect(url_for(".detail", tender_id=tender.id))
