"""Every route of the application × every kind of visitor: the expected status code, the CSRF token required on
every POST, and the security headers on every page. The table EXPECTED is keyed by endpoint and must cover the
whole ``url_map``: a new route without an expectation fails ``test_every_route_has_an_expectation``."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.orm import Session

from app import create_app, schema
from app.accounts import services as accounts
from app.accounts.models import Organisation, OrganisationKind, Role
from app.companies import profiles
from app.companies.models import Company
from app.consortium import bidpack, jobs, workflow
from app.consortium import services as consortium
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.db import get_session
from app.reference import loading
from app.reference.cpv_files import read_cpv_file
from app.tenders import consultations
from app.tenders.models import Tender
from tests.consortium_data import ELEC, build_world, siret
from tests.databases import BACKENDS, PASSWORD, TEST_CONFIG, fresh_database

NOTICE = Path(__file__).parent / "fixtures" / "notices" / "eforms_cn_marseille_travaux.xml"
ACTORS = ("anonymous", "outsider", "member", "admin", "operator", "invited")
EMAILS = {
    "outsider": "autre@pme.fr",
    "member": "membre@elec.fr",  # a member (not admin) of the owning organisation
    "admin": "chef@elec.fr",  # administers the owning organisation (a large group here)
    "operator": "cci@cci.fr",
    "invited": "contact@plomberie.fr",  # its company is invited into the owner's groupement
}


# --- The world: one database per backend for this module, built once ---------------------------------------
@dataclass(frozen=True)
class Ids:
    organisation: int
    company: int
    competence: int
    certification: int
    other_company: int
    tender: int
    lot: int
    requirement: int
    consultation: int
    groupement: int
    proposal: int
    member: int
    token: str
    zip: str


def _make_user(session: Session):
    def make(email: str, *, kind=OrganisationKind.SME, organisation_name: str = "PME") -> object:
        user = accounts.create_account(
            session,
            email=email,
            full_name="Camille Martin",
            password=PASSWORD,
            organisation_name=organisation_name,
            kind=kind,
        )
        session.commit()
        return user

    return make


def _consultation(session: Session, organisation: Organisation) -> Tender:
    lot = consultations.LotInput(title="Couverture", cpv="45261000", value_eur=Decimal(120_000))
    data = consultations.ConsultationInput(
        title="Réhabilitation du siège",
        description="Travaux.",
        buyer_name=organisation.name,
        deadline=date.today() + timedelta(days=30),
        commune_insee="13055",
        lots=(lot,),
    )
    return consultations.create_consultation(session, organisation, data)


def _owner_and_people(session: Session):
    """The world of ``build_world``, its initiator's organisation turned into a large group (the owner, which also
    gets a plain member and a pending invitation), another SME and the operator."""
    make_user = _make_user(session)
    world = build_world(session, make_user)
    make_user(EMAILS["outsider"], organisation_name="Autre PME")
    make_user(EMAILS["operator"], kind=OrganisationKind.OPERATOR, organisation_name="CCI")
    owner = session.get(Organisation, world.users["initiator"].memberships[0].organisation_id)
    owner.kind = OrganisationKind.LARGE_GROUP
    invite = {"organisation": owner, "inviter": None, "role": Role.MEMBER, "valid_days": 7}
    invitation, _ = accounts.invite(session, email=EMAILS["member"], **invite)
    accounts.register_invited(session, invitation, full_name="Membre Simple", password=PASSWORD)
    _, token = accounts.invite(session, email="nouveau@elec.fr", **invite)
    return world, owner, token


def _groupement(app, session: Session, tender: Tender, owner: Organisation, company_id: int) -> Groupement:
    """The owner's groupement on ``tender``, solved, invitations sent, a draft bid pack generated."""
    started = consortium.start_groupement(session, tender, owner, None, Request(company_id=company_id, alternatives=0))
    session.commit()
    jobs.run_job(app, started.runs[-1].id)
    session.expire_all()
    groupement = session.get(Groupement, started.id)
    workflow.invite(session, groupement, None)
    bidpack.generate(session, groupement, None, date.today())
    session.commit()
    return groupement


def build(app, session: Session) -> Ids:
    """The owner's company (with a certification), public tender, private consultation and groupement."""
    world, owner, token = _owner_and_people(session)
    company = session.get(Company, world.companies[1])
    profiles.add_certification(session, company, "Qualifelec", "E2", "Électricité", None)
    tender = session.get(Tender, world.tender_id)
    tender.organisation_id = owner.id
    consultation = _consultation(session, owner)
    groupement = _groupement(app, session, tender, owner, company.id)
    lot = tender.lots[0]
    return Ids(
        organisation=owner.id,
        company=company.id,
        competence=next(c.id for c in company.competences if c.cpv_code == ELEC),
        certification=company.certifications[0].id,
        other_company=world.companies[4],
        tender=tender.id,
        lot=lot.id,
        requirement=lot.requirements[0].id,
        consultation=consultation.id,
        groupement=groupement.id,
        proposal=groupement.proposal.id,
        member=next(m.id for m in groupement.members if m.company_id == world.companies[2]),  # the plumber
        token=token,
        zip=f"groupement-{groupement.id}-v1.zip",
    )


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


