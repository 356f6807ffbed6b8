"""The hard rules, one at a time: a valid groupement built by hand, then for each rule a groupement that breaks it
and only it. The objective is computed by hand in the comments (default weights)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver.costs import TERMS
from solver.instance import BROADER, EXACT, NARROWER, Company, Instance, Lot, LotCapScope, Options
from solver.result import Assignment, Groupement
from solver.validate import RULES, Violation, euros, members_of, objective, validate

# Lot 1: 100 000 € split in two 50 000 € shares; lot 2: 30 001 €, « C » gets the 1 € remainder (15 001 / 15 000);
# lot 3: 40 000 € over two years, i.e. 20 000 € a year.
L1 = Lot("1", 100_000, ("A", "B"), min_turnover_eur=300_000)
L2 = Lot("2", 30_001, ("C", "D"))
L3 = Lot("3", 40_000, ("E",), duration_days=730)

C111 = Company(
    "111",
    turnover_eur=200_000,
    headcount=12,
    sme=True,
    match={("1", "A"): EXACT, ("1", "B"): NARROWER, ("3", "E"): NARROWER},
    distance_m={"1": 10_000, "2": 25_500, "3": 5_900},
    references=frozenset({"A"}),
    can_be_solidaire=False,
)
C222 = Company(
    "222",
    turnover_eur=150_000,
    headcount=3,
    sme=True,
    match={("1", "B"): EXACT, ("2", "C"): EXACT, ("2", "D"): BROADER},
    distance_m={"1": 20_000, "2": 4_000},
    references=frozenset({"C"}),
)
C333 = Company(
    "333",
    turnover_eur=2_000_000,
    headcount=100,
    sme=False,
    match={("1", "A"): BROADER, ("2", "D"): EXACT, ("3", "E"): EXACT},
    distance_m={"1": 80_000, "2": 30_999, "3": 60_000},
)
C444 = Company("444", 500_000, 20, True, match={("1", "A"): EXACT}, distance_m={"1": 1_000})

INSTANCE = Instance(
    lots=(L1, L2, L3),
    companies=(C111, C222, C333, C444),
    # 111–222 are members: one bonus; 222–444 is not (444 is not a member); 111–333 counted once.
    collaborations=frozenset({frozenset({"111", "222"}), frozenset({"222", "444"})}),
    options=Options(exclude=frozenset({"444"})),
)


def _a(lot: Lot, requirement: str, company: str, amount: int | None = None) -> Assignment:
    """An assignment with its share (written out by hand), or another amount."""
    share = {("1", "A"): 50_000, ("1", "B"): 50_000, ("2", "C"): 15_001, ("2", "D"): 15_000, ("3", "E"): 40_000}
    return Assignment(lot.id, requirement, company, share[(lot.id, requirement)] if amount is None else amount)


ASSIGNMENTS = (_a(L1, "A", "111"), _a(L1, "B", "222"), _a(L2, "C", "222"), _a(L2, "D", "333"), _a(L3, "E", "111"))
# Costs per assignment (work in k€ × weight): distance 1/k€·km, non-SME 20/k€, match 50/k€·rank, no reference 10/k€.
#   1A→111: 50 k€ × 10 km = 500; exact; has reference A                          → distance 500
#   1B→222: 50 k€ × 20 km = 1 000; exact; no reference B: 50 × 10 = 500          → distance 1 000, no_ref 500
#   2C→222: 15 k€ (15 001 // 1000) × 4 km = 60; exact; reference C                → distance 60
#   2D→333: 15 k€ × 30 km = 450; non-SME 15 × 20 = 300; exact; no ref 15 × 10 = 150
#   3E→111: 40 k€ × 5 km = 200; narrower 40 × 50 × 1 = 2 000; no ref 40 × 10 = 400
# distance 500 + 1 000 + 60 + 450 + 200 = 2 210; non_sme 300; match 2 000; no_reference 500 + 150 + 400 = 1 050;
# members 3 × 5 000 = 15 000; collaboration −2 000 (111–222 only); uncovered 0.
# Total 2 210 + 300 + 2 000 + 1 050 + 15 000 − 2 000 = 18 560.
BREAKDOWN = {
    "uncovered": 0,
    "distance": 2_210,
    "non_sme": 300,
    "match": 2_000,
    "no_reference": 1_050,
    "member": 15_000,
    "collaboration": -2_000,
}
VALID = Groupement(("111", "222", "333"), "111", ASSIGNMENTS, objective=18_560, breakdown=BREAKDOWN)


def _priced(instance: Instance, groupement: Groupement) -> Groupement:
    """The groupement with its members and objective recomputed, so that only the rule under test is broken."""
    total, breakdown = objective(instance, groupement)
    return replace(groupement, members=members_of(instance, groupement), objective=total, breakdown=breakdown)


def _with(options: Options) -> Instance:
    """The instance under other options."""
    return replace(INSTANCE, options=options)


def _rules(instance: Instance, groupement: Groupement) -> list[str]:
    """The ids of the broken rules, in order."""
    return [v.rule for v in validate(instance, groupement)]


def test_valid_groupement_has_no_violation_and_hand_computed_objective():
    assert objective(INSTANCE, VALID) == (18_560, BREAKDOWN)
    assert set(BREAKDOWN) == set(TERMS) and all(v.rule in RULES for v in validate(INSTANCE, Groupement((), "", ())))
    assert validate(INSTANCE, VALID) == ()


def test_breakdown_may_omit_zero_terms():
    stated = {term: value for term, value in BREAKDOWN.items() if value}
    assert validate(INSTANCE, replace(VALID, breakdown=stated)) == ()


def test_wrong_objective_or_breakdown():
    assert _rules(INSTANCE, replace(VALID, objective=18_561)) == ["objective"]
    wrong = {**BREAKDOWN, "distance": 2_209, "match": 2_001}
    (violation,) = validate(INSTANCE, replace(VALID, breakdown=wrong))
    assert violation.rule == "objective" and "recalculé 18560" in violation.message


def test_unselected_lot():
    instance = _with(Options(exclude=frozenset({"444"}), lots=frozenset({"1", "2"})))
    (violation,) = validate(instance, _priced(instance, VALID))
    assert violation == Violation("assignment", "Lot 3, « E » : lot non retenu ; retirer l'affectation")


def test_requirement_not_in_lot_and_unknown_company():
    extra = replace(VALID, assignments=(*ASSIGNMENTS, Assignment("1", "Z", "111", 0)))
    assert _rules(INSTANCE, extra) == ["assignment"]
    stranger = (_a(L1, "A", "111"), _a(L1, "B", "999"), *ASSIGNMENTS[2:])
    groupement = replace(VALID, members=("111", "222", "333", "999"), assignments=stranger)
    (violation,) = validate(INSTANCE, groupement)
    assert violation.rule == "assignment" and "999 n'est pas parmi les candidates" in violation.message


def test_excluded_company():
    assignments = (_a(L1, "A", "444"), *ASSIGNMENTS[1:])
    (violation,) = validate(INSTANCE, _priced(INSTANCE, replace(VALID, assignments=assignments)))
    assert violation.rule == "exclude" and "Lot 1, « A »" in violation.message and "444" in violation.message


def test_company_without_the_competence():
    assignments = (*ASSIGNMENTS[:4], _a(L3, "E", "222"))
    (violation,) = validate(INSTANCE, replace(VALID, assignments=assignments))
    assert violation == Violation("competence", "Lot 3, « E » : l'entreprise 222 ne sait pas le réaliser")


def test_wrong_amount():
    assignments = (_a(L1, "A", "111", 49_999), *ASSIGNMENTS[1:])
    (violation,) = validate(INSTANCE, _priced(INSTANCE, replace(VALID, assignments=assignments)))
    assert violation.rule == "amount"
    assert violation.message == f"Lot 1, « A » : montant {euros(49_999)} au lieu de {euros(50_000)}"


def test_missing_requirement():
    groupement = _priced(INSTANCE, replace(VALID, assignments=ASSIGNMENTS[:3] + ASSIGNMENTS[4:]))
    assert groupement.members == ("111", "222")  # 350 000 € still reach lot 1's 300 000 €
    assert validate(INSTANCE, groupement) == (Violation("cover", "Lot 2 : aucun membre ne réalise « D »"),)


def test_requirement_assigned_twice():
    groupement = _priced(INSTANCE, replace(VALID, assignments=(*ASSIGNMENTS, _a(L1, "A", "333"))))
    (violation,) = validate(INSTANCE, groupement)
    assert violation.rule == "cover" and "Lot 1 : « A » est attribuée 2 fois" in violation.message


def test_uncovered_lot_in_full_mode():
    groupement = _priced(INSTANCE, replace(VALID, assignments=ASSIGNMENTS[:2] + ASSIGNMENTS[4:]))
    assert [v.message for v in validate(INSTANCE, groupement)] == [
        "Lot 2 : aucun membre ne réalise « C »",
        "Lot 2 : aucun membre ne réalise « D »",
    ]


def test_partial_mode_drops_whole_lots_and_pays_for_them():
    instance = _with(Options(exclude=frozenset({"444"}), partial=True))
    groupement = replace(VALID, members=("111", "222"), assignments=ASSIGNMENTS[:2] + ASSIGNMENTS[4:])
    total, breakdown = objective(instance, groupement)
    # Lot 2 uncovered: 10 000 000 × (30 001 // 1000 = 30) = 300 000 000. Without 2C and 2D: distance 2 210 − 60 − 450
    # = 1 700; non_sme 0; match 2 000; no_reference 1 050 − 150 = 900; members 2 × 5 000; bonus −2 000.
    assert breakdown == {
        "uncovered": 300_000_000,
        "distance": 1_700,
        "non_sme": 0,
        "match": 2_000,
        "no_reference": 900,
        "member": 10_000,
        "collaboration": -2_000,
    }
    assert total == 300_012_600
    assert validate(instance, replace(groupement, objective=total, breakdown=breakdown)) == ()


def test_partial_mode_rejects_half_covered_lot():
    instance = _with(Options(exclude=frozenset({"444"}), partial=True))
    groupement = _priced(instance, replace(VALID, assignments=ASSIGNMENTS[:3] + ASSIGNMENTS[4:]))
    (violation,) = validate(instance, groupement)
    assert violation.rule == "cover" and violation.message.startswith("Lot 2 : exigences couvertes : 1 sur 2")


def test_must_include_member_without_work_is_valid_and_costs_a_member():
    instance = _with(Options(exclude=frozenset({"444"}), must_include=frozenset({"333"}), partial=True))
    groupement = replace(VALID, assignments=ASSIGNMENTS[:2] + ASSIGNMENTS[4:])
    assert members_of(instance, groupement) == ("111", "222", "333")
    total, breakdown = objective(instance, groupement)
    assert breakdown["member"] == 15_000 and total == 300_012_600 + 5_000
    assert validate(instance, replace(groupement, objective=total, breakdown=breakdown)) == ()


def test_must_include_company_left_out():
    instance = _with(Options(exclude=frozenset({"444"}), must_include=frozenset({"333"}), partial=True))
    groupement = replace(VALID, assignments=ASSIGNMENTS[:2] + ASSIGNMENTS[4:])
    groupement = replace(_priced(instance, groupement), members=("111", "222"))
    (violation,) = validate(instance, groupement)
    assert violation.rule == "must_include" and "333" in violation.message


def test_members_list_must_match_the_assignments():
    assert _rules(INSTANCE, replace(VALID, members=("111", "222", "333", "444"))) == ["members"]
    assert _rules(INSTANCE, replace(VALID, members=("222", "111", "333"))) == ["members"]  # sorted


def test_too_many_members():
    instance = _with(Options(exclude=frozenset({"444"}), max_members=2))
    (violation,) = validate(instance, VALID)
    assert violation == Violation("members", "3 membres alors qu'il en faut entre 1 et 2")


def test_empty_groupement_has_no_member_nor_mandataire():
    instance = _with(Options(exclude=frozenset({"444"}), partial=True))
    groupement = _priced(instance, Groupement((), "", ()))
    assert _rules(instance, groupement) == ["members", "mandataire"]


def test_combined_turnover_below_lot_minimum():
    lot = replace(L1, min_turnover_eur=2_350_001)  # members total 200 000 + 150 000 + 2 000 000 = 2 350 000
    instance = replace(INSTANCE, lots=(lot, L2, L3))
    (violation,) = validate(instance, VALID)
    assert violation.rule == "turnover" and violation.message.startswith("Lot 1 : chiffre d'affaires cumulé des")
    assert validate(replace(instance, lots=(replace(L1, min_turnover_eur=2_350_000), L2, L3)), VALID) == ()


def test_capacity_counts_annual_work():
    # 111 carries 50 000 + 40 000 × 365 / 730 = 70 000 € a year; 222 carries 50 000 + 15 001 = 65 001 €.
    # At 35 %: 111 may carry 70 000 € (just enough), 222 only 52 500 €; 333 carries 15 000 of 700 000 €.
    instance = _with(Options(exclude=frozenset({"444"}), capacity_ratio_pct=35))
    (violation,) = validate(instance, VALID)
    assert violation.rule == "capacity"
    assert violation.message.startswith(f"L'entreprise 222 porterait {euros(65_001)} de travaux par an")
    assert validate(_with(Options(exclude=frozenset({"444"}), capacity_ratio_pct=33)), VALID)[0].message.startswith(
        "L'entreprise 111"
    )


@pytest.mark.parametrize(
    ("options", "mandataire", "expected"),
    [
        (Options(mandataire_min_headcount=10), "222", "Le mandataire 222 a 3 salariés, il en faut au moins 10"),
        (Options(mandataire_solidaire=True), "111", "Le mandataire 111 n'accepte pas d'être solidaire"),
        (Options(), "444", "Le mandataire 444 ne réalise aucune prestation"),
        (Options(), "", "Aucun mandataire désigné ; désigner un des membres"),
        (Options(), "999", "Mandataire 999 inconnu"),
    ],
)
def test_mandataire(options: Options, mandataire: str, expected: str):
    instance = _with(replace(options, exclude=frozenset({"444"})))
    (violation,) = validate(instance, replace(VALID, mandataire=mandataire))
    assert violation.rule == "mandataire" and violation.message.startswith(expected)


def test_mandataire_imposed_without_work():
    instance = _with(Options(exclude=frozenset({"444"}), must_include=frozenset({"333"}), partial=True))
    groupement = _priced(instance, replace(VALID, mandataire="333", assignments=ASSIGNMENTS[:2] + ASSIGNMENTS[4:]))
    assert _rules(instance, groupement) == ["mandataire"]
    assert validate(instance, replace(groupement, mandataire="222")) == ()


def test_lot_cap_for_the_groupement():
    capped = Options(exclude=frozenset({"444"}), max_lots=2, lot_cap_scope=LotCapScope.GROUPEMENT)
    (violation,) = validate(_with(capped), VALID)
    assert violation == Violation("lot_cap", "Le groupement couvre 3 lots, au plus 2 permis ; en retirer")
    assert validate(_with(replace(capped, max_lots=3)), VALID) == ()


def test_lot_cap_per_member():
    # 111 works on lots 1 and 3, 222 on lots 1 and 2, 333 on lot 2 only.
    capped = Options(exclude=frozenset({"444"}), max_lots=1, lot_cap_scope=LotCapScope.MEMBER)
    violations = validate(_with(capped), VALID)
    assert [v.rule for v in violations] == ["lot_cap", "lot_cap"]
    assert violations[0].message == "L'entreprise 111 travaille sur 2 lots (1, 3), au plus 1 permis par membre"
    assert "L'entreprise 222" in violations[1].message
    assert validate(_with(replace(capped, max_lots=2)), VALID) == ()  # the groupement scope would refuse 3 lots


def test_collaboration_bonus_counted_once_per_pair():
    both_ways = frozenset({frozenset({"111", "222"}), frozenset({"222", "111"}), frozenset({"111", "333"})})
    total, breakdown = objective(replace(INSTANCE, collaborations=both_ways), VALID)
    assert breakdown["collaboration"] == -4_000 and total == 18_560 - 2_000  # 111–222 and 111–333, once each
    lonely = frozenset({frozenset({"111"}), frozenset({"333", "444"})})
    assert objective(replace(INSTANCE, collaborations=lonely), VALID)[1]["collaboration"] == 0
