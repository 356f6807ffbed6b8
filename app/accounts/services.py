"""Account operations. Each takes the session, flushes, and leaves the commit to its caller."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.models import (
    SELF_REGISTERED_KINDS,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from app.db import utcnow
from app.errors import DomainError

# Verified against unknown e-mail addresses so that a failed login takes as long either way.
_DUMMY_HASH: dict[str, str] = {}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _checked_email(email: str) -> str:
    """The normalised address, or a refusal when it is not one (forms check too; this guards the CLI)."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(f"« {email.strip()[:254]} » n'est pas une adresse e-mail valide.", field="email") from None
    return normalise_email(email)


def _check_new_account(session: Session, email: str, password: str) -> None:
    if find_user(session, email) is not None:
        raise DomainError("Un compte existe déjà avec cette adresse e-mail.", field="email")
    if (reason := passwords.weakness(password, email)) is not None:
        raise DomainError(reason, field="password")


def _new_user(email: str, full_name: str, password: str) -> User:
    return User(
        email=email, full_name=single_line(full_name, "full_name"), password_hash=passwords.hash_password(password)
    )


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def register(session: Session, *, email: str, full_name: str, password: str, organisation_name: str, kind: str) -> User:
    """Public registration: a user and the organisation they administer, of a self-registered kind."""
    try:
        kind_value = OrganisationKind(kind)
    except ValueError:
        raise DomainError("Type d'organisation inconnu.", field="kind") from None
    if kind_value not in SELF_REGISTERED_KINDS:
        raise DomainError("Les organisations opérateur sont créées par l'équipe de la plateforme.", field="kind")
    return create_account(
        session,
        email=email,
        full_name=full_name,
        password=password,
        organisation_name=organisation_name,
        kind=kind_value,
    )


def create_account(
    session: Session, *, email: str, full_name: str, password: str, organisation_name: str, kind: OrganisationKind
) -> User:
    """A user and the organisation they administer, of any kind."""
    email = _checked_email(email)
    _check_new_account(session, email, password)
    organisation = Organisation(name=single_line(organisation_name, "organisation_name"), kind=kind)
    user = _new_user(email, full_name, password)
    session.add_all([organisation, user, Membership(user=user, organisation=organisation, role=Role.ADMIN)])
    session.flush()
    return user


def create_operator(session: Session, *, organisation_name: str, admin_email: str, valid_days: int) -> str:
    """An operator organisation (the CCI) and the invitation of its first administrator; returns the token."""
    organisation = Organisation(name=organisation_name.strip(), kind=OrganisationKind.OPERATOR)
    session.add(organisation)
    session.flush()
    _invitation, token = invite(
        session, organisation=organisation, inviter=None, email=admin_email, role=Role.ADMIN, valid_days=valid_days
    )
    return token


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
    session: Session, *, organisation: Organisation, inviter: User | None, email: str, role: Role, valid_days: int
) -> tuple[Invitation, str]:
    """Invite a colleague; returns the invitation and the secret token of its link (stored only hashed).
    A new invitation to the same address replaces the pending one."""
    email = _checked_email(email)
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
        invited_by_id=inviter.id if inviter is not None else None,
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


def find_invitation(session: Session, token: str, *, lock: bool = False) -> Invitation | None:
    """The pending, unexpired invitation for a link token, or None. ``lock``: its row stays locked for the rest of
    the transaction, so that a second use of the link waits for the first, then finds it used."""
    query = select(Invitation).where(Invitation.token_hash == _token_hash(token))
    invitation = session.scalar(query.with_for_update() if lock else query)
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


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Replace the password after checking the current one; every session of the user ends."""
    if not passwords.verify_password(user.password_hash, current):
        raise DomainError("Le mot de passe actuel est incorrect.", field="current_password")
    return set_password(session, user, new)


def set_password(session: Session, user: User, new: str) -> User:
    if (reason := passwords.weakness(new, user.email)) is not None:
        raise DomainError(reason, field="password")
    user.password_hash = passwords.hash_password(new)
    user.end_sessions()
    session.flush()
    return user


def log_out_everywhere(session: Session, user: User) -> None:
    user.end_sessions()
    session.flush()


def single_line(text: str, field: str) -> str:
    """A name on one line: control characters (newlines forge log lines and mail headers) refused."""
    name = text.strip()
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name):
        raise DomainError("Le nom ne peut contenir ni retour à la ligne ni caractère de contrôle.", field=field)
    return name
