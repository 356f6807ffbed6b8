"""What candidate selection hands on: the solver instance and, beside it, what people read of its lots and
companies. Pure dataclasses, read by the formation of proposals, the capacity report and « Pour vous »."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from solver.instance import Instance


@dataclass(frozen=True)
class Candidate:
    """What the pages show of one candidate; ``distance_km`` maps the solver lot id to the distance."""

    id: int  # Company.id
    siret: str
    name: str
    commune: str
    distance_km: Mapping[str, float]
    sme: bool


@dataclass(frozen=True)
class LotRef:
    """A solved lot as the notice names it."""

    id: int  # TenderLot.id
    number: str  # the buyer's internal number, else the notice's lot identifier (« LOT-0001 »)
    title: str


@dataclass(frozen=True)
class Prepared:
    instance: Instance
    lots: Mapping[str, LotRef]  # solver lot id → the tender's lot
    companies: Mapping[str, Candidate]  # solver company id → candidate
    self_lots: tuple[int, ...]  # TenderLot ids the initiating company performs itself: not solved
    candidates: int
    warnings: tuple[str, ...]
    selection_s: float

    def company_key(self, company_id: int) -> str | None:
        """The solver company id of a company; None when it is not a candidate."""
        return next((key for key, record in self.companies.items() if record.id == company_id), None)
