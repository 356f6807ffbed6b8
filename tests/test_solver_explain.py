"""Reasons for infeasibility, found without the solver: each names the lot, the requirement, the company to act on."""

from __future__ import annotations

from dataclasses import replace

from solver.explain import explain_infeasible
from solver.instance import BROADER, EXACT, NARROWER, Company, Instance, Lot, LotCapScope, Options
from solver.validate import euros

WORKS, PAINT, STUDY = "45262660", "45442100", "71000000"
L1 = Lot("1", 200_000, (WORKS, PAINT), min_turnover_eur=300_000)
L2 = Lot("2", 50_000, (STUDY,))

A = Company("A", 400_000, 10, True, match={("1", WORKS): EXACT, ("2", STUDY): NARROWER}, distance_m={"1": 5_000})
B = Company("B", 300_000, 4, True, match={("1", PAINT): EXACT, ("2", STUDY): EXACT}, distance_m={"1": 12_000})
C = Company("C", 150_000, 2, True, match={("1", PAINT): BROADER}, distance_m={"1": 70_000}, can_be_solidaire=False)
FEASIBLE = Instance(lots=(L1, L2), companies=(A, B, C))


def _with(**options) -> Instance:
    """The feasible instance under other options."""
    return replace(FEASIBLE, options=Options(**options))


def test_feasible_instance_has_nothing_to_say():
    assert explain_infeasible(FEASIBLE) == ()


def test_requirement_nobody_can_perform():
    lot = Lot("3", 10_000, ("45262660",))
    assert explain_infeasible(replace(FEASIBLE, lots=(L1, L2, lot))) == (
        "Lot 3 : aucune entreprise ne sait réaliser « 45262660 »",
    )


def test_requirement_only_excluded_companies_can_perform_names_the_nearest():
    far = Company("D", 90_000, 5, True, match={("1", WORKS): EXACT}, distance_m={"1": 40_000})
    instance = replace(FEASIBLE, companies=(A, B, C, far), options=Options(exclude=frozenset({"A", "D"})))
    assert explain_infeasible(instance) == (
        "Lot 1 : aucune entreprise ne sait réaliser « 45262660 » ; la plus proche qui le sait, A (5 km), "
        "a été exclue par l'utilisateur : la réintégrer",
    )


def test_unselected_lots_are_ignored():
    lot = Lot("3", 10_000, ("45262660",))
    instance = replace(FEASIBLE, lots=(L1, L2, lot), options=Options(lots=frozenset({"1", "2"})))
    assert explain_infeasible(instance) == ()
    assert explain_infeasible(_with(lots=frozenset())) == ("Aucun lot n'est retenu : choisir au moins un lot",)


def test_requirement_only_broader_matched_and_far():
    assert explain_infeasible(replace(FEASIBLE, companies=(A, C))) == (
        f"Lot 1 : « {PAINT} » n'est proposé que par des entreprises aux compétences plus générales (correspondance "
        "large) ; vérifier qu'elles le réalisent vraiment",
        f"Lot 1 : aucune entreprise à moins de 50 km ne sait réaliser « {PAINT} » ; la plus proche, C, est à 70 km",
    )


def test_nearest_far_company_with_its_distance():
    far = Company("E", 500_000, 9, True, match={("1", PAINT): EXACT}, distance_m={"1": 72_400})
    further = Company("G", 500_000, 9, True, match={("1", PAINT): EXACT}, distance_m={"1": 95_000})
    assert explain_infeasible(replace(FEASIBLE, companies=(A, further, far))) == (
        f"Lot 1 : aucune entreprise à moins de 50 km ne sait réaliser « {PAINT} » ; la plus proche, E, est à 72 km",
    )


def test_share_larger_than_any_capable_company_can_carry():
    # Each requirement of lot 1 is half of 200 000 €: 100 000 € a year. At 30 %, A (400 000 €, « 45262660 ») may
    # carry 120 000 €, but B (300 000 €), the largest able to paint, only 90 000 €.
    (reason,) = explain_infeasible(_with(capacity_ratio_pct=30))
    assert reason.startswith(f"Lot 1 : « {PAINT} » représente {euros(100_000)} de travaux par an")
    assert f"au plus {euros(90_000)}, pour B, à 30 % du chiffre d'affaires) ; relever le ratio de capacité" in reason


def test_turnover_out_of_reach():
    # The two largest turnovers: 400 000 + 300 000 = 700 000 € < 800 000 €.
    instance = replace(FEASIBLE, lots=(replace(L1, min_turnover_eur=800_000), L2), options=Options(max_members=2))
    assert explain_infeasible(instance) == (
        f"Lot 1 : chiffre d'affaires minimal de {euros(800_000)} hors d'atteinte ; "
        f"les 2 plus gros chiffres d'affaires mobilisables totalisent {euros(700_000)}",
    )


