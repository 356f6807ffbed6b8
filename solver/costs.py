"""The objective, term by term: one definition used both by the CP-SAT model (as coefficients) and by
``validate`` (to recompute a groupement's objective). All integers; work is counted in k€."""

from __future__ import annotations

from solver.instance import Company, Instance, Lot, share_eur

TERMS = ("uncovered", "distance", "non_sme", "match", "no_reference", "member", "collaboration")
# In partial-cover mode, each uncovered k€ costs more than any groupement can cost otherwise: covering value first.
UNCOVERED_PER_KEUR = 10_000_000


def assignment_costs(instance: Instance, lot: Lot, requirement: str, company: Company) -> dict[str, int]:
    """What it costs that ``company`` performs ``requirement`` of ``lot``."""
    weights = instance.options.weights
    work_k = max(1, share_eur(lot, requirement) // 1000)
    km = company.distance_m.get(lot.id, 0) // 1000
    return {
        "distance": weights.distance * work_k * km,
        "non_sme": 0 if company.sme else weights.non_sme * work_k,
        "match": weights.match * work_k * company.match[(lot.id, requirement)],
        "no_reference": 0 if requirement in company.references else weights.no_reference * work_k,
    }


def assignment_cost(instance: Instance, lot: Lot, requirement: str, company: Company) -> int:
    return sum(assignment_costs(instance, lot, requirement, company).values())


def uncovered_cost(lot: Lot) -> int:
    return UNCOVERED_PER_KEUR * max(1, lot.value_eur // 1000)


def member_cost(instance: Instance) -> int:
    return instance.options.weights.member


def collaboration_bonus(instance: Instance) -> int:
    return instance.options.weights.collaboration
