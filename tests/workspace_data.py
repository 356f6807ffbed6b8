"""The partners' workspace tests' world: the school groupement formed (the electrician initiates and is
mandataire, the plumber and a roofer accept), an outsider, the operator, and the initiator of another groupement on
the same tender; each test keeps the pieces' files in its own folder."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import unescape

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.accounts.models import OrganisationKind
from app.companies.models import Company
from app.consortium.formation import start as formation
from app.consortium.models import Groupement
from app.consortium.request import Request
from app.tenders.models import Tender
from tests.conftest import Browser
from tests.consortium_data import build_world, formed_groupement

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)
EMAILS = {
    "initiator": "chef@elec.fr",
    "plumber": "contact@plomberie.fr",
    "outsider": "autre@pme.fr",
    "operator": "cci@cci.fr",
    "other": "chef@charpentes.fr",  # initiates another groupement on the same tender
}


@dataclass
class Partners:
    world: object
    groupement: int
    other_groupement: int
    members: dict[str, int]  # "initiator", "plumber", "roofer" → company id
    app: object

    def browser(self, who: str) -> Browser:
        browser = Browser(self.app.test_client())
        if who != "anonymous":
            assert browser.login(EMAILS.get(who) or self.world.users[who].email).status_code == 302
        return browser

    @property
    def url(self) -> str:
        return f"/groupements/{self.groupement}/espace"


@pytest.fixture
def pieces_dir(app, tmp_path):
    folder = tmp_path / "pieces"
    app.config["WORKSPACE_UPLOAD_DIR"] = str(folder)
    return folder


@pytest.fixture
def partners(app, session, make_user, pieces_dir) -> Partners:
    world = build_world(session, make_user)
    make_user(EMAILS["outsider"], organisation_name="Autre PME")
    make_user(EMAILS["operator"], kind=OrganisationKind.OPERATOR, organisation_name="CCI")
    groupement_id = formed_groupement(app, session, world)
    groupement = session.get(Groupement, groupement_id)
    by_company = {m.company_id for m in groupement.members if m.current}
    roofer = next(world.companies[n] for n in (3, 4) if world.companies[n] in by_company)
    other = _other_groupement(session, make_user, world)
    members = {"initiator": world.companies[1], "plumber": world.companies[2], "roofer": roofer}
    return Partners(world, groupement_id, other, members, app)


def _other_groupement(session, make_user, world) -> int:
    """Charpentes de Pertuis's own groupement on the same tender (opened, not solved)."""
    user = make_user(EMAILS["other"], organisation_name="Charpentes de Pertuis")
    organisation = session.merge(user.memberships[0].organisation)
    session.get(Company, world.companies[5]).organisation_id = organisation.id
    tender = session.get(Tender, world.tender_id)
    groupement = formation.start_groupement(
        session, tender, organisation, None, Request(company_id=world.companies[5], alternatives=0)
    )
    session.commit()
    return groupement.id


def roofer_user(partners: Partners) -> str:
    return "roofer" if partners.members["roofer"] == partners.world.companies[3] else "roofer2"


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def flashes(browser: Browser, category: str = "error") -> list[str]:
    with browser.client.session_transaction() as cookie:
        return [message for kind, message in cookie.get("_flashes", []) if kind == category]


def upload(
    browser: Browser, partners: Partners, company_id: int, kind: str, content: bytes | None, name: str = "kbis.pdf"
):
    """POST a file for a piece with the workspace page's token (``content`` None: no file at all). The body is
    encoded here, in memory: the test client would spool a large one to a temporary file it never closes when the
    application refuses it unread (413)."""
    values = {"csrf_token": browser.token(partners.url)}
    if content is not None:
        values["piece"] = FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart(values)
    return browser.client.post(
        f"{partners.url}/pieces/{company_id}/{kind}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def post_message(browser: Browser, partners: Partners, body: str, groupement: int | None = None):
    url = f"/groupements/{groupement or partners.groupement}/espace"
    return browser.submit(f"{url}/messages", {"body": body}, page_url=url if groupement is None else partners.url)


def download_links(page: str) -> list[str]:
    return re.findall(r'href="(/groupements/\d+/espace/fichiers/\d+)"', page)


def first_piece_id(session, model) -> int:
    return session.scalar(select(model.id).order_by(model.id.desc()).limit(1))
