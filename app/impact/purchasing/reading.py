"""A large group's purchases as they arrive: a CSV of lines (supplier SIRET or SIREN, amount HT, date, category) or
one received e-invoice in a French format — UBL 2.1, UN/CEFACT CII, or a Factur-X PDF carrying its CII. Pure:
standard library, lxml and the factur-x library (which finds the XML in the PDF and reads the EN 16931 fields).

A bad CSV line is refused with its number and reason, the others are kept; an invoice is read whole or refused.
An XML file is parsed by the hardened parser of the notices (no DOCTYPE, no entity, no network) before factur-x reads
its fields. The XML inside a PDF is extracted by factur-x, which parses it once with lxml's defaults (libxml2 loads
no external entity and caps expansions), then parsed again the hardened way before any field is read."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.companies.identifiers import normalise_siren, normalise_siret
from app.tenders.parsing.model import NoticeParseError
from app.tenders.parsing.xml import parse_xml

MAX_AMOUNT = Decimal(10) ** 9  # one purchase of more than a billion euros is a typing error
MAX_LINES = 200_000
COLUMNS = ("siret", "montant_ht", "date", "categorie")
TEMPLATE = "siret;montant_ht;date;categorie\r\n79877335400013;12500,00;2026-03-05;Maintenance des bâtiments\r\n"
_SCHEMES = {"0002": "siren", "0009": "siret"}  # ISO 6523 ICD of the seller's legal registration (BT-30)


class PurchaseFileError(ValueError):
    """The file cannot be read at all: one French reason."""


@dataclass(frozen=True)
class Line:
    supplier_id: str  # a valid SIRET or SIREN
    amount_eur: Decimal
    purchase_date: date
    category: str = ""
    supplier_name: str | None = None
    invoice_number: str | None = None


@dataclass(frozen=True)
class Refused:
    line: int
    reason: str


def kind_of(data: bytes) -> str:
    """csv, facturx (a PDF) or xml (UBL or CII, told apart when read)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        return "facturx"
    if head.startswith(b"<"):
        return "xml"
    return "csv"


# --- CSV ---------------------------------------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[Line], list[Refused]]:
    try:
        return _read_csv(data)
    except csv.Error as error:  # an unclosed quote, a field past the csv module's limit
        raise PurchaseFileError(f"CSV mal formé : {error}") from error


