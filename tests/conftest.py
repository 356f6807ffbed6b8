"""Fixtures: a migrated database per backend (SQLite always, PostgreSQL when
GROUPEMENT_TEST_DATABASE_URL is set), an app whose every session joins one outer transaction that is rolled
back after each test, a client that fills CSRF tokens like a browser, and factories."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import create_app, schema
from app.accounts import services
from app.accounts.models import OrganisationKind, User
from app.db import get_session, make_engine
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from tests.databases import BACKENDS, PASSWORD, PG_URL_ENV, TEST_CONFIG, fresh_database

# The SMTP server (smtp); the « retombées » set (contracts); the partners' workspace (partners, pieces_dir).
pytest_plugins = ["tests.mail_server", "tests.impact_data", "tests.workspace_data"]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """One migrated database per backend for the whole run."""
    with fresh_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        engine = make_engine(url)
        schema.upgrade(engine)
        with Session(engine) as session:  # reference data every test can rely on (communes, NUTS, CPV groups)
            loading.load_communes(session)
            loading.load_nuts(session)
            loading.load_cpv(session, read_cpv_file(loading.BUILTIN_CPV))
            session.commit()
        engine.dispose()
        yield url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url})
    engine: Engine = app.extensions["db_engine"]
    connection = engine.connect()
    outer = connection.begin()
    # Commits inside the app release savepoints; the outer transaction is rolled back after the test.
    app.extensions["db_sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield app
    outer.rollback()
    connection.close()
    engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, on the same connection as the app. It pushes no app context: one
    held for the whole test would be shared by every request of the test client."""
    with app.extensions["db_sessionmaker"]() as session:
        yield session


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class Browser:
    """A test client that submits forms as a browser does: it reads the CSRF token from the page first."""

    _TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, page_url: str) -> str:
        page = self.client.get(page_url).get_data(as_text=True)
        match = self._TOKEN.search(page)
        assert match, f"no CSRF token on {page_url}"
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict, *, page_url: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with the token of the form shown at ``page_url`` (default: ``url``)."""
        return self.client.post(url, data={**data, "csrf_token": self.token(page_url or url)}, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        return self.submit("/connexion", {"email": email, "password": password})

    def logout(self):
        return self.submit("/deconnexion", {}, page_url="/")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a committed user administering a new organisation; keyword arguments override defaults."""

    def _make(email: str | None = None, **options) -> User:
        with app.app_context():
            return create_user(get_session(), email, **options)

    return _make


def create_user(
    session: Session,
    email: str | None = None,
    *,
    kind: OrganisationKind = OrganisationKind.SME,
    organisation_name: str = "Maçonnerie du Vieux-Port",
    full_name: str = "Camille Martin",
) -> User:
    """A committed user administering a new organisation (``make_user``, and the browser journeys' seed)."""
    user = services.create_account(
        session,
        email=email or f"{uuid.uuid4().hex[:8]}@exemple.fr",
        full_name=full_name,
        password=PASSWORD,
        organisation_name=organisation_name,
        kind=kind,
    )
    session.commit()
    return user


# --- Per-backend counts in the summary ------------------------------------------------------------------
_BACKEND_OF: dict[str, str] = {}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        params = item.callspec.params.values() if hasattr(item, "callspec") else ()
        _BACKEND_OF[item.nodeid] = next((p for p in params if isinstance(p, str) and p in BACKENDS), "sans base")


def pytest_terminal_summary(terminalreporter) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") in ("call", "setup") and hasattr(report, "nodeid"):
                if outcome == "passed" and report.when != "call":
                    continue
                counts[(_BACKEND_OF.get(report.nodeid, "sans base"), outcome)] += 1
    terminalreporter.section("tests par base de données")
    for backend in [*BACKENDS, "sans base"]:
        parts = ", ".join(
            f"{counts[(backend, o)]} {o}" for o in ("passed", "failed", "error", "skipped") if counts[(backend, o)]
        )
        terminalreporter.write_line(f"{backend}: {parts or 'aucun test'}")
    if "postgresql" not in BACKENDS:
        terminalreporter.write_line(f"postgresql: non testé ({PG_URL_ENV} n'est pas défini)")
