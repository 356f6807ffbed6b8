"""Registration, login, logout, password storage, organisation pages and invitations, through the web forms."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest
from sqlalchemy import func, select, update

from app.accounts.models import Invitation, Membership, Organisation, OrganisationKind, Role, User
from app.db import get_session, utcnow
from tests.conftest import Browser
from tests.databases import PASSWORD

WRONG_LOGIN = "Adresse e-mail ou mot de passe incorrect."
INVALID_LINK = "n'est pas valide"
FORM_PASSWORDS = {"password": PASSWORD, "password_confirm": PASSWORD}
FORM = {"organisation_name": "Électricité Belsunce", "kind": "pme", "full_name": "Nora Haddad", **FORM_PASSWORDS}
FORM["email"] = "nora.haddad@exemple.fr"
PW = {"password": PASSWORD}


@pytest.fixture
def db(app):
    """Run ``fn(session)`` in its own app context (a test-wide one would be shared by every request)."""

    def run(fn):
        with app.app_context():
            result = fn(get_session())
            get_session().commit()
            return result

    return run


@pytest.fixture
def counts(db):
    models = (User, Organisation, Membership, Invitation)
    return lambda: db(lambda s: tuple(s.scalar(select(func.count(m.id))) for m in models))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def field_errors(response, field: str) -> str:
    match = re.search(rf'<ul class="errors" id="{field}-erreurs">(.*?)</ul>', text(response), re.S)
    return match.group(1) if match else ""


def signed_in_as(browser) -> str | None:
    response = browser.get("/tableau-de-bord")
    if response.status_code != 200:
        return None
    return re.search(r'<div class="account">\s*<a href="/compte">([^<]*)</a>', text(response)).group(1)


def org_id(user) -> int:
    return user.memberships[0].organisation_id


@pytest.fixture
def admin(browser, make_user) -> int:
    """The administrator admin@pme.fr, signed in on ``browser``; returns the id of their organisation."""
    user = make_user("admin@pme.fr")
    browser.login(user.email)
    return org_id(user)


def invite(browser, organisation: int, email: str, role: str = "member") -> tuple[str, str]:
    """Send an invitation as the signed-in admin; returns the page shown afterwards and the link's token."""
    response = browser.submit(f"/organisations/{organisation}", {"email": email, "role": role}, follow_redirects=True)
    page, token = text(response), re.search(r"Lien à lui transmettre : \S*/invitation/([\w-]+)", text(response))
    return page, token.group(1) if token else ""


def membership(db, email: str, organisation_id: int) -> Role | None:
    query = select(Membership.role).join(User).where(User.email == email)
    return db(lambda s: s.scalar(query.where(Membership.organisation_id == organisation_id)))


