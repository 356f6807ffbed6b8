"""Engine, declarative base and the per-request session.

Services receive a ``Session`` and only ``flush()``; views and CLI commands are the single commit point.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from flask import Flask, abort, current_app, g, has_request_context, request
from sqlalchemy import DateTime, Engine, Enum, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def db_enum(cls: type[enum.Enum], name: str) -> Enum:
    # Store the values (what people read in the database), checked by a named CHECK constraint.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if parsed.get_driver_name() == "psycopg":
        # No server-side prepared statements: a generic plan cached while a table was nearly empty (at the start
        # of a bulk import) kept scanning it sequentially once it held 100,000 rows.
        # Serial plans: a parallel plan spent three processes' CPU on a directory search to save 15 % of its time,
        # and under concurrent requests there is no idle core to lend (docs/PERFORMANCE.md, « Load »).
        options = "-c max_parallel_workers_per_gather=0"
        if extra := parsed.query.get("options"):
            options = f"{extra} {options}"
        parsed = parsed.update_query_dict({"options": options})
        return create_engine(parsed, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    return create_engine(url, pool_pre_ping=True)


# --- SQLite adapter -------------------------------------------------------------------------------------
# pysqlite starts transactions lazily and ignores SAVEPOINT semantics; we hand transaction control back to
# SQLAlchemy (documented "Serializable isolation / Savepoints" recipe) and turn foreign keys on.
#
# Concurrency: WAL lets readers go on while one connection writes; a busy connection waits up to BUSY_TIMEOUT_MS for
# the lock instead of failing at once. SQLite has one writer at a time, and a transaction begun deferred that reads
# then writes cannot wait its turn: when another one committed meanwhile it fails at once (« database is locked »).
# So every transaction that may write takes the write lock when it begins (BEGIN IMMEDIATE), waiting for it if need
# be: requests of a method that changes things, views marked with ``writes``, and all work outside a request (CLI
# commands, background jobs). Safe-method requests begin deferred and read in parallel.
BUSY_TIMEOUT_MS = 30_000
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes(view: Callable[..., T]) -> Callable[..., T]:
    """Mark a GET view that writes (its transactions take the write lock at once, as a POST's do). Put it below
    the route and the other decorators: ``functools.wraps`` carries the mark up."""
    view.db_writes = True  # type: ignore[attr-defined]
    return view


def begin_statement() -> str:
    """``BEGIN IMMEDIATE`` unless in a safe-method request whose view is not marked with ``writes``."""
    if not has_request_context() or request.method not in SAFE_METHODS:
        return "BEGIN IMMEDIATE"
    view = current_app.view_functions.get(request.endpoint or "")
    return "BEGIN IMMEDIATE" if getattr(view, "db_writes", False) else "BEGIN"


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")  # kept by the file: a no-op after the first connection
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql(begin_statement())

    return engine


# --- Flask integration ----------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The session of the current request or CLI command, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def get_or_404(model: type[T], ident: object, options: Sequence[ORMOption] = ()) -> T:
    """The row of ``model`` with this primary key (and the loader ``options``), or the French 404 page."""
    row = get_session().get(model, ident, options=options)
    if row is None:
        abort(404)
    return row


def _close_session(exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()
