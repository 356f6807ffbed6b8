"""Storing notices: idempotent on notice id and version, the original XML kept with its SHA-256, required
competences per lot, hostile and broken input refused with nothing half-written — through the service, the CLI
and the upload page."""

from __future__ import annotations

import hashlib
import io
import json
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.tenders.models import LotRequirement, Tender, TenderLot

FIXTURES = Path(__file__).parent / "fixtures" / "notices"
EFORMS = FIXTURES / "eforms_cn_marseille_travaux.xml"
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<ANNONCE><GESTION><REFERENCE><IDWEB>&x;</IDWEB></REFERENCE></GESTION></ANNONCE>"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><ANNONCE>&lol3;</ANNONCE>"""
BROKEN = b"<ANNONCE><GESTION></ANNONCE>"


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count(m.id))) for m in (Tender, TenderLot, LotRequirement))


def _newer_version(data: bytes) -> bytes:
    return data.replace(b"<cbc:VersionID>01</cbc:VersionID>", b"<cbc:VersionID>02</cbc:VersionID>").replace(
        b"</cbc:Name>", b" (modifi\xc3\xa9)</cbc:Name>", 1
    )


def test_import_command_stores_the_notice_with_its_xml_and_requirements(runner, session):
    result = runner.invoke(args=["tenders", "import", str(EFORMS)])
    assert result.exit_code == 0, result.output
    assert "1 importés, 0 mis à jour, 0 inchangés, 0 ignorés, 0 en erreur" in result.output
    tender = session.scalar(select(Tender))
    data = EFORMS.read_bytes()
    assert tender.xml == data and tender.xml_sha256 == hashlib.sha256(data).hexdigest()
    assert tender.buyer_name == "Ville de Marseille"
    assert (tender.deadline_date.isoformat(), tender.deadline_time, tender.deadline_zone) == (
        "2024-01-08",
        "12:00:00",
        "+01:00",
    )
    assert tender.deadline_utc.isoformat() == "2024-01-08T11:00:00+00:00"
    assert len(tender.lots) == 3
    first = tender.lots[0]
    assert first.main_cpv and first.main_cpv.startswith("45")
    assert ("cpv", first.main_cpv) in {(r.kind, r.code) for r in first.requirements}
    certifications = {r.code for lot in tender.lots for r in lot.requirements if r.kind == "certification"}
    assert any(code.startswith("Qualibat") for code in certifications)
    assert first.min_turnover_eur == 1_875_000


def test_reimport_changes_nothing_and_a_newer_version_supersedes(runner, session, tmp_path):
    runner.invoke(args=["tenders", "import", str(EFORMS)])
    before = _counts(session)
    again = runner.invoke(args=["tenders", "import", str(EFORMS)])
    assert "0 importés, 0 mis à jour, 1 inchangés" in again.output
    assert _counts(session) == before
    lot_ids = session.scalars(select(TenderLot.id).order_by(TenderLot.position)).all()
    newer = tmp_path / "v2.xml"
    newer.write_bytes(_newer_version(EFORMS.read_bytes()))
    updated = runner.invoke(args=["tenders", "import", str(newer)])
    assert "0 importés, 1 mis à jour" in updated.output
    session.expire_all()
    tender = session.scalar(select(Tender))
    assert tender.version == "02" and tender.xml == newer.read_bytes()
    assert _counts(session) == before
    assert [lot.id for lot in tender.lots] == lot_ids  # the same rows, updated in place
    assert [(r.previous_version, r.version) for r in tender.revisions] == [("01", "02")]
    older = runner.invoke(args=["tenders", "import", str(EFORMS)])
    assert "1 ignorés" in older.output and "plus ancienne" in older.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (XXE, "DOCTYPE ou ENTITY refusée"),
        (BOMB, "DOCTYPE ou ENTITY refusée"),
        (BROKEN, "XML mal formé"),
        (b"", "XML mal formé"),
        (b"\x00\x01binaire", "XML mal formé"),
    ],
)
def test_hostile_or_broken_files_are_reported_and_the_others_still_import(runner, session, tmp_path, content, message):
    folder = tmp_path / "lot"
    folder.mkdir()
    (folder / "a_bad.xml").write_bytes(content)
    (folder / "b_good.xml").write_bytes(EFORMS.read_bytes())
    result = runner.invoke(args=["tenders", "import", str(folder)])
    assert result.exit_code == 1
    assert "1 importés" in result.output and "1 en erreur" in result.output
    assert "a_bad.xml : " in result.output and message in result.output
    assert "Traceback" not in result.output
    assert _counts(session)[0] == 1


def test_skipped_notices_are_reported_not_imported(runner, session, tmp_path):
    other = tmp_path / "other.xml"
    other.write_bytes(b"<catalogue><item/></catalogue>")
    result = runner.invoke(args=["tenders", "import", str(other)])
    assert "1 ignorés" in result.output and "format XML non reconnu" in result.output
    assert _counts(session) == (0, 0, 0)


