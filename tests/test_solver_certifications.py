"""Certifications qualify, they are not work; packages share a lot's value by weight. The solver, ``validate``,
the greedy, the reduction and the explanations all apply the same rule."""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver import explain_infeasible, reduce_candidates, share_of, solve, validate
from solver.greedy import greedy
from solver.instance import EXACT, Certification, Company, Instance, InstanceError, Lot, Options
from solver.result import Assignment, Groupement, Status
from solver.validate import objective
from tests.test_solver_reduction import SEEDS, random_instance

MASONRY, ELEC = "45262500", "45310000"
QUALIBAT = "Qualibat 2112"


def _company(id_: str, km: int, keys: tuple[str, ...], certificates=frozenset(), lot: str = "L") -> Company:
    return Company(
        id_, 5_000_000, 10, True, {(lot, k): EXACT for k in keys}, {lot: km * 1000}, frozenset(), True,
        frozenset(certificates),
    )  # fmt: skip


def _lot(*certifications: Certification, weights=None) -> Lot:
    return Lot("L", 300_000, (MASONRY, ELEC), weights=weights, certifications=certifications)


NEAR_MASON = _company("near-mason", 2, (MASONRY,))
FAR_MASON = _company("far-mason", 40, (MASONRY,), {QUALIBAT})
ELECTRICIAN = _company("electrician", 3, (ELEC,))
CERTIFIED_ELECTRICIAN = _company("certified-electrician", 3, (ELEC,), {QUALIBAT})


def _priced(instance: Instance, members, mandataire, assignments) -> Groupement:
    draft = Groupement(tuple(sorted(members)), mandataire, tuple(assignments))
    total, breakdown = objective(instance, draft)
    return replace(draft, objective=total, breakdown=breakdown)


def test_the_performer_of_the_main_package_holds_the_certificate():
    instance = Instance((_lot(Certification(QUALIBAT)),), (NEAR_MASON, FAR_MASON, ELECTRICIAN))
    result = solve(instance, workers=1)
    assert result.status is Status.OPTIMAL
    performer = {a.requirement: a.company_id for a in result.best.assignments}
    assert performer == {MASONRY: "far-mason", ELEC: "electrician"}
    # The certificate is not a line of work: the packages alone share the lot's value.
    assert {a.requirement for a in result.best.assignments} == {MASONRY, ELEC}
    assert sum(a.amount_eur for a in result.best.assignments) == 300_000
    assert validate(instance, result.best) == ()
    assert greedy(instance).best.assignments == result.best.assignments
    # Without the rule, the nearer, uncertified mason would have been chosen.
    free = Instance((_lot(),), instance.companies)
    assert {a.company_id for a in solve(free, workers=1).best.assignments} == {"near-mason", "electrician"}


def test_validate_refuses_an_uncertified_performer():
    instance = Instance((_lot(Certification(QUALIBAT)),), (NEAR_MASON, FAR_MASON, ELECTRICIAN))
    wrong = _priced(
        instance,
        ("near-mason", "electrician"),
        "near-mason",
        [Assignment("L", MASONRY, "near-mason", 150_000), Assignment("L", ELEC, "electrician", 150_000)],
    )
    violations = validate(instance, wrong)
    assert [v.rule for v in violations] == ["certification"]
    assert "ne détient pas « Qualibat 2112 »" in violations[0].message


def test_a_certificate_tied_to_another_package_binds_that_package():
    lot = _lot(Certification(QUALIBAT, package=ELEC))
    instance = Instance((lot,), (NEAR_MASON, ELECTRICIAN, CERTIFIED_ELECTRICIAN))
    result = solve(instance, workers=1)
    assert {a.requirement: a.company_id for a in result.best.assignments}[ELEC] == "certified-electrician"
    assert {a.company_id for a in result.best.assignments} >= {"near-mason"}  # the mason needs nothing


