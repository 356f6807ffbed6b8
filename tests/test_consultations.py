"""Tenders entered on the platform: a large group's private consultation, a public buyer's draft and its
publication — and who sees which tender, on the page, in the list and on the requirement routes."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind, User
from app.companies.models import Company
from app.consortium.models import Groupement, GroupementMember
from app.consortium.vocabulary import MemberRole
from app.reference.models import CpvCode
from app.tenders.consultation_forms import parse_amount
from app.tenders.consultations import cpv_problem
from app.tenders.models import LotRequirement, Tender, TenderLot
from app.tenders.search import TenderQuery, search_tenders
from app.visibility import visible_tenders
from tests.conftest import Browser

NEW = "/appels-d-offres/nouveau"
EFORMS = Path(__file__).parent / "fixtures" / "notices" / "eforms_cn_marseille_travaux.xml"
LOT_FIELDS = ("title", "cpv", "value", "duration_months", "min_turnover", "certifications")
LARGE_GROUP, BUYER, SME = OrganisationKind.LARGE_GROUP, OrganisationKind.PUBLIC_BUYER, OrganisationKind.SME


def _form(**overrides: str) -> dict[str, str]:
    """A valid consultation of two lots (Aix-en-Provence), with ``overrides`` applied."""
    data = {
        "title": "Réhabilitation du siège de La Joliette",
        "description": "Travaux tous corps d'état.",
        "buyer_name": "Grand Groupe Provence",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "commune": "13001",
        "max_lots": "2",
        "lots-0-title": "Couverture",
        "lots-0-cpv": "45261000",
        "lots-0-value": "120 000",
        "lots-0-duration_months": "12",
        "lots-0-min_turnover": "150 000",
        "lots-0-certifications": "Qualibat 3111\r\nRGE",
        "lots-1-title": "Études",
        "lots-1-cpv": "71300000",
        "lots-1-value": "120000,50",
    }
    return data | overrides


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count(m.id))) for m in (Tender, TenderLot, LotRequirement))


@pytest.fixture
def sign_in(app, make_user, session):
    """A browser signed in as a new user of a new organisation of ``kind``, and that organisation's id."""

    def _sign_in(kind: OrganisationKind, name: str) -> tuple[Browser, int]:
        user = make_user(kind=kind, organisation_name=name)
        browser = Browser(app.test_client())
        assert browser.login(user.email).status_code == 302
        return browser, session.get(User, user.id).memberships[0].organisation_id

    return _sign_in


def _create(browser: Browser, **overrides: str) -> str:
    response = browser.submit(NEW, _form(**overrides))
    assert response.status_code == 302, unescape(response.get_data(as_text=True))
    return response.headers["Location"]


def _page(browser: Browser, url: str) -> str:
    return unescape(browser.get(url).get_data(as_text=True))


def test_large_group_creates_a_private_consultation_with_its_lots_and_requirements(sign_in, session):
    browser, organisation_id = sign_in(LARGE_GROUP, "Grand Groupe Provence")
    form = _page(browser, NEW)
    assert 'value="Grand Groupe Provence"' in form and "Lot 10" in form  # buyer prefilled, ten lot rows
    assert "Nouvelle consultation" in _page(browser, "/appels-d-offres")
    page = _page(browser, _create(browser))
    assert "Consultation privée créée" in page and "Consultation privée" in page and "Lots (2)" in page
    tender = session.scalar(select(Tender))
    assert (tender.format, tender.subtype, tender.visibility) == ("consultation", "consultation", "private")
    assert tender.notice_id == f"C-{organisation_id}-1" and tender.organisation_id == organisation_id
    assert (tender.xml, tender.xml_sha256) == (b"", hashlib.sha256(b"").hexdigest())
    assert tender.source_name == "formulaire" and tender.max_lots_submitted == 2 and tender.nature == "works"
    assert tender.deadline_date == date.today() + timedelta(days=30) and tender.deadline_utc is not None
    first, second = tender.lots
    assert (first.title, first.main_cpv, first.value_amount, first.min_turnover_eur) == (
        "Couverture",
        "45261000",
        Decimal("120000"),
        Decimal("150000"),
    )
    assert (first.town, first.postcode, first.nuts, first.duration_days) == ("Aix-en-Provence", "13080", "FRL04", 360)
    assert second.value_amount == Decimal("120000.50") and second.duration_days is None
    assert {(r.kind, r.code, r.source) for r in first.requirements} == {
        ("cpv", "45261000", "user"),
        ("certification", "Qualibat 3111", "user"),
        ("certification", "RGE", "user"),
    }
    assert [(r.kind, r.code) for r in second.requirements] == [("cpv", "71300000")]


