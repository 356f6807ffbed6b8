"""Sessions that end, passwords that can be changed and reset, redirects that stay on the site, limits on
guessing and on sign-ups, the client address behind a proxy, and messages whose links and logs cannot be forged."""

from __future__ import annotations

import logging
import re
from html import unescape

import pytest
from sqlalchemy import select

from app import create_app
from app.accounts import mail
from app.accounts.models import User
from tests.conftest import Browser
from tests.databases import PASSWORD, TEST_CONFIG
from tests.mail_server import BASE_URL

NEW = "Sainte-Victoire-au-petit-matin"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def user(make_user):
    return make_user("nora@elec.fr", organisation_name="Électricité Belsunce")


def signed_in(browser: Browser) -> bool:
    return browser.get("/tableau-de-bord").status_code == 200


def cookie(browser: Browser) -> str:
    return browser.client.get_cookie("session").value


def test_a_session_cookie_replayed_after_logout_opens_nothing(app, browser, user):
    browser.login(user.email)
    stolen = cookie(browser)
    browser.logout()
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/tableau-de-bord")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")


def test_logout_ends_the_sessions_of_every_device(app, browser, user):
    other = Browser(app.test_client())
    browser.login(user.email)
    other.login(user.email)
    browser.logout()
    assert not signed_in(other)


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, browser, user, session):
    other = Browser(app.test_client())
    browser.login(user.email)
    other.login(user.email)
    wrong = browser.submit("/compte", {"current_password": "pas-le-bon", "password": NEW, "password_confirm": NEW})
    assert wrong.status_code == 422 and "mot de passe actuel est incorrect" in text(wrong)
    changed = browser.submit("/compte", {"current_password": PASSWORD, "password": NEW, "password_confirm": NEW})
    assert changed.status_code == 302
    assert signed_in(browser) and not signed_in(other)
    browser.logout()
    assert browser.login(user.email).status_code == 422  # the old password no longer works
    assert browser.login(user.email, NEW).status_code == 302


def test_forgotten_password_same_answer_for_any_address_then_a_single_use_link(app, browser, user, smtp, session):
    answers = [  # the pages, but for their CSRF token (signed with the time)
        re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text(response))
        for response in (
            browser.submit("/mot-de-passe-oublie", {"email": email}, follow_redirects=True)
            for email in ("inconnu@nulle-part.fr", user.email)
        )
    ]
    assert answers[0] == answers[1] and "Si un compte existe pour cette adresse" in answers[0]
    unknown, (message,) = smtp.to("inconnu@nulle-part.fr"), smtp.to(user.email)
    assert "aucun compte ne l'utilise" in smtp.text(unknown[0]) and "/mot-de-passe/" not in smtp.text(unknown[0])
    link = smtp.link(message, "/mot-de-passe/")
    other = Browser(app.test_client())
    other.login(user.email)
    assert browser.submit(link, {"password": NEW, "password_confirm": NEW}).status_code == 302
    assert not signed_in(other)  # a reset ends the sessions too
    assert browser.login(user.email, NEW).status_code == 302
    browser.logout()
    used = browser.get(link, follow_redirects=True)
    assert "a déjà servi ou a expiré" in text(used)


def test_a_reset_link_expires_after_its_validity(app, browser, user, smtp):
    browser.submit("/mot-de-passe-oublie", {"email": user.email})
    link = smtp.link(smtp.to(user.email)[0], "/mot-de-passe/")
    app.config["PASSWORD_RESET_VALID_S"] = -1
    assert "a déjà servi ou a expiré" in text(browser.get(link, follow_redirects=True))


