"""The partners' workspace of a groupement: the conversation (read, post), the checklist of pieces (upload,
untick) and the files (download, to the workspace's people only). Who may: ``view_workspace`` to read, post and
download; ``provide_piece`` to upload or untick one member's piece (its own people, the initiator, the mandataire).
An upload larger than allowed is answered with the French message on the workspace page, never a bare 413."""

from __future__ import annotations

import io
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from app.accounts.mail import UNDELIVERED, deliver
from app.consortium.models import Groupement, GroupementMember
from app.consortium.workspace import conversation, notifications, pieces
from app.consortium.workspace.checklist import MemberChecklist, checklists
from app.consortium.workspace.forms import MessageForm, PieceForm
from app.consortium.workspace.models import PieceKind, WorkspaceMessage, WorkspacePiece
from app.consortium.workspace.storage import uploads
from app.db import get_or_404, get_session, writes
from app.forms import FrenchForm, commit_or_show
from app.permissions import authorize, may

bp = Blueprint("workspace", __name__, url_prefix="/groupements/<int:groupement_id>/espace", template_folder="templates")
log = logging.getLogger(__name__)
UPLOAD_MARGIN = 64 * 1024  # the form's other fields and the multipart boundaries around the file


@bp.url_value_preprocessor
def _upload_limit(endpoint: str | None, _values) -> None:
    """An upload may be as large as a piece allows (runs before the CSRF check reads the form)."""
    if endpoint == "workspace.upload":
        request.max_content_length = uploads.max_bytes() + UPLOAD_MARGIN


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error) -> Response:
    """A body past its limit: the French reason on the workspace page (a piece's file, or a message)."""
    groupement_id = (request.view_args or {}).get("groupement_id")
    if request.endpoint == "workspace.upload":
        flash(uploads.too_large(uploads.max_bytes()), "error")
        return redirect(url_for("workspace.show", groupement_id=groupement_id, _anchor="pieces"))
    flash(conversation.too_long(None), "error")
    return redirect(url_for("workspace.show", groupement_id=groupement_id, _anchor="conversation"))


def _groupement(groupement_id: int) -> Groupement:
    groupement = get_or_404(Groupement, groupement_id)
    authorize("view_workspace", groupement)
    return groupement


def _page(groupement: Groupement, form: MessageForm, position: int, messages: list[WorkspaceMessage]) -> str:
    session = get_session()
    found = checklists(session, groupement)
    return render_template(
        "workspace/show.html",
        groupement=groupement,
        messages=messages,
        position=position,
        is_new=conversation.is_new,
        form=form,
        piece_form=PieceForm(formdata=None),
        checklists=found,
        may_provide={c.member.id for c in found if may(current_user, "provide_piece", c.member)},
        history={c.member.company_id: _older(session, groupement.id, c) for c in found},
        max_mb=uploads.megabytes(uploads.max_bytes()),
        PieceKind=PieceKind,
    )


def _older(session, groupement_id: int, checklist: MemberChecklist) -> list[WorkspacePiece]:
    """The member's files but the ones its checklist shows as provided: replaced or unticked."""
    shown = {item.piece.id for item in checklist.items if item.provided and item.piece is not None}
    return [p for p in pieces.history(session, groupement_id, checklist.member.company_id) if p.id not in shown]


@bp.get("")
@login_required
@writes
def show(groupement_id: int) -> str:
    """The workspace; the messages shown are read from now on (those new to the user are marked on this page)."""
    groupement = _groupement(groupement_id)
    session = get_session()
    position = conversation.read_position(session, groupement_id, current_user)
    messages = conversation.messages(session, groupement_id)
    page = _page(groupement, MessageForm(formdata=None), position, messages)
    if messages and messages[-1].id > position:
        conversation.mark_read(session, groupement_id, current_user, messages[-1].id)
        session.commit()
    return page


@bp.post("/messages")
@login_required
def post_message(groupement_id: int) -> Response | tuple[str, int]:
    groupement = _groupement(groupement_id)
    form = MessageForm()
    message = None
    if form.validate_on_submit():
        message = commit_or_show(form, lambda s: conversation.post(s, groupement, current_user, form.body.data))
    if message is None:
        session = get_session()
        position = conversation.read_position(session, groupement_id, current_user)
        return _page(groupement, form, position, conversation.messages(session, groupement_id)), 422
    message_id = message.id
    flash("Message envoyé.", "success")
    if not deliver(*notifications.message_posted(groupement, message, current_user)):
        flash(UNDELIVERED, "error")
    return redirect(url_for("workspace.show", groupement_id=groupement_id, _anchor=f"message-{message_id}"))


def _member(groupement: Groupement, company_id: int, kind: str) -> tuple[GroupementMember, PieceKind]:
    try:
        piece_kind = PieceKind(kind)
    except ValueError:
        abort(404)
    member = pieces.member_of(groupement, company_id)
    if member is None:
        abort(404)
    authorize("provide_piece", member)
    return member, piece_kind


def _checked_upload() -> uploads.Checked:
    """The file sent, checked; at most the limit plus one byte is read of it."""
    upload = request.files.get(uploads.FIELD)
    limit = uploads.max_bytes()
    content = upload.stream.read(limit + 1) if upload is not None else None
    return uploads.check(content, upload.filename if upload is not None else None, limit)


@bp.post("/pieces/<int:company_id>/<kind>")
@login_required
def upload(groupement_id: int, company_id: int, kind: str) -> Response:
    groupement = _groupement(groupement_id)
    member, piece_kind = _member(groupement, company_id, kind)
    form = PieceForm()
    if not form.validate_on_submit():
        abort(400)

    def action(session):
        return pieces.provide(session, groupement, member, piece_kind, _checked_upload(), current_user)

    if commit_or_show(form, action) is not None:
        flash(f"{piece_kind.label} déposée pour {member.company.display_name}.", "success")
    for error in [*form.form_errors, *form.piece.errors]:
        flash(error, "error")
    return redirect(url_for("workspace.show", groupement_id=groupement_id, _anchor=f"membre-{member.id}"))


@bp.post("/pieces/<int:company_id>/<kind>/retirer")
@login_required
def withdraw(groupement_id: int, company_id: int, kind: str) -> Response:
    groupement = _groupement(groupement_id)
    member, piece_kind = _member(groupement, company_id, kind)
    form = FrenchForm()
    if not form.validate_on_submit():
        abort(400)
    if commit_or_show(form, lambda s: pieces.withdraw(s, groupement, member, piece_kind, current_user)) is not None:
        flash(f"{piece_kind.label} : décochée pour {member.company.display_name}.", "success")
    for error in form.form_errors:
        flash(error, "error")
    return redirect(url_for("workspace.show", groupement_id=groupement_id, _anchor=f"membre-{member.id}"))


@bp.get("/fichiers/<int:piece_id>")
@login_required
def download(groupement_id: int, piece_id: int) -> Response:
    groupement = _groupement(groupement_id)
    piece = get_session().get(WorkspacePiece, piece_id)
    if piece is None or piece.groupement_id != groupement.id:
        abort(404)
    path = uploads.stored(piece.sha256)
    if path is None:
        log.error("The file %s of piece %d is missing from %s", piece.sha256, piece.id, uploads.directory())
        abort(404)
    # Read whole (10 Mo at most): no file handle left open by a client that never reads the answer.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=piece.content_type,
        as_attachment=True,
        download_name=pieces.download_name(piece),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
