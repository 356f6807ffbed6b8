"""The operator's page to import award notices and DECP files, with the report of what was stored."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from werkzeug.wrappers import Response

from app.awards.importing import AwardFileError, FileImport
from app.awards.store import Report
from app.db import get_session
from app.forms import FrenchForm, form_status
from app.permissions import authorize

bp = Blueprint("awards", __name__)
UPLOAD_MAX_BYTES = 15 * 1024 * 1024  # larger DECP files (the national one) go through `flask awards import`


class AwardUploadForm(FrenchForm):
    award_file = FileField(
        "Avis d'attribution (XML eForms, TED ou BOAMP) ou fichier DECP (JSON ou XML)",
        validators=[
            FileRequired(message="Choisissez un fichier."),
            FileAllowed(["xml", "json"], message="Seuls les fichiers .xml et .json sont acceptés."),
            FileSize(
                max_size=UPLOAD_MAX_BYTES,
                message="Le fichier dépasse 15 Mo : importez-le avec « flask awards import ».",
            ),
        ],
    )


@bp.route("/operateur/attributions", methods=["GET", "POST"])
@login_required
def upload() -> str | Response | tuple[str, int]:
    authorize("import_awards")
    form = AwardUploadForm()
    report: Report | None = None
    if form.validate_on_submit():
        session = get_session()
        upload_file = form.award_file.data
        importing = FileImport(session, upload_file.stream, (upload_file.filename or "attributions")[:255])
        report = importing.report
        try:
            for _batch in importing.run():
                session.commit()  # batch by batch
        except AwardFileError as error:
            session.rollback()
            form.award_file.errors = [*form.award_file.errors, f"Fichier illisible : {error.message}"]
    return render_template("awards/upload.html", form=form, report=report), form_status(form)
