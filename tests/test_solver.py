"""The CP-SAT solver on small instances whose optimum is worked out by hand, one per hard rule, and its
determinism. ``validate`` agrees with every answer."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from solver.greedy import greedy
from solver.instance import BROADER, EXACT, NARROWER, Company, Instance, Lot, LotCapScope, Options
from solver.model import add_start, build_model
from solver.result import Status
from solver.solve import solutions, solve
from solver.validate import validate

ELEC, PLUMB, ROOF = "45310000", "45330000", "45261000"
LOT_A = Lot("A", 100_000, (ELEC,))
LOT_B = Lot("B", 200_000, (PLUMB, ROOF))


def company(
    id_: str, can: dict, km: dict, turnover: int = 1_000_000, headcount: int = 5, sme: bool = True, **kwargs
) -> Company:
    return Company(id_, turnover, headcount, sme, match=can, distance_m={k: v * 1000 for k, v in km.items()}, **kwargs)


E1 = company("e1", {("A", ELEC): EXACT}, {"A": 5, "B": 10})
P1 = company("p1", {("B", PLUMB): EXACT, ("B", ROOF): EXACT}, {"A": 20, "B": 20}, turnover=2_000_000)
P2 = company("p2", {("B", PLUMB): EXACT}, {"B": 2}, turnover=400_000)
R1 = company("r1", {("B", ROOF): EXACT}, {"B": 3}, turnover=300_000)
BIG = company(
    "big",
    {("A", ELEC): NARROWER, ("B", PLUMB): NARROWER, ("B", ROOF): BROADER},
    {"A": 50, "B": 50},
    turnover=100_000_000,
    headcount=900,
    sme=False,
)
COMPANIES = (E1, P1, P2, R1, BIG)

# Costs with the default weights (per k€ of work: 1 × km, 20 if not an SME, 50 × match rank, 10 without a
# reference; 5,000 per member). Each requirement of B carries 100 k€.
#   e1 on A: 100×5 + 100×10 = 1,500        p1 on B, each requirement: 100×20 + 1,000 = 3,000
#   p2 on B/plumbing: 100×2 + 1,000 = 1,200    r1 on B/roofing: 100×3 + 1,000 = 1,300
#   {e1, p1}: 1,500 + 6,000 + 2 × 5,000 = 17,500     {e1, p2, r1}: 4,000 + 15,000 = 19,000
#   {big}: A 100×50 + 2,000 + 50×100×1 + 1,000 = 13,000; B plumbing 13,000; roofing 100×50 + 2,000 + 10,000 + 1,000
#          = 18,000 → 44,000 + 5,000 = 49,000


def run(options: Options | None = None, companies=COMPANIES, lots=(LOT_A, LOT_B), **kwargs):
    instance = Instance(lots, companies, kwargs.pop("collaborations", frozenset()), options or Options())
    result = solve(instance, workers=1, seed=0, time_limit_s=10, **kwargs)
    for groupement in result.groupements:
        assert validate(instance, groupement) == ()
    return result


@pytest.mark.parametrize("reduce", [True, False])
def test_best_groupement_worked_out_by_hand(reduce):
    result = run(reduce=reduce)
    assert result.status is Status.OPTIMAL
    assert result.best.members == ("e1", "p1")
    assert result.objective == 17_500
    assert result.gap == 0
    assert result.best.mandataire in {"e1", "p1"}
    assert result.best.breakdown["member"] == 10_000


def test_capacity_limits_what_a_member_carries():
    # p1 can carry 150 k€ a year: one of B's two 100 k€ shares, not both.
    small_p1 = company("p1", P1.match, {"B": 20}, turnover=150_000)
    result = run(companies=(E1, small_p1, P2, R1, BIG))
    assert result.objective == 19_000  # {e1, p2, r1} beats {e1, p1, r1} = 1,500 + 3,000 + 1,300 + 15,000
    assert result.best.members == ("e1", "p2", "r1")


def test_at_most_k_members():
    result = run(Options(max_members=1))
    assert (result.best.members, result.objective) == (("big",), 49_000)


def test_combined_turnover_reaches_the_lot_minimum():
    lot_b = Lot("B", 200_000, (PLUMB, ROOF), min_turnover_eur=3_500_000)
    result = run(lots=(LOT_A, lot_b))
    members = set(result.best.members)
    assert sum(c.turnover_eur for c in COMPANIES if c.id in members) >= 3_500_000
    assert members != {"e1", "p1"}  # 3 M€ together: not enough any more


def test_mandataire_rules():
    result = run(Options(mandataire_min_headcount=100))
    assert result.best.mandataire == "big"  # the only company of 100 people or more
    unwilling = company(
        "big", BIG.match, {"A": 50, "B": 50}, turnover=100_000_000, headcount=900, sme=False, can_be_solidaire=False
    )
    impossible = run(
        Options(mandataire_min_headcount=100, mandataire_solidaire=True), companies=(E1, P1, P2, R1, unwilling)
    )
    assert impossible.status is Status.INFEASIBLE and impossible.best is None


def test_must_include_and_exclude():
    assert "big" in run(Options(must_include=frozenset({"big"}))).best.members
    assert "p1" not in run(Options(exclude=frozenset({"p1"}))).best.members


def test_lot_caps():
    per_member = run(Options(max_lots=1, lot_cap_scope=LotCapScope.MEMBER, must_include=frozenset({"big"})))
    lots_of_big = {a.lot_id for a in per_member.best.assignments if a.company_id == "big"}
    assert len(lots_of_big) <= 1
    assert run(Options(max_lots=1)).status is Status.INFEASIBLE  # one lot per tenderer, two lots to cover


def test_partial_cover_takes_the_most_value():
    nobody = Lot("C", 50_000, ("90910000",))
    assert run(lots=(LOT_A, LOT_B, nobody)).status is Status.INFEASIBLE
    partial = run(Options(partial=True), lots=(LOT_A, LOT_B, nobody))
    assert partial.best.covered_lots == ("A", "B")
    assert partial.best.breakdown["uncovered"] > 0


def test_past_collaboration_is_rewarded():
    pairs = frozenset({frozenset({"e1", "p2"}), frozenset({"e1", "r1"})})
    result = run(collaborations=pairs)
    assert result.best.members == ("e1", "p2", "r1")
    assert result.objective == 19_000 - 2 * 2_000


def test_alternatives_differ_by_a_member_and_get_worse():
    result = run(alternatives=3)
    member_sets = [set(g.members) for g in result.groupements]
    assert len(member_sets) == 3 and all(a != b for i, a in enumerate(member_sets) for b in member_sets[i + 1 :])
    objectives = [g.objective for g in result.groupements]
    assert objectives == sorted(objectives) and objectives[:2] == [17_500, 19_000]


def test_same_seed_one_worker_same_answer():
    first, second = run(), run()
    assert first.best == second.best


def test_the_greedy_start_is_a_complete_solution_of_the_model():
    """The hint is the greedy groupement itself: fixing every variable to it solves the model at greedy's cost."""
    instance = Instance((LOT_A, LOT_B), COMPANIES, frozenset(), Options())
    start = greedy(instance).best
    model, variables = build_model(instance)
    add_start(model, variables, start)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == start.objective


def test_each_groupement_is_yielded_as_soon_as_it_is_found():
    instance = Instance((LOT_A, LOT_B), COMPANIES)
    search = solutions(instance, workers=1, seed=0, time_limit_s=10, alternatives=3)
    seen = []
    with pytest.raises(StopIteration) as done:
        while True:
            seen.append(next(search))
    result = done.value.value
    assert len(seen) == 3 and [g for g, _ in seen] == list(result.groupements)
    assert [bound for _, bound in seen] == [result.bound, None, None]
    assert run(alternatives=3).groupements == result.groupements  # solve() is the same search, all at once
