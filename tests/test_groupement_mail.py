"""The e-mails of a groupement's life, through a real SMTP server: each invited company (the users of its verified
organisation, and its register contact address even without an account, with a link to sign up and claim it and
one to stop these e-mails), each answer to the initiator, the groupement constituted."""

from __future__ import annotations

from html import unescape

import pytest

from app.companies.models import Company
from app.consortium.models import Groupement
from tests.conftest import Browser
from tests.consortium_data import build_world, siret
from tests.test_consortium_journey import post, start

UNCLAIMED_CONTACT = "contact@toitures-allauch.fr"


@pytest.fixture
def world(session, make_user):
    world = build_world(session, make_user)
    roofer = session.get(Company, world.companies[3])
    roofer.organisation_id = None  # nobody speaks for the roofer on the platform yet: only its register contact
    roofer.contact_email = UNCLAIMED_CONTACT
    session.commit()
    return world


def test_invitations_reach_every_company_even_without_an_account(app, browser, world, session, smtp):
    groupement = start(browser, world)
    assert post(browser, groupement, "inviter").status_code == 302
    (plumber,) = smtp.to("contact@plomberie.fr")  # the user of the plumber's organisation
    assert "Rénovation de l'école Saint-Charles" in plumber["Subject"]
    assert f"/groupements/{groupement}" in smtp.link(plumber, "/groupements/")
    (roofer,) = smtp.to(UNCLAIMED_CONTACT)
    link = smtp.link(roofer, "/inscription")
    assert f"siret%3D{siret(3)}" in link or f"siret={siret(3)}" in unescape(link)
    assert "créez un compte puis rattachez-y votre entreprise" in smtp.text(roofer)
    assert smtp.to("chef@elec.fr") == []  # the initiating company accepted at once
    opt_out = smtp.link(roofer, "/entreprises/desinscription/")
    visitor = Browser(app.test_client())
    assert "Ne plus recevoir ces invitations" in visitor.get(opt_out).get_data(as_text=True)
    assert visitor.submit(opt_out, {}).status_code == 302
    session.expire_all()
    assert session.get(Company, world.companies[3]).invitation_mail_opt_out


def test_opted_out_contacts_get_no_invitation(browser, world, session, smtp):
    session.get(Company, world.companies[3]).invitation_mail_opt_out = True
    session.commit()
    groupement = start(browser, world)
    post(browser, groupement, "inviter")
    assert smtp.to(UNCLAIMED_CONTACT) == [] and smtp.to("contact@plomberie.fr")


def test_each_answer_goes_to_the_initiator_and_the_constitution_to_every_member(app, browser, world, session, smtp):
    roofer = session.get(Company, world.companies[3])
    roofer.organisation_id = world.users["roofer"].memberships[0].organisation_id
    session.commit()
    groupement = start(browser, world)
    post(browser, groupement, "inviter")
    smtp.messages.clear()
    for who, n in (("plumber", 2), ("roofer", 3)):
        partner = Browser(app.test_client())
        partner.login(world.users[who].email)
        member = next(m for m in session.get(Groupement, groupement).members if m.company_id == world.companies[n])
        partner.submit(
            f"/groupements/{groupement}/membres/{member.id}/accepter", {}, page_url=f"/groupements/{groupement}"
        )
    answers = smtp.to("chef@elec.fr")
    assert [m["Subject"] for m in answers] == [
        "Plomberie de la Joliette accepte votre invitation",
        "Toitures d'Allauch accepte votre invitation",
    ]
    smtp.messages.clear()
    assert post(browser, groupement, "confirmer").status_code == 302
    told = sorted(m["To"] for m in smtp.messages)
    assert told == ["chef@elec.fr", "contact@plomberie.fr", "contact@toitures.fr"]
    assert all("Groupement constitué" in m["Subject"] for m in smtp.messages)


def test_a_mail_server_down_never_undoes_the_invitations(app, browser, world, session):
    from app.accounts import mail
    from tests.mail_server import free_port

    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{free_port()}", MAIL_TIMEOUT_S=2.0)
    mail.init_app(app)
    groupement = start(browser, world)
    response = post(browser, groupement, "inviter")
    page = unescape(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert "n'a pas pu être envoyé" in page
    session.expire_all()
    assert len(session.get(Groupement, groupement).members) == 3
