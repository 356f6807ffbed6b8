"""SIRENE import and demo seeding: both stream records into ``register.write_companies``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.companies import demo
from app.companies.models import Company
from app.companies.records import CompanyRecord
from app.companies.register import write_companies
from app.companies.sirene import ReadCounts, Rejection, read_sirene
from app.lengths import record_problem
from app.reference.models import Commune

# The register's texts as the person importing knows them, for the reason of a line refused as too long.
RECORD_LABELS = {
    "legal_name": "Raison sociale",
    "trade_name": "Enseigne",
    "naf_code": "Code NAF",
    "naf_version": "Nomenclature NAF",
    "legal_form": "Catégorie juridique",
    "address": "Adresse",
    "postcode": "Code postal",
    "headcount_band": "Tranche d'effectif",
    "contact_name": "Contact",
    "contact_email": "E-mail de contact",
}


@dataclass
class ImportReport:
    inserted: int = 0
    updated: int = 0
    kept: int = 0
    rejected: int = 0
    ignored: dict[str, int] = field(default_factory=dict)


def territory(session: Session) -> set[str]:
    """The INSEE codes of the communes the register covers: those of the commune table (the Métropole)."""
    return set(session.scalars(select(Commune.insee_code)))


def import_sirene(
    session: Session,
    handle: BinaryIO,
    *,
    on_rejection: Callable[[Rejection], None],
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert the active establishments of the territory; each bad line goes to ``on_rejection`` and the rest
    of the file still imports. ``on_progress`` receives the number of bytes read since its last call."""
    counts = ReadCounts()
    seen = 0

    def records() -> Iterator[CompanyRecord]:
        nonlocal seen
        for item in read_sirene(handle, territory(session), counts, check=record_fits):
            if isinstance(item, Rejection):
                on_rejection(item)
            else:
                yield item
            if on_progress is not None and counts.bytes_read - seen >= 1 << 20:
                on_progress(counts.bytes_read - seen)
                seen = counts.bytes_read

    written = write_companies(session, records(), source="sirene")
    if on_progress is not None:
        on_progress(counts.bytes_read - seen)
    return ImportReport(written.inserted, written.updated, written.kept, counts.rejected, dict(counts.ignored))


def record_fits(record: CompanyRecord) -> str | None:
    """Why a record cannot be written (a text longer than its column: the writer inserts through SQL Core, which
    the session's check does not see); None when it can."""
    return record_problem(Company, vars(record), RECORD_LABELS)


def seed_demo(
    session: Session, *, count: int, seed: int, on_progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Write the deterministic demo register through the same writer as the SIRENE import."""
    written = write_companies(session, demo.generate_companies(count, seed), source="demo", on_batch=on_progress)
    return ImportReport(written.inserted, written.updated, written.kept)


def company_count(session: Session) -> int:
    return session.scalar(select(func.count(Company.id))) or 0
