"""What the solver takes in: frozen, validated dataclasses. Integers only — money in euros, distances in metres.

The application prepares everything the hierarchy of CPV codes, certifications and geography implies: for each
candidate company, the lot requirements it can perform and how well it matches each (``match``), its distance to
each lot, its references. The solver knows nothing of CPV codes: a requirement is an opaque string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class InstanceError(ValueError):
    """An instance that breaks its own invariants (negative value, unknown lot…)."""


class Match(int):
    """How a company's competence matches a requirement: lower is better."""


EXACT, NARROWER, BROADER = Match(0), Match(1), Match(2)


@dataclass(frozen=True)
class Lot:
    id: str
    value_eur: int  # estimated value, HT
    requirements: tuple[str, ...]  # CPV codes and certifications the lot requires, opaque to the solver
    min_turnover_eur: int = 0  # the groupement's combined turnover must reach it (global assessment, R2142-25)
    duration_days: int | None = None  # work is annualised over it when known

    def __post_init__(self) -> None:
        if self.value_eur < 0 or self.min_turnover_eur < 0:
            raise InstanceError(f"lot {self.id}: negative amount")
        if not self.requirements or len(set(self.requirements)) != len(self.requirements):
            raise InstanceError(f"lot {self.id}: requirements must be non-empty and distinct")
        if self.duration_days is not None and self.duration_days <= 0:
            raise InstanceError(f"lot {self.id}: duration must be positive")


@dataclass(frozen=True)
class Company:
    id: str  # SIRET
    turnover_eur: int  # latest annual turnover
    headcount: int
    sme: bool
    # (lot id, requirement) → how well the company matches it; absent = cannot perform it.
    match: Mapping[tuple[str, str], int]
    distance_m: Mapping[str, int]  # lot id → distance from the company to the place of performance
    references: frozenset[str] = frozenset()  # requirements proven by a past contract
    can_be_solidaire: bool = True  # accepts joint and several liability as mandataire

    def __post_init__(self) -> None:
        if self.turnover_eur < 0 or self.headcount < 0:
            raise InstanceError(f"company {self.id}: negative turnover or headcount")
        if any(quality not in (EXACT, NARROWER, BROADER) for quality in self.match.values()):
            raise InstanceError(f"company {self.id}: match qualities are 0 (exact), 1 (narrower) or 2 (broader)")


class LotCapScope(StrEnum):
    GROUPEMENT = "groupement"  # the groupement as one tenderer bids for at most N lots
    MEMBER = "member"  # each member performs work in at most N lots


@dataclass(frozen=True)
class Weights:
    """Objective weights (all costs, minimised). Defaults and their reasons are in docs/SOLVER.md."""

    distance: int = 1  # per k€ of work × km between the member and the place of performance
    non_sme: int = 20  # per k€ of work done by a company that is not an SME
    match: int = 50  # per k€ × match rank (0 exact, 1 narrower, 2 broader)
    member: int = 5_000  # per member: fewer partners, fewer interfaces
    no_reference: int = 10  # per k€ of work on a requirement the member has no reference for
    collaboration: int = 2_000  # bonus per pair of members who have worked together before


@dataclass(frozen=True)
class Options:
    max_members: int = 8
    must_include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    lots: frozenset[str] | None = None  # the lots to cover; None = all
    partial: bool = False  # cover the most value when a full cover is impossible
    capacity_ratio_pct: int = 100  # a member's annualised work ≤ this % of its turnover
    mandataire_min_headcount: int = 0
    mandataire_solidaire: bool = False
    max_lots: int | None = None  # BT-31 / BT-33
    lot_cap_scope: LotCapScope = LotCapScope.GROUPEMENT
    weights: Weights = field(default_factory=Weights)

    def __post_init__(self) -> None:
        if self.max_members < 1 or self.capacity_ratio_pct <= 0:
            raise InstanceError("max_members must be ≥ 1 and capacity_ratio_pct > 0")
        if self.must_include & self.exclude:
            raise InstanceError("a company cannot be both included and excluded")


@dataclass(frozen=True)
class Instance:
    lots: tuple[Lot, ...]
    companies: tuple[Company, ...]
    collaborations: frozenset[frozenset[str]] = frozenset()  # pairs of company ids that worked together
    options: Options = field(default_factory=Options)

    def __post_init__(self) -> None:
        lot_ids = [lot.id for lot in self.lots]
        if len(set(lot_ids)) != len(lot_ids):
            raise InstanceError("duplicate lot ids")
        company_ids = {c.id for c in self.companies}
        if len(company_ids) != len(self.companies):
            raise InstanceError("duplicate company ids")
        unknown = (self.options.must_include | self.options.exclude) - company_ids
        if unknown:
            raise InstanceError(f"unknown companies in options: {sorted(unknown)[:3]}")
        if self.options.lots is not None and not self.options.lots <= set(lot_ids):
            raise InstanceError("options.lots names unknown lots")

    @property
    def selected_lots(self) -> tuple[Lot, ...]:
        chosen = self.options.lots
        return tuple(lot for lot in self.lots if chosen is None or lot.id in chosen)


def share_eur(lot: Lot, requirement: str) -> int:
    """The part of a lot's value that goes with one of its requirements (``share_of``)."""
    return share_of(lot.value_eur, lot.requirements, requirement)


def share_of(value_eur: int, requirements: tuple[str, ...], requirement: str) -> int:
    """The part of ``value_eur`` that goes with one of ``requirements``: equal shares, the remainder on the first
    requirement (the main CPV), so that the shares add up to the value exactly."""
    base, remainder = divmod(value_eur, len(requirements))
    return base + (remainder if requirement == requirements[0] else 0)


def annual_work_eur(lot: Lot, amount_eur: int) -> int:
    """The yearly part of work spread over the lot's duration (whole amount when the lot lasts a year or less)."""
    if lot.duration_days is None or lot.duration_days <= 365:
        return amount_eur
    return amount_eur * 365 // lot.duration_days
