"""The conversation of a groupement's partners: messages in the order they were written, each with its author,
the company they write for and its time; plain text (the page escapes it, nothing is ever read as HTML). Each user
has a read position: the messages of the others past it are new to them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.companies.models import Company
from app.consortium.models import Groupement
from app.consortium.vocabulary import Answer
from app.consortium.workspace.models import MESSAGE_MAX_CHARS, WorkspaceMessage, WorkspaceRead
from app.db import utcnow
from app.errors import DomainError


def partner_companies(groupement: Groupement) -> list[Company]:
    """The companies of the workspace: the initiating company, then the current members that have not declined."""
    companies = [groupement.company] if groupement.company is not None else []
    for member in groupement.members:
        if member.current and member.answer is not Answer.DECLINED and member.company not in companies:
            companies.append(member.company)
    return companies


def speaking_for(groupement: Groupement, user: User) -> Company | None:
    """The company a user writes for in this groupement: the initiating company for the initiating organisation's
    users, else their company among the partners; None for an initiator that bids without one of its companies."""
    initiator = groupement.organisation_id is not None and user.membership_in(groupement.organisation_id)
    if initiator and groupement.company is not None:
        return groupement.company
    return next(
        (c for c in partner_companies(groupement) if c.organisation_id and user.membership_in(c.organisation_id)),
        None,
    )


def clean_body(text: str | None) -> str:
    """The message as it is kept: line ends made ``\\n``, blank lines around it dropped; refused when empty or
    too long (in French, on the ``body`` field)."""
    body = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise DomainError("Écrivez un message avant de l'envoyer.", field="body")
    if len(body) > MESSAGE_MAX_CHARS:
        raise DomainError(too_long(len(body)), field="body")
    return body


def too_long(given: int | None) -> str:
    count = f" ({given} saisis)" if given is not None else ""
    return f"Le message est trop long{count} : {MESSAGE_MAX_CHARS} caractères au plus."


def post(session: Session, groupement: Groupement, user: User, text: str | None) -> WorkspaceMessage:
    """Add the user's message; their own message is read by them."""
    message = WorkspaceMessage(
        groupement_id=groupement.id,
        author_id=user.id,
        company=speaking_for(groupement, user),
        body=clean_body(text),
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    mark_read(session, groupement.id, user, message.id)
    return message


def messages(session: Session, groupement_id: int) -> list[WorkspaceMessage]:
    stmt = select(WorkspaceMessage).where(WorkspaceMessage.groupement_id == groupement_id)
    return list(session.scalars(stmt.order_by(WorkspaceMessage.id)))


def read_position(session: Session, groupement_id: int, user: User) -> int:
    """The id of the last message the user was shown (0: none yet)."""
    stmt = select(WorkspaceRead.last_message_id).where(
        WorkspaceRead.groupement_id == groupement_id, WorkspaceRead.user_id == user.id
    )
    return session.scalar(stmt) or 0


def unread_count(session: Session, groupement_id: int, user: User) -> int:
    """The others' messages past the user's read position."""
    stmt = select(func.count(WorkspaceMessage.id)).where(
        WorkspaceMessage.groupement_id == groupement_id,
        WorkspaceMessage.id > read_position(session, groupement_id, user),
        (WorkspaceMessage.author_id.is_(None)) | (WorkspaceMessage.author_id != user.id),
    )
    return session.scalar(stmt) or 0


def is_new(message: WorkspaceMessage, user: User, position: int) -> bool:
    return message.id > position and message.author_id != user.id


def mark_read(session: Session, groupement_id: int, user: User, last_message_id: int) -> None:
    """Move the user's read position up to ``last_message_id`` (never back). Two pages of the same user opened at
    once may both create the position: the loser of the race updates the winner's row."""
    row = _position_row(session, groupement_id, user)
    if row is None:
        try:
            with session.begin_nested():
                session.add(WorkspaceRead(groupement_id=groupement_id, user_id=user.id, last_message_id=0))
        except IntegrityError:
            pass
        row = _position_row(session, groupement_id, user)
    if row is not None and last_message_id > row.last_message_id:
        row.last_message_id, row.read_at = last_message_id, utcnow()


def _position_row(session: Session, groupement_id: int, user: User) -> WorkspaceRead | None:
    stmt = select(WorkspaceRead).where(WorkspaceRead.groupement_id == groupement_id, WorkspaceRead.user_id == user.id)
    return session.scalar(stmt)
