"""The buyer's « capacité locale » report: what the local economic fabric can perform, lot by lot, before the
buyer fixes its allotissement (L2113-10). Pure: a ``Prepared`` instance in, a ``Report`` out (the solver runs the
one-lot solves).

For each lot: the SMEs able to perform at least one requirement (and every requirement) by distance band; how many
SMEs could take it alone — every requirement, the lot's minimum turnover, and its annualised value within the
capacity the solver allows (annual work × 100 ≤ turnover × ``capacity_ratio_pct``); whether a groupement of the
prepared companies can (one-lot solve, 2 s). What-ifs: two lots of the same CPV division merged (requirements
united, values added, the higher minimum turnover), and a lot of several CPV codes split by code (each part its
``share_eur`` of the value and the same share of the minimum turnover).

The report describes capacity; it must never become an award criterion (local preference is unlawful)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from app.consortium.selection.prepared import Candidate, Prepared
from app.reference.cpv import is_cpv_code
from solver import Instance, Options, Status, explain_infeasible, share_eur, solve
from solver.instance import Company, Gates, Lot, annual_work_eur, can_perform, performable

BANDS: tuple[tuple[float | None, str], ...] = (
    (10, "≤ 10 km"),
    (25, "10 à 25 km"),
    (50, "25 à 50 km"),
    (None, "plus de 50 km"),
)
MAX_MERGES = 10
SOLVE_TIME_S = 2  # per lot at most…
TOTAL_SOLVE_TIME_S = 6  # …and about this for the whole report: it is computed in the request

Need = tuple[str, str]  # (solver lot id, requirement)


@dataclass(frozen=True)
class BandCount:
    label: str
    eligible: int  # SMEs able to perform at least one requirement of the lot
    complete: int  # SMEs able to perform every requirement of the lot


@dataclass(frozen=True)
class Alone:
    """How many SMEs could take a (possibly hypothetical) lot on their own, and how far the nearest one is."""

    count: int
    nearest_km: float | None


class Outlook(StrEnum):
    POSSIBLE = "possible"
    IMPOSSIBLE = "impossible"
    UNKNOWN = "indetermine"


@dataclass(frozen=True)
class GroupementOutlook:
    outlook: Outlook
    members: int | None = None  # of the best groupement found
    reasons: tuple[str, ...] = ()  # why none exists, when proven impossible


@dataclass(frozen=True)
class SplitPart:
    requirement: str
    value_eur: int
    alone: Alone


@dataclass(frozen=True)
class LotCapacity:
    key: str  # solver lot id
    tender_lot_id: int
    number: str  # the lot's number as the notice gives it
    title: str
    value_eur: int
    requirements: tuple[str, ...]  # the work packages, main first
    certifications: tuple[str, ...]  # they qualify the performer, they are not work
    bands: tuple[BandCount, ...]
    eligible: int
    complete: int
    alone: Alone
    groupement: GroupementOutlook
    split: tuple[SplitPart, ...]  # empty unless the lot has several CPV requirements


@dataclass(frozen=True)
class Merge:
    first: str  # lot numbers
    second: str
    value_eur: int
    requirements: int
    alone: Alone


@dataclass(frozen=True)
class Report:
    lots: tuple[LotCapacity, ...]
    merges: tuple[Merge, ...]
    max_members: int
    capacity_ratio_pct: int
    smes: int  # SMEs among the prepared companies
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Sme:
    company: Company
    record: Candidate


def capacity_report(prepared: Prepared, max_members: int) -> Report:
    """The report for every prepared lot."""
    instance = prepared.instance
    smes = [_Sme(c, prepared.companies[c.id]) for c in instance.companies if prepared.companies[c.id].sme]
    ratio = instance.options.capacity_ratio_pct
    lots = tuple(_lot_capacity(prepared, lot, smes, max_members) for lot in instance.lots)
    merges = _merges(instance.lots, {c.key: c.number for c in lots}, smes, ratio, instance.gates())
    return Report(lots, merges, max_members, ratio, len(smes), prepared.warnings)


def _lot_capacity(prepared: Prepared, lot: Lot, smes: list[_Sme], max_members: int) -> LotCapacity:
    needs = [(lot.id, req) for req in lot.requirements]
    gates = prepared.instance.gates()
    bands = _bands(lot.id, needs, smes, gates)
    ratio = prepared.instance.options.capacity_ratio_pct
    alone = _alone(smes, needs, annual_work_eur(lot, lot.value_eur), lot.min_turnover_eur, ratio, (lot.id,), gates)
    ref = prepared.lots[lot.id]
    return LotCapacity(
        key=lot.id,
        tender_lot_id=ref.id,
        number=ref.number,
        title=ref.title,
        value_eur=lot.value_eur,
        requirements=lot.requirements,
        certifications=tuple(c.code for c in lot.certifications),
        bands=bands,
        eligible=sum(b.eligible for b in bands),
        complete=sum(b.complete for b in bands),
        alone=alone,
        groupement=_groupement(prepared.instance, lot.id, max_members),
        split=_split(lot, smes, ratio, gates),
    )


def _band_index(km: float) -> int:
    return next(i for i, (limit, _) in enumerate(BANDS) if limit is None or km <= limit)


def _bands(lot_id: str, needs: list[Need], smes: list[_Sme], gates: Gates) -> tuple[BandCount, ...]:
    """SMEs able to perform part (and all) of the lot, by distance from their commune to the lot's place (holding
    the certificates a package's performer needs)."""
    eligible, complete = [0] * len(BANDS), [0] * len(BANDS)
    for sme in smes:
        held = [can_perform(sme.company, need, gates) for need in needs]
        if any(held):
            band = _band_index(sme.record.distance_km[lot_id])
            eligible[band] += 1
            complete[band] += all(held)
    return tuple(BandCount(label, eligible[i], complete[i]) for i, (_, label) in enumerate(BANDS))


