"""The browser tests' fixtures: the app served on a local port for the whole session (one database: PostgreSQL when
GROUPEMENT_TEST_DATABASE_URL is set, SQLite otherwise — the test ids say which), solves in the background thread
runner as in production, CSRF on; Debian's Chromium through Playwright, a new context per person; a screenshot of
every open page when a test fails, in tests/browser/screenshots/."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app import create_app, schema
from app.db import make_engine
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from tests.browser.seeding import Seed, seed
from tests.databases import BACKENDS, TEST_CONFIG, fresh_database
from tests.mail_server import Mailbox, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BACKEND = "postgresql" if "postgresql" in BACKENDS else "sqlite"
SCREENSHOTS = Path(__file__).parent / "screenshots"
TIMEOUT_MS = 15_000
PAGES = pytest.StashKey[list[Page]]()


@dataclass(frozen=True)
class LiveServer:
    url: str
    seed: Seed


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make test does it when run as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """The live server's SMTP server (aiosmtpd on 127.0.0.1): every message the journeys send lands here."""
    with serving() as box:
        yield box


@pytest.fixture(scope="session", params=[BACKEND])
def live_server(request, browser: Browser, mailbox: Mailbox, tmp_path_factory) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 on a free port, over a fresh migrated database with the reference data and the
    journeys' seed. It depends on ``browser`` so that a missing Chromium skips before anything starts, and so
    that the browser, whose connections the server's threads serve, is closed after the server."""
    with fresh_database(request.param, tmp_path_factory.mktemp(f"browser-{request.param}")) as url:
        engine = make_engine(url)
        schema.upgrade(engine)
        with Session(engine) as session:
            loading.load_communes(session)
            loading.load_nuts(session)
            loading.load_cpv(session, read_cpv_file(loading.BUILTIN_CPV))
            session.commit()
        engine.dispose()
        app = create_app(
            {
                **TEST_CONFIG,
                "DATABASE_URL": url,
                "SOLVER_RUNNER": "thread",  # as in production: the page shows the progress and refreshes itself
                "SESSION_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1
                "REMEMBER_COOKIE_SECURE": False,
                "WTF_CSRF_ENABLED": True,
                "MAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
            }
        )
        data = seed(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # the links in the messages
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", data)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            for kind in ("solve", "check"):
                app.extensions[f"{kind}_runner"].pool.shutdown(wait=True, cancel_futures=True)
            app.extensions["db_engine"].dispose()


@pytest.fixture
def new_page(request, browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """A page in a context of its own (its own cookies: one person), on the live server's base URL."""
    contexts: list[BrowserContext] = []
    pages = request.node.stash.setdefault(PAGES, [])

    def _new() -> Page:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="fr-FR")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    return new_page()


@pytest.fixture
def seeded(live_server: LiveServer) -> Seed:
    return live_server.seed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """When a test fails, a screenshot of each page it opened: ``<test name>.png``, then ``-2``, ``-3``…"""
    report = yield
    pages = item.stash.get(PAGES, [])
    if report.failed and report.when in ("setup", "call") and pages:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
        for number, page in enumerate(pages, start=1):
            path = SCREENSHOTS / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # noqa: BLE001 — a closed page must not hide the test's own failure
                report.sections.append(("screenshot", f"{path.name}: {error}"))
            else:
                report.sections.append(("screenshot", str(path)))
    return report
