"""E-invoices for the tests, made with the factur-x library: UBL 2.1, CII, and a Factur-X PDF (a one-page PDF drawn
by WeasyPrint with the CII attached)."""

from __future__ import annotations

from datetime import date

from facturx import generate_cii_xml, generate_from_binary, generate_ubl_xml
from weasyprint import HTML


def _data(seller: str, scheme: str, number: str, total: float, day: date, type_code: str = "380") -> dict:
    vat = round(total * 0.2, 2)
    return {
        "BT-24": "urn:cen.eu:en16931:2017",
        "BT-1": number, "BT-2": day, "BT-3": type_code, "BT-5": "EUR", "BT-72": day,
        "BG-4": {"name": "Fournisseur", "legal_identifier": seller, "legal_identifier_schemeid": scheme,
                 "country_code": "FR", "postcode": "13400", "city": "Aubagne", "addr_l1": "1 rue de la République"},
        "BG-7": {"name": "Bâtiment Provence SA", "legal_identifier": "700000009", "legal_identifier_schemeid": "0002",
                 "country_code": "FR"},
        "BT-106": total, "BT-109": total, "BT-110": vat, "BT-112": total + vat, "BT-115": total + vat,
        "BG-23": [{"BT-116": total, "BT-117": vat, "BT-118": "S", "BT-119": 20.0}],
        "BG-25": [{"BT-126": "1", "BT-129": 1.0, "BT-130": "C62", "BT-131": total, "BT-146": total, "BT-151": "S",
                   "BT-152": 20.0, "BT-153": "Travaux"}],
    }  # fmt: skip


def ubl(seller: str, number: str = "F-1", total: float = 1000.0, day: date = date(2026, 3, 5), scheme="0002") -> bytes:
    return generate_ubl_xml(_data(seller, scheme, number, total, day), check_schematron=False)


def cii(seller: str, number: str = "F-1", total: float = 1000.0, day: date = date(2026, 3, 5), scheme="0002",
        type_code: str = "380") -> bytes:  # fmt: skip
    return generate_cii_xml(_data(seller, scheme, number, total, day, type_code), check_schematron=False)


def facturx_pdf(seller: str, number: str = "F-1", total: float = 1000.0, day: date = date(2026, 3, 5)) -> bytes:
    pdf = HTML(string=f"<p>Facture {number} : {total} € HT</p>").write_pdf()
    return generate_from_binary(pdf, cii(seller, number, total, day), check_xsd=False)
