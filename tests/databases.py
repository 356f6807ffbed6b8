"""The databases the tests run on: SQLite always, PostgreSQL when GROUPEMENT_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine

PG_URL_ENV = "GROUPEMENT_TEST_DATABASE_URL"
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get(PG_URL_ENV) else [])]
PASSWORD = "Calanques-de-Cassis-2026"
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    # Cheapest argon2 parameters: the tests exercise the flow, not the cost.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 64,
    # Solves run at once and on one worker: deterministic answers (a test of the thread runner sets its own).
    "SOLVER_RUNNER": "inline",
    "SOLVER_WORKERS": 1,
    "SOLVER_TIME_LIMIT_S": 5.0,
    # The workspace's pieces never go to the checkout's instance folder (a test of uploads sets its own folder).
    "WORKSPACE_UPLOAD_DIR": str(Path(tempfile.gettempdir()) / "groupement-tests" / "pieces"),
}


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.db'}"
        return
    schema_name = f"test_{uuid.uuid4().hex[:12]}"
    base = make_url(os.environ[PG_URL_ENV])
    admin = make_engine(base.render_as_string(hide_password=False))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema_name}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema_name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
        admin.dispose()
