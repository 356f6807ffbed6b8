"""The groupement solver: a pure package (standard library and OR-Tools only).

``solve(Instance) -> Result``; ``validate(Instance, Groupement)`` checks every hard rule without the solver;
``explain_infeasible(Instance)`` says why no groupement exists; ``reduce_candidates`` is the safe reduction."""

from solver.explain import explain_infeasible
from solver.instance import (
    BROADER,
    EXACT,
    NARROWER,
    Company,
    Instance,
    Lot,
    LotCapScope,
    Options,
    Weights,
    share_eur,
    share_of,
)
from solver.reduction import reduce_candidates
from solver.result import Assignment, Groupement, Result, Status
from solver.solve import solutions, solve
from solver.validate import Violation, validate

__all__ = [
    "BROADER", "EXACT", "NARROWER", "Assignment", "Company", "Groupement", "Instance", "Lot", "LotCapScope",
    "Options", "Result", "Status", "Violation", "Weights", "explain_infeasible", "reduce_candidates",
    "share_eur", "share_of", "solutions", "solve", "validate",
]  # fmt: skip