# --- Registration ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["pme", "grand_groupe", "acheteur_public"])
def test_register_creates_user_organisation_admin_and_logs_in(browser, db, kind):
    response = browser.submit("/inscription", {**FORM, "kind": kind, "email": "Nora.Haddad@Exemple.FR"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"
    user = db(lambda s: s.scalar(select(User).where(User.email == "nora.haddad@exemple.fr")))
    assert user.full_name == "Nora Haddad"
    organisation = db(lambda s: s.scalar(select(Organisation).where(Organisation.name == "Électricité Belsunce")))
    assert organisation.kind is OrganisationKind(kind)
    assert membership(db, user.email, organisation.id) is Role.ADMIN
    assert signed_in_as(browser) == "Nora Haddad"
    assert "Électricité Belsunce" in text(browser.get("/tableau-de-bord"))


@pytest.mark.parametrize("email", ["nora.haddad@exemple.fr", "NORA.Haddad@Exemple.fr", "  nora.haddad@exemple.fr "])
def test_register_refuses_already_registered_email(browser, make_user, counts, email):
    make_user("nora.haddad@exemple.fr")
    before = counts()
    response = browser.submit("/inscription", {**FORM, "email": email})
    assert response.status_code == 422
    errors = field_errors(response, "email")  # a padded address is refused by the form's e-mail check
    assert "Un compte existe déjà avec cette adresse e-mail." in errors or (email != email.strip() and errors)
    assert counts() == before


BAD_INPUT = [
    ({"password": "Court-1"}, "password", "Le mot de passe doit compter au moins 10 caractères."),
    ({"password": "azertyuiop"}, "password", "Ce mot de passe est trop courant ou trop répétitif"),
    ({"password": "AzertyUiop"}, "password", "Ce mot de passe est trop courant ou trop répétitif"),
    ({"password": "abababababab"}, "password", "Ce mot de passe est trop courant ou trop répétitif"),
    ({"password": "Nora.Haddad-2026!"}, "password", "Le mot de passe ne doit pas contenir votre adresse e-mail."),
    ({"password_confirm": PASSWORD + "x"}, "password_confirm", "Les deux mots de passe ne sont pas identiques."),
    ({"email": "nora.haddad.exemple.fr"}, "email", "Saisissez une adresse e-mail valide"),
    ({"email": ""}, "email", "Ce champ est obligatoire."),
    ({"full_name": "   "}, "full_name", "Ce champ est obligatoire."),
    ({"organisation_name": ""}, "organisation_name", "Ce champ est obligatoire."),
    ({"password": "", "password_confirm": ""}, "password", "Ce champ est obligatoire."),
    ({"password_confirm": ""}, "password_confirm", "Ce champ est obligatoire."),
    ({"kind": "banque"}, "kind", "Type d'organisation inconnu."),
    ({"kind": None}, "kind", "Type d'organisation inconnu."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT, ids=[f"{c}" for c, _f, _m in BAD_INPUT])
def test_register_refuses_bad_input(browser, counts, changes, field, message):
    data = {**FORM, **changes}
    if "password" in changes and "password_confirm" not in changes:
        data["password_confirm"] = changes["password"]
    before = counts()
    response = browser.submit("/inscription", {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 422
    assert message in field_errors(response, field)
    if data["password"]:
        assert data["password"] not in text(response)  # passwords are never sent back
    assert counts() == before
    assert signed_in_as(browser) is None


def test_register_stores_argon2id_hash(browser, db):
    browser.submit("/inscription", FORM)
    stored = db(lambda s: s.scalar(select(User.password_hash).where(User.email == FORM["email"])))
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


# --- Login and logout -----------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["camille@exemple.fr", "Camille@EXEMPLE.fr"])
def test_login_success(browser, make_user, db, typed):
    make_user("camille@exemple.fr")
    response = browser.login(typed)
    assert response.status_code == 302
    assert response.headers["Location"] == "/tableau-de-bord"
    assert signed_in_as(browser) == "Camille Martin"
    assert db(lambda s: s.scalar(select(User.last_login_at).where(User.email == "camille@exemple.fr"))) is not None


@pytest.mark.parametrize(("email", "password"), [("camille@exemple.fr", "Mauvais-2026!"), ("x@exemple.fr", PASSWORD)])
def test_login_failure(browser, make_user, email, password):
    make_user("camille@exemple.fr")
    response = browser.login(email, password)
    assert response.status_code == 422
    assert WRONG_LOGIN in text(response)
    assert signed_in_as(browser) is None


def test_login_refuses_inactive_user(browser, make_user, db):
    make_user("camille@exemple.fr")
    db(lambda s: s.execute(update(User).where(User.email == "camille@exemple.fr").values(active=False)))
    assert WRONG_LOGIN in text(browser.login("camille@exemple.fr"))
    assert signed_in_as(browser) is None


@pytest.mark.parametrize("next_param", ["/entreprises", "/organisations/1?onglet=membres"])
def test_login_next_local_path_followed(browser, make_user, next_param):
    response = browser.submit("/connexion?" + urlencode({"next": next_param}), {"email": make_user().email, **PW})
    assert response.headers["Location"] == next_param


HOSTILE_NEXT = ["//evil.example", "//evil.example/x", "https://evil.example", "javascript:alert(1)", "/\\evil.example"]


@pytest.mark.parametrize("next_param", HOSTILE_NEXT)
def test_login_next_foreign_target_ignored(browser, make_user, next_param):
    response = browser.submit("/connexion?" + urlencode({"next": next_param}), {"email": make_user().email, **PW})
    assert response.status_code == 302
    location = response.headers["Location"]  # resolved as a browser would, it must stay on the site
    assert urlsplit(urljoin("https://groupement.example/connexion", location)).netloc == "groupement.example"
    assert "\\" not in location and "evil.example" not in location.replace("%5Cevil.example", "")


def test_logout_is_post_only(browser, make_user):
    browser.login(make_user().email)
    assert browser.get("/deconnexion").status_code == 405
    assert signed_in_as(browser) == "Camille Martin"
    response = browser.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(browser) is None


# --- Organisation page and invitations ------------------------------------------------------------------
def test_invitation_link_flashed_and_mailed(app, browser, admin, db):
    page, token = invite(browser, admin, "Lea.Colle@Exemple.fr")
    assert token and "Invitation envoyée à" in page
    message = app.extensions["mailer"].outbox[-1]
    assert message.to == "lea.colle@exemple.fr"
    assert f"/invitation/{token}" in message.body
    stored = db(lambda s: s.scalar(select(Invitation.token_hash).where(Invitation.email == "lea.colle@exemple.fr")))
    assert token not in stored  # only the hash is kept
    assert "lea.colle@exemple.fr" in page  # listed among the pending invitations


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ADMIN])
def test_invitation_new_user_joins_with_role(app, browser, admin, db, counts, role):
    _page, token = invite(browser, admin, "lea@exemple.fr", role.value)
    invitee, before = Browser(app.test_client()), counts()
    assert "Rejoindre Maçonnerie du Vieux-Port" in text(invitee.get(f"/invitation/{token}"))
    weak = {"full_name": "Léa Colle", "password": "azertyuiop", "password_confirm": "azertyuiop"}
    refused = invitee.submit(f"/invitation/{token}", weak)
    assert refused.status_code == 422 and "trop courant" in field_errors(refused, "password")
    assert counts() == before  # refused, and the link still works:
    response = invitee.submit(f"/invitation/{token}", {"full_name": "Léa Colle", **FORM_PASSWORDS})
    assert response.status_code == 302
    assert signed_in_as(invitee) == "Léa Colle"
    assert membership(db, "lea@exemple.fr", admin) is role
    assert db(lambda s: s.scalar(select(Invitation.accepted_at))) is not None
    reused = Browser(app.test_client()).get(f"/invitation/{token}", follow_redirects=True)
    assert INVALID_LINK in text(reused)


def test_invitation_expired_refused(app, browser, admin, db, counts):
    _page, token = invite(browser, admin, "lea@exemple.fr")
    db(lambda s: s.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1))))
    invitee, before = Browser(app.test_client()), counts()
    assert INVALID_LINK in text(invitee.get(f"/invitation/{token}", follow_redirects=True))
    invitee.submit(f"/invitation/{token}", {"full_name": "Léa", **FORM_PASSWORDS}, page_url="/connexion")
    assert counts() == before


