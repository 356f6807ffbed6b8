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
class Certification:
    """A certificate a lot requires. It qualifies, it is not work: it is met when the member performing
    ``package`` (the lot's main package, its first requirement, when None) holds it — or, when the user accepted
    the global assessment of capacities (R2142-25, ``anywhere``), when any member of the groupement holds it."""

    code: str  # opaque to the solver: « Qualibat 2112 »
    package: str | None = None
    anywhere: bool = False


@dataclass(frozen=True)
class Lot:
    id: str
    value_eur: int  # estimated value (or agreed price), HT
    requirements: tuple[str, ...]  # the work packages (CPV codes), the main one first; opaque to the solver
    min_turnover_eur: int = 0  # the groupement's combined turnover must reach it (global assessment, R2142-25)
    duration_days: int | None = None  # work is annualised over it when known
    # How the value is split between the packages, one positive integer per requirement; None: equal shares.
    weights: tuple[int, ...] | None = None
    certifications: tuple[Certification, ...] = ()

    def __post_init__(self) -> None:
        if self.value_eur < 0 or self.min_turnover_eur < 0:
            raise InstanceError(f"lot {self.id}: negative amount")
        if not self.requirements or len(set(self.requirements)) != len(self.requirements):
            raise InstanceError(f"lot {self.id}: requirements must be non-empty and distinct")
        if self.duration_days is not None and self.duration_days <= 0:
            raise InstanceError(f"lot {self.id}: duration must be positive")
        if self.weights is not None and (
            len(self.weights) != len(self.requirements) or any(w <= 0 for w in self.weights)
        ):
            raise InstanceError(f"lot {self.id}: one positive weight per requirement")
        codes = [c.code for c in self.certifications]
        if len(set(codes)) != len(codes) or set(codes) & set(self.requirements):
            raise InstanceError(f"lot {self.id}: certifications must be distinct and not work packages")
        if any(c.package is not None and c.package not in self.requirements for c in self.certifications):
            raise InstanceError(f"lot {self.id}: a certification names a package the lot does not have")

    def package_of(self, certification: Certification) -> str:
        """The work package whose performer must hold ``certification`` (the main one by default)."""
        return certification.package or self.requirements[0]

    def gates(self) -> dict[str, frozenset[str]]:
        """Package → the certificates its performer must hold (only packages that need one)."""
        found: dict[str, set[str]] = {}
        for certification in self.certifications:
            if not certification.anywhere:
                found.setdefault(self.package_of(certification), set()).add(certification.code)
        return {package: frozenset(codes) for package, codes in found.items()}


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
    certificates: frozenset[str] = frozenset()  # the lots' certification codes it holds (valid ones)

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

    def gates(self) -> dict[tuple[str, str], frozenset[str]]:
        """(lot, package) → the certificates its performer must hold, over the selected lots."""
        return {(lot.id, package): codes for lot in self.selected_lots for package, codes in lot.gates().items()}

    def anywhere(self) -> list[tuple[str, str]]:
        """(lot, certificate) that some member of the groupement must hold, over the selected lots."""
        return [(lot.id, c.code) for lot in self.selected_lots for c in lot.certifications if c.anywhere]


Gates = dict[tuple[str, str], frozenset[str]]


def can_perform(company: Company, key: tuple[str, str], gates: Gates) -> bool:
    """Whether ``company`` may perform the (lot, package) ``key``: a competence that matches it and, when the
    package's performer must hold certificates (``Instance.gates``), every one of them."""
    if key not in company.match:
        return False
    needed = gates.get(key)
    return needed is None or needed <= company.certificates


def performable(company: Company, gates: Gates) -> list[tuple[str, str]]:
    """The (lot, package) keys ``company`` may perform (``can_perform``), in its match's order."""
    if not gates:
        return list(company.match)
    return [key for key in company.match if can_perform(company, key, gates)]


def share_eur(lot: Lot, requirement: str) -> int:
    """The part of a lot's value that goes with one of its requirements (``share_of``)."""
    return share_of(lot.value_eur, lot.requirements, requirement, lot.weights)


def share_of(
    value_eur: int, requirements: tuple[str, ...], requirement: str, weights: tuple[int, ...] | None = None
) -> int:
    """The part of ``value_eur`` that goes with one of ``requirements``, in proportion to ``weights`` (equal shares
    when None), rounded down, the remainder on the first requirement (the main package): the shares add up to the
    value exactly."""
    weights = weights or (1,) * len(requirements)
    total = sum(weights)
    parts = [value_eur * w // total for w in weights]
    index = requirements.index(requirement)
    return parts[index] + (value_eur - sum(parts) if index == 0 else 0)


def annual_work_eur(lot: Lot, amount_eur: int) -> int:
    """The yearly part of work spread over the lot's duration (whole amount when the lot lasts a year or less)."""
    if lot.duration_days is None or lot.duration_days <= 365:
        return amount_eur
    return amount_eur * 365 // lot.duration_days
