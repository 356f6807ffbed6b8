"""Users, organisations, memberships and invitations."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, db_enum, utcnow


class OrganisationKind(enum.StrEnum):
    SME = "pme"
    LARGE_GROUP = "grand_groupe"
    PUBLIC_BUYER = "acheteur_public"
    OPERATOR = "operateur"

    @property
    def label(self) -> str:
        return ORGANISATION_KIND_LABELS[self]


# Operator organisations see every organisation: they are created by `flask accounts create-operator`,
# never by public registration.
SELF_REGISTERED_KINDS = (OrganisationKind.SME, OrganisationKind.LARGE_GROUP, OrganisationKind.PUBLIC_BUYER)
# The kinds that speak for companies (profiles, claims) and form groupements.
COMPANY_KINDS = (OrganisationKind.SME, OrganisationKind.LARGE_GROUP)

ORGANISATION_KIND_LABELS = {
    OrganisationKind.SME: "PME / TPE",
    OrganisationKind.LARGE_GROUP: "Grand groupe",
    OrganisationKind.PUBLIC_BUYER: "Acheteur public",
    OrganisationKind.OPERATOR: "Opérateur (CCI)",
}


class Role(enum.StrEnum):
    ADMIN = "admin"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return "Administrateur" if self is Role.ADMIN else "Membre"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(db_enum(OrganisationKind, "organisation_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.kind.value}>"


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's identity (``get_id``): replaced on logout, password change and reset, which ends
    # every session of the user at once.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    def get_id(self) -> str:  # Flask-Login: what the session cookie carries
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Every session of this user stops being accepted (the cookie's token no longer matches)."""
        self.session_token = secrets.token_hex(16)

    @property
    def organisation_ids(self) -> tuple[int, ...]:
        return tuple(m.organisation_id for m in self.memberships)

    def membership_in(self, organisation_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.organisation_id == organisation_id), None)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(db_enum(Role, "membership_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(Base):
    """A colleague invited by e-mail. Only the SHA-256 of the link's token is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(db_enum(Role, "invitation_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
