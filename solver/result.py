"""What the solver gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    OPTIMAL = "OPTIMAL"  # proven best
    FEASIBLE = "FEASIBLE"  # a groupement, not proven best: see bound and gap
    INFEASIBLE = "INFEASIBLE"  # proven impossible
    UNKNOWN = "UNKNOWN"  # no groupement found within the time limit, nothing proven


@dataclass(frozen=True)
class Assignment:
    lot_id: str
    requirement: str
    company_id: str
    amount_eur: int  # the part of the lot's value that goes with this requirement


@dataclass(frozen=True)
class Groupement:
    members: tuple[str, ...]  # sorted company ids
    mandataire: str
    assignments: tuple[Assignment, ...]  # one per (covered lot, requirement)
    objective: int = 0
    breakdown: Mapping[str, int] = field(default_factory=dict)  # cost per objective term

    @property
    def covered_lots(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.lot_id for a in self.assignments))

    def amount_of(self, company_id: str) -> int:
        return sum(a.amount_eur for a in self.assignments if a.company_id == company_id)


@dataclass(frozen=True)
class Result:
    status: Status
    groupements: tuple[Groupement, ...] = ()  # the best first, then the alternatives
    bound: float | None = None  # proven lower bound of the objective
    wall_time_s: float = 0.0
    candidates: int = 0  # companies left after the safe reduction

    @property
    def best(self) -> Groupement | None:
        return self.groupements[0] if self.groupements else None

    @property
    def objective(self) -> int | None:
        return self.best.objective if self.best else None

    @property
    def gap(self) -> float | None:
        """(objective − bound) / objective: 0 when proven optimal."""
        if self.objective is None or self.bound is None:
            return None
        return 0.0 if self.objective == 0 else max(0.0, (self.objective - self.bound) / abs(self.objective))
