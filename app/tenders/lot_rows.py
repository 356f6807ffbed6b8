"""A notice's lot as the columns of a ``TenderLot`` row, and the requirements the notice derives for it: shared by
a first import and by a newer version updating the rows in place."""

from __future__ import annotations

from app.tenders.models import LotRequirement, TenderLot
from app.tenders.parsing.model import Lot
from app.tenders.parsing.requirements import required_competences

RequirementKey = tuple[str, str]  # (kind, code)


def lot_columns(lot: Lot) -> dict:
    """Every column of the row the notice states (not its position, requirements or withdrawal)."""
    turnovers = [c.min_turnover_eur for c in lot.selection_criteria if c.min_turnover_eur is not None]
    return {
        "lot_id": lot.lot_id[:50],
        "internal_number": lot.internal_number,
        "title": lot.title,
        "description": lot.description,
        "main_cpv": lot.main_cpv,
        "nuts": ";".join(lot.nuts),
        "town": lot.town,
        "postcode": lot.postcode,
        "value_amount": lot.estimated_value.amount if lot.estimated_value else None,
        "value_currency": lot.estimated_value.currency if lot.estimated_value else None,
        "duration_days": lot.duration_days,
        "duration_text": lot.duration_text,
        "start_date": lot.start,
        "end_date": lot.end,
        "sme_suitable": lot.sme_suitable,
        "reserved": lot.reserved,
        "min_turnover_eur": max(turnovers) if turnovers else None,
        "selection_criteria": [
            {
                "type": c.type.value,
                "code": c.code,
                "text": c.text,
                "min_turnover_eur": str(c.min_turnover_eur) if c.min_turnover_eur is not None else None,
            }
            for c in lot.selection_criteria
        ],
        "award_criteria": [
            {"type": c.type, "name": c.name, "weight": str(c.weight) if c.weight is not None else None}
            for c in lot.award_criteria
        ],
    }


def derived_requirements(lot: Lot, labels: dict[str, str]) -> dict[RequirementKey, tuple[str, str]]:
    """The requirements the notice states for the lot: (kind, code) → (label, source), each once (the first source
    wins), in the notice's order."""
    found: dict[RequirementKey, tuple[str, str]] = {}
    for r in required_competences(lot):
        found.setdefault((r.kind, r.code), (labels.get(r.code, r.label)[:300], r.source))
    return found


def requirement_row(key: RequirementKey, label: str, source: str) -> LotRequirement:
    return LotRequirement(kind=key[0], code=key[1], label=label, source=source)


def new_lot(position: int, lot: Lot, labels: dict[str, str]) -> TenderLot:
    requirements = [requirement_row(key, *found) for key, found in derived_requirements(lot, labels).items()]
    return TenderLot(position=position, **lot_columns(lot), requirements=requirements)
