"""Who speaks for a company: a claim of a register SIRET gives no power until it is verified, by a link sent to
the register's contact address (through a real SMTP server) or by the operator, who also decides contested
claims and withdraws verified ones. The register's data is never erased by a claim."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind, User
from app.companies.models import ClaimStatus, Company, CompanyClaim
from app.companies.records import CompanyRecord
from app.companies.register import write_companies
from app.consortium.models import Groupement, GroupementMember
from app.permissions import may
from tests.conftest import Browser
from tests.consortium_data import build_world, siret
from tests.mail_server import BASE_URL
from tests.test_consortium_journey import post, start

SIRET = siret(41)
CONTACT = "gerant@charpentes-pertuis.fr"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def entry(session) -> int:
    """A register company nobody speaks for, with what the register knows about it."""
    record = CompanyRecord(
        siret=SIRET,
        legal_name="CHARPENTES DE PERTUIS",
        commune_insee="84089",
        naf_code="43.91A",
        legal_form="5499",
        address="3 chemin des Charpentiers",
        postcode="84120",
        contact_name="Paul Roux",
        contact_email=CONTACT,
        declared_cpv=("45261000",),
    )
    write_companies(session, [record], source="sirene")
    session.commit()
    return session.scalar(select(Company.id).where(Company.siret == SIRET))


@pytest.fixture
def claimer(make_user, browser) -> User:
    user = make_user("patron@charpentes.fr", organisation_name="Charpentes de Pertuis")
    browser.login(user.email)
    return user


def reload(session, model, ident):
    session.expire_all()
    return session.get(model, ident)


def claim_of(session, organisation_id: int) -> CompanyClaim:
    session.expire_all()
    return session.scalar(select(CompanyClaim).where(CompanyClaim.organisation_id == organisation_id))


def ask(browser, siret_: str = SIRET, evidence: str = "Je suis le gérant."):
    return browser.submit("/entreprises/rattacher", {"siret": siret_, "evidence": evidence})


def test_a_pending_claim_gives_no_power_and_leaves_the_register_entry_as_it_was(claimer, browser, session, entry):
    response = ask(browser, siret_=SIRET[:3] + " " + SIRET[3:])
    assert response.status_code == 302 and response.headers["Location"].startswith("/rattachements/")
    company = reload(session, Company, entry)
    assert company.organisation_id is None
    claim = claim_of(session, claimer.memberships[0].organisation_id)
    assert claim.status is ClaimStatus.PENDING and claim.evidence == "Je suis le gérant."
    assert (company.legal_name, company.naf_code, company.legal_form, company.address, company.contact_email) == (
        "CHARPENTES DE PERTUIS",
        "43.91A",
        "5499",
        "3 chemin des Charpentiers",
        CONTACT,
    )
    assert browser.get(f"/entreprises/{entry}/modifier").status_code == 403
    dashboard = text(browser.get("/tableau-de-bord"))
    assert "Demandes de rattachement en attente" in dashboard and "CHARPENTES DE PERTUIS" in dashboard
    page = text(browser.get(response.headers["Location"]))
    assert "en attente de vérification" in page and "g•••@charpentes-pertuis.fr" in page
    assert CONTACT not in page  # the claimer recognises the address, does not learn it
    user = session.get(User, claimer.id)
    assert not may(user, "answer_invitation", GroupementMember(company=company))


def test_verification_link_sent_by_smtp_to_the_register_contact_then_the_company_speaks(
    claimer, browser, session, entry, smtp
):
    claim_page = ask(browser).headers["Location"]
    sent = browser.submit(f"{claim_page}/lien", {}, page_url=claim_page)
    assert sent.status_code == 302
    (message,) = smtp.to(CONTACT)
    assert "Charpentes de Pertuis" in message["Subject"]
    link = smtp.link(message, "/rattachements/verification/")
    assert BASE_URL in smtp.html(message)
    assert reload(session, Company, entry).organisation_id is None  # the mail alone proves nothing yet
    assert "Je confirme représenter cette entreprise" in text(browser.get(link))
    confirmed = browser.submit(link, {})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == f"/entreprises/{entry}/modifier"
    assert reload(session, Company, entry).organisation_id == claimer.memberships[0].organisation_id
    claim = claim_of(session, claimer.memberships[0].organisation_id)
    assert (claim.status, claim.method) == (ClaimStatus.VERIFIED, "email")
    assert [e.action for e in claim.events] == ["demandé", "lien envoyé", "vérifié"]
    assert browser.get(f"/entreprises/{entry}/modifier").status_code == 200
    reused = browser.get(link, follow_redirects=True)
    assert "n'est pas valide, a déjà servi ou a expiré" in text(reused)


def test_the_link_only_works_for_the_claiming_organisation(claimer, browser, session, entry, smtp, app, make_user):
    claim_page = ask(browser).headers["Location"]
    browser.submit(f"{claim_page}/lien", {}, page_url=claim_page)
    link = smtp.link(smtp.to(CONTACT)[0], "/rattachements/verification/")
    other = Browser(app.test_client())
    other.login(make_user("autre@pme.fr", organisation_name="Autre PME").email)
    assert other.get(link).status_code == 403
    assert other.client.post(link, data={"csrf_token": other.token("/tableau-de-bord")}).status_code == 403
    assert reload(session, Company, entry).organisation_id is None


def test_an_unreachable_mail_server_is_reported_and_the_claim_still_holds(claimer, browser, session, entry, app):
    from app.accounts import mail
    from tests.mail_server import free_port

    app.config.update(MAIL_URL=f"smtp://127.0.0.1:{free_port()}", MAIL_TIMEOUT_S=2.0)
    mail.init_app(app)
    claim_page = ask(browser).headers["Location"]
    response = browser.submit(f"{claim_page}/lien", {}, page_url=claim_page, follow_redirects=True)
    assert response.status_code == 200 and "n'a pas pu être envoyé" in text(response)
    claim = claim_of(session, claimer.memberships[0].organisation_id)
    assert claim.code_hash is not None and claim.status is ClaimStatus.PENDING


def test_pending_claims_are_limited_per_organisation(claimer, browser, session):
    records = [
        CompanyRecord(siret=siret(50 + n), legal_name=f"Entreprise {n}", commune_insee="13055") for n in range(4)
    ]
    write_companies(session, records, source="sirene")
    session.commit()
    for n in range(3):
        assert ask(browser, siret(50 + n)).status_code == 302
    assert ask(browser, siret(50)).status_code == 302  # the same claim again: the pending one, not a new one
    refused = ask(browser, siret(53))
    assert refused.status_code == 422 and "3 demandes de rattachement en attente" in text(refused)
    assert session.scalar(select(func.count(CompanyClaim.id))) == 3


def test_a_siret_absent_from_the_register_leads_to_the_profile_form(claimer, browser, session):
    response = ask(browser, siret(60))
    assert response.status_code == 302 and response.headers["Location"] == f"/entreprises/nouvelle?siret={siret(60)}"
    assert f'value="{siret(60)}"' in text(browser.get(response.headers["Location"]))
    assert session.scalar(select(func.count(CompanyClaim.id))) == 0


@pytest.fixture
def owned(claimer, session, entry) -> int:
    """The company, verified as the claimer's."""
    session.get(Company, entry).organisation_id = claimer.memberships[0].organisation_id
    session.commit()
    return entry


