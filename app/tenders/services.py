"""Import notices into tenders: idempotent on (format, notice id) and version. Flushes, never commits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reference.cpv_labels import cpv_labels
from app.tenders.models import LotRequirement, Tender, TenderLot
from app.tenders.parsing.dispatch import parse_notice
from app.tenders.parsing.model import Lot, Notice, Skipped
from app.tenders.parsing.requirements import required_competences

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class ImportOutcome:
    status: str  # "imported" | "updated" | "unchanged" | "skipped"
    tender: Tender | None = None
    reason: str | None = None


def import_notice(session: Session, data: bytes, source_name: str, organisation_id: int | None = None) -> ImportOutcome:
    """Store a notice. A re-import of the same version changes nothing; a newer version supersedes the stored
    one; an older one is skipped. Raises NoticeParseError for unreadable XML."""
    parsed = parse_notice(data)
    if isinstance(parsed, Skipped):
        return ImportOutcome("skipped", reason=parsed.reason)
    tender = session.scalar(
        select(Tender).where(Tender.format == parsed.format.value, Tender.notice_id == parsed.notice_id)
    )
    if tender is not None:
        if _version_key(parsed.version) < _version_key(tender.version):
            return ImportOutcome("skipped", tender, f"version {parsed.version} plus ancienne que {tender.version}")
        if _version_key(parsed.version) == _version_key(tender.version):
            return ImportOutcome("unchanged", tender)
    status = "imported" if tender is None else "updated"
    if tender is None:
        tender = Tender(format=parsed.format.value, notice_id=parsed.notice_id, organisation_id=organisation_id)
        session.add(tender)
    _fill(session, tender, parsed, data, source_name)
    session.flush()
    return ImportOutcome(status, tender)


def _version_key(version: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version or "")) or (0,)


def _fill(session: Session, tender: Tender, notice: Notice, data: bytes, source_name: str) -> None:
    buyer = notice.buyer
    deadline = notice.deadline
    tender.version, tender.subtype, tender.language = notice.version, notice.subtype, notice.language
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
    labels = cpv_labels(session, (c for lot in notice.lots for c in (lot.main_cpv, *lot.additional_cpv)))
    tender.lots.clear()
    session.flush()  # the old lots go before the new ones take their positions
    tender.lots.extend(_lot(position, lot, labels) for position, lot in enumerate(notice.lots, start=1))


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
    at = notice.deadline.at
    moment = datetime.combine(notice.deadline.day, at.replace(tzinfo=None) if at else datetime.max.time())
    zone = at.tzinfo if at is not None and at.tzinfo is not None else PARIS
    return moment.replace(tzinfo=zone).astimezone(UTC)


def _lot(position: int, lot: Lot, labels: dict[str, str]) -> TenderLot:
    turnovers = [c.min_turnover_eur for c in lot.selection_criteria if c.min_turnover_eur is not None]
    return TenderLot(
        position=position,
        lot_id=lot.lot_id[:50],
        internal_number=lot.internal_number,
        title=lot.title,
        description=lot.description,
        main_cpv=lot.main_cpv,
        nuts=";".join(lot.nuts),
        town=lot.town,
        postcode=lot.postcode,
        value_amount=lot.estimated_value.amount if lot.estimated_value else None,
        value_currency=lot.estimated_value.currency if lot.estimated_value else None,
        duration_days=lot.duration_days,
        duration_text=lot.duration_text,
        start_date=lot.start,
        end_date=lot.end,
        sme_suitable=lot.sme_suitable,
        reserved=lot.reserved,
        min_turnover_eur=max(turnovers) if turnovers else None,
        selection_criteria=[
            {
                "type": c.type.value,
                "code": c.code,
                "text": c.text,
                "min_turnover_eur": str(c.min_turnover_eur) if c.min_turnover_eur is not None else None,
            }
            for c in lot.selection_criteria
        ],
        award_criteria=[
            {"type": c.type, "name": c.name, "weight": str(c.weight) if c.weight is not None else None}
            for c in lot.award_criteria
        ],
        requirements=[
            LotRequirement(kind=r.kind, code=r.code, label=labels.get(r.code, r.label)[:300], source=r.source)
            for r in _unique(required_competences(lot))
        ],
    )


def _unique(requirements):
    seen: set[tuple[str, str]] = set()
    for requirement in requirements:
        if (requirement.kind, requirement.code) not in seen:
            seen.add((requirement.kind, requirement.code))
            yield requirement