def test_a_ted_notice_of_the_older_s02_namespace_imports_with_its_zero_value(runner, session, tmp_path):
    """R2.0.9.S02 files publish in ``…/R2.0.9.S02/publication``: imported like the others; a lot value of 0 is
    stored as 0 and the buyer's TED alpha-2 country as alpha-3."""
    text = (FIXTURES / "ted_f02_aix_travaux.xml").read_text(encoding="utf-8")
    text = text.replace("/ted/R2.0.9/publication", "/ted/R2.0.9.S02/publication").replace(">850000.00<", ">0<")
    notice = tmp_path / "ted_s02.xml"
    notice.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["tenders", "import", str(notice)])
    assert "1 importés" in result.output and "0 ignorés, 0 en erreur" in result.output, result.output
    tender = session.scalar(select(Tender))
    assert (tender.subtype, tender.buyer_country, len(tender.lots)) == ("F02", "FRA", 3)
    assert tender.lots[0].value_amount == 0 and tender.lots[0].value_currency == "EUR"


def test_parse_command_prints_one_json_line_per_file(runner, tmp_path):
    (tmp_path / "broken.xml").write_bytes(BROKEN)
    result = runner.invoke(args=["tenders", "parse", "--format", "json", str(EFORMS), str(tmp_path)])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [line["status"] for line in lines] == ["ok", "error"]
    assert result.exit_code == 1
    notice = lines[0]["notice"]
    lot = notice["lots"][0]
    assert {"lot_id", "title", "main_cpv", "additional_cpv", "nuts", "estimated_value"} <= set(lot)
    assert lot["estimated_value"] == {"amount": 1250000, "currency": "EUR"}
    assert "ligne 1" in lines[1]["error"]


def test_upload_page_imports_and_refuses_bad_files(browser, make_user, session):
    browser.login(make_user().email)
    response = browser.submit(
        "/appels-d-offres/importer",
        {"notice": (io.BytesIO(EFORMS.read_bytes()), "avis.xml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = unescape(browser.get(response.headers["Location"]).get_data(as_text=True))
    assert "Avis importé." in page and "Ville de Marseille" in page and "Lots (3)" in page
    assert "CPV principal du lot" in page and "critère de sélection" in page  # sources in French
    assert "main-cpv" not in page
    bad = browser.submit(
        "/appels-d-offres/importer", {"notice": (io.BytesIO(XXE), "xxe.xml")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 422
    assert "Avis illisible" in unescape(bad.get_data(as_text=True))
    wrong = browser.submit(
        "/appels-d-offres/importer", {"notice": (io.BytesIO(b"x"), "avis.pdf")}, content_type="multipart/form-data"
    )
    assert "Seuls les fichiers .xml" in unescape(wrong.get_data(as_text=True))
    assert _counts(session)[0] == 1


def test_tender_list_filters(runner, browser, make_user):
    runner.invoke(args=["tenders", "import", str(EFORMS)])
    browser.login(make_user().email)
    # The fixture's deadline (January 2024) has passed: the default list shows open tenders only.
    assert "0 avis" in browser.get("/appels-d-offres").get_data(as_text=True)
    everything = "/appels-d-offres?include_closed=y"
    assert "1 avis" in browser.get(everything).get_data(as_text=True)
    assert "1 avis" in browser.get(everything + "&cpv=45&nuts=FRL04&q=marseille").get_data(as_text=True)
    assert "0 avis" in browser.get(everything + "&cpv=72").get_data(as_text=True)
    assert browser.get(everything + "&cpv=abc").status_code == 422


def test_lot_requirements_are_edited_by_the_importing_organisation_only(browser, make_user, session):
    owner = make_user("acheteur@ville.fr")
    browser.login(owner.email)
    response = browser.submit(
        "/appels-d-offres/importer",
        {"notice": (io.BytesIO(EFORMS.read_bytes()), "a.xml")},
        content_type="multipart/form-data",
    )
    page_url = response.headers["Location"]
    tender = session.scalar(select(Tender))
    lot = tender.lots[0]
    prefix = f"lot-{lot.id}"
    url = f"/appels-d-offres/{tender.id}/lots/{lot.id}/exigences"
    token = browser.token(page_url)
    browser.client.post(
        url, data={f"{prefix}-kind": "certification", f"{prefix}-code": "RGE", f"{prefix}-csrf_token": token}
    )
    unknown = browser.client.post(
        url,
        data={f"{prefix}-kind": "cpv", f"{prefix}-code": "12345678", f"{prefix}-csrf_token": token},
        follow_redirects=True,
    )
    assert "Code CPV inconnu" in unescape(unknown.get_data(as_text=True))
    session.expire_all()
    assert ("certification", "RGE", "user") in {
        (r.kind, r.code, r.source) for r in session.get(TenderLot, lot.id).requirements
    }
    browser.logout()
    browser.login(make_user("autre@pme.fr", organisation_name="Autre").email)
    assert (
        browser.client.post(
            url,
            data={
                f"{prefix}-kind": "certification",
                f"{prefix}-code": "MASE",
                f"{prefix}-csrf_token": browser.token(page_url),
            },
        ).status_code
        == 403
    )
