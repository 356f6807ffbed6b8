"""The one way companies enter the register: batches of records upserted by SIRET. The SIRENE import, the
demo register and scripts all write through ``write_companies``; it flushes and never commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.companies.models import (
    Certification,
    Company,
    CompanyReference,
    Competence,
    CompetenceSource,
    Turnover,
)
from app.companies.naf_cpv import cpv_for_naf
from app.companies.records import CompanyRecord
from app.companies.sizes import sme_category
from app.db import utcnow

BATCH_SIZE = 2000


@dataclass
class WriteReport:
    inserted: int = 0
    updated: int = 0
    kept: int = 0  # companies whose organisation manages the profile: the register does not overwrite them


def write_companies(
    session: Session,
    records: Iterable[CompanyRecord],
    *,
    source: str,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> WriteReport:
    """Insert new companies and update known ones (same SIRET), with their derived competences and, when a
    record carries them, turnover, certifications, references and declared competences."""
    report = WriteReport()
    for batch in _batches(records, batch_size):
        _write_batch(session, batch, source, report)
        if on_batch is not None:
            on_batch(len(batch))
    session.flush()
    return report


def _batches(records: Iterable[CompanyRecord], size: int) -> Iterator[list[CompanyRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        # Within a batch the last record of a SIRET wins, as it would across batches.
        yield list({record.siret: record for record in batch}.values())


def _write_batch(session: Session, batch: Sequence[CompanyRecord], source: str, report: WriteReport) -> None:
    known, claimed = _ids(session, [record.siret for record in batch])
    batch = [r for r in batch if r.siret not in claimed]
    turnover_of = _latest_turnovers(session, batch, known)
    old = [r for r in batch if r.siret in known]
    new = [r for r in batch if r.siret not in known]
    if new:
        # Core executemany without RETURNING is several times faster than the ORM bulk insert; the new ids
        # are read back in one query.
        rows = [_company_values(r, turnover_of.get(r.siret), source) for r in new]
        session.connection().execute(insert(Company.__table__), rows)
        known |= _ids(session, [r.siret for r in new])[0]
    if old:
        rows = [{"id": known[r.siret], **_company_values(r, turnover_of.get(r.siret), None)} for r in old]
        session.execute(update(Company), rows)
    ids = {r.siret: known[r.siret] for r in batch}
    _replace_children(session, batch, ids, existing={known[r.siret] for r in old})
    report.inserted += len(new)
    report.updated += len(old)
    report.kept += len(claimed)


def _ids(session: Session, sirets: list[str]) -> tuple[dict[str, int], set[str]]:
    """The ids of the SIRETs already in the register, and those of them an organisation has claimed."""
    rows = session.execute(
        select(Company.siret, Company.id, Company.organisation_id).where(Company.siret.in_(sirets))
    ).all()
    return {siret: id_ for siret, id_, _ in rows}, {siret for siret, _, owner in rows if owner is not None}


def _latest_turnovers(session: Session, batch: Sequence[CompanyRecord], known: dict[str, int]) -> dict[str, int]:
    """The latest turnover of each record: its own, or the register's when the record carries none."""
    latest = {r.siret: max(r.turnovers)[1] for r in batch if r.turnovers}
    missing = {known[r.siret]: r.siret for r in batch if r.turnovers is None and r.siret in known}
    if missing:
        rows = session.execute(
            select(Turnover.company_id, Turnover.year, Turnover.amount_eur)
            .where(Turnover.company_id.in_(missing))
            .order_by(Turnover.year)
        )
        for company_id, _year, amount in rows:
            latest[missing[company_id]] = amount  # ascending years: the last one stays
    return latest


def _company_values(record: CompanyRecord, turnover: int | None, source: str | None) -> dict[str, Any]:
    category = sme_category(record.headcount, record.headcount_band, turnover)
    values: dict[str, Any] = {
        "siret": record.siret,
        "siren": record.siren,
        "legal_name": record.legal_name,
        "trade_name": record.trade_name,
        "naf_code": record.naf_code,
        "naf_version": record.naf_version,
        "legal_form": record.legal_form,
        "address": record.address,
        "postcode": record.postcode,
        "commune_insee": record.commune_insee,
        "headcount": record.headcount,
        "headcount_band": record.headcount_band,
        "size_category": category.value if category is not None else None,
        "open_to_groupements": record.open_to_groupements,
        "updated_at": utcnow(),
    }
    if record.contact_name is not None or record.contact_email is not None:
        values |= {"contact_name": record.contact_name, "contact_email": record.contact_email}
        values["register_email"] = record.contact_email  # where claim links go: only the register writes it
    if source is not None:  # the origin of a company never changes after it entered the register
        values["source"] = source
    return values


def _replace_children(
    session: Session, batch: Sequence[CompanyRecord], ids: dict[str, int], existing: set[int]
) -> None:
    """NAF-derived competences are always recomputed; every other collection only when the record carries it
    (references also prove competences in their CPV)."""
    derived = [
        {"company_id": ids[r.siret], **row}
        for r in batch
        if r.naf_version == "NAFRev2" and r.naf_code
        for row in _codes(CompetenceSource.NAF, cpv_for_naf(r.naf_code))
    ]
    _replace(session, Competence, existing, derived, Competence.source == CompetenceSource.NAF)
    for attribute, model, rows_of, *criteria in _COLLECTIONS:
        given = [r for r in batch if getattr(r, attribute) is not None]
        rows = [{"company_id": ids[r.siret], **row} for r in given for row in rows_of(r)]
        _replace(session, model, existing & {ids[r.siret] for r in given}, rows, *criteria)


def _codes(source: CompetenceSource, codes: Iterable[str]) -> list[dict]:
    return [{"cpv_code": code, "source": source} for code in dict.fromkeys(codes)]


_COLLECTIONS = [
    (
        "declared_cpv",
        Competence,
        lambda r: _codes(CompetenceSource.DECLARED, r.declared_cpv),
        Competence.source == CompetenceSource.DECLARED,
    ),
    (
        "references",
        Competence,
        lambda r: _codes(CompetenceSource.REFERENCE, (x.cpv_code for x in r.references)),
        Competence.source == CompetenceSource.REFERENCE,
    ),
    ("turnovers", Turnover, lambda r: [{"year": y, "amount_eur": a} for y, a in dict(r.turnovers).items()]),
    (
        "certifications",
        Certification,
        lambda r: [
            {"scheme": c.scheme, "code": c.code, "label": c.label, "valid_until": c.valid_until}
            for c in r.certifications
        ],
    ),
    (
        "references",
        CompanyReference,
        lambda r: [
            {"title": x.title, "buyer": x.buyer, "cpv_code": x.cpv_code, "amount_eur": x.amount_eur, "year": x.year}
            for x in r.references
        ],
    ),
]


def _replace(session: Session, model: type, company_ids: set[int], rows: list[dict], *criteria: Any) -> None:
    if company_ids:
        session.execute(
            delete(model).where(model.company_id.in_(company_ids), *criteria),
            execution_options={"synchronize_session": False},
        )
    if rows:
        session.connection().execute(insert(model.__table__), rows)
