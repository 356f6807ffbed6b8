"""Account operations. Each takes the session, flushes, and leaves the commit to its caller."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from app.db import utcnow
from app.errors import DomainError

# Verified against unknown e-mail addresses so that a failed login takes as long either way.
_DUMMY_HASH: dict[str, str] = {}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_new_account(session: Session, email: str, password: str) -> None:
    if find_user(session, email) is not None:
        raise DomainError("Un compte existe déjà avec cette adresse e-mail.", field="email")
    if (reason := passwords.weakness(password, email)) is not None:
        raise DomainError(reason, field="password")


def _new_user(email: str, full_name: str, password: str) -> User:
    return User(email=email, full_name=full_name.strip(), password_hash=passwords.hash_password(password))


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def register(session: Session, *, email: str, full_name: str, password: str, organisation_name: str, kind: str) -> User:
    """Create a user and the organisation they administer."""
    email = normalise_email(email)
    try:
        kind_value = OrganisationKind(kind)
    except ValueError:
        raise DomainError("Type d'organisation inconnu.", field="kind") from None
    _check_new_account(session, email, password)
    organisation = Organisation(name=organisation_name.strip(), kind=kind_value)
    user = _new_user(email, full_name, password)
    session.add_all([organisation, user, Membership(user=user, organisation=organisation, role=Role.ADMIN)])
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None or not user.active:
        if "hash" not in _DUMMY_HASH:
            _DUMMY_HASH["hash"] = passwords.hash_password(secrets.token_hex(16))
        passwords.verify_password(_DUMMY_HASH["hash"], password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(
    session: Session, *, organisation: Organisation, inviter: User, email: str, role: Role, valid_days: int
) -> tuple[Invitation, str]:
    """Invite a colleague; returns the invitation and the secret token of its link (stored only hashed).
    A new invitation to the same address replaces the pending one."""
    email = normalise_email(email)
    member_emails = {m.user.email for m in organisation.memberships}
    if email in member_emails:
        raise DomainError("Cette personne est déjà membre de l'organisation.", field="email")
    for pending in pending_invitations(session, organisation):
        if pending.email == email:
            session.delete(pending)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by_id=inviter.id,
        expires_at=utcnow() + timedelta(days=valid_days),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def pending_invitations(session: Session, organisation: Organisation) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.organisation_id == organisation.id, Invitation.accepted_at.is_(None))
            .where(Invitation.expires_at > utcnow())
            .order_by(Invitation.created_at)
        )
    )


def find_invitation(session: Session, token: str) -> Invitation | None:
    """The pending, unexpired invitation for a link token, or None."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def accept_invitation(session: Session, invitation: Invitation, user: User) -> Membership:
    if normalise_email(user.email) != invitation.email:
        raise DomainError("Cette invitation a été adressée à une autre adresse e-mail.")
    membership = user.membership_in(invitation.organisation_id)
    if membership is None:
        membership = Membership(user=user, organisation=invitation.organisation, role=invitation.role)
        session.add(membership)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    session.flush()
    return membership


def register_invited(session: Session, invitation: Invitation, *, full_name: str, password: str) -> User:
    """Create the account of an invited person who had none, and make them a member."""
    _check_new_account(session, invitation.email, password)
    user = _new_user(invitation.email, full_name, password)
    session.add(user)
    session.flush()
    accept_invitation(session, invitation, user)
    return user


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0
