"""The register's version: a number that changes in the same transaction as any write to a company, a competence
or a certification, so that what is computed from the register (the directory's counts) can be cached across
requests and processes, and dropped the moment the register changes. It changes to a random value, never to one
seen before: a transaction rolled back takes its value with it, and the next write must not bring it back (counts
a transaction made of its own uncommitted writes would be taken for the register's).

Every SQLAlchemy INSERT, UPDATE or DELETE on those tables — ORM flushes, the SIRENE import's Core executemany,
bulk deletes — goes through the engine's ``before_execute`` event, where the first such statement of a
transaction sets ``register_version.value``. The row lock it takes is held until the transaction ends:
writers of the register take turns, readers never wait. Raw SQL strings are not seen (the application writes
none to these tables)."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from app.companies.models import Certification, Company, Competence, RegisterVersion

WATCHED = frozenset(model.__table__.name for model in (Company, Competence, Certification))
_BUMPED = "register_version_bumped"


def current(session: Session) -> int:
    return session.scalar(select(RegisterVersion.value).where(RegisterVersion.id == 1)) or 0


def watch(engine: Engine) -> None:
    event.listen(engine, "before_execute", _before_execute)
    # A savepoint rolled back takes its bump with it; after one released, bumping again costs little.
    for name in ("commit", "rollback", "rollback_savepoint", "release_savepoint"):
        event.listen(engine, name, _forget)


def _before_execute(connection: Connection, statement, *_args) -> None:
    if connection.info.get(_BUMPED) or not isinstance(statement, UpdateBase):
        return
    if getattr(statement, "table", None) is None or statement.table.name not in WATCHED:
        return
    connection.info[_BUMPED] = True
    connection.execute(update(RegisterVersion).where(RegisterVersion.id == 1).values(value=secrets.randbits(62)))


def _forget(connection: Connection, *_args) -> None:
    connection.info.pop(_BUMPED, None)
