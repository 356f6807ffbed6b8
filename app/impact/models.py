"""What each contract counts for in the « retombées »: derived from the contracts, their holders and our groupements
by ``facts.refresh``, never written by hand. One row per contract (its amount counted once) and one per holder (its
share of that amount), with the dimensions the dashboards filter on copied in, so that no figure needs a join."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class ImpactContract(Base):
    """One contract as the figures count it. ``counted`` is false for a contract that another source already
    publishes (``duplicate_of_id``): its amount is never added twice."""

    __tablename__ = "impact_contract"
    __table_args__ = (Index("ix_impact_contract_period", "counted", "award_date"),)

    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"), primary_key=True)
    counted: Mapped[bool]
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("awarded_contract.id", ondelete="SET NULL"))
    dedup_key: Mapped[str | None] = mapped_column(String(60), index=True)  # buyer SIREN | award date | amount
    source: Mapped[str] = mapped_column(String(10))
    award_date: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None]
    quarter: Mapped[int | None]
    cpv_division: Mapped[str | None] = mapped_column(String(2), index=True)
    buyer_id: Mapped[str | None] = mapped_column(String(20), index=True)
    buyer_name: Mapped[str | None] = mapped_column(String(300))
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))  # HT, modifications applied; 0 when unknown
    local_amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    sme_amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    has_local: Mapped[bool]
    has_sme: Mapped[bool]
    identified: Mapped[bool]  # at least one holder with an identifier or matched to the register
    split: Mapped[str] = mapped_column(String(10))  # groupement | equal | none
    ours: Mapped[bool]  # won by a groupement formed here
    subcontract_amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    local_subcontract_amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))


class ImpactShare(Base):
    """One holder's share of one contract: ``share_eur`` = the contract's amount × its weight."""

    __tablename__ = "impact_share"
    __table_args__ = (Index("ix_impact_share_period", "counted", "award_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("contract_holder.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(12))
    commune_insee: Mapped[str | None] = mapped_column(String(5))
    territory: Mapped[str | None] = mapped_column(String(40))
    local: Mapped[bool]
    sme: Mapped[bool | None]
    share_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    ours: Mapped[bool]  # the contract is one a groupement formed here won
    counted: Mapped[bool]
    award_date: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None]
    quarter: Mapped[int | None]
    cpv_division: Mapped[str | None] = mapped_column(String(2))
    buyer_id: Mapped[str | None] = mapped_column(String(20))


class ImpactState(Base):
    """How far the figures are computed: the contracts' latest change and the outcomes and register seen."""

    __tablename__ = "impact_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    contracts_through: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_award_id: Mapped[int] = mapped_column(default=0)
    register_version: Mapped[int] = mapped_column(BigInteger, default=0)


class ImpactRollup(Base):
    """The contracts' figures summed by quarter (``period`` = year × 10 + quarter), CPV division, source and buyer:
    what the dashboard reads when its filters fall on whole quarters. Rebuilt from the facts by each refresh."""

    __tablename__ = "impact_rollup"
    __table_args__ = (Index("ix_impact_rollup_period", "period", "cpv_division"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int | None]
    year: Mapped[int | None]
    cpv_division: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(10))
    buyer_id: Mapped[str | None] = mapped_column(String(20), index=True)
    buyer_name: Mapped[str | None] = mapped_column(String(300))
    contracts: Mapped[int]
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    local_amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    local_contracts: Mapped[int]
    sme_amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    sme_contracts: Mapped[int]
    unidentified: Mapped[int]
    without_amount: Mapped[int]
    equal_split: Mapped[int]
    ours: Mapped[int]
    ours_amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    subcontract_amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    local_subcontract_amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    duplicates: Mapped[int]


class ImpactPlaceRollup(Base):
    """The local amount by quarter, CPV division and place: a commune (``level`` "commune"), a territory
    ("territory"), or either for one buyer ("buyer-commune", "buyer": ``buyer_id`` set); ``contracts`` counts the
    contracts with a holder there, once each."""

    __tablename__ = "impact_place_rollup"
    __table_args__ = (
        Index("ix_impact_place_rollup_level", "level", "place", "period"),
        Index("ix_impact_place_rollup_buyer", "buyer_id", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    place: Mapped[str] = mapped_column(String(40))
    buyer_id: Mapped[str | None] = mapped_column(String(20))
    period: Mapped[int | None]
    year: Mapped[int | None]
    cpv_division: Mapped[str | None] = mapped_column(String(2))
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    contracts: Mapped[int]


class ImpactTopHolder(Base):
    """The local holders that took the most, ranked for each year (or all years, ``year`` 0), each CPV division (or
    all, ``cpv_division`` ""), each territory (or the whole Métropole, ``territory`` "") and, of all years or one,
    each buyer (or all, ``buyer_id`` ""): the first ``TOP``."""

    __tablename__ = "impact_top_holder"
    __table_args__ = (Index("ix_impact_top_holder_scope", "buyer_id", "year", "cpv_division", "territory", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    cpv_division: Mapped[str] = mapped_column(String(2))
    territory: Mapped[str] = mapped_column(String(40))
    buyer_id: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int]
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(300))
    commune_insee: Mapped[str | None] = mapped_column(String(5))
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    contracts: Mapped[int]
    ours: Mapped[int]


class ImpactFirstContract(Base):
    """A company whose first public contract (by award date, every source) is one a groupement formed here won."""

    __tablename__ = "impact_first_contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("awarded_contract.id", ondelete="CASCADE"))
    award_date: Mapped[date] = mapped_column(Date)
    cpv_division: Mapped[str | None] = mapped_column(String(2))
    buyer_id: Mapped[str | None] = mapped_column(String(20))
    territory: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(300))
    commune_insee: Mapped[str | None] = mapped_column(String(5))
    amount_eur: Mapped[Decimal] = mapped_column(Numeric(16, 2))
