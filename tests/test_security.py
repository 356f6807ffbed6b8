"""Security headers, cookies, CSRF, login flood protection, error pages, configuration and health check."""

from __future__ import annotations

import importlib
import re
import secrets
import socket
import sys

import pytest
from sqlalchemy import func, select

from app import create_app, schema
from app.accounts.models import Invitation, Membership, Organisation, User
from app.config import InsecureConfigError
from app.db import get_session
from app.schema import head_revision
from tests.conftest import Browser
from tests.databases import PASSWORD, TEST_CONFIG

CSRF_MESSAGE = "jeton de sécurité"


@pytest.fixture
def counts(app):
    """Row counts read in their own app context: a test-wide context (the ``session`` fixture) would be
    shared by every request of the test client, with its ``g`` (database session, Flask-Login's user)."""

    def _counts() -> tuple[int, ...]:
        with app.app_context():
            session = get_session()
            return tuple(session.scalar(select(func.count(m.id))) for m in (User, Organisation, Membership, Invitation))

    return _counts


def _signed_in_as(browser) -> str | None:
    """The name shown in the header of the dashboard, or None when the dashboard is refused."""
    response = browser.get("/tableau-de-bord")
    if response.status_code != 200:
        return None
    return re.search(r'<div class="account">\s*<a href="/compte">([^<]*)</a>', response.get_data(as_text=True)).group(1)