@pytest.fixture
def operator(app, make_user) -> Browser:
    browser = Browser(app.test_client())
    browser.login(make_user("cci@cci.fr", kind=OrganisationKind.OPERATOR, organisation_name="CCI").email)
    return browser


def test_a_contested_claim_goes_to_the_operator_who_rejects_it_with_a_reason(
    app, owned, make_user, session, operator, smtp
):
    rival = Browser(app.test_client())
    rival_user = make_user("squatteur@rival.fr", organisation_name="Rival")
    rival.login(rival_user.email)
    claim_page = ask(rival, evidence="C'est nous.").headers["Location"]
    page = text(rival.get(claim_page))
    assert "contestation" in page and "Envoyer le lien" not in page
    forced = rival.submit(f"{claim_page}/lien", {}, page_url=claim_page, follow_redirects=True)
    assert "seule la CCI peut décider" in text(forced) and smtp.messages == []
    claim = claim_of(session, rival_user.memberships[0].organisation_id)
    queue = text(operator.get("/operateur/rattachements"))
    assert "Contestation" in queue and "C'est nous." in queue and "squatteur@rival.fr" in queue
    url = f"/operateur/rattachements/{claim.id}/decision"
    no_reason = operator.submit(url, {"decision": "reject", "reason": ""}, page_url="/operateur/rattachements")
    assert no_reason.status_code == 302 and claim_of(session, claim.organisation_id).status is ClaimStatus.PENDING
    decided = operator.submit(
        url, {"decision": "reject", "reason": "Aucun lien avec l'entreprise."}, page_url="/operateur/rattachements"
    )
    assert decided.status_code == 302
    claim = claim_of(session, rival_user.memberships[0].organisation_id)
    assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "Aucun lien avec l'entreprise.")
    assert [e.action for e in claim.events] == ["demandé", "refusé"]
    assert reload(session, Company, owned).organisation_id != rival_user.memberships[0].organisation_id
    (told,) = smtp.to("squatteur@rival.fr")
    assert "refusé" in told["Subject"] and "Aucun lien avec l'entreprise." in smtp.text(told)


