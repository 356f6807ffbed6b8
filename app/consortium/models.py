"""Groupements being formed for a tender: the dossier, its solver runs and their proposals, the members invited
and their answers, and the audit trail. The assignment table of a groupement is its adopted proposal's rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.companies.models import Company
from app.consortium.vocabulary import Answer, GroupementStatus, MemberRole, RunState
from app.db import Base, UTCDateTime, db_enum, utcnow
from app.tenders.models import Tender, TenderLot

STALE_MARGIN_S = 120  # beyond its time limit, a run still « en cours » was interrupted


class Groupement(Base):
    """One organisation's project of a joint bid for a tender. ``version`` guards every change (optimistic lock):
    two people acting on the same groupement cannot both win with a stale view."""

    __tablename__ = "groupement"

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: tender data never takes a groupement with it (a newer version of the notice updates it in place).
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="RESTRICT"), index=True)
    # The initiating organisation; none for a groupement built from the command line for a company without one.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # The initiating company, when the organisation bids with one of its companies (the SME or the large group).
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[GroupementStatus] = mapped_column(
        db_enum(GroupementStatus, "groupement_status"), default=GroupementStatus.DRAFT
    )
    # What the user asked: lots, max members, radius, form, imposed and excluded companies… (request.Request)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL", use_alter=True, name="fk_groupement_proposal_id_proposal")
    )
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The tender's revisions (``TenderRevision``) created after this moment are shown on the page until someone
    # acknowledges them or asks for a new solve; set when the groupement is opened.
    tender_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    tender: Mapped[Tender] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    company: Mapped[Company | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship(foreign_keys=[proposal_id], post_update=True)
    runs: Mapped[list[SolverRun]] = relationship(
        back_populates="groupement", cascade="all, delete-orphan", order_by="SolverRun.id"
    )
    members: Mapped[list[GroupementMember]] = relationship(
        back_populates="groupement", cascade="all, delete-orphan", order_by="GroupementMember.id"
    )
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="groupement", cascade="all, delete-orphan", order_by="AuditEvent.id"
    )


class SolverRun(Base):
    """One solve: what was asked, its progress, and what CP-SAT answered (status, objective, bound, gap)."""

    __tablename__ = "solver_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"), index=True)
    state: Mapped[RunState] = mapped_column(db_enum(RunState, "run_state"), default=RunState.QUEUED)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)  # the request and the solver settings
    solver_status: Mapped[str | None] = mapped_column(String(12))  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN
    objective: Mapped[int | None] = mapped_column(BigInteger)
    bound: Mapped[int | None] = mapped_column(BigInteger)
    wall_time_s: Mapped[float | None]
    candidates: Mapped[int | None]  # companies selected in SQL
    kept: Mapped[int | None]  # companies left after the safe reduction
    message: Mapped[str] = mapped_column(Text, default="")  # why there is no groupement, or what failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    groupement: Mapped[Groupement] = relationship(back_populates="runs")
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="Proposal.rank"
    )

    @property
    def active(self) -> bool:
        return self.state in (RunState.QUEUED, RunState.RUNNING)

    def is_stale(self, now: datetime) -> bool:
        """Queued or running far longer than its time limit: the process that held it is gone."""
        limit = timedelta(seconds=float(self.parameters.get("time_limit_s", 10)) + STALE_MARGIN_S)
        return self.active and now - self.created_at > limit

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None or self.objective <= 0:
            return None
        return max(0.0, (self.objective - self.bound) / self.objective)


class Proposal(Base):
    """One groupement the solver proposed (rank 0 = the best), with its objective broken down by term."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("run_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("solver_run.id", ondelete="CASCADE"))
    rank: Mapped[int]
    objective: Mapped[int] = mapped_column(BigInteger)
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)

    run: Mapped[SolverRun] = relationship(back_populates="proposals")
    members: Mapped[list[ProposalMember]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalMember.id"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="Assignment.id"
    )


class ProposalMember(Base):
    __tablename__ = "proposal_member"
    __table_args__ = (UniqueConstraint("proposal_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(db_enum(MemberRole, "member_role"))
    amount_eur: Mapped[int] = mapped_column(BigInteger)  # the work it carries, HT
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was chosen, in French

    proposal: Mapped[Proposal] = relationship(back_populates="members")
    company: Mapped[Company] = relationship()


class Assignment(Base):
    """Who performs one required competence of one lot, for how much: the row every document reads."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("proposal_id", "lot_id", "requirement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    # RESTRICT: a lot a newer version of the notice no longer has is withdrawn, never deleted.
    lot_id: Mapped[int] = mapped_column(ForeignKey("tender_lot.id", ondelete="RESTRICT"))
    requirement: Mapped[str] = mapped_column(String(60))  # a CPV code or a certification
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    amount_eur: Mapped[int] = mapped_column(BigInteger)
    distance_m: Mapped[int] = mapped_column(default=0)

    proposal: Mapped[Proposal] = relationship(back_populates="assignments")
    lot: Mapped[TenderLot] = relationship()
    company: Mapped[Company] = relationship()


class GroupementMember(Base):
    """A company invited into the groupement, its role and its answer."""

    __tablename__ = "groupement_member"
    __table_args__ = (UniqueConstraint("groupement_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(db_enum(MemberRole, "member_role"))
    answer: Mapped[Answer] = mapped_column(db_enum(Answer, "member_answer"), default=Answer.PENDING)
    current: Mapped[bool] = mapped_column(default=True)  # part of the adopted proposal
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    groupement: Mapped[Groupement] = relationship(back_populates="members")
    company: Mapped[Company] = relationship()


class AuditEvent(Base):
    """Who did what to a groupement, and when. Never updated."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_groupement_id_id", "groupement_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    groupement: Mapped[Groupement] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
    company: Mapped[Company | None] = relationship()


class TenderFit(Base):
    """Whether a feasible groupement including a company exists for a tender (« Appels d'offres pour vous »),
    worked out off the request and kept until the tender or the company changes."""

    __tablename__ = "tender_fit"
    __table_args__ = (UniqueConstraint("company_id", "tender_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    feasible: Mapped[bool | None]  # None: being worked out
    members: Mapped[int | None]  # members of the best groupement found
    detail: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentSet(Base):
    """One generation of a groupement's bid documents: the ZIP of every PDF (and DUME XML), its SHA-256 and a
    version number; regenerating after a change makes a new version, the older ones stay downloadable."""

    __tablename__ = "document_set"
    __table_args__ = (UniqueConstraint("groupement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    groupement_id: Mapped[int] = mapped_column(ForeignKey("groupement.id", ondelete="CASCADE"))
    version: Mapped[int]
    draft: Mapped[bool]  # « PROJET » on every page
    files: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "sha256", "size"}] in the ZIP's order
    sha256: Mapped[str] = mapped_column(String(64))  # of the ZIP
    archive: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship()
