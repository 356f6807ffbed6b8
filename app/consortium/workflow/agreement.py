"""Which version of the split each member accepted. Accepting the invitation accepts the version in force; a new
version sends the members who had accepted back to « à confirmer » (the initiating company accepts it at once, as
it accepts its invitation); the groupement is constituted only when every current member accepted the version in
force."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.consortium.models import Groupement, GroupementMember
from app.consortium.split.current import current_version
from app.consortium.split.models import SplitAcceptance, SplitVersion
from app.consortium.vocabulary import Answer
from app.db import utcnow
from app.errors import DomainError


def in_force_number(session: Session, groupement: Groupement) -> int:
    """The number of the version in force; 0 while the split is the solver's proposal."""
    version = current_version(session, groupement)
    return version.number if version is not None else 0


def require_in_force(session: Session, groupement: Groupement, number: int | None) -> None:
    """An acceptance names the version it read (``number``; None: whatever is in force): a newer one is refused."""
    in_force = in_force_number(session, groupement)
    if number is not None and number != in_force:
        raise DomainError(f"La répartition a changé entre-temps (version {in_force}) : relisez-la avant de répondre.")


def accept_in_force(session: Session, groupement: Groupement, member: GroupementMember, user: User | None) -> None:
    """Record that ``member`` accepts the version in force (nothing while the split is the proposal)."""
    version = current_version(session, groupement)
    if version is None:
        return
    if member.id is not None:
        done = session.scalar(
            select(SplitAcceptance.id).where(
                SplitAcceptance.member_id == member.id, SplitAcceptance.version_id == version.id
            )
        )
        if done is not None:
            return
    session.add(SplitAcceptance(member=member, version=version, accepted_by_id=user.id if user else None))


def ask_again(session: Session, groupement: Groupement, user: User | None) -> list[GroupementMember]:
    """After a new version: every current member that had accepted is « à confirmer » again, but the initiating
    company, which accepts the new version at once; the members asked again."""
    asked = []
    for member in groupement.members:
        if not member.current:
            continue
        if member.company_id == groupement.company_id:
            member.answer, member.answered_at, member.answered_by_id = Answer.ACCEPTED, utcnow(), _id(user)
            accept_in_force(session, groupement, member, user)
        elif member.answer is Answer.ACCEPTED:
            member.answer = Answer.PENDING  # « à confirmer »: when and by whom it had answered stays on record
            asked.append(member)
    return asked


def not_accepting(session: Session, groupement: Groupement, members: Iterable[GroupementMember]) -> list:
    """The members who have not accepted the version in force."""
    version = current_version(session, groupement)
    if version is None:
        return []
    accepted = set(session.scalars(select(SplitAcceptance.member_id).where(SplitAcceptance.version_id == version.id)))
    return [m for m in members if m.id not in accepted]


def accepted_numbers(session: Session, groupement: Groupement) -> dict[int, int]:
    """Member id → the latest version number it accepted."""
    rows = session.execute(
        select(SplitAcceptance.member_id, func.max(SplitVersion.number))
        .join(SplitVersion, SplitAcceptance.version_id == SplitVersion.id)
        .where(SplitVersion.groupement_id == groupement.id)
        .group_by(SplitAcceptance.member_id)
    )
    return {member_id: number for member_id, number in rows}


def _id(user: User | None) -> int | None:
    return user.id if user else None
