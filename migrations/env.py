"""Alembic environment: runs on the application's engine, batch mode so SQLite can alter tables."""

from __future__ import annotations

from alembic import context

from app import models  # noqa: F401  (registers every table on Base.metadata)
from app.db import Base, UTCDateTime

config = context.config
engine = config.attributes["engine"]


def _render_item(type_: str, obj, autogen_context):
    """Write application column types as plain SQLAlchemy types, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one; with foreign keys enforced, the DROP first
    deletes (ON DELETE CASCADE) every row that refers to it — a rebuilt ``company`` would take the groupements'
    members and assignments with it. Enforcement can only be switched outside a transaction: on the raw
    connection, before the migrations' transaction begins and after it ends."""
    cursor = connection.connection.driver_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _check_references(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"references broken by the migration, nothing applied: {broken[:5]}")


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
                render_item=_render_item,
            )
            context.run_migrations()
            if sqlite:
                _check_references(connection)
    finally:
        if sqlite:
            _sqlite_foreign_keys(connection, on=True)
