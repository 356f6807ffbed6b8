"""A member's piece marked provided by a file, or unticked. Each upload is a new row: replacing a file keeps the
older one's record (and its file); unticking marks the current row withdrawn. Both are written to the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.consortium.models import Groupement, GroupementMember
from app.consortium.workflow.audit import record
from app.consortium.workspace.checklist import current_members, pieces_asked, works_companies
from app.consortium.workspace.models import PieceKind, WorkspacePiece
from app.consortium.workspace.storage.uploads import Checked, save
from app.db import utcnow
from app.errors import DomainError


def member_of(groupement: Groupement, company_id: int) -> GroupementMember | None:
    """The current member (not declined) for that company, or None."""
    return next((m for m in current_members(groupement) if m.company_id == company_id), None)


def _require_asked(groupement: Groupement, member: GroupementMember, kind: PieceKind) -> None:
    if kind not in pieces_asked(member.company_id in works_companies(groupement)):
        raise DomainError(
            f"{kind.label} : pièce non demandée à {member.company.display_name} (elle ne réalise pas de travaux).",
            field="piece",
        )


def provide(
    session: Session,
    groupement: Groupement,
    member: GroupementMember,
    kind: PieceKind,
    checked: Checked,
    user: User | None,
) -> WorkspacePiece:
    """Record the file as the member's piece, and keep it."""
    _require_asked(groupement, member, kind)
    piece = WorkspacePiece(
        groupement_id=groupement.id,
        company_id=member.company_id,
        kind=kind,
        sha256=checked.sha256,
        size_bytes=len(checked.content),
        content_type=checked.content_type,
        file_name=checked.file_name,
        uploaded_at=utcnow(),
        uploaded_by_id=user.id if user else None,
    )
    session.add(piece)
    record(groupement, user, "pièce déposée", f"{kind.label} — {member.company.display_name}.")
    session.flush()
    save(checked)
    return piece


def withdraw(session: Session, groupement: Groupement, member: GroupementMember, kind: PieceKind, user: User) -> None:
    """Untick the member's piece: it counts as missing again (its file stays on record)."""
    stmt = (
        select(WorkspacePiece)
        .where(
            WorkspacePiece.groupement_id == groupement.id,
            WorkspacePiece.company_id == member.company_id,
            WorkspacePiece.kind == kind,
        )
        .order_by(WorkspacePiece.id.desc())
        .limit(1)
    )
    piece = session.scalar(stmt)
    if piece is None or not piece.provided:
        raise DomainError(f"{kind.label} n'est pas marquée fournie pour {member.company.display_name}.")
    piece.withdrawn_at, piece.withdrawn_by_id = utcnow(), user.id
    record(groupement, user, "pièce retirée", f"{kind.label} — {member.company.display_name}.")


def history(session: Session, groupement_id: int, company_id: int) -> list[WorkspacePiece]:
    """Every file the company brought to this groupement, newest first."""
    stmt = select(WorkspacePiece).where(
        WorkspacePiece.groupement_id == groupement_id, WorkspacePiece.company_id == company_id
    )
    return list(session.scalars(stmt.order_by(WorkspacePiece.id.desc())))


def download_name(piece: WorkspacePiece) -> str:
    """A name made of safe characters only: the piece, the company's SIRET, the row id, the type's extension."""
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[piece.content_type]
    return f"{piece.kind.value}-{piece.company.siret}-{piece.id}.{extension}"
