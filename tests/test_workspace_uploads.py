"""The pieces of the workspace: the checklist (DC2 read from the profile, the décennale asked only of the members
that perform works), uploads refused with one French message and nothing kept, the file kept outside the web root
under its SHA-256 and served byte for byte as an attachment, a company uploading only for itself, replacing and
unticking."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import func, select

from app.companies.models import Company
from app.consortium.models import Groupement
from app.consortium.vocabulary import MemberRole
from app.consortium.workspace import checklist
from app.consortium.workspace.models import WorkspacePiece
from app.consortium.workspace.storage import uploads
from tests.workspace_data import EXE, PDF, PNG, download_links, flashes, roofer_user, text, upload


def _pieces(session) -> int:
    return session.scalar(select(func.count(WorkspacePiece.id)))


def _files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_piece_uploaded_is_kept_outside_the_web_root_and_served_byte_for_byte(partners, session, pieces_dir):
    browser = partners.browser("plumber")
    company = partners.members["plumber"]
    assert upload(browser, partners, company, "kbis", PDF, name="Kbis Joliette (mars).pdf").status_code == 302
    assert flashes(browser, "success") == ["Extrait Kbis de moins de 3 mois déposée pour Plomberie de la Joliette."]
    piece = session.scalar(select(WorkspacePiece))
    digest = hashlib.sha256(PDF).hexdigest()
    assert (piece.sha256, piece.content_type, piece.size_bytes) == (digest, "application/pdf", len(PDF))
    assert _files(pieces_dir) == [pieces_dir / digest[:2] / digest]  # its SHA-256, never the person's name
    page = text(browser.get(partners.url))
    assert "Kbis Joliette (mars).pdf" in page
    (link,) = download_links(page)
    for who in ("plumber", "initiator"):
        response = partners.browser(who).get(link)
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        siret = session.get(Company, company).siret
        disposition = response.headers["Content-Disposition"]
        assert disposition == f"attachment; filename=kbis-{siret}-{piece.id}.pdf"


def test_images_are_accepted_by_their_content(partners, session):
    browser = partners.browser("plumber")
    assert upload(browser, partners, partners.members["plumber"], "urssaf", PNG, name="attestation").status_code == 302
    assert session.scalar(select(WorkspacePiece.content_type)) == "image/png"
    (link,) = download_links(text(browser.get(partners.url)))
    assert browser.get(link).headers["Content-Disposition"].endswith(".png")


TOO_LARGE = "Le fichier dépasse la taille autorisée (10 Mo au plus)."


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (EXE, "kbis.pdf", uploads.WRONG_TYPE),  # a program renamed
        (b"<html><script>alert(1)</script></html>", "kbis.pdf", uploads.WRONG_TYPE),
        (b"PK\x03\x04" + bytes(100), "kbis.png", uploads.WRONG_TYPE),
        (b"", "kbis.pdf", uploads.EMPTY),
        (None, "", uploads.MISSING),  # no file at all
        (b"", "", uploads.MISSING),  # the browser's empty file input
        (PDF, "../../etc/passwd.pdf", uploads.BAD_NAME),
        (PDF, "..\\..\\windows\\kbis.pdf", uploads.BAD_NAME),
        (PDF, "/etc/kbis.pdf", uploads.BAD_NAME),
        (PDF, "kbis\x00.pdf", uploads.BAD_NAME),
        (PDF, "C:kbis.pdf", uploads.BAD_NAME),
        (PDF + bytes(10 * 1024 * 1024), "kbis.pdf", TOO_LARGE),  # past the piece's limit
        (PDF + bytes(11 * 1024 * 1024), "kbis.pdf", TOO_LARGE),  # past the request's limit: never a bare 413
    ],
    ids=["exe", "html", "zip", "empty", "no-file", "empty-input", "dotdot", "backslash", "absolute", "nul", "drive",
         "large", "larger"],
)  # fmt: skip
def test_a_refused_upload_says_why_once_in_french_and_keeps_nothing(
    partners, session, pieces_dir, content, name, expected
):
    browser = partners.browser("plumber")
    response = upload(browser, partners, partners.members["plumber"], "kbis", content, name=name)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/groupements/{partners.groupement}/espace#")
    assert flashes(browser) == [expected]
    assert _pieces(session) == 0 and _files(pieces_dir) == []
    assert expected in text(browser.get(partners.url))


def test_the_size_limit_is_configurable(app, partners, session):
    app.config["WORKSPACE_UPLOAD_MAX_BYTES"] = 1024 * 1024
    browser = partners.browser("plumber")
    upload(browser, partners, partners.members["plumber"], "kbis", PDF + bytes(1024 * 1024))
    assert flashes(browser) == ["Le fichier dépasse la taille autorisée (1 Mo au plus)."]
    assert upload(browser, partners, partners.members["plumber"], "kbis", PDF).status_code == 302
    assert _pieces(session) == 1


def test_an_invited_company_uploads_for_itself_only_the_initiator_and_mandataire_for_anyone(partners, session):
    plumber, initiator = partners.browser("plumber"), partners.browser("initiator")
    roofer = partners.members["roofer"]
    assert upload(plumber, partners, roofer, "kbis", PDF).status_code == 403
    assert upload(plumber, partners, partners.members["initiator"], "kbis", PDF).status_code == 403
    assert _pieces(session) == 0
    assert upload(initiator, partners, roofer, "kbis", PDF).status_code == 302
    assert upload(plumber, partners, partners.members["plumber"], "kbis", PDF).status_code == 302
    assert session.scalars(select(WorkspacePiece.company_id).order_by(WorkspacePiece.id)).all() == [
        roofer,
        partners.members["plumber"],
    ]
    piece = session.scalar(select(WorkspacePiece).where(WorkspacePiece.company_id == roofer))
    untick = f"{partners.url}/pieces/{roofer}/kbis/retirer"
    assert plumber.submit(untick, {}, page_url=partners.url).status_code == 403
    assert piece.withdrawn_at is None
    outsider_company = partners.world.companies[5]  # not a member: nothing to upload for
    assert upload(initiator, partners, outsider_company, "kbis", PDF).status_code == 404
    assert upload(initiator, partners, roofer, "passeport", PDF).status_code == 404


def test_the_mandataires_people_bring_any_members_pieces(partners, session):
    """When the mandataire is not the initiating company, its people may upload for every member too."""
    groupement = session.get(Groupement, partners.groupement)
    for member in groupement.members:
        if member.company_id == partners.members["plumber"]:
            member.role = MemberRole.MANDATAIRE
        elif member.role is MemberRole.MANDATAIRE:
            member.role = MemberRole.CO_CONTRACTOR
    session.commit()
    plumber = partners.browser("plumber")
    assert upload(plumber, partners, partners.members["roofer"], "kbis", PDF).status_code == 302
    assert upload(plumber, partners, partners.members["initiator"], "kbis", PDF).status_code == 302
    roofer = partners.browser(roofer_user(partners))
    assert upload(roofer, partners, partners.members["plumber"], "kbis", PDF).status_code == 403
    assert _pieces(session) == 2
    assert "Pièces encore manquantes" in text(plumber.get(f"/groupements/{partners.groupement}"))


def test_replacing_a_piece_keeps_the_older_file_and_unticking_marks_it_missing(partners, session, pieces_dir):
    browser = partners.browser("plumber")
    company = partners.members["plumber"]
    second = PDF + b"% version 2\n"
    upload(browser, partners, company, "fiscale", PDF, name="fiscale-v1.pdf")
    upload(browser, partners, company, "fiscale", second, name="fiscale-v2.pdf")
    rows = session.scalars(select(WorkspacePiece).order_by(WorkspacePiece.id)).all()
    assert [r.file_name for r in rows] == ["fiscale-v1.pdf", "fiscale-v2.pdf"] and len(_files(pieces_dir)) == 2
    page = text(browser.get(partners.url))
    assert "Fichiers précédents (1)" in page and "remplacé" in page
    assert [browser.get(link).data for link in download_links(page)] == [second, PDF]
    groupement = session.get(Groupement, partners.groupement)
    (mine,) = [c for c in checklist.checklists(session, groupement) if c.member.company_id == company]
    assert "Attestation de régularité fiscale" not in mine.missing
    untick = f"{partners.url}/pieces/{company}/fiscale/retirer"
    assert browser.submit(untick, {}, page_url=partners.url).status_code == 302
    session.expire_all()
    (mine,) = [c for c in checklist.checklists(session, groupement) if c.member.company_id == company]
    assert "Attestation de régularité fiscale" in mine.missing
    assert _pieces(session) == 2  # both files stay on record
    browser.submit(untick, {}, page_url=partners.url)
    assert flashes(browser) == [
        "Attestation de régularité fiscale n'est pas marquée fournie pour Plomberie de la Joliette."
    ]


def test_the_dc2_is_complete_when_the_profile_has_what_it_reads(partners, session):
    company = session.get(Company, partners.members["plumber"])
    assert checklist.dc2_missing(company) == ["contact (nom, et courriel ou téléphone)"]
    company.contact_name, company.contact_phone = "Lucie Roux", "04 91 00 00 00"
    company.address = "  "
    assert checklist.dc2_missing(company) == ["adresse"]
    company.address, company.legal_form = "2 quai de la Joliette", None
    company.turnovers.clear()
    assert checklist.dc2_missing(company) == ["forme juridique", "chiffre d'affaires"]


def test_a_subcontractor_is_asked_for_its_dc4_identification(partners, session):
    groupement = session.get(Groupement, partners.groupement)
    member = next(m for m in groupement.members if m.company_id == partners.members["plumber"])
    member.role = MemberRole.SUBCONTRACTOR
    found = {c.member.company_id: c for c in checklist.checklists(session, groupement)}
    assert found[member.company_id].items[0].label == "Identification du DC4 complétée (profil de l'entreprise)"
    assert found[partners.members["roofer"]].items[0].label == "DC2 complété (profil de l'entreprise)"


def test_the_decennale_is_asked_only_of_the_members_that_perform_works(partners, session):
    groupement = session.get(Groupement, partners.groupement)
    plumber = partners.members["plumber"]
    for assignment in groupement.proposal.assignments:
        if assignment.company_id == plumber:
            assignment.requirement = "71300000"  # engineering services: not works
    session.commit()
    found = {c.member.company_id: c for c in checklist.checklists(session, groupement)}
    assert not found[plumber].works and "Attestation d'assurance décennale" not in found[plumber].missing
    assert found[partners.members["roofer"]].works
    assert "Attestation d'assurance décennale" in found[partners.members["roofer"]].missing
    browser = partners.browser("plumber")
    page = text(browser.get(partners.url))
    assert page.count("Déposer : Attestation d'assurance décennale") == 0  # the plumber provides only for itself
    assert upload(browser, partners, plumber, "decennale", PDF).status_code == 302
    assert flashes(browser) == [
        "Attestation d'assurance décennale : pièce non demandée à Plomberie de la Joliette "
        "(elle ne réalise pas de travaux)."
    ]
    assert _pieces(session) == 0
    initiator_page = text(partners.browser("initiator").get(partners.url))
    assert initiator_page.count("Déposer : Attestation d'assurance décennale") == 2  # the electrician and the roofer


def test_every_file_input_has_its_label_and_a_real_button(partners):
    page = partners.browser("initiator").get(partners.url).get_data(as_text=True)
    inputs = re.findall(r'<input type="file" id="([^"]+)"', page)
    assert inputs and all(f'<label for="{i}">' in page for i in inputs)
    assert page.count('<button type="submit">Déposer</button>') == len(inputs)
    assert '<label for="body">Message</label>' in page


def test_a_forged_token_on_an_upload_is_refused(partners, session, pieces_dir):
    browser = partners.browser("plumber")
    response = browser.client.post(
        f"{partners.url}/pieces/{partners.members['plumber']}/kbis",
        data={"piece": (io.BytesIO(PDF), "kbis.pdf"), "csrf_token": "forged"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and _pieces(session) == 0 and _files(pieces_dir) == []