# --- The expectations ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One URL of an endpoint and its expected status per actor (in the order of ACTORS), for GET and POST."""

    url: str
    get: tuple[int, ...] | None = None
    post: tuple[int, ...] | None = None
    data: dict = field(default_factory=dict)
    prefix: str | None = None  # the form's prefix: its CSRF field is "<prefix>-csrf_token"


#               anonymous outsider member admin operator invited
EVERYONE =      (200,      200,     200,   200,  200,     200)  # fmt: skip
SIGNED_IN =     (302,      200,     200,   200,  200,     200)  # fmt: skip
OWNER =         (302,      403,     200,   200,  403,     403)  # fmt: skip
OWNER_ACTS =    (302,      403,     302,   302,  403,     403)  # fmt: skip
REDIRECTED =    (302,      302,     302,   302,  302,     302)  # fmt: skip
COMPANIES = (302, 200, 200, 200, 403, 200)  # fmt: skip  (SMEs and large groups)
GROUPEMENT = "/groupements/{groupement}"
COMPANY = "/entreprises/{company}"
TENDER = "/appels-d-offres/{tender}"
NEW_PASSWORD = {"password": PASSWORD, "password_confirm": PASSWORD}
IDENTITY = {"legal_name": "Électricité du Vieux-Port", "commune_insee": "13055", "headcount": "12"}
CONSULTATION = {
    "title": "Rénovation du gymnase",
    "description": "Travaux.",
    "buyer_name": "Grand Groupe",
    "deadline": (date.today() + timedelta(days=30)).isoformat(),
    "commune": "13001",
    "lots-0-title": "Couverture",
    "lots-0-cpv": "45261000",
    "lots-0-value": "120 000",
}

