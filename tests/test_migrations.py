"""The Alembic migrations build exactly the schema the models describe, on every backend, and revert."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app, models  # noqa: F401  (all tables on the metadata)
from app.db import Base, make_engine
from app.schema import head_revision
from tests.databases import BACKENDS, TEST_CONFIG, fresh_database


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_db_upgrade_command_builds_the_model_schema(empty_database):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": empty_database})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"révision {head_revision()}" in result.output
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    app.extensions["db_engine"].dispose()
    assert differences == []


def test_db_downgrade_to_base_then_upgrade_again(empty_database):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": empty_database})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    engine = app.extensions["db_engine"]
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert runner.invoke(args=["db", "current"]).output.strip() == "(aucune)"
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "current"]).output.strip() == head_revision()
    engine.dispose()
