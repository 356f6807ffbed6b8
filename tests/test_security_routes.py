"""Every route of the application × every kind of visitor: the expected status code, the CSRF token required on
every POST, and the security headers on every page. The table EXPECTED is keyed by endpoint and must cover the
whole ``url_map``: a new route without an expectation fails ``test_every_route_has_an_expectation``."""

from __future__ import annotations

import io
import re
from dataclasses import asdict
from functools import cache
from urllib.parse import urlsplit

import pytest

from app import create_app, schema
from app.db import get_session
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from tests.databases import BACKENDS, TEST_CONFIG, fresh_database
from tests.security_expectations import EXPECTED, OPEN_TO_VISITORS, REFUSED_ON_THE_MERITS, Case
from tests.security_world import ACTORS, EMAILS, Ids, build


@pytest.fixture(scope="module", params=BACKENDS)
def world_database(request, tmp_path_factory):
    """A migrated database with the reference data and the world committed, for the tests of this module."""
    with fresh_database(request.param, tmp_path_factory.mktemp(f"routes-{request.param}")) as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        schema.upgrade(app.extensions["db_engine"])
        with app.app_context():
            session = get_session()
            loading.load_communes(session)
            loading.load_nuts(session)
            loading.load_cpv(session, read_cpv_file(loading.BUILTIN_CPV))
            session.commit()
            ids = build(app, session)
        app.extensions["db_engine"].dispose()
        yield url, ids


@pytest.fixture(scope="module")
def database_url(world_database) -> str:
    """Overrides the shared database: the ``app`` fixture rolls back each test's changes to this world."""
    return world_database[0]


@pytest.fixture
def ids(world_database) -> Ids:
    return world_database[1]


@cache
def url_map_rules() -> tuple[tuple[str, frozenset[str]], ...]:
    """(endpoint, methods) of every rule of the application but ``static``."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    app.extensions["db_engine"].dispose()
    rules = [(r.endpoint, frozenset(r.methods & {"GET", "POST"})) for r in app.url_map.iter_rules()]
    return tuple(sorted(rule for rule in rules if rule[0] != "static"))


def _cases(method: str) -> list:
    return [
        pytest.param(endpoint, n, actor, id=f"{endpoint}-{n}-{actor}")
        for endpoint, cases in EXPECTED.items()
        for n, case in enumerate(cases)
        if getattr(case, method) is not None
        for actor in ACTORS
    ]


def _fill(text: str, ids: Ids) -> str:
    return text.format(**asdict(ids))


def _form_data(case: Case, ids: Ids) -> dict:
    """The case's data with the ids filled in (names and text values); file contents become fresh uploads."""
    data = {_fill(k, ids): _fill(v, ids) if isinstance(v, str) else v for k, v in case.data.items()}
    return {k: (io.BytesIO(v), "avis.xml") if isinstance(v, bytes) else v for k, v in data.items()}


def _sign_in(browser, actor: str) -> None:
    if actor != "anonymous":
        assert browser.login(EMAILS[actor]).status_code == 302


def _check_redirect_to_login(endpoint: str, actor: str, response) -> None:
    if actor == "anonymous" and response.status_code == 302 and endpoint not in OPEN_TO_VISITORS:
        assert urlsplit(response.headers["Location"]).path == "/connexion"


def assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _errors(response) -> str:
    """The form errors and flashed messages of a page, for assertion messages."""
    blocks = re.findall(r'class="(?:errors|form-errors|flash[^"]*)"[^>]*>(.*?)</(?:ul|div)>', response.text, re.S)
    return " | ".join(" ".join(re.sub(r"<[^>]+>", " ", block).split()) for block in blocks)


# --- The tests ----------------------------------------------------------------------------------------------
def test_every_route_has_an_expectation():
    methods: dict[str, set[str]] = {}
    for endpoint, rule_methods in url_map_rules():
        methods.setdefault(endpoint, set()).update(rule_methods)
    assert set(EXPECTED) == set(methods)
    for endpoint, cases in EXPECTED.items():
        covered = {m.upper() for case in cases for m in ("get", "post") if getattr(case, m) is not None}
        assert covered == methods[endpoint], endpoint
        assert all(len(row) == len(ACTORS) for case in cases for row in (case.get, case.post) if row), endpoint


def test_every_page_is_answered_200_to_someone():
    """So that the security headers of every GET route are checked by ``test_get`` below."""
    for endpoint, cases in EXPECTED.items():
        gets = [case.get for case in cases if case.get]
        assert not gets or any(200 in row for row in gets), endpoint


@pytest.mark.parametrize(("endpoint", "n", "actor"), _cases("get"))
def test_get(browser, ids, endpoint, n, actor):
    case = EXPECTED[endpoint][n]
    _sign_in(browser, actor)
    response = browser.get(_fill(case.url, ids))
    assert response.status_code == case.get[ACTORS.index(actor)]
    _check_redirect_to_login(endpoint, actor, response)
    if response.status_code == 200:
        assert_security_headers(response)


@pytest.mark.parametrize(("endpoint", "n", "actor"), _cases("post"))
def test_post_with_a_valid_token(browser, ids, endpoint, n, actor):
    case = EXPECTED[endpoint][n]
    _sign_in(browser, actor)
    token = browser.token("/connexion")
    token_field = f"{_fill(case.prefix, ids)}-csrf_token" if case.prefix else "csrf_token"
    data = _form_data(case, ids) | {"csrf_token": token, token_field: token}
    response = browser.client.post(_fill(case.url, ids), data=data)
    assert response.status_code == case.post[ACTORS.index(actor)], _errors(response)
    _check_redirect_to_login(endpoint, actor, response)
    if actor != "anonymous" and response.status_code == 302:  # let in: the service acted, or refused on the merits
        with browser.client.session_transaction() as cookie:
            errors = [message for category, message in cookie.get("_flashes", []) if category == "error"]
        assert errors == ([REFUSED_ON_THE_MERITS[endpoint]] if endpoint in REFUSED_ON_THE_MERITS else []), errors


def _post_rules() -> list:
    return [endpoint for endpoint, methods in url_map_rules() if "POST" in methods]


@pytest.mark.parametrize("endpoint", _post_rules())
@pytest.mark.parametrize("actor", ["anonymous", "allowed"])
def test_every_post_refuses_a_missing_csrf_token(browser, ids, endpoint, actor):
    """Whoever posts, and even with otherwise valid data: 400 and the French explanation."""
    case = next(case for case in EXPECTED[endpoint] if case.post)
    if actor == "allowed":
        _sign_in(browser, next(a for a, status in zip(ACTORS[1:], case.post[1:], strict=True) if status in (200, 302)))
    response = browser.client.post(_fill(case.url, ids), data=_form_data(case, ids))
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
