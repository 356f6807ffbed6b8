"""The baseline people use by hand: per lot and requirement, the nearest company able to do it that still has the
capacity. No search, no look-ahead: it can miss a groupement that exists (too many members, combined turnover too
low) and says so by returning none. Pure: standard library only.

Ties on distance go to the better match, then to the SIRET. In partial mode a lot the greedy cannot cover whole is
left out; under a groupement-wide lot cap it stops covering once the cap is reached."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from solver.instance import Company, Instance, Lot, LotCapScope, annual_work_eur, performable, share_eur
from solver.result import Assignment, Groupement, Result, Status
from solver.validate import objective, validate


@dataclass
class _State:
    """What the greedy has committed so far."""

    assignments: list[Assignment] = field(default_factory=list)
    load: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # annualised work per company, €
    lots_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    covered: list[str] = field(default_factory=list)


def greedy(instance: Instance) -> Result:
    """The nearest-company groupement, FEASIBLE when it keeps every hard rule, else UNKNOWN with no groupement."""
    start = time.perf_counter()
    nearest = _nearest_first(instance)
    state, partial = _State(), instance.options.partial
    for lot in instance.selected_lots:
        if _lot_cap_reached(instance, state):
            if partial:
                break
            return _nothing(instance, start)
        picks = _cover_lot(instance, lot, nearest, state)
        if picks is None:
            if partial:
                continue
            return _nothing(instance, start)
        _commit(lot, picks, state)
    groupement = _groupement(instance, state)
    if groupement is None:
        return _nothing(instance, start)
    return Result(Status.FEASIBLE, (groupement,), None, time.perf_counter() - start, len(instance.companies))


def _nearest_first(instance: Instance) -> dict[tuple[str, str], list[Company]]:
    """For each (lot, requirement), the companies able to perform it (certificates included), nearest first."""
    excluded, gates = instance.options.exclude, instance.gates()
    able: dict[tuple[str, str], list[Company]] = defaultdict(list)
    for company in instance.companies:
        if company.id not in excluded:
            for key in performable(company, gates):
                able[key].append(company)
    for key, companies in able.items():
        lot_id = key[0]
        companies.sort(key=lambda c, lot_id=lot_id, key=key: (c.distance_m.get(lot_id, 0), c.match[key], c.id))
    return able


def _lot_cap_reached(instance: Instance, state: _State) -> bool:
    cap = instance.options.max_lots
    return cap is not None and instance.options.lot_cap_scope is LotCapScope.GROUPEMENT and len(state.covered) >= cap


def _cover_lot(
    instance: Instance, lot: Lot, nearest: dict[tuple[str, str], list[Company]], state: _State
) -> list[Assignment] | None:
    """One company per requirement of the lot, or None when some requirement finds nobody with the capacity."""
    load = dict(state.load)  # tentative: the lot's own requirements add up
    picks = []
    for requirement in lot.requirements:
        amount = share_eur(lot, requirement)
        annual = annual_work_eur(lot, amount)
        company = next(
            (c for c in nearest.get((lot.id, requirement), ()) if _fits(instance, lot, c, annual, load, state)),
            None,
        )
        if company is None:
            return None
        load[company.id] = load.get(company.id, 0) + annual
        picks.append(Assignment(lot.id, requirement, company.id, amount))
    return picks


def _fits(instance: Instance, lot: Lot, company: Company, annual: int, load: dict[str, int], state: _State) -> bool:
    """Capacity left for ``annual`` more €/year, and room under a per-member lot cap."""
    if (load.get(company.id, 0) + annual) * 100 > company.turnover_eur * instance.options.capacity_ratio_pct:
        return False
    cap, lots = instance.options.max_lots, state.lots_of.get(company.id, set())
    if cap is not None and instance.options.lot_cap_scope is LotCapScope.MEMBER:
        return lot.id in lots or len(lots) < cap
    return True


def _commit(lot: Lot, picks: list[Assignment], state: _State) -> None:
    for assignment in picks:
        state.assignments.append(assignment)
        state.load[assignment.company_id] += annual_work_eur(lot, assignment.amount_eur)
        state.lots_of[assignment.company_id].add(lot.id)
    state.covered.append(lot.id)


def _groupement(instance: Instance, state: _State) -> Groupement | None:
    """Members, mandataire and objective; None when the result breaks a hard rule (checked by ``validate``)."""
    if not state.assignments:
        return None
    members = tuple(sorted({a.company_id for a in state.assignments} | instance.options.must_include))
    mandataire = _mandataire(instance, state)
    if mandataire is None:
        return None
    draft = Groupement(members, mandataire, tuple(state.assignments))
    total, breakdown = objective(instance, draft)
    groupement = Groupement(members, mandataire, draft.assignments, total, breakdown)
    return None if validate(instance, groupement) else groupement


def _mandataire(instance: Instance, state: _State) -> str | None:
    """The member with the most work among those the mandataire rules allow."""
    options = instance.options
    companies = {c.id: c for c in instance.companies}
    work: dict[str, int] = defaultdict(int)
    for assignment in state.assignments:
        work[assignment.company_id] += assignment.amount_eur
    eligible = [
        company_id
        for company_id in work
        if companies[company_id].headcount >= options.mandataire_min_headcount
        and (companies[company_id].can_be_solidaire or not options.mandataire_solidaire)
    ]
    return min(eligible, key=lambda c: (-work[c], c)) if eligible else None


def _nothing(instance: Instance, start: float) -> Result:
    return Result(Status.UNKNOWN, (), None, time.perf_counter() - start, len(instance.companies))
