"""Hostile input through the web pages: XXE and entity bombs on the notice upload, files over the size limits, and
SQL metacharacters in every search field — a French error at worst, never a 500, nothing stored, tables intact."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.accounts.models import Membership, Organisation, OrganisationKind, User
from app.companies.models import Company, Competence
from app.config import DefaultConfig
from app.db import get_session
from app.tenders.forms import UPLOAD_MAX_BYTES
from app.tenders.models import LotRequirement, Tender, TenderLot
from tests.consortium_data import build_world
from tests.databases import PASSWORD

UPLOAD = "/appels-d-offres/importer"
BUYER = "achats@ville.fr"
MODELS = (Tender, TenderLot, LotRequirement, Company, Competence, User, Organisation, Membership)


@pytest.fixture
def counts(app):
    """Row counts of the main tables, read in an app context of their own (not the test client's)."""

    def _counts() -> tuple[int, ...]:
        with app.app_context():
            session = get_session()
            return tuple(session.scalar(select(func.count(m.id))) for m in MODELS)

    return _counts


@pytest.fixture
def world(session, make_user):
    world = build_world(session, make_user)
    make_user(BUYER, kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
    return world


def french_error(response) -> bool:
    page = unescape(response.get_data(as_text=True))
    return '<html lang="fr">' in page and "Traceback" not in page


# --- XXE and entity bombs ----------------------------------------------------------------------------------
XXE = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ANNONCE><GESTION><REFERENCE><IDWEB>&x;</IDWEB></REFERENCE></GESTION></ANNONCE>"""
PARAMETER_XXE = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<ANNONCE><GESTION><REFERENCE><IDWEB>x</IDWEB></REFERENCE></GESTION></ANNONCE>"""
BILLION_LAUGHS = """<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">{levels}]>
<ANNONCE><GESTION><REFERENCE><IDWEB>&lol9;</IDWEB></REFERENCE></GESTION></ANNONCE>"""
# lol1 is ten "lol", lol2 ten lol1 … lol9 expands to 10⁹ "lol" (3 GB).
LEVELS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)).replace("&lol0;", "&lol;")
HOSTILE = {
    "xxe": XXE,
    "parameter-entity": PARAMETER_XXE,
    "billion-laughs": BILLION_LAUGHS.replace("{levels}", LEVELS),
}


