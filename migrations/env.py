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


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    context.run_migrations()
