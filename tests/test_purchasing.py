"""A large group's purchases and its MBA pledge: CSV lines and e-invoices (UBL, CII, Factur-X) read, bad lines
refused with their reason, nothing counted twice, suppliers matched to the register, the local share by month and
category against the target; its data seen by its members only."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from lxml import html
from sqlalchemy import func, select

from app.accounts.models import OrganisationKind
from app.impact.purchasing.models import Pledge, Purchase
from app.impact.purchasing.reading import PurchaseFileError, read_csv, read_invoice
from tests.conftest import Browser
from tests.consortium_data import add_large_group, build_world, siret
from tests.invoice_samples import cii, facturx_pdf, ubl

LYON = "79877335400013"  # a valid SIRET the register does not hold


def _csv(*lines: str, header: str = "siret;montant_ht;date;categorie") -> bytes:
    return ("\n".join((header, *lines)) + "\n").encode("utf-8")


# --- reading -------------------------------------------------------------------------------------------------------


def test_a_csv_keeps_good_lines_and_says_why_each_bad_one_is_refused():
    data = _csv(
        f"{siret(1)};12 500,00;2026-03-05;Maintenance",
        f"{siret(2)[:9]};800.5;05/04/2026;Fournitures",  # a SIREN, a decimal point, a French date
        "12345678901234;100;2026-03-05;X",  # wrong check digit
        f"{siret(3)};NC;2026-03-05;X",
        f"{siret(3)};-250;2026-03-05;Avoir",
        f"{siret(3)};1e12;2026-03-05;X",
        f"{siret(3)};100;31/02/2026;X",
        f"{siret(3)};100;1850-01-01;X",
        ";;;",  # an empty line: skipped, not refused
        f"{siret(3)};100;2026-03-05;" + "x" * 101,
    )
    kept, refused = read_csv(data)
    assert [(k.supplier_id, k.amount_eur, k.purchase_date) for k in kept] == [
        (siret(1), Decimal("12500.00"), date(2026, 3, 5)),
        (siret(2)[:9], Decimal("800.50"), date(2026, 4, 5)),
    ]
    reasons = {r.line: r.reason for r in refused}
    assert "n'est ni un SIRET" in reasons[4] and "montant « NC » illisible" in reasons[5]
    assert "avoir" in reasons[6] and "milliard" in reasons[7] and "illisible" in reasons[8]
    assert "hors de 2000–2100" in reasons[9] and "100 caractères" in reasons[11]
    assert 10 not in reasons


def test_a_spreadsheet_s_csv_in_windows_1252_with_commas_is_read():
    data = f'SIRET,Montant HT,Date,Catégorie\r\n{siret(1)},"1 250,00",2026-01-31,Électricité\r\n'.encode("cp1252")
    kept, refused = read_csv(data)
    assert not refused and kept[0].amount_eur == Decimal("1250.00") and kept[0].category == "Électricité"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "fichier vide"),
        (b"fournisseur_nom;total\nAlpha;100\n", "colonnes manquantes : montant_ht, date, siret"),
    ],
)
def test_a_csv_without_its_columns_is_refused_whole(data, message):
    with pytest.raises(PurchaseFileError, match=message):
        read_csv(data)


def test_the_three_invoice_formats_give_the_seller_the_total_ht_and_the_date():
    assert read_invoice(ubl(siret(4)[:9], "U-1", 1200.0))[0] == "ubl"
    kind, line = read_invoice(cii(siret(4), "C-1", 980.5, scheme="0009"))
    assert (kind, line.supplier_id, line.amount_eur, line.invoice_number) == ("cii", siret(4), Decimal("980.50"), "C-1")
    kind, line = read_invoice(facturx_pdf(siret(4)[:9], "P-1", 450.0, date(2026, 6, 1)))
    assert (kind, line.supplier_id, line.amount_eur, line.purchase_date) == (
        "facturx", siret(4)[:9], Decimal("450.00"), date(2026, 6, 1)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (cii(siret(4), type_code="381"), "avoir"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Invoice>&a;</Invoice>', "DOCTYPE"),
        (b"<Invoice><unclosed></Invoice>", "XML mal formé"),
        (b"<Commande/>", "ni une facture UBL"),
        (b"%PDF-1.4 not really a pdf", "PDF illisible"),
    ],
)
def test_what_is_not_an_invoice_is_refused_with_one_reason(data, message):
    with pytest.raises(PurchaseFileError, match=message):
        read_invoice(data)


def test_a_pdf_without_an_invoice_attached_is_refused():
    from weasyprint import HTML

    with pytest.raises(PurchaseFileError, match="Factur-X"):
        read_invoice(HTML(string="<p>Bon de commande</p>").write_pdf())


# --- the page --------------------------------------------------------------------------------------------------------


@pytest.fixture
def group(app, session, make_user):
    """Bâtiment Provence SA's account (a large group) and the register of the five companies of the world."""
    world = build_world(session, make_user)
    add_large_group(session, make_user, "achats@batiment-provence.fr")
    browser = Browser(app.test_client())
    browser.login("achats@batiment-provence.fr")
    organisation_id = browser.user_organisation_id = _organisation_of(session, "achats@batiment-provence.fr")
    return browser, organisation_id, world


def _organisation_of(session, email: str) -> int:
    from app.accounts.models import User

    return session.scalar(select(User).where(User.email == email)).memberships[0].organisation_id


