"""Contracts won, from award notices and the DECP: the buyer, the amount (modifications applied), the holders matched to
the register, declared sub-contractors, the tender they answer and what they meant for our groupements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.companies.models import Company
from app.db import Base, UTCDateTime, utcnow
from app.tenders.models import Tender


class AwardedContract(Base):
    """One contract: one lot of one procedure, or one DECP record. ``(source, source_id)`` is its identity: a
    re-import updates it in place (``digest`` tells whether anything changed)."""

    __tablename__ = "awarded_contract"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_awarded_contract_award_date", "award_date"),
        Index("ix_awarded_contract_updated_at", "updated_at"),  # what the « retombées » must recompute
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # eforms | ted | boamp | decp
    source_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="marche")  # marche | concession
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of what the source said
    buyer_id: Mapped[str | None] = mapped_column(String(20), index=True)
    buyer_name: Mapped[str | None] = mapped_column(String(300))
    buyer_postcode: Mapped[str | None] = mapped_column(String(10))
    buyer_town: Mapped[str | None] = mapped_column(String(100))
    object: Mapped[str] = mapped_column(Text, default="")
    lot_id: Mapped[str | None] = mapped_column(String(50))
    cpv: Mapped[str | None] = mapped_column(String(8), index=True)
    nature: Mapped[str | None] = mapped_column(String(40))
    procedure: Mapped[str | None] = mapped_column(String(100))
    place_code: Mapped[str | None] = mapped_column(String(20))
    award_date: Mapped[date | None] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    duration_months: Mapped[int | None]
    amount_eur: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # HT, modifications applied
    initial_amount_eur: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))  # HT, as first awarded
    amount_is_estimate: Mapped[bool] = mapped_column(default=False)
    groupement_form: Mapped[str | None] = mapped_column(String(10))  # conjoint | solidaire
    tenders_received: Mapped[int | None]
    sme_tenders_received: Mapped[int | None]
    modifications: Mapped[list] = mapped_column(JSON, default=list)  # [{date, amount_eur, duration_months, holders}]
    notice_refs: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tender.id", ondelete="SET NULL"), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    tender: Mapped[Tender | None] = relationship()
    holders: Mapped[list[ContractHolder]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractHolder.position"
    )
    subcontracts: Mapped[list[ContractSubcontract]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractSubcontract.id"
    )


class ContractHolder(Base):
    """A holder of a contract as the source names it, and the register company it was matched to (if any)."""

    __tablename__ = "contract_holder"
    __table_args__ = (UniqueConstraint("contract_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str | None] = mapped_column(String(300))
    identifier: Mapped[str | None] = mapped_column(String(40), index=True)
    id_type: Mapped[str | None] = mapped_column(String(10))  # siret | siren | tva | other
    role: Mapped[str] = mapped_column(String(12))  # titulaire | mandataire | cotraitant
    leader_assumed: Mapped[bool] = mapped_column(default=False)
    postcode: Mapped[str | None] = mapped_column(String(10))
    town: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(3))
    sme: Mapped[bool | None]
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    match: Mapped[str | None] = mapped_column(String(10))  # siret | siren | name: how company_id was found
    match_score: Mapped[float | None] = mapped_column(Float)  # 1.0 for an identifier; the name similarity else

    contract: Mapped[AwardedContract] = relationship(back_populates="holders")
    company: Mapped[Company | None] = relationship()


class ContractSubcontract(Base):
    """A sub-contracting act the source declares, with its amount."""

    __tablename__ = "contract_subcontract"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    identifier: Mapped[str | None] = mapped_column(String(40))
    id_type: Mapped[str | None] = mapped_column(String(10))
    amount_eur: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    date: Mapped[date | None] = mapped_column(Date)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)

    contract: Mapped[AwardedContract] = relationship(back_populates="subcontracts")


class GroupementAward(Base):
    """What an award meant for one of our groupements on one lot: won (the contract names its members) or lost (it
    names others). The groupement's status follows; a person may still correct it by hand, this row stays."""

    __tablename__ = "groupement_award"
    __table_args__ = (UniqueConstraint("groupement_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"), index=True)
    won: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[AwardedContract] = relationship()