def _upload(browser, content: bytes, filename: str = "avis.xml"):
    return browser.submit(UPLOAD, {"notice": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_notice_is_refused_in_french_and_nothing_stored(browser, make_user, counts, kind):
    browser.login(make_user().email)
    before = counts()
    response = _upload(browser, HOSTILE[kind].format(encoding="UTF-8").encode())
    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert "Avis illisible : déclaration DOCTYPE ou ENTITY refusée" in page
    assert "root:" not in page
    assert counts() == before


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-32"])
@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_notice_in_a_wide_encoding_expands_nothing_and_stores_nothing(
    browser, make_user, counts, kind, encoding
):
    """The byte-level DOCTYPE check does not see a UTF-16 declaration; the parser itself still never resolves an
    entity, and the notice is refused or skipped."""
    browser.login(make_user().email)
    before = counts()
    response = _upload(browser, HOSTILE[kind].format(encoding=encoding).encode(encoding.lower()), "avis.xml")
    assert response.status_code in (302, 422)
    shown = response if response.status_code == 422 else browser.get(response.headers["Location"])
    page = unescape(shown.get_data(as_text=True))
    assert re.search(r"Avis (illisible|non importé)", page)
    assert "root:" not in page and "lollollol" not in page
    assert counts() == before


# --- Size limits ----------------------------------------------------------------------------------------------
def _upload_in_memory(browser, content: bytes):
    """The multipart body built in memory: the test client would spool a large one to a file it never closes."""
    fields = {"notice": FileStorage(io.BytesIO(content), "avis.xml"), "csrf_token": browser.token(UPLOAD)}
    boundary, body = encode_multipart(fields)
    return browser.client.post(UPLOAD, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_over_the_request_limit_gets_the_french_413_page(browser, make_user, counts):
    browser.login(make_user().email)
    before = counts()
    response = _upload_in_memory(browser, b"<a>" + b" " * DefaultConfig.MAX_CONTENT_LENGTH + b"</a>")
    assert response.status_code == 413
    page = unescape(response.get_data(as_text=True))
    assert "Fichier trop volumineux" in page and "Le fichier envoyé dépasse la taille autorisée." in page
    assert french_error(response)
    assert counts() == before


def test_upload_over_the_form_limit_is_refused_on_the_field(browser, make_user, counts):
    browser.login(make_user().email)
    before = counts()
    response = _upload_in_memory(browser, b"<a>" + b" " * UPLOAD_MAX_BYTES + b"</a>")
    assert response.status_code == 422
    assert "Le fichier dépasse 10 Mo." in unescape(response.get_data(as_text=True))
    assert counts() == before


# --- SQL metacharacters in every search field --------------------------------------------------------------
PAYLOADS = {
    "or-1-1": "' OR 1=1 --",
    "percent": "%",
    "underscore": "_",
    "backslash": "\\",
    "drop-table": '"; DROP TABLE company; --',
    "nul": "a\x00b",
    "huge-number": "99999999999999999999",
    "superscript-digit": "²",
}
# (who searches, page, field) — every field a person can type or edit in a URL of a search page.
FIELDS = [
    *(("initiator", "/appels-d-offres", f) for f in ("q", "cpv", "nuts", "deadline_after", "include_closed", "page")),
    *(("initiator", "/entreprises", f) for f in ("cpv", "q", "commune", "radius", "size", "certification", "page")),
    *(("initiator", "/pour-vous", f) for f in ("entreprise", "page")),
    ("buyer", "/appels-d-offres/{tender}/capacite-locale", "rayon"),
    ("anonymous", "/connexion", "next"),
]


def _sign_in(browser, world, who: str) -> None:
    if who == "buyer":
        browser.login(BUYER)
    elif who != "anonymous":
        browser.login(world.users[who].email)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
@pytest.mark.parametrize(("who", "path", "field"), FIELDS, ids=[f"{p}?{f}" for _, p, f in FIELDS])
def test_sql_metacharacters_in_search_fields(browser, world, counts, who, path, field, payload):
    _sign_in(browser, world, who)
    url = path.format(tender=world.tender_id)
    extra = {"commune": "13055"} if path == "/entreprises" and field == "radius" else {}
    before = counts()
    response = browser.get(url, query_string={field: payload, **extra})
    assert response.status_code == 200 or (400 <= response.status_code < 500 and french_error(response)), (
        response.status_code
    )
    assert counts() == before


@pytest.mark.parametrize("payload", ["%", "_", "\\", "' OR 1=1 --"])
def test_like_wildcards_match_literally(browser, world, payload):
    """A « % » typed in a name field is a percent sign, not « anything »: nothing is found."""
    _sign_in(browser, world, "initiator")
    everything = browser.get("/appels-d-offres").get_data(as_text=True)
    assert "1 avis." in everything
    assert "0 avis." in browser.get("/appels-d-offres", query_string={"q": payload}).get_data(as_text=True)
    directory = browser.get("/entreprises", query_string={"q": payload}).get_data(as_text=True)
    assert "0 entreprise trouvée." in directory


def test_a_nul_character_in_a_form_is_refused_in_french_and_nothing_stored(browser, counts):
    """PostgreSQL refuses U+0000 in a string: without the guard, this registration was a 500 there."""
    before = counts()
    form = {"organisation_name": "Plâtrerie\x00", "kind": "pme", "full_name": "Eve", "email": "eve@pme.fr"}
    response = browser.submit("/inscription", form | {"password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True) and french_error(response)
    assert counts() == before