EXPECTED: dict[str, tuple[Case, ...]] = {
    "main.home": (Case("/", get=EVERYONE),),
    "main.healthz": (Case("/healthz", get=EVERYONE),),
    "main.dashboard": (Case("/tableau-de-bord", get=SIGNED_IN),),
    "accounts.login": (
        Case("/connexion", get=EVERYONE, post=REDIRECTED, data={"email": EMAILS["admin"], "password": PASSWORD}),
    ),
    "accounts.register": (
        Case(
            "/inscription",
            get=EVERYONE,
            post=REDIRECTED,
            data={"organisation_name": "Nouvelle PME", "kind": "pme", "full_name": "Eve", "email": "eve@pme.fr"}
            | NEW_PASSWORD,
        ),
    ),
    "accounts.logout": (Case("/deconnexion", post=REDIRECTED),),
    "accounts.organisation": (
        Case(
            "/organisations/{organisation}",
            get=(302, 403, 200, 200, 200, 403),
            post=(302, 403, 403, 302, 403, 403),  # inviting a colleague: the admin only
            data={"email": "collegue@elec.fr", "role": "member"},
        ),
    ),
    "accounts.invitation": (
        Case(
            "/invitation/{token}", get=EVERYONE, post=REDIRECTED, data={"full_name": "Nouvel Arrivant"} | NEW_PASSWORD
        ),
    ),
    "companies.directory": (Case("/entreprises?cpv=4531&commune=13055&radius=30", get=SIGNED_IN),),
    "companies.profile": (Case(COMPANY, get=SIGNED_IN),),
    "company_edit.create": (
        Case(
            "/entreprises/nouvelle",
            get=COMPANIES,
            post=(302, 302, 302, 302, 403, 302),
            data=IDENTITY | {"siret": siret(9), "legal_name": "Nouvelle Entreprise"},
        ),
    ),
    "company_edit.edit": (Case(COMPANY + "/modifier", get=OWNER, post=OWNER_ACTS, data=IDENTITY),),
    "company_edit.add_competence": (
        Case(COMPANY + "/competences", post=OWNER_ACTS, data={"cpv-cpv_code": "45300000"}, prefix="cpv"),
    ),
    "company_edit.remove_competence": (Case(COMPANY + "/competences/{competence}/supprimer", post=OWNER_ACTS),),
    "company_edit.add_certification": (
        Case(COMPANY + "/certifications", post=OWNER_ACTS, data={"cert-scheme": "RGE"}, prefix="cert"),
    ),
    "company_edit.add_reference": (
        Case(
            COMPANY + "/references",
            post=OWNER_ACTS,
            data={"ref-title": "École", "ref-buyer": "Ville", "ref-cpv_code": "45300000", "ref-amount_eur": "50000"}
            | {"ref-year": "2024"},
            prefix="ref",
        ),
    ),
    "company_edit.remove_child": (Case(COMPANY + "/certifications/{certification}/supprimer", post=OWNER_ACTS),),
    "tenders.index": (Case("/appels-d-offres", get=SIGNED_IN),),
    "tenders.upload": (
        Case("/appels-d-offres/importer", get=SIGNED_IN, post=REDIRECTED, data={"notice": NOTICE.read_bytes()}),
    ),
    "tenders.new": (
        Case("/appels-d-offres/nouveau", get=OWNER, post=OWNER_ACTS, data=CONSULTATION),  # large groups, buyers
    ),
    "tenders.detail": (
        Case(TENDER, get=SIGNED_IN),
        Case("/appels-d-offres/{consultation}", get=(302, 404, 200, 200, 404, 404)),  # private: not even its existence
    ),
    "tenders.publish": (Case("/appels-d-offres/{consultation}/publier", post=(302, 404, 302, 302, 404, 404)),),
    # Requirements of the lots: the importing organisation and the operator.
    "tenders.add_requirement": (
        Case(
            TENDER + "/lots/{lot}/exigences",
            post=(302, 403, 302, 302, 302, 403),
            data={"lot-{lot}-kind": "certification", "lot-{lot}-code": "RGE"},
            prefix="lot-{lot}",
        ),
    ),
    "tenders.remove_requirement": (
        Case(TENDER + "/lots/{lot}/exigences/{requirement}/supprimer", post=(302, 403, 302, 302, 302, 403)),
    ),
    "capacity.report": (  # public buyers and the operator, on the tenders they see
        Case(TENDER + "/capacite-locale", get=(302, 403, 403, 403, 200, 403)),
        Case("/appels-d-offres/{consultation}/capacite-locale", get=(302, 404, 403, 403, 404, 404)),
    ),
    "consortium.new": (
        Case(
            TENDER + "/groupement",
            get=COMPANIES,
            post=(302, 302, 302, 302, 403, 302),
            data={"company_id": "0", "max_members": "5", "radius_km": "60", "nature": "conjoint"},
        ),
        Case("/appels-d-offres/{consultation}/groupement", get=(302, 404, 200, 200, 404, 404)),
    ),
    "consortium.index": (Case("/groupements", get=SIGNED_IN),),
    "consortium.detail": (Case(GROUPEMENT, get=(302, 403, 200, 200, 403, 200)),),
    "consortium.resolve": (Case(GROUPEMENT + "/recalculer", post=OWNER_ACTS),),
    "consortium.lock_or_exclude": (Case(GROUPEMENT + "/entreprises/{other_company}/exclure", post=OWNER_ACTS),),
    "consortium.adopt": (Case(GROUPEMENT + "/propositions/{proposal}/retenir", post=OWNER_ACTS),),
    "consortium.invite": (Case(GROUPEMENT + "/inviter", post=OWNER_ACTS),),
    "consortium.confirm": (Case(GROUPEMENT + "/confirmer", post=OWNER_ACTS),),
    "consortium.move": (Case(GROUPEMENT + "/statut/abandonne", post=OWNER_ACTS),),
    "consortium.answer": (Case(GROUPEMENT + "/membres/{member}/accepter", post=(302, 403, 403, 403, 403, 302)),),
    # The bid pack names every member's amounts: the initiator's until the groupement is formed.
    "documents.index": (Case(GROUPEMENT + "/documents", get=OWNER),),
    "documents.generate": (Case(GROUPEMENT + "/documents", post=OWNER_ACTS),),
    "documents.download": (Case(GROUPEMENT + "/documents/v1/{zip}", get=OWNER),),
    "matches.for_you": (Case("/pour-vous", get=SIGNED_IN),),
}
# Allowed to ask, refused by the service for a reason of substance (flashed): the permission check was passed.
REFUSED_ON_THE_MERITS = {
    "tenders.publish": "Rien n'a été enregistré : Seul un brouillon peut être publié.",  # a private consultation
    "consortium.confirm": "Tous les membres n'ont pas accepté : Plomberie de la Joliette, Toitures d'Allauch.",
}
OPEN_TO_VISITORS = {"main.home", "main.healthz", "accounts.login", "accounts.register", "accounts.logout"}
OPEN_TO_VISITORS |= {"accounts.invitation"}


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
    """The case's data with the ids filled in; file contents become fresh uploads."""
    data = {_fill(k, ids): v for k, v in case.data.items()}
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
        _sign_in(browser, next(a for a, status in zip(ACTORS[1:], case.post[1:], strict=True) if status == 302))
    response = browser.client.post(_fill(case.url, ids), data=_form_data(case, ids))
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)
