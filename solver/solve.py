"""``solve(instance) -> Result``: reduce the candidates safely, build the model, solve, read the groupements;
``solutions(instance)`` yields each groupement as it is found."""

from __future__ import annotations

import time
from collections.abc import Generator

from ortools.sat.python import cp_model

from solver.greedy import greedy
from solver.instance import Instance, share_eur
from solver.model import Variables, add_start, build_model
from solver.reduction import reduce_candidates
from solver.result import Assignment, Groupement, Result, Status
from solver.validate import objective

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
}


Found = tuple[Groupement, float | None]  # a groupement and, for the best one, the proven bound


def solutions(
    instance: Instance,
    *,
    time_limit_s: float = 10.0,
    workers: int = 8,
    seed: int = 0,
    alternatives: int = 1,
    reduce: bool = True,
) -> Generator[Found, None, Result]:
    """The groupements as they are found, the best first with its bound, then up to ``alternatives − 1`` more, each
    differing from the previous ones by at least one member; the generator returns the ``Result``. A caller can
    show the best groupement before the alternatives are sought. The time limit covers the whole search,
    alternatives included. Same instance, seed and ``workers=1``: same answer."""
    start = time.perf_counter()
    reduced = reduce_candidates(instance) if reduce else instance
    model, v = build_model(reduced)
    # Start from the greedy groupement when there is one: an incumbent from the first second.
    add_start(model, v, greedy(reduced).best)
    solver = _solver(time_limit_s, workers, seed)
    found: list[Groupement] = []
    status, bound = Status.UNKNOWN, None
    for index in range(max(1, alternatives)):
        # What reduction, model building and the previous solves took comes off this one.
        remaining = time_limit_s - (time.perf_counter() - start)
        if index > 0 and remaining < 0.1:
            break
        solver.parameters.max_time_in_seconds = max(0.1, remaining)
        current = _STATUS.get(solver.solve(model), Status.UNKNOWN)
        if current not in (Status.OPTIMAL, Status.FEASIBLE):
            if index == 0:
                status = current
            break
        if index == 0:
            status, bound = current, solver.best_objective_bound
        found.append(_groupement(reduced, v, solver))
        yield found[-1], bound if index == 0 else None
        _forbid_members(model, v, found[-1])
    return Result(status, tuple(found), bound, time.perf_counter() - start, len(reduced.companies))


def solve(
    instance: Instance,
    *,
    time_limit_s: float = 10.0,
    workers: int = 8,
    seed: int = 0,
    alternatives: int = 1,
    reduce: bool = True,
) -> Result:
    """Every groupement of ``solutions`` at once."""
    search = solutions(
        instance, time_limit_s=time_limit_s, workers=workers, seed=seed, alternatives=alternatives, reduce=reduce
    )
    while True:
        try:
            next(search)
        except StopIteration as done:
            return done.value


def _solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Presolve once, without probing or symmetry detection: on tens of thousands of assignment Booleans each probing
    # pass takes about a second and the three default passes found nothing the LP does not (benchmark: 20-lot
    # presolve from 5.6 s to 0.5 s; every 20- and 30-lot instance then proven optimal).
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    if workers < 8:
        # With few workers the LP-based subsolvers that prove bounds are not scheduled and the bound stays at 0
        # (peers.md §3.4). One worker: a stronger linearisation. Two to seven: run the LP subsolvers themselves;
        # measured on the benchmark's reduced models, max_lp_sym is the one that proves the optimum.
        solver.parameters.linearization_level = 2
        if workers >= 2:
            solver.parameters.subsolvers.extend(["max_lp_sym", "default_lp"])
    return solver


def _groupement(instance: Instance, v: Variables, solver: cp_model.CpSolver) -> Groupement:
    lots = {lot.id: lot for lot in instance.lots}
    assignments = tuple(
        Assignment(lot_id, requirement, company_id, share_eur(lots[lot_id], requirement))
        for (lot_id, requirement, company_id), var in v.assign.items()
        if solver.boolean_value(var)
    )
    members = tuple(sorted(c for c, var in v.member.items() if solver.boolean_value(var)))
    mandataire = next(c for c, var in v.mandataire.items() if solver.boolean_value(var))
    groupement = Groupement(members, mandataire, assignments)
    total, breakdown = objective(instance, groupement)
    return Groupement(members, mandataire, assignments, total, breakdown)


def _forbid_members(model: cp_model.CpModel, v: Variables, groupement: Groupement) -> None:
    """The next groupement differs by at least one member (one in, or one out)."""
    chosen = set(groupement.members)
    model.add(
        sum(1 - var for c, var in v.member.items() if c in chosen)
        + sum(var for c, var in v.member.items() if c not in chosen)
        >= 1
    )
