"""Companies (establishments, by SIRET), their competences, certifications, references and turnover."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.companies.sizes import SizeCategory
from app.db import Base, UTCDateTime, db_enum, utcnow
from app.reference.models import Commune


class CompetenceSource(enum.StrEnum):
    DECLARED = "declared"
    NAF = "naf"
    REFERENCE = "reference"

    @property
    def label(self) -> str:
        return {"declared": "déclarée", "naf": "déduite du code NAF", "reference": "prouvée par une référence"}[self]


class Company(Base):
    __tablename__ = "company"
    # The directory counts matches per commune and reads a commune's companies in name order.
    __table_args__ = (Index("ix_company_commune_insee_legal_name", "commune_insee", "legal_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    siren: Mapped[str] = mapped_column(String(9), index=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str | None] = mapped_column(String(200))
    naf_code: Mapped[str | None] = mapped_column(String(6), index=True)  # "43.21A"
    naf_version: Mapped[str] = mapped_column(String(10), default="NAFRev2")
    legal_form: Mapped[str | None] = mapped_column(String(4))  # INSEE catégorie juridique
    address: Mapped[str] = mapped_column(String(250), default="")
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune_insee: Mapped[str] = mapped_column(ForeignKey("commune.insee_code"))
    headcount: Mapped[int | None]
    headcount_band: Mapped[str | None] = mapped_column(String(2))
    size_category: Mapped[str | None] = mapped_column(String(10), index=True)  # sizes.SizeCategory
    open_to_groupements: Mapped[bool] = mapped_column(default=True)
    committed_capacity_eur: Mapped[int] = mapped_column(BigInteger, default=0)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The contact address as the register (SIRENE, demo) gives it; never written by the company's organisation:
    # a claim's verification link goes there (app.companies.claims).
    register_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(10))  # "sirene", "demo", "profile"
    # The contact asked not to receive groupement invitations by e-mail (the link in every such message).
    invitation_mail_opt_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    commune: Mapped[Commune] = relationship()
    competences: Mapped[list[Competence]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="Competence.cpv_code"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="Certification.scheme"
    )
    references: Mapped[list[CompanyReference]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyReference.year.desc()"
    )
    turnovers: Mapped[list[Turnover]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="Turnover.year.desc()"
    )

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def size(self) -> SizeCategory | None:
        """The stored EU size category; None when it is not known."""
        return SizeCategory(self.size_category) if self.size_category else None

    @property
    def latest_turnover(self) -> Turnover | None:
        return self.turnovers[0] if self.turnovers else None

    def __repr__(self) -> str:
        return f"<Company {self.siret} {self.legal_name!r}>"


class Competence(Base):
    __tablename__ = "competence"
    __table_args__ = (
        UniqueConstraint("company_id", "cpv_code", "source"),
        # The directory search walks CPV prefixes to companies: a range scan on this index.
        Index("ix_competence_cpv_code_company_id", "cpv_code", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    cpv_code: Mapped[str] = mapped_column(String(8))
    source: Mapped[CompetenceSource] = mapped_column(db_enum(CompetenceSource, "competence_source"))

    company: Mapped[Company] = relationship(back_populates="competences")


class Certification(Base):
    __tablename__ = "certification"
    __table_args__ = (Index("ix_certification_scheme_company_id", "scheme", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40), default="")  # CNAPS numbers run to 31 characters
    label: Mapped[str] = mapped_column(String(200), default="")
    valid_until: Mapped[date | None] = mapped_column(Date)

    company: Mapped[Company] = relationship(back_populates="certifications")

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class CompanyReference(Base):
    """A past contract the company performed."""

    __tablename__ = "company_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    buyer: Mapped[str] = mapped_column(String(200))
    cpv_code: Mapped[str] = mapped_column(String(8))
    amount_eur: Mapped[int] = mapped_column(BigInteger)
    year: Mapped[int]

    company: Mapped[Company] = relationship(back_populates="references")


class Turnover(Base):
    __tablename__ = "company_turnover"
    __table_args__ = (UniqueConstraint("company_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    year: Mapped[int]
    amount_eur: Mapped[int] = mapped_column(BigInteger)

    company: Mapped[Company] = relationship(back_populates="turnovers")


class RegisterVersion(Base):
    """One row whose value changes with every write to the register (``app.companies.register_version``)."""

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class ClaimStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # by the operator after it was verified (or when a contest of it was approved)
    CANCELLED = "cancelled"  # by the claimer, while pending

    @property
    def label(self) -> str:
        return CLAIM_STATUS_LABELS[self]


CLAIM_STATUS_LABELS = {  # said of « la demande »
    ClaimStatus.PENDING: "en attente de vérification",
    ClaimStatus.VERIFIED: "vérifiée",
    ClaimStatus.REJECTED: "refusée",
    ClaimStatus.WITHDRAWN: "retirée",
    ClaimStatus.CANCELLED: "annulée",
}


class CompanyClaim(Base):
    """An organisation's request to speak for a company of the register. It gives no power until verified — by a
    link sent to the register's contact address, or by the operator. ``Company.organisation_id`` is set only then."""

    __tablename__ = "company_claim"
    __table_args__ = (Index("ix_company_claim_status_created_at", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[ClaimStatus] = mapped_column(db_enum(ClaimStatus, "claim_status"), default=ClaimStatus.PENDING)
    evidence: Mapped[str] = mapped_column(Text, default="")  # what the claimer tells the operator
    # The e-mail verification: only the SHA-256 of the link's token is kept.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_sent_to: Mapped[str | None] = mapped_column(String(254))
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    method: Mapped[str | None] = mapped_column(String(20))  # "email" | "operator" | "declared" | "legacy"
    reason: Mapped[str] = mapped_column(Text, default="")

    company: Mapped[Company] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[ClaimEvent]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="ClaimEvent.id"
    )

    @property
    def contested(self) -> bool:
        """The company already speaks through another organisation: only the operator can decide."""
        return self.company.organisation_id is not None and self.company.organisation_id != self.organisation_id


class ClaimEvent(Base):
    """The audit trail of a claim: who did what, when, and why."""

    __tablename__ = "claim_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("company_claim.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")

    claim: Mapped[CompanyClaim] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
