"""Alembic migrations driven from the application: ``flask db upgrade`` and friends, and the revision check
that ``/healthz`` reports."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Migrations du schéma de la base de données.")


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def _engine() -> Engine:
    return current_app.extensions["db_engine"]


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    upgrade(_engine(), revision)
    with _engine().connect() as connection:
        click.echo(f"Base de données à la révision {current_revision(connection)}.")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Revert migrations down to REVISION ('base' to empty the schema)."""
    downgrade(_engine(), revision)


@db_cli.command("current")
def current_command() -> None:
    """Show the revision the database is at."""
    with _engine().connect() as connection:
        click.echo(current_revision(connection) or "(aucune)")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Write a new migration script from the difference between the models and the database."""
    command.revision(alembic_config(_engine()), message=message, autogenerate=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
