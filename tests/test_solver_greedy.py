"""The greedy baseline on hand-made instances: nearest first, capacity kept, no groupement when it cannot build a
valid one, and what it returns passes ``validate``."""

from __future__ import annotations

from solver.greedy import greedy
from solver.instance import BROADER, EXACT, Company, Instance, Lot, LotCapScope, Options
from solver.result import Status
from solver.validate import objective, validate

LOT = Lot("1", 100_000, ("A",))


def company(cid: str, km: float, turnover: int = 1_000_000, headcount: int = 10, **match: int) -> Company:
    """A company ``km`` away from every lot; ``match`` maps "lot_requirement" to a rank (default: A of lot 1)."""
    ranks = {tuple(key.split("_")): rank for key, rank in match.items()} or {("1", "A"): EXACT}
    return Company(cid, turnover, headcount, True, ranks, {"1": int(km * 1000), "2": int(km * 1000)})


def instance(lots: tuple[Lot, ...], companies: tuple[Company, ...], **options: object) -> Instance:
    return Instance(lots, companies, options=Options(**options))


def assert_valid(inst: Instance, result) -> None:
    assert result.status is Status.FEASIBLE
    assert validate(inst, result.best) == ()
    assert result.objective == objective(inst, result.best)[0]
    assert result.bound is None


def test_picks_the_nearest_company():
    inst = instance((LOT,), (company("far", 30), company("near", 2), company("middle", 10)))
    result = greedy(inst)
    assert_valid(inst, result)
    assert result.best.members == ("near",)
    assert result.best.mandataire == "near"


def test_ties_on_distance_go_to_the_better_match_then_the_siret():
    inst = instance((LOT,), (company("b", 5, **{"1_A": BROADER}), company("c", 5), company("a", 5, **{"1_A": BROADER})))
    assert greedy(inst).best.members == ("c",)


def test_skips_companies_without_the_capacity():
    inst = instance((LOT,), (company("small", 1, turnover=60_000), company("big", 20, turnover=500_000)))
    result = greedy(inst)
    assert_valid(inst, result)
    assert result.best.members == ("big",)


def test_capacity_adds_up_over_requirements_and_lots():
    lots = (Lot("1", 100_000, ("A", "B")), Lot("2", 100_000, ("A",)))
    near = company("near", 1, turnover=110_000, **{"1_A": EXACT, "1_B": EXACT, "2_A": EXACT})
    other = company("other", 9, **{"1_A": EXACT, "1_B": EXACT, "2_A": EXACT})
    inst = instance(lots, (near, other))
    result = greedy(inst)
    assert_valid(inst, result)
    doers = {(a.lot_id, a.requirement): a.company_id for a in result.best.assignments}
    assert doers == {("1", "A"): "near", ("1", "B"): "near", ("2", "A"): "other"}
    assert result.best.mandataire == "near"  # 100 000 € of work against 100 000 €: tie broken by SIRET


def test_annualised_work_counts_against_capacity():
    long_lot = Lot("1", 200_000, ("A",), duration_days=730)  # 100 000 € a year
    inst = instance((long_lot,), (company("near", 1, turnover=100_000), company("far", 50)))
    assert greedy(inst).best.members == ("near",)


def test_no_groupement_when_a_requirement_has_nobody():
    inst = instance((Lot("1", 100_000, ("A", "Z")),), (company("a", 1),))
    result = greedy(inst)
    assert result.status is Status.UNKNOWN
    assert result.best is None and result.objective is None


def test_no_groupement_when_nearest_firms_are_too_many():
    lots = (Lot("1", 100_000, ("A",)), Lot("2", 100_000, ("A",)))
    first = company("first", 1, **{"1_A": EXACT, "2_A": EXACT})
    second = Company("second", 1_000_000, 10, True, {("2", "A"): EXACT}, {"2": 0})
    inst = instance(lots, (first, second), max_members=1)
    assert greedy(inst).status is Status.UNKNOWN  # "first" alone would do: the greedy does not look ahead


def test_no_groupement_when_combined_turnover_is_too_low():
    inst = instance((Lot("1", 100_000, ("A",), min_turnover_eur=2_000_000),), (company("a", 1),))
    assert greedy(inst).status is Status.UNKNOWN


def test_mandataire_is_the_eligible_member_with_the_most_work():
    lots = (Lot("1", 300_000, ("A",)), Lot("2", 100_000, ("A",)))
    tiny = company("tiny", 1, headcount=2, **{"1_A": EXACT})
    solid = company("solid", 1, headcount=50, **{"2_A": EXACT})
    result = greedy(instance(lots, (tiny, solid), mandataire_min_headcount=10))
    assert result.best.mandataire == "solid"
    assert greedy(instance(lots, (tiny, solid))).best.mandataire == "tiny"
    assert greedy(instance(lots, (tiny,), mandataire_min_headcount=10)).status is Status.UNKNOWN


def test_excluded_companies_are_not_used():
    inst = instance((LOT,), (company("near", 1), company("far", 9)), exclude=frozenset({"near"}))
    result = greedy(inst)
    assert_valid(inst, result)
    assert result.best.members == ("far",)


def test_imposed_companies_are_members():
    inst = instance((LOT,), (company("near", 1), company("far", 9)), must_include=frozenset({"far"}))
    result = greedy(inst)
    assert_valid(inst, result)
    assert result.best.members == ("far", "near")


def test_partial_mode_leaves_out_the_lots_it_cannot_cover():
    lots = (LOT, Lot("2", 50_000, ("Z",)))
    inst = instance(lots, (company("a", 1),), partial=True)
    result = greedy(inst)
    assert_valid(inst, result)
    assert result.best.covered_lots == ("1",)
    assert result.best.breakdown["uncovered"] > 0


def test_lot_caps():
    lots = (Lot("1", 100_000, ("A",)), Lot("2", 100_000, ("A",)))
    both = company("both", 1, **{"1_A": EXACT, "2_A": EXACT})
    backup = company("backup", 9, **{"1_A": EXACT, "2_A": EXACT})
    per_member = instance(lots, (both, backup), max_lots=1, lot_cap_scope=LotCapScope.MEMBER)
    assert_valid(per_member, greedy(per_member))
    assert greedy(per_member).best.members == ("backup", "both")
    assert greedy(instance(lots, (both,), max_lots=1)).status is Status.UNKNOWN
    partial = instance(lots, (both,), max_lots=1, partial=True)
    assert_valid(partial, greedy(partial))
    assert greedy(partial).best.covered_lots == ("1",)
