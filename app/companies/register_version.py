"""The register's version: a number that changes in the same transaction as any write to a company, a competence
or a certification, so that what is computed from the register (the directory's counts) can be cached across
requests and processes, and dropped the moment the register changes. It changes to a random value, never to one
seen before: a transaction rolled back takes its value with it, and the next write must not bring it back (counts
a transaction made of its own uncommitted writes would be taken for the register's).

Every SQLAlchemy INSERT, UPDATE or DELETE on those tables — ORM flushes, the SIRENE import's Core executemany,
bulk deletes — goes through the engine's ``before_execute`` event, which notes it on the connection; the version
is set as the transaction commits (or a savepoint is released), so its row is locked for the COMMIT only: an
import writing the register for minutes in one transaction does not hold up the profile edits meanwhile. Raw SQL
strings are not seen (the application writes none to these tables)."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from app.companies.models import Certification, Company, Competence, RegisterVersion

WATCHED = frozenset(model.__table__.name for model in (Company, Competence, Certification))
_WRITTEN = "register_written"


def current(session: Session) -> int:
    return session.scalar(select(RegisterVersion.value).where(RegisterVersion.id == 1)) or 0


def unsettled(session: Session) -> bool:
    """Whether the session's transaction has written the register since the version was last set: what it reads
    then is not what the version says."""
    return bool(session.connection().info.get(_WRITTEN))


def watch(engine: Engine) -> None:
    event.listen(engine, "before_execute", _note_write)
    event.listen(engine, "commit", _bump)
    event.listen(engine, "release_savepoint", _bump)
    # A savepoint rolled back keeps the note: writes before it must still change the version (one too many costs
    # a recount). A transaction rolled back leaves nothing to note.
    event.listen(engine, "rollback", _forget)


def _note_write(connection: Connection, statement, *_args) -> None:
    table = getattr(statement, "table", None) if isinstance(statement, UpdateBase) else None
    if table is not None and table.name in WATCHED:
        connection.info[_WRITTEN] = True


def _bump(connection: Connection, *_args) -> None:
    if connection.info.pop(_WRITTEN, False):
        connection.execute(update(RegisterVersion).where(RegisterVersion.id == 1).values(value=secrets.randbits(62)))


def _forget(connection: Connection, *_args) -> None:
    connection.info.pop(_WRITTEN, None)
