"""The agreed split, versioned: each save of the *répartition* is a new ``SplitVersion`` (1, 2…) of the groupement,
based on the proposal it was made from, with the offer price of each lot and one line per work package. Versions
are never updated nor deleted (the audit trail); the current one is the latest made from the adopted proposal.
Amounts are integer cents; None is « à définir » (a lot whose price is not set yet, and its lines)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.companies.models import Company
from app.consortium.models import Groupement, GroupementMember, Proposal
from app.db import Base, UTCDateTime, utcnow
from app.tenders.models import TenderLot


class SplitVersion(Base):
    """One agreed version of a groupement's split: who made it, when, from which proposal."""

    __tablename__ = "split_version"
    __table_args__ = (UniqueConstraint("groupement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    number: Mapped[int]  # 1, 2… within the groupement
    # The proposal whose work packages and members the version splits; a version of another proposal is history.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    groupement: Mapped[Groupement] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    prices: Mapped[list[SplitLotPrice]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="SplitLotPrice.id"
    )
    lines: Mapped[list[SplitLine]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="SplitLine.id"
    )


class SplitLotPrice(Base):
    """The groupement's offer price for one lot, HT, in cents; None until it is set (« à définir »)."""

    __tablename__ = "split_lot_price"
    __table_args__ = (UniqueConstraint("version_id", "lot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("split_version.id", ondelete="CASCADE"))
    # RESTRICT: a lot a newer version of the notice no longer has is withdrawn, never deleted.
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id", ondelete="RESTRICT"))
    price_cents: Mapped[int | None] = mapped_column(BigInteger)

    version: Mapped[SplitVersion] = relationship(back_populates="prices")
    lot: Mapped[TenderLot] = relationship()


class SplitLine(Base):
    """Who performs one work package of one lot, for how much (cents, HT), and the part of it sub-contracted to a
    company the member presents (a DC4)."""

    __tablename__ = "split_line"
    __table_args__ = (UniqueConstraint("version_id", "lot_id", "requirement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("split_version.id", ondelete="CASCADE"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id", ondelete="RESTRICT"))
    requirement: Mapped[str] = mapped_column(String(60))  # the work package: the proposal's Assignment.requirement
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    subcontractor_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    subcontracted_cents: Mapped[int | None] = mapped_column(BigInteger)

    version: Mapped[SplitVersion] = relationship(back_populates="lines")
    lot: Mapped[TenderLot] = relationship()
    company: Mapped[Company] = relationship(foreign_keys=[company_id])
    subcontractor: Mapped[Company | None] = relationship(foreign_keys=[subcontractor_id])


class SplitAcceptance(Base):
    """A member accepted this version of the split (by accepting the invitation, or again after a change)."""

    __tablename__ = "split_acceptance"
    __table_args__ = (UniqueConstraint("member_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("groupement_member.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("split_version.id", ondelete="CASCADE"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    member: Mapped[GroupementMember] = relationship()
    version: Mapped[SplitVersion] = relationship()
