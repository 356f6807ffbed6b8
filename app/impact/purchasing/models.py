"""The MBA pledge an organisation signs, and the purchases a large group declares (CSV lines or e-invoices): its own
data, seen by its members only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.db import Base, UTCDateTime, utcnow


class Pledge(Base):
    """The organisation signed the Métropolitain Business Act: when, who signed, the local share it aims for."""

    __tablename__ = "pledge"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), unique=True)
    signed_on: Mapped[date] = mapped_column(Date)
    signatory: Mapped[str] = mapped_column(String(200))  # name and position of who signed
    target_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))  # 0–1, of the purchases' amount
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class PurchaseFile(Base):
    """One uploaded file of purchases: a file already imported (same SHA-256) is not imported twice."""

    __tablename__ = "purchase_file"
    __table_args__ = (UniqueConstraint("organisation_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # csv | ubl | cii | facturx
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Purchase(Base):
    """One purchase: the supplier (SIRET or SIREN) matched to the register when it is there, the amount HT."""

    __tablename__ = "purchase"
    __table_args__ = (Index("ix_purchase_organisation_date", "organisation_id", "purchase_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(ForeignKey("purchase_file.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[str] = mapped_column(String(14))
    supplier_name: Mapped[str | None] = mapped_column(String(200))
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    purchase_date: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(100), default="")
    invoice_number: Mapped[str | None] = mapped_column(String(100))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"))
    local: Mapped[bool]
