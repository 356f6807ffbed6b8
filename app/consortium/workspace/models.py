"""The workspace's tables: the messages of a groupement's members, each user's read position in them, and the
pieces each member company brought (one row per file uploaded; a replaced or unticked file keeps its row)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.companies.models import Company
from app.db import Base, UTCDateTime, db_enum, utcnow

MESSAGE_MAX_CHARS = 2000


class PieceKind(enum.StrEnum):
    """The pieces a member uploads (the DC2's fields are read from its profile, not uploaded)."""

    KBIS = "kbis"
    URSSAF = "urssaf"
    TAX = "fiscale"
    DECENNIAL = "decennale"
    REFERENCES = "references"

    @property
    def label(self) -> str:
        return PIECE_LABELS[self]


PIECE_LABELS = {
    PieceKind.KBIS: "Extrait Kbis de moins de 3 mois",
    PieceKind.URSSAF: "Attestation de vigilance URSSAF",
    PieceKind.TAX: "Attestation de régularité fiscale",
    PieceKind.DECENNIAL: "Attestation d'assurance décennale",
    PieceKind.REFERENCES: "Références (attestations de bonne exécution)",
}


class WorkspaceMessage(Base):
    """One message of the conversation: plain text, written by a user for a company of the groupement (or for the
    initiating organisation when it bids without one of its companies). Never edited."""

    __tablename__ = "workspace_message"
    __table_args__ = (Index("ix_workspace_message_groupement_id_id", "groupement_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(String(MESSAGE_MAX_CHARS), info={"label": "Message"})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    company: Mapped[Company | None] = relationship()


class WorkspaceRead(Base):
    """How far one user has read a groupement's conversation: the id of the last message shown to them."""

    __tablename__ = "workspace_read"
    __table_args__ = (UniqueConstraint("groupement_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    last_message_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkspacePiece(Base):
    """One file a member company brought for one piece. The company's current file for a piece is its latest
    row; the piece counts as provided while that row is not withdrawn (unticked). Older rows stay on record."""

    __tablename__ = "workspace_piece"
    __table_args__ = (Index("ix_workspace_piece_groupement_id_company_id", "groupement_id", "company_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PieceKind] = mapped_column(db_enum(PieceKind, "piece_kind"))
    sha256: Mapped[str] = mapped_column(String(64))  # the stored file's name
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(20))  # what its first bytes say: PDF, JPEG or PNG
    # The name the person's file had, cleaned, shown in the list only (never a path, never sent back as is).
    file_name: Mapped[str] = mapped_column(String(120), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])

    @property
    def provided(self) -> bool:
        return self.withdrawn_at is None
