"""Operator organisations (the CCI) are created from the command line, never by public registration."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import func, select

from app.accounts.models import Organisation, OrganisationKind, Role, User
from tests.databases import PASSWORD


def test_public_registration_refuses_operator_kind(browser, session):
    form = {"organisation_name": "Fausse CCI", "kind": "operateur", "full_name": "Eve", "email": "eve@exemple.fr"}
    response = browser.submit("/inscription", {**form, "password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 422
    assert "Type d'organisation inconnu." in unescape(response.get_data(as_text=True))
    assert session.scalar(select(func.count(User.id))) == 0
    assert session.scalar(select(func.count(Organisation.id))) == 0


def test_create_operator_command_invites_its_administrator(runner, browser, session):
    result = runner.invoke(args=["accounts", "create-operator", "--organisation", "CCI AMP", "--email", "Dir@CCI.fr"])
    assert result.exit_code == 0, result.output
    token = re.search(r"http://127\.0\.0\.1:5000/invitation/([\w-]+)", result.output).group(1)
    operator = session.scalar(select(Organisation).where(Organisation.name == "CCI AMP"))
    assert operator.kind is OrganisationKind.OPERATOR
    assert operator.memberships == []

    page = browser.submit(
        f"/invitation/{token}",
        {"full_name": "Directrice CCI", "password": PASSWORD, "password_confirm": PASSWORD},
        follow_redirects=True,
    )
    assert "Organisations inscrites" in unescape(page.get_data(as_text=True))  # operator statistics
    user = session.scalar(select(User).where(User.email == "dir@cci.fr"))
    assert user.membership_in(operator.id).role is Role.ADMIN


def test_create_operator_command_refuses_bad_email_without_writing(runner, session):
    result = runner.invoke(args=["accounts", "create-operator", "--organisation", "CCI", "--email", "pas-une-adresse"])
    assert result.exit_code == 1
    assert result.output.startswith("Erreur : ")
    assert session.scalar(select(func.count(Organisation.id))) == 0