def test_the_operator_approves_a_contest_and_the_company_changes_organisation(
    app, owned, claimer, make_user, session, operator
):
    rival = Browser(app.test_client())
    rival_user = make_user("vrai@charpentes.fr", organisation_name="Vraie direction")
    rival.login(rival_user.email)
    ask(rival)
    claim = claim_of(session, rival_user.memberships[0].organisation_id)
    operator.submit(
        f"/operateur/rattachements/{claim.id}/decision",
        {"decision": "approve", "reason": "Kbis vérifié."},
        page_url="/operateur/rattachements",
    )
    assert reload(session, Company, owned).organisation_id == rival_user.memberships[0].organisation_id
    assert claim_of(session, rival_user.memberships[0].organisation_id).status is ClaimStatus.VERIFIED


def test_the_operator_withdraws_a_verified_claim_with_a_reason(owned, claimer, browser, session, operator):
    url = f"/operateur/entreprises/{owned}/retrait"
    operator.submit(url, {"reason": ""}, page_url="/operateur/rattachements")
    assert reload(session, Company, owned).organisation_id is not None
    operator.submit(url, {"reason": "Usurpation signalée par le gérant."}, page_url="/operateur/rattachements")
    assert reload(session, Company, owned).organisation_id is None
    trail = claim_of(session, claimer.memberships[0].organisation_id)
    assert (trail.status, trail.reason) == (ClaimStatus.WITHDRAWN, "Usurpation signalée par le gérant.")
    assert browser.get(f"/entreprises/{owned}/modifier").status_code == 403


def test_sirene_reimport_never_overwrites_a_verified_company_but_updates_a_pending_one(
    claimer, browser, session, entry
):
    ask(browser)  # pending: the register stays the register's
    write_companies(
        session, [CompanyRecord(siret=SIRET, legal_name="CHARPENTES ROUX", commune_insee="84089")], source="sirene"
    )
    session.commit()
    assert reload(session, Company, entry).legal_name == "CHARPENTES ROUX"
    session.get(Company, entry).organisation_id = claimer.memberships[0].organisation_id
    session.get(Company, entry).legal_name = "Charpentes Roux & Fils"
    session.commit()
    write_companies(
        session, [CompanyRecord(siret=SIRET, legal_name="CHARPENTES X", commune_insee="84089")], source="sirene"
    )
    session.commit()
    assert reload(session, Company, entry).legal_name == "Charpentes Roux & Fils"


