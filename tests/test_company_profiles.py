"""Company profiles: creating or claiming one by SIRET, editing (only by the company's organisation),
competences, certifications, references and turnover."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind
from app.companies.models import Company, CompanyReference, CompetenceSource
from app.companies.records import CompanyRecord
from app.companies.register import write_companies

SIRET = "53282932200017"
IDENTITY = {
    "legal_name": "Électricité Provence",
    "naf_code": "4321a",
    "address": "12 rue de la République",
    "postcode": "13002",
    "commune_insee": "13055",
    "headcount": "12",
    "turnover_1": "1500000",
    "open_to_groupements": "y",
}


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def owner(browser, make_user):
    user = make_user("patron@elec.fr", organisation_name="Électricité Provence")
    browser.login(user.email)
    return user


def create(browser, **overrides):
    return browser.submit("/entreprises/nouvelle", {**IDENTITY, "siret": SIRET, **overrides})


def company(session) -> Company:
    session.expire_all()
    return session.scalar(select(Company).where(Company.siret == SIRET))


def test_create_profile_derives_competences_and_size(owner, browser, session):
    response = create(browser)
    assert response.status_code == 302
    created = company(session)
    assert created.organisation_id == owner.memberships[0].organisation_id
    assert created.naf_code == "43.21A"
    assert created.headcount_band == "11"
    assert created.size_category == "small"  # 12 staff, 1.5 M€
    assert "45310000" in {c.cpv_code for c in created.competences if c.source is CompetenceSource.NAF}
    profile = text(browser.get(response.headers["Location"]))
    assert "Profil d'entreprise enregistré." in profile
    assert "Société" not in profile and "Forme juridique" in profile
    assert "SIRET 53282932200017" in text(browser.get("/tableau-de-bord"))


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("5328293220001A", "ne contient que des chiffres"),
        ("5328293220001", "14 chiffres (ici 13)"),
        ("53282932200018", "clé de contrôle incorrecte"),
    ],
)
def test_create_profile_refuses_bad_siret_and_writes_nothing(owner, browser, session, siret, message):
    response = create(browser, siret=siret)
    assert response.status_code == 422
    assert message in text(response)
    assert session.scalar(select(func.count(Company.id))) == 0


def test_create_profile_refuses_a_register_siret_and_leaves_the_entry_as_it_was(owner, browser, session):
    """A register company is claimed (tests/test_company_claims.py), never overwritten by a profile form: the
    form once erased the NAF code, legal form, address and contact of the entry it took over."""
    record = CompanyRecord(
        siret=SIRET, legal_name="ELEC PROVENCE", commune_insee="13001", naf_code="43.21A", legal_form="5710"
    )
    write_companies(session, [record], source="sirene")
    session.commit()
    response = create(browser, legal_name="Autre nom", naf_code="", address="", commune_insee="13055")
    assert response.status_code == 422 and "figure déjà au répertoire" in text(response)
    entry = company(session)
    assert (entry.legal_name, entry.naf_code, entry.legal_form, entry.commune_insee, entry.organisation_id) == (
        "ELEC PROVENCE",
        "43.21A",
        "5710",
        "13001",
        None,
    )
    assert session.scalar(select(func.count(Company.id))) == 1


def test_create_profile_refuses_a_siret_another_organisation_created(owner, browser, make_user, session):
    create(browser)
    browser.logout()
    browser.login(make_user("intrus@autre.fr", organisation_name="Autre").email)
    response = create(browser, legal_name="Usurpation")
    assert response.status_code == 422
    assert "figure déjà au répertoire" in text(response)
    assert company(session).legal_name == "Électricité Provence"


def test_public_buyer_cannot_create_a_company_profile(browser, make_user):
    browser.login(make_user(kind=OrganisationKind.PUBLIC_BUYER).email)
    assert browser.get("/entreprises/nouvelle").status_code == 403


def test_only_members_edit_the_profile(owner, browser, make_user, session):
    create(browser)
    target = company(session)
    browser.logout()
    browser.login(make_user("voisin@autre.fr", organisation_name="Voisin").email)
    assert browser.get(f"/entreprises/{target.id}").status_code == 200  # the public part
    assert browser.get(f"/entreprises/{target.id}/modifier").status_code == 403
    token = browser.token(f"/entreprises/{target.id}")
    forged = browser.client.post(
        f"/entreprises/{target.id}/modifier", data={**IDENTITY, "legal_name": "Piraté", "csrf_token": token}
    )
    assert forged.status_code == 403
    response = browser.client.post(
        f"/entreprises/{target.id}/competences", data={"cpv-cpv_code": "45000000", "cpv-csrf_token": token}
    )
    assert response.status_code == 403
    assert company(session).legal_name == "Électricité Provence"
    assert "1 500 000" not in text(browser.get(f"/entreprises/{target.id}"))  # turnover stays private


def test_edit_profile_updates_identity_and_turnover(owner, browser, session):
    create(browser)
    target = company(session)
    response = browser.submit(
        f"/entreprises/{target.id}/modifier", {**IDENTITY, "headcount": "60", "turnover_1": "12000000"}
    )
    assert response.status_code == 302
    assert company(session).size_category == "medium"
    assert "12\u202f000\u202f000 € HT" in text(browser.get(f"/entreprises/{target.id}"))


def test_competences_certifications_and_references(owner, browser, session):
    create(browser)
    target = company(session)
    edit = f"/entreprises/{target.id}/modifier"
    unknown = browser.submit(
        f"/entreprises/{target.id}/competences", {"cpv-cpv_code": "12345678"}, page_url=edit, follow_redirects=True
    )
    assert "Rien n'a été enregistré : Code CPV inconnu" in text(unknown)
    browser.submit(f"/entreprises/{target.id}/competences", {"cpv-cpv_code": "45300000"}, page_url=edit)
    browser.submit(
        f"/entreprises/{target.id}/certifications",
        {"cert-scheme": "Qualifelec", "cert-code": "E2", "cert-valid_until": "2028-06-30"},
        page_url=edit,
    )
    browser.submit(
        f"/entreprises/{target.id}/references",
        {
            "ref-title": "Éclairage du stade",
            "ref-buyer": "Ville de Marseille",
            "ref-cpv_code": "45400000",
            "ref-amount_eur": "250000",
            "ref-year": "2024",
        },
        page_url=edit,
    )
    updated = company(session)
    sources = {(c.cpv_code, c.source) for c in updated.competences}
    assert ("45300000", CompetenceSource.DECLARED) in sources
    assert ("45400000", CompetenceSource.REFERENCE) in sources
    assert [(c.scheme, c.code) for c in updated.certifications] == [("Qualifelec", "E2")]

    reference = session.scalar(select(CompanyReference))
    browser.submit(f"/entreprises/{target.id}/references/{reference.id}/supprimer", {}, page_url=edit)
    declared = next(c for c in company(session).competences if c.source is CompetenceSource.DECLARED)
    browser.submit(f"/entreprises/{target.id}/competences/{declared.id}/supprimer", {}, page_url=edit)
    remaining = {c.source for c in company(session).competences}
    assert remaining == {CompetenceSource.NAF}
    assert company(session).references == []