def test_held_by_another_member_when_the_user_accepts_the_global_assessment():
    # Nobody doing the masonry holds it; the electrician does: accepted explicitly, the groupement is valid.
    companies = (NEAR_MASON, CERTIFIED_ELECTRICIAN, ELECTRICIAN)
    strict = Instance((_lot(Certification(QUALIBAT)),), companies)
    assert solve(strict, workers=1).status is Status.INFEASIBLE
    reasons = explain_infeasible(strict)
    assert any("aucune ne détient « Qualibat 2112 »" in r and "autre membre" in r for r in reasons)
    anywhere = Instance((_lot(Certification(QUALIBAT, anywhere=True)),), companies)
    result = solve(anywhere, workers=1)
    assert result.status is Status.OPTIMAL
    assert {a.company_id for a in result.best.assignments} == {"near-mason", "certified-electrician"}
    assert validate(anywhere, result.best) == ()
    # The nearer uncertified electrician is valid for the work but leaves nobody holding the certificate.
    without = _priced(
        anywhere,
        ("near-mason", "electrician"),
        "near-mason",
        [Assignment("L", MASONRY, "near-mason", 150_000), Assignment("L", ELEC, "electrician", 150_000)],
    )
    assert [v.rule for v in validate(anywhere, without)] == ["certification"]


def test_no_candidate_holds_a_globally_assessed_certificate():
    instance = Instance((_lot(Certification(QUALIBAT, anywhere=True)),), (NEAR_MASON, ELECTRICIAN))
    assert solve(instance, workers=1).status is Status.INFEASIBLE
    assert "Lot L : aucune entreprise candidate ne détient « Qualibat 2112 », exigée pour le lot" in explain_infeasible(
        instance
    )


def test_the_reduction_keeps_the_holder_of_a_globally_assessed_certificate():
    # Three identical electricians dominate the certified one on every cost, but only it holds the certificate.
    twins = tuple(_company(f"elec-{i}", 1, (ELEC,)) for i in range(3))
    holder = _company("holder", 30, (ELEC,), {QUALIBAT})
    lot = _lot(Certification(QUALIBAT, anywhere=True))
    instance = Instance((lot,), (NEAR_MASON, *twins, holder), options=Options(max_members=2))
    assert "holder" in {c.id for c in reduce_candidates(instance).companies}
    assert solve(instance, workers=1).objective == solve(instance, workers=1, reduce=False).objective


def test_weights_split_the_value_exactly():
    lot = _lot(weights=(3, 2))
    assert [share_of(300_001, lot.requirements, r, lot.weights) for r in lot.requirements] == [180_001, 120_000]
    assert share_of(100, ("a", "b", "c"), "a", (1, 1, 1)) == 34
    for value in (0, 1, 7, 999_999, 10**12 + 3):
        for weights in ((1,), (5, 1), (3, 2, 2), (1, 1, 1, 7)):
            codes = tuple(f"c{i}" for i in range(len(weights)))
            assert sum(share_of(value, codes, c, weights) for c in codes) == value
    result = solve(Instance((lot,), (NEAR_MASON, ELECTRICIAN)), workers=1)
    assert {a.requirement: a.amount_eur for a in result.best.assignments} == {MASONRY: 180_000, ELEC: 120_000}


@pytest.mark.parametrize(
    "bad",
    [
        dict(weights=(1,)),
        dict(weights=(1, 0)),
        dict(certifications=(Certification(MASONRY),)),
        dict(certifications=(Certification(QUALIBAT), Certification(QUALIBAT))),
        dict(certifications=(Certification(QUALIBAT, package="99999999"),)),
    ],
)
def test_absurd_lots_are_refused(bad):
    with pytest.raises(InstanceError):
        Lot("L", 1, (MASONRY, ELEC), **bad)


def test_the_random_instances_exercise_the_certification_rule():
    """Over the property tests' instances (whose solutions ``validate`` checks, certification rule included), the
    rule changes the answer often: removing the certifications changes the optimum or the feasibility."""
    changed = 0
    for seed in SEEDS[:150]:
        instance = random_instance(seed)
        if not any(lot.certifications for lot in instance.selected_lots):
            continue
        plain = replace(instance, lots=tuple(replace(lot, certifications=()) for lot in instance.lots))
        with_rule, without = solve(instance, workers=1), solve(plain, workers=1)
        if with_rule.best is not None:
            assert validate(instance, with_rule.best) == ()
        changed += (with_rule.status, with_rule.objective) != (without.status, without.objective)
    assert changed >= 10