def test_public_buyer_creates_drafts_numbered_in_turn(sign_in, session):
    browser, organisation_id = sign_in(BUYER, "Ville d'Aubagne")
    page = _page(browser, _create(browser, buyer_name="Ville d'Aubagne"))
    assert "Brouillon créé" in page and "Brouillon" in page and "Publier" in page
    _create(browser, title="Deuxième consultation")
    tenders = session.scalars(select(Tender).order_by(Tender.id)).all()
    assert [t.visibility for t in tenders] == ["draft", "draft"]
    assert [t.notice_id for t in tenders] == [f"C-{organisation_id}-1", f"C-{organisation_id}-2"]
    assert tenders[0].buyer_name == "Ville d'Aubagne"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lots-0-cpv": "4526100"}, "Un code CPV s'écrit avec 8 chiffres."),
        ({"lots-1-cpv": "12345678"}, "Code CPV inconnu : « 12345678 »."),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"lots-1-title": ""}, "Ce champ est obligatoire."),
        ({"lots-0-value": "douze mille"}, "Montant illisible"),
        ({"lots-0-value": "12,345,67"}, "Montant illisible"),
        ({"lots-0-value": "0"}, "supérieur à zéro"),
        ({"lots-0-value": "  "}, "Ce champ est obligatoire."),
        ({"lots-0-min_turnover": "200 000"}, "1,5 fois la valeur estimée du lot"),
        ({"deadline": "2020-01-01"}, "La date limite ne peut pas être passée."),
        ({"commune": ""}, "Choisissez une commune."),
        ({"max_lots": "3"}, "ne compte que 2 lot(s)"),
        ({f"lots-{i}-{f}": "" for i in (0, 1) for f in LOT_FIELDS}, "Décrivez au moins un lot."),
    ],
)
def test_bad_input_shows_the_form_again_in_french_and_stores_nothing(sign_in, session, overrides, message):
    browser, _ = sign_in(LARGE_GROUP, "Grand Groupe Provence")
    response = browser.submit(NEW, _form(**overrides))
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert message in page and "Nouvelle consultation" in page
    assert _counts(session) == (0, 0, 0)


def test_only_large_groups_and_buyers_open_the_form(sign_in, client):
    assert client.get(NEW).status_code == 302  # visitors go to the login page
    browser, _ = sign_in(SME, "Maçonnerie du Vieux-Port")
    assert browser.get(NEW).status_code == 403
    assert browser.submit(NEW, _form(), page_url="/").status_code == 403
    assert "Nouvelle consultation" not in _page(browser, "/appels-d-offres")


def test_a_private_consultation_is_hidden_from_others_until_they_are_invited(sign_in, session):
    owner, owner_org = sign_in(LARGE_GROUP, "Grand Groupe Provence")
    detail = _create(owner)
    tender = session.scalar(select(Tender))
    outsider, outsider_org = sign_in(SME, "Plomberie de l'Estaque")
    assert outsider.get(detail).status_code == 404
    assert tender.title not in _page(outsider, "/appels-d-offres")
    lot = tender.lots[0]
    requirement_url = f"{detail}/lots/{lot.id}/exigences"
    token = outsider.token("/")
    assert outsider.client.post(requirement_url, data={"csrf_token": token}).status_code == 404
    company = Company(
        siret="73282932000074",
        siren="732829320",
        legal_name="Plomberie de l'Estaque",
        commune_insee="13055",
        source="profile",
        organisation_id=outsider_org,
    )
    # A groupement of another organisation on the tender does not open it; the owner's invitation does.
    third, third_org = sign_in(SME, "Tiers")
    stranger = Groupement(tender_id=tender.id, organisation_id=third_org)
    stranger.members.append(GroupementMember(company=company, role=MemberRole.CO_CONTRACTOR))
    session.add(stranger)
    session.commit()
    assert outsider.get(detail).status_code == 404
    invited = Groupement(tender_id=tender.id, organisation_id=owner_org)
    invited.members.append(GroupementMember(company=company, role=MemberRole.CO_CONTRACTOR))
    session.add(invited)
    session.commit()
    assert outsider.get(detail).status_code == 200
    assert tender.title in _page(outsider, "/appels-d-offres") and "Consultation privée" in _page(outsider, detail)
    assert third.get(detail).status_code == 404


