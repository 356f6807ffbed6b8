"""The bid documents of a groupement: generate (a new version when something changed), list the versions,
download the ZIP or one file. Generation is refused, with the list of problems, when the pack is inconsistent."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.consortium.documents import store
from app.consortium.documents.build import build_pack
from app.consortium.documents.checks import problems
from app.consortium.models import DocumentSet, Groupement
from app.db import get_or_404, get_session
from app.forms import FrenchForm, commit_or_show
from app.permissions import authorize

bp = Blueprint(
    "documents", __name__, url_prefix="/groupements/<int:groupement_id>/documents", template_folder="templates"
)
MIME = {".pdf": "application/pdf", ".xml": "application/xml", ".zip": "application/zip"}


@bp.get("")
@login_required
def index(groupement_id: int) -> str:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("view_documents", groupement)
    session = get_session()
    sets = session.scalars(
        select(DocumentSet).where(DocumentSet.groupement_id == groupement_id).order_by(DocumentSet.version.desc())
    ).all()
    found = problems(build_pack(session, groupement, date.today())) if groupement.proposal else []
    return render_template("bid_documents/index.html", groupement=groupement, sets=sets, problems=found)


@bp.post("")
@login_required
def generate(groupement_id: int) -> Response:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("edit_groupement", groupement)
    form = FrenchForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_show(form, lambda session: store.generate(session, groupement, current_user, date.today()))
    for error in form.form_errors:
        flash(error, "error")
    if outcome is not None:
        document_set, created = outcome
        if created:
            flash(f"Documents générés : version {document_set.version}.", "success")
        else:
            flash(f"Rien n'a changé depuis la version {document_set.version} : elle reste à jour.", "success")
    return redirect(url_for("documents.index", groupement_id=groupement_id))


@bp.get("/v<int:version>/<path:name>")
@login_required
def download(groupement_id: int, version: int, name: str) -> Response:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("view_documents", groupement)
    document_set = get_session().scalar(
        select(DocumentSet).where(DocumentSet.groupement_id == groupement_id, DocumentSet.version == version)
    )
    if document_set is None:
        abort(404)
    if name == f"groupement-{groupement_id}-v{version}.zip":
        content = document_set.archive
    else:
        content = store.read_file(document_set, name)
    if content is None:
        abort(404)
    suffix = name[name.rfind(".") :]
    response = Response(content, mimetype=MIME.get(suffix, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
