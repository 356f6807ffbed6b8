"""Imported tender notices, their lots, the competences each lot requires, and what each newer version of a notice
changed. Tender data never takes groupement data with it: nothing here cascades into ``app.consortium``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.accounts.models import Organisation
from app.db import Base, UTCDateTime, utcnow


class Tender(Base):
    """One notice (eForms, TED or BOAMP), the latest version imported; the original XML is kept byte for byte."""

    __tablename__ = "tender"
    __table_args__ = (UniqueConstraint("format", "notice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[str] = mapped_column(String(12))
    notice_id: Mapped[str] = mapped_column(String(100))
    # The procedure's identifier (eForms ContractFolderID): its award notices carry the same one.
    procedure_id: Mapped[str | None] = mapped_column(String(100), index=True)
    version: Mapped[str | None] = mapped_column(String(20))
    subtype: Mapped[str] = mapped_column(String(60))
    language: Mapped[str | None] = mapped_column(String(3))
    publication_number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    procedure_type: Mapped[str | None] = mapped_column(String(30))
    nature: Mapped[str | None] = mapped_column(String(20))
    buyer_name: Mapped[str] = mapped_column(String(300))
    buyer_identifier: Mapped[str | None] = mapped_column(String(50))
    buyer_address: Mapped[str | None] = mapped_column(String(300))
    buyer_city: Mapped[str | None] = mapped_column(String(100))
    buyer_postcode: Mapped[str | None] = mapped_column(String(20))
    buyer_nuts: Mapped[str | None] = mapped_column(String(10))
    buyer_country: Mapped[str | None] = mapped_column(String(3))
    # The deadline as the notice states it (zone preserved), and in UTC for sorting and filtering.
    deadline_date: Mapped[date | None] = mapped_column(Date)
    deadline_time: Mapped[str | None] = mapped_column(String(8))  # "12:00:00"
    deadline_zone: Mapped[str | None] = mapped_column(String(6))  # "+01:00", "Z"; None when not stated
    deadline_utc: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    max_lots_submitted: Mapped[int | None]
    max_lots_awarded: Mapped[int | None]
    groupement_legal_form: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(255))
    xml_sha256: Mapped[str] = mapped_column(String(64))
    xml: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    # public: an imported notice, seen by everyone; private: a large group's consultation, seen by its organisation
    # and the companies it invites; draft: a buyer's tender before publication, seen by its organisation only.
    visibility: Mapped[str] = mapped_column(String(10), default="public", server_default="public", index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    lots: Mapped[list[TenderLot]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderLot.position"
    )
    revisions: Mapped[list[TenderRevision]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderRevision.id"
    )


class TenderLot(Base):
    """A lot of the tender's latest version, or one a later version withdrew (``withdrawn_at``): a lot is never
    deleted by an import, since groupements may assign it. Active lots come first, in the notice's order."""

    __tablename__ = "tender_lot"
    __table_args__ = (UniqueConstraint("tender_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"))
    position: Mapped[int]
    lot_id: Mapped[str] = mapped_column(String(50))
    internal_number: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    main_cpv: Mapped[str | None] = mapped_column(String(8), index=True)
    nuts: Mapped[str] = mapped_column(String(100), default="")  # "FRL04;FRL05"
    town: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(20))
    value_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    value_currency: Mapped[str | None] = mapped_column(String(3))
    duration_days: Mapped[int | None]
    duration_text: Mapped[str | None] = mapped_column(String(60))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    sme_suitable: Mapped[bool | None]
    reserved: Mapped[str | None] = mapped_column(String(40))
    min_turnover_eur: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    selection_criteria: Mapped[list] = mapped_column(JSON, default=list)
    award_criteria: Mapped[list] = mapped_column(JSON, default=list)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when a newer version no longer had it

    tender: Mapped[Tender] = relationship(back_populates="lots")
    requirements: Mapped[list[LotRequirement]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotRequirement.id"
    )

    @property
    def nuts_codes(self) -> list[str]:
        return [code for code in self.nuts.split(";") if code]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class LotRequirement(Base):
    """A competence a lot requires: a CPV code or a certification, with where it came from."""

    __tablename__ = "lot_requirement"
    __table_args__ = (
        UniqueConstraint("lot_id", "kind", "code"),
        Index("ix_lot_requirement_kind_code", "kind", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "cpv" | "certification"
    code: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(60))  # "main-cpv", "selection:technical-professional", "user"…

    lot: Mapped[TenderLot] = relationship(back_populates="requirements")


class TenderRevision(Base):
    """A newer version of a notice, imported over an older one: ``changes`` lists in short French sentences what
    it changed (lots added, withdrawn or retitled, values, deadline, requirements per lot). The groupements on the
    tender show the revisions created since their ``tender_seen_at``."""

    __tablename__ = "tender_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    previous_version: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[list] = mapped_column(JSON, default=list)

    tender: Mapped[Tender] = relationship(back_populates="revisions")