def test_invitation_reinvite_replaces_pending(app, browser, admin, db):
    _page, first = invite(browser, admin, "lea@exemple.fr")
    _page, second = invite(browser, admin, "LEA@exemple.fr", "admin")
    assert first != second
    pending = db(lambda s: s.scalars(select(Invitation.role).where(Invitation.accepted_at.is_(None))).all())
    assert pending == [Role.ADMIN]
    invitee = Browser(app.test_client())
    assert INVALID_LINK in text(invitee.get(f"/invitation/{first}", follow_redirects=True))
    invitee.submit(f"/invitation/{second}", {"full_name": "Léa", **FORM_PASSWORDS})
    assert membership(db, "lea@exemple.fr", admin) is Role.ADMIN


@pytest.mark.parametrize("email", ["admin@pme.fr", "Admin@PME.fr"])
def test_invitation_of_existing_member_refused(app, browser, admin, counts, email):
    before, sent = counts(), len(app.extensions["mailer"].outbox)
    response = browser.submit(f"/organisations/{admin}", {"email": email, "role": "member"})
    assert response.status_code == 422
    assert "Cette personne est déjà membre de l'organisation." in field_errors(response, "email")
    assert counts() == before
    assert len(app.extensions["mailer"].outbox) == sent


def test_invitation_existing_user_logs_in_then_accepts(app, browser, admin, make_user, db):
    colleague = make_user("lea@exemple.fr", full_name="Léa Colle")
    _page, token = invite(browser, admin, colleague.email, "admin")
    invitee = Browser(app.test_client())
    response = invitee.get(f"/invitation/{token}")
    assert unquote(response.headers["Location"]) == f"/connexion?next=/invitation/{token}"
    assert "Connectez-vous avec l'adresse lea@exemple.fr" in text(invitee.get("/connexion"))
    login = invitee.submit(f"/connexion?next=/invitation/{token}", {"email": colleague.email, "password": PASSWORD})
    assert login.headers["Location"] == f"/invitation/{token}"
    assert "Accepter l'invitation" in text(invitee.get(f"/invitation/{token}"))
    assert membership(db, colleague.email, admin) is None  # opening the link is not accepting
    response = invitee.submit(f"/invitation/{token}", {})
    assert response.headers["Location"] == f"/organisations/{admin}"
    assert membership(db, colleague.email, admin) is Role.ADMIN
    assert INVALID_LINK in text(invitee.get(f"/invitation/{token}", follow_redirects=True))