def test_buyers_and_operators_cannot_claim(app, make_user, entry):
    for kind in (OrganisationKind.PUBLIC_BUYER, OrganisationKind.OPERATOR):
        browser = Browser(app.test_client())
        browser.login(make_user(f"{kind.value}@exemple.fr", kind=kind, organisation_name=kind.label).email)
        assert browser.get("/entreprises/rattacher").status_code == 403


def test_a_withdrawn_organisation_cannot_win_the_company_back_through_an_address_it_wrote(
    owned, claimer, browser, session, operator, smtp
):
    """The verification link goes to the register's address, never to the one the company's organisation edited."""
    session.get(Company, owned).contact_email = "moi@squat.fr"  # what the organisation wrote on the profile
    session.commit()
    operator.submit(f"/operateur/entreprises/{owned}/retrait", {"reason": "Usurpation."}, page_url="/tableau-de-bord")
    claim_page = ask(browser).headers["Location"]
    assert "g•••@charpentes-pertuis.fr" in text(browser.get(claim_page))
    browser.submit(f"{claim_page}/lien", {}, page_url=claim_page)
    assert smtp.to("moi@squat.fr") == [] and len(smtp.to(CONTACT)) == 1


def test_one_verification_link_per_ten_minutes(claimer, browser, session, entry, smtp):
    claim_page = ask(browser).headers["Location"]
    browser.submit(f"{claim_page}/lien", {}, page_url=claim_page)
    again = browser.submit(f"{claim_page}/lien", {}, page_url=claim_page, follow_redirects=True)
    assert "attendez quelques minutes" in text(again)
    assert len(smtp.to(CONTACT)) == 1


def test_a_withdrawn_link_takes_the_groupement_and_the_answers_with_it(app, browser, session, make_user, operator):
    """After the operator withdraws a link, the organisation can no longer move a groupement forward in the
    company's name, and the answers it gave for the company no longer count."""
    world = build_world(session, make_user)
    groupement = start(browser, world)
    post(browser, groupement, "inviter")
    for who, n in (("plumber", 2), ("roofer", 3)):
        partner = Browser(app.test_client())
        partner.login(world.users[who].email)
        member = session.scalar(
            select(GroupementMember).where(
                GroupementMember.groupement_id == groupement, GroupementMember.company_id == world.companies[n]
            )
        )
        partner.submit(f"/groupements/{groupement}/membres/{member.id}/accepter", {}, page_url="/tableau-de-bord")
    withdraw = f"/operateur/entreprises/{world.companies[2]}/retrait"
    operator.submit(withdraw, {"reason": "Le plombier n'était pas représenté."}, page_url="/tableau-de-bord")
    refused = post(browser, groupement, "confirmer")
    page = text(browser.get(refused.headers["Location"]))
    assert (
        "Ces entreprises ont répondu par une organisation qui ne les représente plus : Plomberie de la Joliette" in page
    )
    assert session.get(Groupement, groupement).status.value != "constitue"
    operator.submit(
        f"/operateur/entreprises/{world.companies[1]}/retrait", {"reason": "Contrôle."}, page_url="/tableau-de-bord"
    )
    page = text(browser.get(post(browser, groupement, "inviter").headers["Location"]))
    assert "Électricité du Vieux-Port n'est plus rattachée à votre organisation" in page


def test_a_decision_must_be_chosen(claimer, browser, session, entry, operator):
    ask(browser)
    claim = claim_of(session, claimer.memberships[0].organisation_id)
    queue = text(operator.get("/operateur/rattachements"))
    assert '<option value="" selected>— choisir —</option>' in queue
    response = operator.submit(
        f"/operateur/rattachements/{claim.id}/decision",
        {"decision": "", "reason": ""},
        follow_redirects=True,
        page_url="/operateur/rattachements",
    )
    assert "Choisissez « Approuver » ou « Refuser »" in text(response)
    assert claim_of(session, claim.organisation_id).status is ClaimStatus.PENDING