def test_list_filter_in_sql_matches_the_rule(sign_in, session):
    owner, owner_org = sign_in(BUYER, "Ville d'Aubagne")
    _create(owner, title="Brouillon de la ville")
    _, other_org = sign_in(SME, "Autre")

    def titles(organisations: tuple[int, ...]) -> list[str]:
        return [
            row.tender.title for row in search_tenders(session, TenderQuery(), visible_tenders(organisations)).items
        ]

    assert titles((owner_org,)) == ["Brouillon de la ville"]
    assert titles((other_org,)) == [] and titles(()) == []


def test_an_imported_notice_stays_visible_to_everyone(runner, sign_in, session):
    assert runner.invoke(args=["tenders", "import", str(EFORMS)]).exit_code == 0
    tender = session.scalar(select(Tender))
    assert tender.visibility == "public"
    for kind, name in ((SME, "PME"), (LARGE_GROUP, "Groupe"), (BUYER, "Ville")):
        browser, _ = sign_in(kind, name)
        assert browser.get(f"/appels-d-offres/{tender.id}").status_code == 200
        assert "1 avis" in _page(browser, "/appels-d-offres?include_closed=y")


def test_the_buyer_publishes_its_draft(sign_in, session):
    buyer, _ = sign_in(BUYER, "Ville d'Aubagne")
    detail = _create(buyer)
    tender = session.scalar(select(Tender))
    other, _ = sign_in(SME, "Maçonnerie du Vieux-Port")
    assert other.get(detail).status_code == 404
    assert other.client.post(f"{detail}/publier", data={"csrf_token": other.token("/")}).status_code == 404
    assert buyer.client.post(f"{detail}/publier").status_code == 400  # no CSRF token
    response = buyer.submit(f"{detail}/publier", {}, page_url=detail)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Tender, tender.id).visibility == "public"
    assert "Appel d'offres publié" in _page(buyer, detail)
    assert other.get(detail).status_code == 200 and tender.title in _page(other, "/appels-d-offres")
    again = buyer.submit(f"{detail}/publier", {}, page_url=detail, follow_redirects=True)
    assert "Seul un brouillon peut être publié." in unescape(again.get_data(as_text=True))


def test_a_private_consultation_cannot_be_published(sign_in, session):
    owner, _ = sign_in(LARGE_GROUP, "Grand Groupe Provence")
    detail = _create(owner)
    assert "Publier" not in _page(owner, detail)
    owner.submit(f"{detail}/publier", {}, page_url=detail)
    session.expire_all()
    assert session.scalar(select(Tender.visibility)) == "private"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120 000", Decimal("120000")),
        ("120000,50", Decimal("120000.50")),
        ("1\u202f250\u00a0000 €", Decimal("1250000")),
        ("1.250.000,00 € HT", Decimal("1250000.00")),
        ("120.000", Decimal("120000")),
        ("99.5", Decimal("99.5")),
        ("1,250,000.75", Decimal("1250000.75")),
        ("  ", None),
    ],
)
def test_amounts_are_read_the_french_way(text, amount):
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["douze", "1,2,3", "12,345", "-5", "1e6", "120 000,505"])
def test_unreadable_amounts_are_refused(text):
    with pytest.raises(ValueError, match="Montant illisible"):
        parse_amount(text)


def test_a_cpv_code_must_exist_when_the_table_holds_its_division_in_full(session):
    # The built-in table holds divisions and groups only: any code of a known division is accepted.
    assert cpv_problem(session, "45261999") is None
    assert cpv_problem(session, "12345678") == "Code CPV inconnu : « 12345678 »."
    session.add(CpvCode(code="45261000", label_fr="Travaux de charpente et de couverture"))
    session.flush()
    assert cpv_problem(session, "45261000") is None
    assert cpv_problem(session, "45261999") == "Code CPV inconnu : « 45261999 »."
    assert cpv_problem(session, "4526") == "Un code CPV s'écrit avec 8 chiffres."