def test_a_forged_reset_token_is_refused(browser, user):
    assert "a déjà servi ou a expiré" in text(browser.get("/mot-de-passe/eyJ1IjoxfQ.forged.sig", follow_redirects=True))


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/%09/evil.example", "/tableau-de-bord"),
        ("//evil.example", "/tableau-de-bord"),
        ("/\\evil.example", "/tableau-de-bord"),
        ("/%5Cevil.example", "/tableau-de-bord"),
        ("https://evil.example/", "/tableau-de-bord"),
        ("/%0d%0aSet-Cookie:x=1", "/Set-Cookie:x=1"),
        ("/groupements", "/groupements"),
    ],
)
def test_next_only_redirects_to_a_path_of_this_site(browser, user, target, expected):
    response = browser.client.post(
        f"/connexion?next={target}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": browser.token("/connexion")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Set-Cookie: x" not in str(response.headers)


def test_registration_is_rate_limited_per_address(browser):
    statuses = [
        browser.submit(
            "/inscription",
            {"organisation_name": f"PME {n}", "kind": "pme", "full_name": "Eve", "email": f"eve{n}@pme.fr"}
            | {"password": PASSWORD, "password_confirm": PASSWORD},
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10 or statuses.count(302) == 10
    assert statuses[-1] == 429


def _fail_login(client, email: str, address: str):
    token = Browser(client).token("/connexion")
    return client.post(
        "/connexion",
        data={"email": email, "password": "mauvais", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guessing_one_account_from_many_addresses_is_slowed(app, user):
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = "5 per hour"
    statuses = [_fail_login(app.test_client(), user.email, f"198.51.{n}.1").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]


def test_spraying_many_accounts_from_one_network_is_slowed(app):
    app.config["LOGIN_RANGE_RATE_LIMIT"] = "5 per minute"
    statuses = [_fail_login(app.test_client(), f"cible{n}@pme.fr", f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses == [422] * 5 + [429]


def test_proxy_fix_reads_the_client_address_from_the_trusted_proxy(database_url):
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "PROXY_FIX": 1, "LOGIN_RATE_LIMIT": "2 per minute"})
    client = app.test_client()

    def attempt(forwarded: str) -> int:
        token = Browser(client).token("/connexion")
        data = {"email": "x@pme.fr", "password": "mauvais", "csrf_token": token}
        return client.post("/connexion", data=data, headers={"X-Forwarded-For": forwarded}).status_code

    assert [attempt("192.0.2.10"), attempt("192.0.2.10"), attempt("192.0.2.10")] == [422, 422, 429]
    assert attempt("192.0.2.99") == 422  # another client behind the same proxy is not blocked
    app.extensions["db_engine"].dispose()


def test_a_newline_in_a_full_name_is_refused(browser, session):
    response = browser.submit(
        "/inscription",
        {"organisation_name": "PME", "kind": "pme", "full_name": "Eve\nINFO admin logged in", "email": "eve@pme.fr"}
        | {"password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 422 and "retour à la ligne" in text(response)
    assert session.scalar(select(User).where(User.email == "eve@pme.fr")) is None


def test_links_in_messages_come_from_the_configured_base_url_not_the_host_header(app):
    app.config["BASE_URL"] = BASE_URL
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert mail.site_url("accounts.invitation", token="t") == f"{BASE_URL}/invitation/t"


def test_the_log_mailer_writes_no_token_unless_debug(caplog):
    message = mail.Message(to="a@b.fr", subject="Invitation", body="Lien secret : /invitation/SECRET")
    with caplog.at_level(logging.INFO, logger="app.accounts.mail"):
        mail.LogMailer(debug=False).send(message)
    assert "SECRET" not in caplog.text and "a@b.fr" in caplog.text
    with caplog.at_level(logging.INFO, logger="app.accounts.mail"):
        mail.LogMailer(debug=True).send(message)
    assert "SECRET" in caplog.text


def test_organisation_invitations_go_out_by_smtp_with_text_and_html(app, browser, user, smtp):
    browser.login(user.email)
    organisation = user.memberships[0].organisation_id
    page = browser.submit(f"/organisations/{organisation}", {"email": "lea@elec.fr", "role": "member"})
    assert page.status_code == 302
    (message,) = smtp.to("lea@elec.fr")
    link = smtp.link(message, "/invitation/")
    assert link in smtp.html(message)
    shown = text(browser.get(f"/organisations/{organisation}"))
    assert "Invitation envoyée à lea@elec.fr." in shown and link not in shown  # a real mailer: no token on screen


def test_a_newline_in_a_title_never_reaches_a_mail_header(app):
    with app.test_request_context("/"):
        message = mail.compose("a@b.fr", "password_reset", "Rénovation\nBcc: tous@exemple.fr", link="/x")
    assert message.subject == "Rénovation Bcc: tous@exemple.fr"