def _upload(browser: Browser, organisation_id: int, data: bytes, name: str):
    url = f"/organisations/{organisation_id}/achats"
    return browser.submit(url, {"purchases": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", " ".join(html.fromstring(response.data).itertext()))


def test_a_large_group_uploads_purchases_and_reads_its_local_share_against_its_target(group, session):
    browser, organisation_id, _world = group
    signed = browser.submit(
        f"/organisations/{organisation_id}/engagement",
        {"signed_on": "2026-01-15", "signatory": "Jeanne Martin, présidente", "target_percent": "60"},
    )
    assert signed.status_code == 302
    data = _csv(
        f"{siret(4)};6000;2026-01-10;Couverture",  # Couvreurs d'Aubagne: local
        f"{siret(2)[:9]};2000;2026-01-20;Plomberie",  # Plomberie de la Joliette by its SIREN: local
        f"{LYON};2000;2026-02-03;Plomberie",  # a firm of Lyon
        "pas-un-siret;100;2026-02-03;X",
    )
    page = _text(_upload(browser, organisation_id, data, "achats.csv"))
    assert "3 achats importés (CSV), dont 2 auprès d'établissements locaux ; 1 ligne refusée." in page
    assert "Ligne 5 : « pas-un-siret » n'est ni un SIRET" in page
    invoice = _upload(browser, organisation_id, facturx_pdf(siret(3), "F-77", 2000.0, date(2026, 2, 14)), "f.pdf")
    assert "1 achat importé (facture Factur-X), dont 1 auprès d'établissements locaux" in _text(invoice)
    page = _text(browser.get(f"/organisations/{organisation_id}/achats"))
    assert "Achats 4 pour 12\u202f000 € HT" in page and "Auprès d'établissements locaux 10\u202f000 € HT" in page
    assert "Part locale 83,3 % (objectif 60,0 % : atteint)" in page
    assert "2026-01 2 8\u202f000 8\u202f000 100,0 %" in page and "2026-02 2 4\u202f000 2\u202f000 50,0 %" in page
    assert "Plomberie 2 4\u202f000 2\u202f000 50,0 %" in page
    pledge = session.scalar(select(Pledge))
    assert (pledge.signatory, pledge.target_share, pledge.signed_on) == ("Jeanne Martin, présidente", Decimal("0.6"),
                                                                        date(2026, 1, 15))  # fmt: skip


def test_nothing_is_counted_twice_and_a_refused_file_leaves_the_data_as_it_was(group, session):
    browser, organisation_id, _world = group
    data = _csv(f"{siret(4)};6000;2026-01-10;Couverture")
    _upload(browser, organisation_id, data, "achats.csv")
    again = _upload(browser, organisation_id, data, "achats-copie.csv")
    assert again.status_code == 422 and "Ce fichier a déjà été importé" in _text(again)
    _upload(browser, organisation_id, cii(siret(3), "F-1"), "f.xml")
    twice = _upload(browser, organisation_id, facturx_pdf(siret(3), "F-1"), "f.pdf")  # the same invoice, as a PDF
    assert twice.status_code == 422 and "La facture n° F-1 de ce fournisseur est déjà importée" in _text(twice)
    broken = _upload(browser, organisation_id, b"<Invoice><unclosed>", "f.xml")
    assert broken.status_code == 422 and "XML mal formé" in _text(broken) and "Traceback" not in _text(broken)
    assert session.scalar(select(func.count(Purchase.id))) == 2


def test_the_pledge_refuses_absurd_values(group):
    browser, organisation_id, _world = group
    url = f"/organisations/{organisation_id}/engagement"
    response = browser.submit(url, {"signed_on": "2099-01-01", "signatory": "", "target_percent": "140"})
    page = _text(response)
    assert response.status_code == 422
    assert "La date de signature doit être passée" in page and "Indiquez qui a signé." in page
    assert "Un pourcentage entre 0 et 100." in page


def test_a_large_group_s_purchases_are_its_own(group, app, make_user):
    browser, organisation_id, _world = group
    _upload(browser, organisation_id, _csv(f"{siret(4)};6000;2026-01-10;Couverture"), "achats.csv")
    for kind, email in (
        (OrganisationKind.LARGE_GROUP, "achats@autre-groupe.fr"),
        (OrganisationKind.OPERATOR, "cci@cci.fr"),
    ):
        other = Browser(app.test_client())
        other.login(make_user(email, kind=kind, organisation_name="Autre").email)
        assert other.get(f"/organisations/{organisation_id}/achats").status_code == 403
        assert other.get(f"/organisations/{organisation_id}/engagement").status_code == 403


def test_the_template_is_a_csv_the_importer_reads(group):
    browser, _organisation_id, _world = group
    response = browser.get("/achats/modele.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    kept, refused = read_csv(response.data)
    assert len(kept) == 1 and not refused


def test_absurd_inputs_get_a_french_answer_not_an_error_page(group):
    browser, organisation_id, _world = group
    url = f"/organisations/{organisation_id}/achats"
    assert browser.get(f"{url}?annee=0").status_code == 200 and browser.get(f"{url}?annee=99999").status_code == 200
    unclosed = b'siret;montant_ht;date\n"' + b"x" * 200_000
    response = _upload(browser, organisation_id, unclosed, "achats.csv")
    assert response.status_code == 422 and "CSV mal formé" in _text(response)
    pledge = browser.submit(
        f"/organisations/{organisation_id}/engagement",
        {"signed_on": "2026-01-15", "signatory": "Jeanne Martin", "target_percent": "sNaN"},
    )
    assert pledge.status_code == 422 and "Un pourcentage entre 0 et 100." in _text(pledge)