def test_headers_on_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_headers_also_on_error_pages(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags_after_login(browser, make_user):
    user = make_user()
    response = browser.login(user.email)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax"} <= flags


# --- CSRF ---------------------------------------------------------------------------------------------
@pytest.fixture
def forms(app, browser, make_user):
    """A signed-in admin and, for each POST form, its URL and valid data (lacking only the CSRF token)."""
    admin = make_user("admin.csrf@exemple.fr")
    organisation_id = admin.memberships[0].organisation_id
    browser.login(admin.email)
    browser.submit(f"/organisations/{organisation_id}", {"email": "invite.csrf@exemple.fr", "role": "member"})
    token = re.search(r"/invitation/([\w-]+)", app.extensions["mailer"].outbox[-1].body).group(1)
    new_password = {"password": PASSWORD, "password_confirm": PASSWORD}
    return {
        "/inscription": {
            **new_password,
            **{"organisation_name": "Org", "kind": "pme", "full_name": "Eve", "email": "eve@exemple.fr"},
        },
        "/connexion": {"email": admin.email, "password": PASSWORD},
        "/deconnexion": {},
        f"/organisations/{organisation_id}": {"email": "autre.csrf@exemple.fr", "role": "admin"},
        f"/invitation/{token}": {"full_name": "Invité", **new_password},
    }


FORMS = ["inscription", "connexion", "deconnexion", "organisation", "invitation"]


def _form(forms: dict, name: str) -> tuple[str, dict]:
    return next((url, data) for url, data in forms.items() if url.split("/")[1].startswith(name))


@pytest.mark.parametrize("form", FORMS)
def test_csrf_valid_token_accepted(browser, forms, counts, form):
    """Control for the refusals below: with a valid token the very same data is accepted."""
    url, data = _form(forms, form)
    before = counts()
    assert browser.submit(url, data, page_url="/").status_code == 302
    if form in ("inscription", "organisation", "invitation"):
        assert counts() != before
    if form == "deconnexion":
        assert _signed_in_as(browser) is None


@pytest.mark.parametrize("token", [None, "forged", "other-session"])
@pytest.mark.parametrize("form", FORMS)
def test_csrf_refuses_post_without_valid_token(app, browser, forms, counts, form, token):
    url, data = _form(forms, form)
    if token == "forged":
        data = {**data, "csrf_token": "ImZvcmdlZCI.ZxYz12.c2lnbmF0dXJlLWZvcmfDqWU"}
    elif token == "other-session":
        data = {**data, "csrf_token": Browser(app.test_client()).token("/connexion")}
    before = counts()
    response = browser.client.post(url, data=data)
    assert response.status_code == 400
    assert CSRF_MESSAGE in response.get_data(as_text=True)
    assert counts() == before
    assert _signed_in_as(browser) == "Camille Martin"  # neither logged out nor switched to another account


# --- Login flood ----------------------------------------------------------------------------------------
def _fail_login(browser, email: str, times: int) -> None:
    for _ in range(times):
        assert browser.login(email, "mauvais-mot-de-passe").status_code == 422


def test_login_rate_limit_default(app):
    assert app.config["LOGIN_RATE_LIMIT"] == "10 per minute"


def test_login_rate_limit_blocks_eleventh_attempt_even_with_right_password(browser, make_user):
    user = make_user()
    _fail_login(browser, user.email, 10)
    response = browser.login(user.email)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Trop de tentatives" in page
    assert "Patientez une minute" in page
    assert int(response.headers["Retry-After"]) > 0
    assert _signed_in_as(browser) is None


def test_login_rate_limit_json_error_body(browser, make_user):
    user = make_user()
    _fail_login(browser, user.email, 10)
    token = browser.token("/connexion")
    response = browser.client.post(
        "/connexion",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 429
    assert response.is_json
    assert response.get_json()["error"] == "Trop de tentatives"


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_login_rate_limit_is_shared_by_processes_through_redis(tmp_path):
    """Several gunicorn processes count the same attempts when the limiter stores them in Redis: ten failures
    served by one app, the eleventh refused by another (with ``memory://`` each process counts its own)."""
    config = {
        **TEST_CONFIG,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'limiter.db'}",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(8)}",
    }
    schema.upgrade(create_app(config).extensions["db_engine"])
    _fail_login(Browser(create_app(config).test_client()), "personne@exemple.fr", 10)
    assert Browser(create_app(config).test_client()).login("personne@exemple.fr").status_code == 429


def test_login_rate_limit_counts_per_account(browser, make_user):
    target, other = make_user(), make_user()
    _fail_login(browser, target.email, 10)
    assert browser.login(other.email).status_code == 302


def test_login_rate_limit_ignores_successful_logins(browser, make_user):
    user = make_user()
    for _ in range(12):
        assert browser.login(user.email).status_code == 302


# --- Error pages ----------------------------------------------------------------------------------------
def test_not_found_page_in_french(client):
    response = client.get("/page-qui-n-existe-pas")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page introuvable" in page
    assert "Cette page n&#39;existe pas" in page or "Cette page n'existe pas" in page
    assert '<html lang="fr">' in page


def test_not_found_json_body(client):
    response = client.get("/page-qui-n-existe-pas", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": "Page introuvable", "message": "Cette page n'existe pas ou a été déplacée."}


def test_unexpected_exception_renders_french_500_without_traceback(app, client):
    def explode():
        raise RuntimeError("secret-internal-detail")

    app.add_url_rule("/boum", "boum", explode)
    response = client.get("/boum")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Erreur interne" in page
    assert "Une erreur inattendue s&#39;est produite" in page or "Une erreur inattendue s'est produite" in page
    assert "Traceback" not in page
    assert "secret-internal-detail" not in page
    assert "RuntimeError" not in page


# --- Configuration --------------------------------------------------------------------------------------
@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """No secret from the environment, no debug, and an empty instance folder (no key file of a local run)."""
    for name in ("GROUPEMENT_SECRET_KEY", "GROUPEMENT_TESTING", "GROUPEMENT_DEBUG", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("app.ROOT", tmp_path)


def test_config_refuses_development_secret_outside_testing(production_env):
    with pytest.raises(InsecureConfigError, match="GROUPEMENT_SECRET_KEY"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_a_command_without_a_secret_says_which_setting_to_fix_without_a_traceback(production_env, monkeypatch):
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    with pytest.raises(SystemExit, match="^Groupement ne démarre pas : donnez à GROUPEMENT_SECRET_KEY une valeur"):
        importlib.import_module("wsgi")
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)


def test_config_refuses_empty_secret_outside_testing(production_env):
    with pytest.raises(InsecureConfigError):
        create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": ""})


def test_config_starts_with_real_secret(production_env):
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": secrets.token_hex(32)})
    assert not app.testing
    assert app.config["SESSION_COOKIE_SECURE"] is True
    app.extensions["db_engine"].dispose()


# --- Health check ---------------------------------------------------------------------------------------
def test_healthz_reports_database_and_migration(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migration"]["current"] == body["migration"]["head"] == head_revision()
    assert body["migration"]["up_to_date"] is True


def test_healthz_unreachable_database_gives_503():
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert response.get_json()["status"] == "error"
    app.extensions["db_engine"].dispose()


# --- Injection ------------------------------------------------------------------------------------------
WRONG = "Adresse e-mail ou mot de passe incorrect."
INVALID = "Saisissez une adresse e-mail valide"


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("' OR 1=1 --", "x", INVALID),
        ("camille@exemple.fr' OR '1'='1", PASSWORD, INVALID),
        ("x'or'1'='1@exemple.fr", PASSWORD, WRONG),
        ("camille'--@exemple.fr", PASSWORD, WRONG),
        ("camille@exemple.fr", "' OR '1'='1' --", WRONG),
    ],
)
def test_login_sql_metacharacters_are_harmless(browser, make_user, counts, email, password, message):
    make_user("camille@exemple.fr")
    before = counts()
    response = browser.login(email, password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert _signed_in_as(browser) is None
    assert counts() == before
    assert browser.login("camille@exemple.fr").status_code == 302