def _read_csv(data: bytes) -> tuple[list[Line], list[Refused]]:
    text = _decoded(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PurchaseFileError("fichier vide : la première ligne doit nommer les colonnes " + ";".join(COLUMNS))
    delimiter = max((";", ",", "\t"), key=lines[0].count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_header(cell) for cell in next(reader)]
    supplier_column = next((c for c in ("siret", "siren", "fournisseur") if c in header), None)
    missing = [c for c in ("montant_ht", "date") if c not in header] + ([] if supplier_column else ["siret"])
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise PurchaseFileError(
            f"colonne{plural} manquante{plural} : {', '.join(missing)} (attendu : {';'.join(COLUMNS)})"
        )
    where = {
        name: header.index(name) for name in (supplier_column, "montant_ht", "date", "categorie") if name in header
    }
    kept, refused = [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            raise PurchaseFileError(f"plus de {MAX_LINES:,} lignes : découpez le fichier".replace(",", "\u202f"))
        if not any(cell.strip() for cell in row):
            continue
        try:
            kept.append(_line(row, where, supplier_column))
        except ValueError as error:
            refused.append(Refused(number, str(error)))
    return kept, refused


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # a spreadsheet's « CSV (séparateur : point-virgule) »


def _header(cell: str) -> str:
    plain = cell.strip().lower().replace("é", "e").replace("è", "e").replace(" ", "_").replace("-", "_")
    return {"montant": "montant_ht", "categorie_d_achat": "categorie", "category": "categorie"}.get(plain, plain)


def _cell(row: list[str], where: dict, name: str) -> str:
    index = where.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


def _line(row: list[str], where: dict, supplier_column: str) -> Line:
    supplier = supplier_id(_cell(row, where, supplier_column))
    amount = amount_of(_cell(row, where, "montant_ht"))
    day = date_of(_cell(row, where, "date"))
    category = _cell(row, where, "categorie")
    if len(category) > 100:
        raise ValueError("catégorie de plus de 100 caractères")
    return Line(supplier, amount, day, category)


def supplier_id(text: str) -> str:
    compact = re.sub(r"\s", "", text)
    found = normalise_siret(compact) if len(compact) == 14 else normalise_siren(compact) if len(compact) == 9 else None
    if found is None:
        if not compact:
            raise ValueError("SIRET ou SIREN du fournisseur manquant")
        raise ValueError(f"« {text[:20]} » n'est ni un SIRET (14 chiffres) ni un SIREN (9 chiffres) valide")
    return found


def amount_of(text: str) -> Decimal:
    compact = re.sub(r"[\s€]", "", text).replace(",", ".")
    try:
        amount = Decimal(compact)
    except InvalidOperation:
        raise ValueError(f"montant « {text[:20]} » illisible") from None
    if not amount.is_finite():
        raise ValueError(f"montant « {text[:20]} » illisible")
    if amount <= 0:
        raise ValueError("montant nul ou négatif (un avoir n'est pas un achat)")
    if amount >= MAX_AMOUNT:
        raise ValueError("montant supérieur à un milliard d'euros : erreur de saisie ?")
    return amount.quantize(Decimal("0.01"))


def date_of(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            day = datetime.strptime(text, pattern).date()  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
        if not 2000 <= day.year <= 2100:
            raise ValueError(f"date {day.isoformat()} hors de 2000–2100")
        return day
    raise ValueError(f"date « {text[:20]} » illisible (AAAA-MM-JJ ou JJ/MM/AAAA)")


# --- e-invoices ----------------------------------------------------------------------------------------------------


def read_invoice(data: bytes) -> tuple[str, Line]:
    """(ubl | cii | facturx, the invoice as one purchase): the seller's SIRET or SIREN, the total HT, the date."""
    from facturx import get_flavor, get_xml_from_pdf  # noqa: PLC0415 — 0.15 s to import: for an invoice only
    from facturx.parse_xml import parse_ubl_cii_xml  # noqa: PLC0415

    kind = kind_of(data)
    if kind == "facturx":
        try:
            _name, xml = get_xml_from_pdf(data, check_xsd=False)
        except Exception as error:  # noqa: BLE001 — the library raises bare Exceptions on a bad PDF
            raise PurchaseFileError("PDF illisible ou sans facture Factur-X attachée") from error
        if not xml:
            raise PurchaseFileError("ce PDF ne contient pas de facture Factur-X (aucun XML attaché)")
        data = xml
    elif kind != "xml":
        raise PurchaseFileError("ni PDF Factur-X, ni XML UBL ou CII")
    try:
        root = parse_xml(data)
    except NoticeParseError as error:
        raise PurchaseFileError(str(error)) from error
    try:
        flavor = get_flavor(root)
        fields = parse_ubl_cii_xml(root, flavor=flavor, level="en16931", check_xsd=False)
    except Exception as error:  # noqa: BLE001 — idem: anything else is not an invoice it can read
        raise PurchaseFileError("XML qui n'est ni une facture UBL 2.1 ni une facture CII (Factur-X)") from error
    name = "facturx" if kind == "facturx" else "cii" if flavor in ("factur-x", "facturx") else "ubl"
    return name, _invoice_line(fields)


def _invoice_line(fields: dict) -> Line:
    if str(fields.get("BT-3", "380")) in ("381", "261", "262", "296", "308", "532"):
        raise PurchaseFileError("c'est un avoir, pas une facture : il n'est pas compté comme un achat")
    seller = fields.get("BG-4") or {}
    identifier = str(seller.get("legal_identifier") or "")
    scheme = _SCHEMES.get(str(seller.get("legal_identifier_schemeid") or ""), "")
    if not identifier:
        raise PurchaseFileError("le vendeur n'a pas d'identifiant légal (SIREN ou SIRET, BT-30)")
    if scheme == "" and len(re.sub(r"\s", "", identifier)) not in (9, 14):
        raise PurchaseFileError("l'identifiant légal du vendeur n'est ni un SIREN ni un SIRET")
    try:
        supplier = supplier_id(identifier)
        amount = amount_of(str(fields.get("BT-109", "")))
    except ValueError as error:
        raise PurchaseFileError(str(error)) from error
    day = fields.get("BT-2")
    if not isinstance(day, date):
        raise PurchaseFileError("date de facture (BT-2) manquante ou illisible")
    number = str(fields.get("BT-1") or "")[:100] or None
    return Line(supplier, amount, day, "", str(seller.get("name") or "")[:200] or None, number)
