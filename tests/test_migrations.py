"""The Alembic migrations build exactly the schema the models describe, on every backend, and revert."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, func, inspect, select

from app import create_app, models, schema  # noqa: F401  (models: all tables on the metadata)
from app.accounts.models import OrganisationKind, Role
from app.consortium.vocabulary import Answer, GroupementStatus, MemberRole, RunState
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


PENDING = Answer.PENDING.value
# One row of each, at revision 0006: the ids and the values CHECK constraints allow; placeholders for the rest.
SEED = (
    ("commune", {"insee_code": "13055"}),
    ("organisation", {"id": 1, "kind": OrganisationKind.SME.value}),
    ("user_account", {"id": 1, "email": "a@b.fr"}),
    ("membership", {"id": 1, "user_id": 1, "organisation_id": 1, "role": Role.ADMIN.value}),
    ("company", {"id": 1, "commune_insee": "13055", "organisation_id": 1}),
    ("tender", {"id": 1}),
    ("tender_lot", {"id": 1, "tender_id": 1, "position": 1}),
    ("lot_requirement", {"id": 1, "lot_id": 1}),
    ("groupement", {"id": 1, "tender_id": 1, "status": GroupementStatus.DRAFT.value}),
    ("solver_run", {"id": 1, "groupement_id": 1, "state": RunState.DONE.value}),
    ("proposal", {"id": 1, "run_id": 1, "rank": 0}),
    ("proposal_member", {"id": 1, "proposal_id": 1, "company_id": 1, "role": MemberRole.MANDATAIRE.value}),
    ("assignment", {"id": 1, "proposal_id": 1, "lot_id": 1, "company_id": 1}),
    ("groupement_member", {"id": 1, "groupement_id": 1, "company_id": 1, "role": "mandataire", "answer": PENDING}),
    ("audit_event", {"id": 1, "groupement_id": 1}),
    ("document_set", {"id": 1, "groupement_id": 1, "version": 1}),
)
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _placeholder(column):
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    values = {int: 1, float: 0.0, bool: False, bytes: b"", dict: {}, list: [], Decimal: 0, datetime: NOW, date: NOW}
    return values.get(kind, "x")


def test_migrations_keep_every_row_both_ways(empty_database):
    """SQLite alters a table by copying it and dropping the old one: with foreign keys enforced, the DROP of
    ``company``, ``user_account`` or ``groupement`` would first delete every row that refers to it (memberships,
    proposal members, assignments, runs, audit events, documents). Data written at 0006 survives the upgrade to
    head and the downgrade back."""
    engine = make_engine(empty_database)
    schema.upgrade(engine, "0006")
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, values in SEED:
            table = tables.tables[name]
            needed = [c for c in table.columns if not (c.nullable or c.primary_key or c.server_default)]
            connection.execute(table.insert().values({c.name: _placeholder(c) for c in needed} | values))

    def counts() -> list[int]:
        with engine.connect() as connection:
            return [connection.scalar(select(func.count()).select_from(tables.tables[n])) for n, _ in SEED]

    try:
        schema.upgrade(engine)
        assert counts() == [1] * len(SEED)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT tender_seen_at FROM groupement").scalar() is not None
            assert connection.exec_driver_sql("SELECT session_token FROM user_account").scalar()
            # the link made before claims were verified is kept, with a trail for the operator
            legacy = connection.exec_driver_sql("SELECT company_id, organisation_id, status, method FROM company_claim")
            assert legacy.all() == [(1, 1, "verified", "legacy")]
        schema.downgrade(engine, "0006")
        assert counts() == [1] * len(SEED)
    finally:
        engine.dispose()