def test_imposed_company_with_nothing_to_do():
    idle = Company("F", 1_000, 1, True, match={("9", WORKS): EXACT}, distance_m={})
    instance = replace(FEASIBLE, companies=(A, B, C, idle), options=Options(must_include=frozenset({"F"})))
    assert explain_infeasible(instance) == (
        "L'entreprise F est imposée mais ne sait réaliser aucune exigence des lots retenus ; "
        "la retirer des entreprises imposées ou compléter ses compétences",
    )


def test_too_many_imposed_companies():
    reasons = explain_infeasible(_with(must_include=frozenset({"A", "B", "C"}), max_members=2))
    assert "3 entreprises sont imposées pour 2 membres au plus ; en imposer moins" in reasons


def test_nobody_large_enough_to_be_mandataire():
    assert explain_infeasible(_with(mandataire_min_headcount=11)) == (
        "Aucune entreprise capable ne peut être mandataire : il faut au moins 11 salariés, la plus grande en a 10 ; "
        "abaisser l'effectif minimal du mandataire",
    )


def test_nobody_solidaire_to_be_mandataire():
    instance = replace(FEASIBLE, options=Options(mandataire_solidaire=True, mandataire_min_headcount=3))
    assert explain_infeasible(instance) == ()  # A and B accept
    companies = (replace(A, can_be_solidaire=False), B, C)
    options = replace(instance.options, mandataire_min_headcount=5)  # B (4) is too small, A (10) refuses
    assert explain_infeasible(replace(instance, companies=companies, options=options)) == (
        "Aucune entreprise capable n'accepte d'être mandataire solidaire parmi celles d'au moins 5 salariés ; "
        "lever l'exigence de solidarité",
    )


def test_lot_cap_for_the_groupement():
    assert explain_infeasible(_with(max_lots=1)) == (
        "Le groupement ne peut répondre qu'à 1 lots sur les 2 retenus : "
        "retenir au plus 1 lots ou accepter une couverture partielle",
    )
    assert explain_infeasible(_with(max_lots=1, partial=True)) == ()


def test_lot_cap_per_member():
    reasons = explain_infeasible(_with(max_lots=1, lot_cap_scope=LotCapScope.MEMBER, max_members=1))
    assert reasons[0] == (
        "Chaque membre ne peut travailler que sur 1 lots : avec 1 membres au plus, "
        "les 2 lots retenus ne peuvent pas tous être couverts"
    )
    assert explain_infeasible(_with(max_lots=1, lot_cap_scope=LotCapScope.MEMBER, max_members=2)) == ()


def test_more_members_needed_than_allowed():
    # Nobody performs both « 45262660 » (only A) and « 45442100 » (B or C): two members at least.
    assert explain_infeasible(_with(max_members=1)) == (
        f"Il faut au moins 2 membres mais le groupement est limité à 1 : aucune entreprise ne sait réaliser deux de "
        f"ces exigences à la fois : « {WORKS} » (lot 1), « {PAINT} » (lot 1) ; autoriser plus de membres",
    )
    assert explain_infeasible(_with(max_members=2)) == ()


def test_imposed_companies_count_towards_the_members_needed():
    idle = Company("F", 1_000, 1, True, match={("2", STUDY): EXACT}, distance_m={})
    options = Options(max_members=2, must_include=frozenset({"F"}))
    instance = replace(FEASIBLE, companies=(A, B, C, idle), options=options)
    (reason,) = explain_infeasible(instance)
    assert reason.startswith("Il faut au moins 3 membres mais le groupement est limité à 2")
    assert reason.endswith(", plus 1 entreprise(s) imposée(s) ; autoriser plus de membres")


def test_member_bound_is_per_lot_in_partial_mode():
    (reason,) = explain_infeasible(_with(max_members=1, partial=True))
    assert reason.startswith("Lot 1 : il faut au moins 2 membres mais le groupement est limité à 1")


def test_twenty_thousand_companies_each_lot_explained():
    # Scale, not speed: speed is measured by the benchmarks, never asserted in a test.
    lots = tuple(Lot(str(i), 100_000, (f"{i}a", f"{i}b", f"{i}c")) for i in range(10))
    companies = tuple(
        Company(
            f"{n:014d}",
            100_000 + n,
            n % 30,
            True,
            match={(str(lot), f"{lot}{req}"): n % 3 for lot in range(n % 10, n % 10 + 3) for req in "ab" if lot < 10},
            distance_m={str(lot): 1_000 * (n % 90) for lot in range(10)},
        )
        for n in range(20_000)
    )
    reasons = explain_infeasible(Instance(lots=lots, companies=companies))
    assert reasons[0] == "Lot 0 : aucune entreprise ne sait réaliser « 0c »"
    assert len(reasons) == 10