def test_invitation_cannot_be_accepted_by_other_user(app, browser, admin, make_user, db):
    _colleague, intruder = make_user("lea@exemple.fr"), make_user("eve@ailleurs.fr")
    _page, token = invite(browser, admin, "lea@exemple.fr")
    other = Browser(app.test_client())
    other.login(intruder.email)
    assert other.get(f"/invitation/{token}").headers["Location"].startswith("/connexion")
    response = other.submit(f"/invitation/{token}", {}, page_url="/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")
    assert membership(db, intruder.email, admin) is None
    assert membership(db, "lea@exemple.fr", admin) is None
    assert db(lambda s: s.scalar(select(Invitation.accepted_at))) is None


def test_organisation_member_sees_page_but_cannot_invite(app, browser, admin, counts):
    _page, token = invite(browser, admin, "lea@exemple.fr")
    member = Browser(app.test_client())
    member.submit(f"/invitation/{token}", {"full_name": "Léa Colle", **FORM_PASSWORDS})
    page = member.get(f"/organisations/{admin}")
    assert page.status_code == 200 and "Léa Colle" in text(page) and "Inviter un collègue" not in text(page)
    before = counts()
    response = member.submit(f"/organisations/{admin}", {"email": "x@exemple.fr", "role": "admin"}, page_url="/")
    assert response.status_code == 403 and "Accès refusé" in text(response)
    assert counts() == before


def test_organisation_outsider_forbidden_and_unknown_not_found(app, browser, make_user):
    admin, outsider = make_user("admin@pme.fr"), make_user("eve@ailleurs.fr")
    assert app.test_client().get(f"/organisations/{org_id(admin)}").headers["Location"].startswith("/connexion")
    browser.login(outsider.email)
    response = browser.get(f"/organisations/{org_id(admin)}")
    assert response.status_code == 403 and "admin@pme.fr" not in text(response)
    assert browser.get("/organisations/99999").status_code == 404


def test_journey_register_login_invite_logout(app, browser):
    assert browser.submit("/inscription", FORM).status_code == 302
    assert browser.logout().status_code == 302
    assert browser.login(FORM["email"]).status_code == 302
    dashboard = text(browser.get("/tableau-de-bord"))
    organisation_id = int(re.search(r'href="/organisations/(\d+)"', dashboard).group(1))
    _page, token = invite(browser, organisation_id, "collegue@exemple.fr")
    assert token and f"/invitation/{token}" in app.extensions["mailer"].outbox[-1].body
    browser.logout()
    assert signed_in_as(browser) is None
    assert browser.get(f"/organisations/{organisation_id}").status_code == 302
