"""Import notices into tenders: idempotent on (format, notice id) and version. A newer version is applied in place
by ``versions`` (lots matched by identifier, withdrawn rather than deleted) and only by those allowed to supersede
the stored one. Flushes, never commits."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import bounds
from app.errors import DomainError
from app.formatting import PARIS
from app.reference.cpv_labels import cpv_labels
from app.tenders.lot_rows import new_lot
from app.tenders.models import Tender, TenderRevision
from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Notice, NoticeParseError, Skipped
from app.tenders.versions import Before, apply_version

REFUSED = (
    "Cet avis a été importé par une autre organisation : seule celle-ci ou l'opérateur de la plateforme peut en "
    "importer une nouvelle version."
)
REFUSED_OPERATOR = (
    "Cet avis a été importé par l'opérateur de la plateforme : seul l'opérateur peut en importer une nouvelle version."
)


@dataclass(frozen=True)
class ImportOutcome:
    status: str  # "imported" | "updated" | "unchanged" | "skipped"
    tender: Tender | None = None
    reason: str | None = None
    revision: TenderRevision | None = None  # what a newer version changed ("updated")
    warnings: tuple[str, ...] = ()  # values of the notice left out, each with its reason


def _nobody(_tender: Tender) -> bool:
    return False


def import_notice(
    session: Session,
    data: bytes,
    source_name: str,
    organisation_id: int | None = None,
    *,
    may_supersede: Callable[[Tender], bool] = _nobody,
) -> ImportOutcome:
    """Store a notice. A re-import of the same version changes nothing; an older one is skipped; a newer one
    updates the stored tender in place and records a ``TenderRevision``, when ``may_supersede(tender)`` — the
    caller's permission rule: the organisation that imported it or the operator (the command line is the
    operator); by default nobody. Otherwise it is refused (``DomainError`` on the field ``notice``) and nothing
    changes. A new tender is recorded under ``organisation_id``. Raises NoticeParseError for unreadable XML."""
    parsed = parse_notice(data)
    if isinstance(parsed, Skipped):
        return ImportOutcome("skipped", reason=parsed.reason)
    tender = session.scalar(
        select(Tender).where(Tender.format == parsed.format.value, Tender.notice_id == parsed.notice_id)
    )
    labels = cpv_labels(session, (c for lot in parsed.lots for c in (lot.main_cpv, *lot.additional_cpv)))
    if tender is None:
        tender = Tender(format=parsed.format.value, notice_id=parsed.notice_id, organisation_id=organisation_id)
        _fill(tender, parsed, data, source_name)
        tender.lots = [new_lot(position, lot, labels) for position, lot in enumerate(parsed.lots, start=1)]
        session.add(tender)
        session.flush()
        return ImportOutcome("imported", tender, warnings=parsed.warnings)
    if _version_key(parsed.version) < _version_key(tender.version):
        return ImportOutcome("skipped", tender, f"version {parsed.version} plus ancienne que {tender.version}")
    if _version_key(parsed.version) == _version_key(tender.version):
        return ImportOutcome("unchanged", tender)
    if not may_supersede(tender):
        raise DomainError(REFUSED if tender.organisation_id is not None else REFUSED_OPERATOR, field="notice")
    previous, before = _stored_notice(tender), Before.of(tender)
    _fill(tender, parsed, data, source_name)
    revision = apply_version(session, tender, parsed, previous, before, labels)
    return ImportOutcome("updated", tender, revision=revision, warnings=parsed.warnings)


def _stored_notice(tender: Tender) -> Notice | None:
    """The version stored, read again from its XML; None when it cannot be (the parser has changed its mind)."""
    try:
        parsed = parse_notice(tender.xml)
    except NoticeParseError:
        return None
    return parsed if isinstance(parsed, Notice) else None


def _version_key(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version or "")) or (0,)


def _fill(tender: Tender, notice: Notice, data: bytes, source_name: str) -> None:
    """The tender's own columns from the notice (its lots are the caller's)."""
    buyer = notice.buyer
    deadline = notice.deadline
    tender.version, tender.subtype, tender.language = notice.version, notice.subtype, notice.language
    tender.procedure_id = notice.procedure_id  # its award notices name the same procedure
    tender.publication_number, tender.title, tender.description = (
        notice.publication_number,
        notice.title,
        notice.description,
    )
    tender.procedure_type, tender.nature = notice.procedure_type, notice.nature
    tender.buyer_name, tender.buyer_identifier, tender.buyer_address = buyer.name, buyer.identifier, buyer.address
    tender.buyer_city, tender.buyer_postcode, tender.buyer_nuts = buyer.city, buyer.postcode, buyer.nuts
    tender.buyer_country = buyer.country
    tender.deadline_date = deadline.day if deadline else None
    tender.deadline_time = deadline.at.strftime("%H:%M:%S") if deadline and deadline.at else None
    tender.deadline_zone = _zone(deadline.at) if deadline and deadline.at else None
    tender.deadline_utc = _deadline_utc(notice)
    tender.max_lots_submitted, tender.max_lots_awarded = notice.max_lots_submitted, notice.max_lots_awarded
    tender.groupement_legal_form = notice.groupement_legal_form
    tender.source_name, tender.xml, tender.xml_sha256 = source_name[:255], data, hashlib.sha256(data).hexdigest()


def _zone(at) -> str | None:
    offset = at.utcoffset() if at.tzinfo is not None else None
    if offset is None:
        return None
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _deadline_utc(notice: Notice) -> datetime | None:
    """The deadline as an instant; a time without zone is read in Paris time, a missing time as end of day."""
    if notice.deadline is None:
        return None
    return bounds.instant_utc(notice.deadline.day, notice.deadline.at, PARIS)