def _alone(
    smes: list[_Sme],
    needs: Iterable[Need],
    annual_eur: int,
    min_turnover_eur: int,
    ratio: int,
    lot_ids: tuple[str, ...],
    gates: Gates,
) -> Alone:
    """SMEs that perform every need (with its certificates), reach the minimum turnover and can carry the annual
    work on their own."""
    needs = tuple(needs)
    able = [
        sme
        for sme in smes
        if all(can_perform(sme.company, need, gates) for need in needs)
        and sme.company.turnover_eur >= min_turnover_eur
        and annual_eur * 100 <= sme.company.turnover_eur * ratio
    ]
    distances = [min(sme.record.distance_km[lot_id] for lot_id in lot_ids) for sme in able]
    return Alone(len(able), min(distances, default=None))


def _groupement(instance: Instance, lot_id: str, max_members: int) -> GroupementOutlook:
    """Whether the prepared companies can form a groupement covering this lot alone."""
    # Only the lot and the companies able to do part of it: a small instance, solved in well under a second.
    gates = instance.gates()
    able = tuple(c for c in instance.companies if any(key[0] == lot_id for key in performable(c, gates)))
    lots = tuple(lot for lot in instance.lots if lot.id == lot_id)
    one_lot = Instance(lots, able, options=Options(max_members=max_members))
    budget = max(0.5, min(SOLVE_TIME_S, TOTAL_SOLVE_TIME_S / max(1, len(instance.lots))))
    result = solve(one_lot, time_limit_s=budget, workers=1, alternatives=1)
    if result.status in (Status.OPTIMAL, Status.FEASIBLE) and result.best is not None:
        return GroupementOutlook(Outlook.POSSIBLE, members=len(result.best.members))
    if result.status is Status.INFEASIBLE:
        return GroupementOutlook(Outlook.IMPOSSIBLE, reasons=explain_infeasible(one_lot))
    return GroupementOutlook(Outlook.UNKNOWN)


def _cpv(lot: Lot) -> tuple[str, ...]:
    return tuple(req for req in lot.requirements if is_cpv_code(req))


def _split(lot: Lot, smes: list[_Sme], ratio: int, gates: Gates) -> tuple[SplitPart, ...]:
    """Each CPV requirement as a lot of its own: its share of the value and of the minimum turnover."""
    codes = _cpv(lot)
    if len(codes) < 2:
        return ()
    parts = []
    for req in codes:
        value = share_eur(lot, req)
        min_turnover = lot.min_turnover_eur * value // lot.value_eur if lot.value_eur else lot.min_turnover_eur
        alone = _alone(smes, [(lot.id, req)], annual_work_eur(lot, value), min_turnover, ratio, (lot.id,), gates)
        parts.append(SplitPart(req, value, alone))
    return tuple(parts)


def _divisions(lot: Lot) -> set[str]:
    return {code[:2] for code in _cpv(lot)}


def _merges(
    lots: tuple[Lot, ...], numbers: dict[str, str], smes: list[_Sme], ratio: int, gates: Gates
) -> tuple[Merge, ...]:
    """Pairs of lots of a common CPV division (at most ``MAX_MERGES``), merged into one."""
    pairs = [(a, b) for a, b in combinations(lots, 2) if _divisions(a) & _divisions(b)][:MAX_MERGES]
    merges = []
    for a, b in pairs:
        needs = [(lot.id, req) for lot in (a, b) for req in lot.requirements]
        annual = annual_work_eur(a, a.value_eur) + annual_work_eur(b, b.value_eur)
        min_turnover = max(a.min_turnover_eur, b.min_turnover_eur)
        alone = _alone(smes, needs, annual, min_turnover, ratio, (a.id, b.id), gates)
        united = len(set(a.requirements) | set(b.requirements))
        merges.append(Merge(numbers[a.id], numbers[b.id], a.value_eur + b.value_eur, united, alone))
    return tuple(merges)
