"""Purchases stored for their organisation: a file is read once (its SHA-256), an invoice once (seller and number),
each supplier matched to the register — a SIRET to its establishment, a SIREN to the firm's establishment in the
Métropole — and local when it was found there (the register holds the Métropole's establishments)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.companies.models import Company
from app.errors import DomainError
from app.impact.purchasing.models import Purchase, PurchaseFile
from app.impact.purchasing.reading import Line, PurchaseFileError, Refused, kind_of, read_csv, read_invoice


class PurchaseImportError(DomainError):
    """Nothing was imported, for one reason said in French (a sentence: its first letter upper case)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason[:1].upper() + reason[1:])


@dataclass
class Result:
    kind: str
    kept: int = 0
    local: int = 0
    refused: list[Refused] = field(default_factory=list)


def import_purchases(session: Session, organisation_id: int, name: str, data: bytes) -> Result:
    """Store the purchases of one file for the organisation (the caller commits)."""
    digest = hashlib.sha256(data).hexdigest()
    seen = select(PurchaseFile.id).where(PurchaseFile.organisation_id == organisation_id, PurchaseFile.sha256 == digest)
    if session.scalar(seen) is not None:
        raise PurchaseImportError("ce fichier a déjà été importé : ses achats sont comptés une fois")
    try:
        if kind_of(data) == "csv":
            kind, (lines, refused) = "csv", read_csv(data)
        else:
            kind, line = read_invoice(data)
            lines, refused = [line], []
    except PurchaseFileError as error:
        raise PurchaseImportError(str(error)) from error
    if kind != "csv" and _known_invoice(session, organisation_id, lines[0]):
        raise PurchaseImportError(f"la facture n° {lines[0].invoice_number} de ce fournisseur est déjà importée")
    if not lines:
        raise PurchaseImportError(
            "aucune ligne lisible : " + "; ".join(f"ligne {r.line} : {r.reason}" for r in refused[:5])
        )
    stored = PurchaseFile(
        organisation_id=organisation_id, name=name[:255], kind=kind, sha256=digest, lines=len(lines),
        rejected=len(refused),
    )  # fmt: skip
    session.add(stored)
    session.flush()
    matched = _match(session, {line.supplier_id for line in lines})
    rows = [_row(organisation_id, stored.id, line, matched.get(line.supplier_id)) for line in lines]
    session.execute(insert(Purchase), rows)
    return Result(kind, len(rows), sum(1 for r in rows if r["local"]), refused)


def _known_invoice(session: Session, organisation_id: int, line: Line) -> bool:
    stmt = select(Purchase.id).where(
        Purchase.organisation_id == organisation_id,
        Purchase.supplier_id == line.supplier_id,
        Purchase.invoice_number == line.invoice_number,
    )
    return line.invoice_number is not None and session.scalar(stmt.limit(1)) is not None


def _match(session: Session, suppliers: set[str]) -> dict[str, int]:
    sirets = [s for s in suppliers if len(s) == 14]
    sirens = [s for s in suppliers if len(s) == 9]
    stmt = select(Company.siret, Company.id).where(Company.siret.in_(sirets))
    found = dict(session.execute(stmt).all()) if sirets else {}
    if sirens:
        stmt = select(Company.siren, Company.id).where(Company.siren.in_(sirens)).order_by(Company.id)
        for siren, company_id in session.execute(stmt):
            found.setdefault(siren, company_id)  # the firm's first establishment in the Métropole
    return found


def _row(organisation_id: int, file_id: int, line: Line, company_id: int | None) -> dict:
    return {
        "organisation_id": organisation_id, "file_id": file_id, "supplier_id": line.supplier_id,
        "supplier_name": line.supplier_name, "amount_eur": line.amount_eur, "purchase_date": line.purchase_date,
        "category": line.category, "invoice_number": line.invoice_number, "company_id": company_id,
        "local": company_id is not None,
    }  # fmt: skip
