"""Who may do what: the full matrix of ``app.permissions.may`` and the views that rely on it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from app.companies.models import Company
from app.permissions import RULES, may
from app.tenders.models import Tender
from tests.databases import PASSWORD

ACTORS = ("anonymous", "outsider", "member", "admin", "operator")

# Expected answer of may(actor, action, target), one row per action in RULES. The target is the admin's
# organisation (a PME), or its company for the actions in COMPANY_ACTIONS.
COMPANY_ACTIONS = {"view_company", "edit_company"}
TENDER_ACTIONS = {"edit_tender"}  # the target is a tender the admin's organisation imported
MATRIX = {
    #                    anonymous outsider member admin  operator
    "view_home":         (True,    True,    True,  True,  True),
    "view_dashboard":    (False,   True,    True,  True,  True),
    "browse_directory":  (False,   True,    True,  True,  True),
    "view_organisation": (False,   False,   True,  True,  True),
    "manage_members":    (False,   False,   False, True,  False),
    "view_statistics":   (False,   False,   False, False, True),
    "view_company":      (False,   True,    True,  True,  True),
    "edit_company":      (False,   False,   True,  True,  False),
    "create_company":    (False,   False,   True,  True,  False),
    "claim_company":     (False,   False,   True,  True,  False),
    "review_claims":     (False,   False,   False, False, True),
    "import_awards":     (False,   False,   False, False, True),
    "view_impact":       (False,   False,   False, False, True),
    "view_buyer":        (False,   True,    True,  True,  True),
    "sign_pledge":       (False,   False,   False, True,  False),
    "manage_account":    (False,   True,    True,  True,  True),
    "import_tender":     (False,   True,    True,  True,  True),
    "edit_tender":       (False,   False,   True,  True,  True),
}  # fmt: skip

CASES = [
    pytest.param(action, actor, allowed, id=f"{action}-{actor}")
    for action, row in MATRIX.items()
    for actor, allowed in zip(ACTORS, row, strict=True)
]


@pytest.fixture
def cast(make_user, session):
    """The target organisation and one actor of each kind, loaded in the test session."""
    admin = make_user("admin@pme.fr", organisation_name="Menuiserie Estaque")
    outsider = make_user("outsider@autre.fr", organisation_name="Autre PME")
    operator = make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI Aix-Marseille")
    member = make_user("member@pme.fr", organisation_name="Petite structure du membre")
    target = session.get(User, admin.id).memberships[0].organisation
    session.add(Membership(user=session.get(User, member.id), organisation=target, role=Role.MEMBER))
    session.add(
        Company(
            siret="73282932000074",
            siren="732829320",
            legal_name="Menuiserie Estaque",
            commune_insee="13055",
            source="profile",
            organisation=target,
        )
    )
    session.add(
        Tender(
            format="eforms",
            notice_id="n-1",
            subtype="16",
            title="Travaux",
            buyer_name="Ville",
            source_name="n.xml",
            xml_sha256="0" * 64,
            xml=b"<x/>",
            organisation=target,
        )
    )
    session.commit()
    users = {"outsider": outsider, "member": member, "admin": admin, "operator": operator}
    return target, {"anonymous": AnonymousUserMixin()} | {name: session.get(User, u.id) for name, u in users.items()}


# Rules on tenders' visibility, groupements and invitations are checked route by route, with the objects they
# guard, in test_consultations.py, test_capacity.py, test_consortium_permissions.py and test_bid_pack.py.
ROUTE_TESTED = {
    "manage_purchases",  # a large group's: the route matrix, whose owner is one
    "view_tender",
    "create_consultation",
    "view_capacity",
    "start_groupement",
    "view_groupement",
    "edit_groupement",
    "answer_invitation",
    "view_documents",
    "view_claim",  # tests/test_company_claims.py and the route matrix
    "view_workspace",  # tests/test_workspace.py and the route matrix
    "provide_piece",  # tests/test_workspace_uploads.py and the route matrix
}


def test_matrix_covers_every_rule():
    assert set(MATRIX) | ROUTE_TESTED == set(RULES)
    assert not set(MATRIX) & ROUTE_TESTED


@pytest.mark.parametrize(("action", "actor", "allowed"), CASES)
def test_may_matrix(cast, session, action, actor, allowed):
    target, people = cast
    if action in COMPANY_ACTIONS:
        target = session.scalar(select(Company).where(Company.organisation_id == target.id))
    if action in TENDER_ACTIONS:
        target = session.scalar(select(Tender).where(Tender.organisation_id == target.id))
    assert may(people[actor], action, target) is allowed


def test_may_member_role_is_member_not_admin(cast):
    target, people = cast
    assert people["member"].membership_in(target.id).role is Role.MEMBER
    assert people["admin"].membership_in(target.id).role is Role.ADMIN
    assert people["operator"].membership_in(target.id) is None


def test_may_admin_rights_stop_at_own_organisation(cast, session):
    target, people = cast
    other = session.scalar(select(Organisation).where(Organisation.name == "Autre PME"))
    assert may(people["admin"], "manage_members", target)
    assert not may(people["admin"], "manage_members", other)
    assert not may(people["admin"], "view_organisation", other)
    assert may(people["outsider"], "manage_members", other)


@pytest.mark.parametrize("actor", ACTORS)
def test_may_unknown_action_raises_value_error(cast, actor):
    target, people = cast
    with pytest.raises(ValueError, match="delete_everything"):
        may(people[actor], "delete_everything", target)


@pytest.mark.parametrize("path", ["/tableau-de-bord", "/appels-d-offres", "/entreprises", "/groupements"])
def test_views_redirect_anonymous_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/connexion"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize("path", ["/tableau-de-bord", "/appels-d-offres", "/entreprises", "/groupements"])
def test_views_open_to_signed_in_user(browser, make_user, path):
    user = make_user()
    browser.login(user.email)
    assert browser.get(path).status_code == 200


def test_home_open_to_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Répondez ensemble aux marchés publics" in response.get_data(as_text=True)


def test_dashboard_statistics_shown_to_operator_only(browser, make_user, app):
    make_user(kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
    sme = make_user(organisation_name="Plomberie Joliette")
    operator = make_user(kind=OrganisationKind.OPERATOR, organisation_name="CCI Métropole")

    browser.login(sme.email)
    page = browser.get("/tableau-de-bord").get_data(as_text=True)
    assert "Plomberie Joliette" in page
    assert "Organisations inscrites" not in page
    browser.logout()

    browser.login(operator.email)
    response = browser.get("/tableau-de-bord")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Organisations inscrites" in page
    for label, count in [("PME / TPE", 1), ("Acheteur public", 1), ("Opérateur (CCI)", 1), ("Grand groupe", 0)]:
        assert f"<tr><td>{label}</td><td>{count}</td></tr>" in page


def test_organisation_page_open_to_operator(browser, make_user):
    sme = make_user(organisation_name="Carrelage Panier")
    operator = make_user(kind=OrganisationKind.OPERATOR, organisation_name="CCI Métropole")
    browser.login(operator.email)
    page = browser.get(f"/organisations/{sme.memberships[0].organisation_id}")
    assert page.status_code == 200
    assert "Carrelage Panier" in page.get_data(as_text=True)
    assert "Inviter un collègue" not in page.get_data(as_text=True)


def test_register_cannot_self_grant_operator_rights(browser, make_user):
    """Operators (CCI) see every organisation and its members' e-mails: the public sign-up form must not
    hand that right to whoever picks "Opérateur (CCI)"."""
    other = make_user("patron@pme.fr", organisation_name="Plâtrerie Noailles")
    form = {"organisation_name": "Fausse CCI", "kind": "operateur", "full_name": "Eve", "email": "eve@exemple.fr"}
    browser.submit("/inscription", {**form, "password": PASSWORD, "password_confirm": PASSWORD})
    response = browser.get(f"/organisations/{other.memberships[0].organisation_id}")
    assert response.status_code != 200
    assert "patron@pme.fr" not in response.get_data(as_text=True)
