"""Safe candidate reduction: the dominance rule criterion by criterion, what is always kept or dropped, the fast
computation against the rule written naively, and — on random instances — the same optimum with and without it."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from solver import reduction
from solver.instance import (
    BROADER,
    EXACT,
    NARROWER,
    Certification,
    Company,
    Instance,
    Lot,
    LotCapScope,
    Options,
    Weights,
)
from solver.reduction import candidates_of, dominated, reduce_candidates, strength
from solver.result import Status
from solver.solve import solve
from solver.validate import validate

ELEC, PLUMB, ROOF = "45310000", "45330000", "45261000"
LOT_A = Lot("A", 100_000, (ELEC,))
LOT_B = Lot("B", 200_000, (PLUMB, ROOF))
B_KEYS = {("B", PLUMB): EXACT, ("B", ROOF): EXACT}
LOT_A_KEYS = {("A", ELEC): EXACT}


def company(id_: str, can=None, km: int = 10, **kwargs) -> Company:
    """A plumber-roofer 10 km from lot B unless told otherwise."""
    fields = {"turnover_eur": 1_000_000, "headcount": 5, "sme": True} | kwargs
    can = B_KEYS if can is None else can
    return Company(id_, match=can, distance_m={lot: km * 1000 for lot, _ in can}, **fields)


def kept_ids(companies, options: Options | None = None, lots=(LOT_A, LOT_B), pairs=()) -> set[str]:
    instance = Instance(lots, tuple(companies), frozenset(frozenset(p) for p in pairs), options or Options())
    return {c.id for c in reduce_candidates(instance).companies}


TWO = Options(max_members=2)
BETTER = {"turnover_eur": 2_000_000, "headcount": 50}  # the dominators' advantages, unless a test takes one away


def test_a_company_with_max_members_dominators_is_removed():
    assert kept_ids([company("c"), company("d1", km=5, **BETTER), company("d2", km=5, **BETTER)], TWO) == {"d1", "d2"}


def test_fewer_dominators_than_max_members_keep_it():
    companies = [company("c"), company("d1", km=5, **BETTER), company("d2", km=5, **BETTER)]
    assert kept_ids(companies, Options(max_members=3)) == {"c", "d1", "d2"}


@pytest.mark.parametrize(
    ("criterion", "dominator"),
    [
        ("lacks a key", {"can": {("B", PLUMB): EXACT}}),
        ("farther", {"km": 11}),
        ("not an SME", {"sme": False}),
        ("broader match", {"can": {("B", PLUMB): EXACT, ("B", ROOF): BROADER}}),
        ("smaller turnover", {"turnover_eur": 999_999}),
    ],
)
def test_each_criterion_alone_prevents_removal(criterion, dominator):
    fields = {"km": 5, **BETTER} | dominator
    assert "c" in kept_ids([company("c"), company("d1", **fields), company("d2", **fields)], TWO), criterion


def test_match_rank_counts_through_the_cost():
    # Narrower instead of exact costs 50 × 100 k€ more per requirement: 55 km closer makes up for it.
    c = company("c", km=60)
    narrower = {**BETTER, "can": {("B", PLUMB): NARROWER, ("B", ROOF): NARROWER}}
    assert "c" not in kept_ids([c, company("d1", km=5, **narrower), company("d2", km=5, **narrower)], TWO)
    assert "c" in kept_ids([c, company("d1", km=15, **narrower), company("d2", km=15, **narrower)], TWO)


def test_no_reference_prevents_removal():
    c = company("c", references=frozenset({PLUMB}))
    assert "c" in kept_ids([c, company("d1", **BETTER), company("d2", **BETTER)], TWO)
    with_reference = {**BETTER, "references": frozenset({PLUMB})}
    assert "c" not in kept_ids([c, company("d1", **with_reference), company("d2", **with_reference)], TWO)


def test_headcount_matters_only_through_mandataire_eligibility():
    small = {**BETTER, "headcount": 1}
    assert "c" not in kept_ids([company("c"), company("d1", **small), company("d2", **small)], TWO)
    options = replace(TWO, mandataire_min_headcount=5)
    assert "c" in kept_ids([company("c"), company("d1", **small), company("d2", **small)], options)


def test_solidaire_matters_only_when_the_mandataire_must_be():
    loose = {**BETTER, "can_be_solidaire": False}
    assert "c" not in kept_ids([company("c"), company("d1", **loose), company("d2", **loose)], TWO)
    options = replace(TWO, mandataire_solidaire=True)
    assert "c" in kept_ids([company("c"), company("d1", **loose), company("d2", **loose)], options)


def test_a_company_in_a_collaboration_needs_dominators_with_the_same_partners():
    four = [company("c"), company("d1", **BETTER), company("d2", **BETTER), company("e1", LOT_A_KEYS)]
    assert "c" in kept_ids(four, TWO, pairs=[("c", "e1"), ("d1", "e1")])
    assert "c" not in kept_ids(four, TWO, pairs=[("c", "e1"), ("d1", "e1"), ("d2", "e1")])
    assert "c" not in kept_ids(four, replace(TWO, weights=Weights(collaboration=0)), pairs=[("c", "e1")])


def test_a_partner_that_can_never_be_a_member_does_not_count():
    four = [company("c"), company("d1", **BETTER), company("d2", **BETTER), company("x", LOT_A_KEYS)]
    options = replace(TWO, exclude=frozenset({"x"}))
    assert "c" not in kept_ids(four, options, pairs=[("c", "x")])


def test_with_a_collaboration_penalty_paired_companies_dominate_nothing():
    four = [company("c"), company("d1", **BETTER), company("d2", **BETTER), company("e1", LOT_A_KEYS)]
    penalty = replace(TWO, weights=Weights(collaboration=-1_000))
    assert "c" in kept_ids(four, penalty, pairs=[("d1", "e1")])
    assert "c" not in kept_ids(four, penalty, pairs=[("c", "e1")])


def test_dominators_may_perform_more_keys():
    c = company("c", {("B", PLUMB): EXACT})
    both = {**B_KEYS, ("A", ELEC): NARROWER}
    assert kept_ids([c, company("d1", both, **BETTER), company("d2", both, **BETTER)], TWO) == {"d1", "d2"}


def test_exact_twins_keep_the_first_max_members_by_id():
    assert kept_ids([company(f"t{i}") for i in (3, 1, 4, 2)], TWO) == {"t1", "t2"}


def test_excluded_companies_are_dropped_and_dominate_nothing():
    companies = [company("c"), company("d1", **BETTER), company("d2", **BETTER)]
    options = replace(TWO, exclude=frozenset({"d2"}))
    reduced = reduce_candidates(Instance((LOT_A, LOT_B), tuple(companies), options=options))
    assert [c.id for c in reduced.companies] == ["c", "d1"]
    assert reduced.options.exclude == frozenset()


def test_must_include_is_never_removed_even_when_useless():
    companies = [company("c"), company("d1", **BETTER), company("d2", **BETTER), company("idle", {})]
    options = replace(TWO, must_include=frozenset({"c", "idle"}))
    assert kept_ids(companies, options) == {"c", "d1", "d2", "idle"}


def test_companies_that_can_perform_nothing_selected_are_dropped():
    only_a = company("a", LOT_A_KEYS)
    unknown = company("x", {("B", "99999999"): EXACT, ("Z", ELEC): EXACT})
    assert kept_ids([only_a, unknown, company("b")], replace(TWO, lots=frozenset({"B"}))) == {"b"}


def test_the_reduced_instance_keeps_lots_options_and_collaborations_of_kept_companies():
    companies = [company("c"), company("d1", **BETTER), company("d2", **BETTER), company("e1", LOT_A_KEYS)]
    pairs = frozenset({frozenset({"d1", "e1"}), frozenset({"c", "d2"})})
    instance = Instance((LOT_A, LOT_B), tuple(companies), pairs, replace(TWO, weights=Weights(collaboration=0)))
    reduced = reduce_candidates(instance)
    assert [c.id for c in reduced.companies] == ["d1", "d2", "e1"]
    assert reduced.collaborations == {frozenset({"d1", "e1"})}
    assert (reduced.lots, reduced.options) == (instance.lots, instance.options)


# --- The fast computation is the rule, exactly ------------------------------------------------------------------


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data, not secrets


def register_like(count: int, lots: int, seed: int, **options) -> Instance:
    """Companies at commune centres with a few trades of a CPV-like tree: exact, narrower or, for generalists,
    broader matches; certifications; lognormal turnovers. Deterministic for a seed."""
    rng = seeded(seed)
    places = [(rng.uniform(0, 120), rng.uniform(0, 120)) for _ in range(92)]
    families = [[f"45{f}{i}0000" for i in range(1, 7)] for f in range(1, 9)]
    codes, certifications = [c for family in families for c in family], [f"QB{i}" for i in range(8)]
    tender = []
    for i in range(lots):
        requirements = (rng.choice(codes), *rng.sample(codes + certifications, rng.randint(0, 2)))
        value = rng.randint(50, 3000) * 1000
        minimum = rng.choice([0, value])
        tender.append(Lot(f"L{i:02d}", value, tuple(dict.fromkeys(requirements)), minimum, rng.choice([None, 730])))
    site = {lot.id: places[i % 3] for i, lot in enumerate(tender)}
    companies = [_register_company(rng, j, families, certifications, tender, places, site) for j in range(count)]
    return Instance(tuple(tender), tuple(companies), options=Options(**options))


def _register_company(rng, j, families, certifications, tender, places, site) -> Company:
    family = families[min(7, int(rng.expovariate(0.4)))]
    ranks: dict[str, int] = {cert: EXACT for cert in certifications if rng.random() < 0.05}
    for _ in range(rng.randint(1, 3)):
        level = rng.random()
        if level < 0.1:
            ranks |= {code: BROADER for code in family if code not in ranks}
        else:
            ranks[rng.choice(family)] = EXACT if level < 0.8 else NARROWER
    match = {(lot.id, r): ranks[r] for lot in tender for r in lot.requirements if r in ranks}
    x, y = places[rng.randrange(len(places))]
    distance = {lot_id: int(1000 * math.dist((x, y), site[lot_id])) for lot_id, _ in match}
    turnover = int(math.exp(rng.gauss(13, 1.5)))
    headcount = int(turnover / rng.uniform(60_000, 150_000))
    references = frozenset(code for code in ranks if rng.random() < 0.3)
    return Company(f"{j:014d}", turnover, headcount, headcount < 250, match, distance, references, rng.random() < 0.9)


def removed_naively(instance: Instance) -> set[str]:
    """The rule of solver.reduction, word for word, in quadratic time."""
    options, bonus = instance.options, instance.options.weights.collaboration
    ranked = sorted(candidates_of(instance), key=strength)
    possible = {c.company.id for c in ranked} | options.must_include
    partners = {c.company.id: set() for c in ranked}
    for first, second in (tuple(pair) for pair in instance.collaborations if pair <= possible):
        partners.setdefault(first, set()).add(second)
        partners.setdefault(second, set()).add(first)
    removed = set()
    for i, c in enumerate(ranked):
        dominators = [
            d
            for d in ranked[:i]
            if d.eligible >= c.eligible
            and (bonus <= 0 or partners[d.company.id] >= partners[c.company.id])
            and (bonus >= 0 or not partners[d.company.id])
            and all(key in d.costs and d.costs[key] <= cost for key, cost in c.costs.items())
        ]
        if c.company.id not in options.must_include and len(dominators) >= options.max_members:
            removed.add(c.company.id)
    return removed


@pytest.mark.parametrize("small", [0, reduction.SMALL, 10**9], ids=["indexed", "default", "one-by-one"])
@pytest.mark.parametrize("seed", range(6))
def test_the_fast_computation_removes_exactly_what_the_rule_says(seed, small, monkeypatch):
    monkeypatch.setattr(reduction, "SMALL", small)  # both ways of finding superset dominators
    rng = seeded(seed)
    instance = register_like(1_500, rng.randint(2, 12), seed)
    ids = [c.id for c in instance.companies]
    options = Options(
        max_members=rng.randint(1, 8),
        must_include=frozenset(rng.sample(ids[500:], 3)),
        exclude=frozenset(rng.sample(ids[:500], 20)),
        mandataire_min_headcount=rng.choice([0, 3, 10]),
        mandataire_solidaire=seed % 2 == 1,
        weights=Weights(collaboration=rng.choice([2_000, 0, -500])),
    )
    pairs = frozenset(frozenset(rng.sample(ids, 2)) for _ in range(300))
    instance = replace(instance, collaborations=pairs, options=options)
    expected = removed_naively(instance)
    assert dominated(instance, candidates_of(instance)) == expected
    assert len(expected) > 200  # the rule has work to do here


# --- Same optimum with and without the reduction ----------------------------------------------------------------


def random_instance(seed: int) -> Instance:
    """2–5 lots and 8–20 companies in families of near-copies, so that dominance happens; or, one time in three, a
    crowd: 2 lots of 2–4 requirements that every company can perform, so that several similar companies share
    the work. Random options."""
    rng = seeded(seed)
    crowd = rng.random() < 1 / 3
    lots = tuple(_random_lot(rng, f"L{i}", crowd) for i in range(2 if crowd else rng.randint(2, 5)))
    keys = [(lot.id, r) for lot in lots for r in lot.requirements]
    size, companies = rng.randint(8, 20), []
    while len(companies) < size:
        lot = rng.choice(lots)
        trade = [(lot.id, r) for r in lot.requirements] if rng.random() < 0.6 else rng.sample(keys, min(len(keys), 3))
        family = _random_company(rng, f"s{len(companies):02d}", keys if crowd else trade, crowd)
        for _ in range(1 if crowd else rng.randint(1, 6)):
            companies.append(family if crowd else _near_copy(rng, family, f"s{len(companies):02d}"))
    companies = _certified(rng, companies[:size])
    return Instance(lots, tuple(companies), _pairs(rng, companies), _options(rng, companies, lots))


def _random_company(rng: random.Random, id_: str, keys: list[tuple[str, str]], crowd: bool) -> Company:
    """A company; in a crowd, all exact SMEs without references, so that they differ by distance and size."""
    km, references = rng.randint(0, 60), frozenset(code for code in CODES if rng.random() < 0.3 and not crowd)
    return Company(
        id_, rng.randint(50, 600 if crowd else 3000) * 1000, rng.choice([1, 4, 12, 40]), crowd or rng.random() < 0.8,
        {key: EXACT if crowd else rng.choice([EXACT, EXACT, NARROWER, BROADER]) for key in keys},
        {lot_id: 1000 * km for lot_id, _ in keys}, references, rng.random() < 0.8,
    )  # fmt: skip


def _near_copy(rng: random.Random, family: Company, id_: str) -> Company:
    """The family's company, a little different on a few criteria."""
    match = {k: min(BROADER, rank + (rng.random() < 0.1)) for k, rank in family.match.items() if rng.random() < 0.95}
    offset = 1000 * rng.randint(-3, 3)
    return replace(
        family,
        id=id_,
        turnover_eur=int(family.turnover_eur * rng.uniform(0.3, 3)),
        headcount=rng.choice([family.headcount, 1, 4, 12, 40]),
        sme=family.sme if rng.random() < 0.9 else not family.sme,
        match=match,
        distance_m={lot_id: max(0, family.distance_m[lot_id] + offset) for lot_id, _ in match},
        references=family.references if rng.random() < 0.8 else frozenset(c for c in CODES if rng.random() < 0.3),
        can_be_solidaire=family.can_be_solidaire if rng.random() < 0.9 else not family.can_be_solidaire,
    )


CODES = ("C1", "C2", "C3", "C4", "C5")


CERTIFICATES = ("Q1", "Q2")


def _random_lot(rng: random.Random, lot_id: str, crowd: bool) -> Lot:
    value = rng.randint(20, 400) * 1000
    minimum = rng.choice([0, 0, value * rng.randint(2, 10)])
    requirements = tuple(rng.sample(CODES, rng.randint(2, 4) if crowd else rng.randint(1, 3)))
    weights = tuple(rng.randint(1, 4) for _ in requirements) if rng.random() < 0.3 else None
    certifications = tuple(
        Certification(code, rng.choice([None, *requirements]), rng.random() < 0.4)
        for code in CERTIFICATES
        if rng.random() < 0.25
    )
    return Lot(lot_id, value, requirements, minimum, rng.choice([None, None, 730]), weights, certifications)


def _certified(rng: random.Random, companies: list[Company]) -> list[Company]:
    """Each company holds each certificate with probability 1/2 (near copies differ)."""
    return [replace(c, certificates=frozenset(q for q in CERTIFICATES if rng.random() < 0.5)) for c in companies]


def _pairs(rng: random.Random, companies: list[Company]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(rng.sample([c.id for c in companies], 2)) for _ in range(rng.randint(0, 8)))


def _options(rng: random.Random, companies: list[Company], lots: tuple[Lot, ...]) -> Options:
    ids = [c.id for c in companies]
    chosen = rng.sample(ids, rng.choice([0, 0, 0, 1, 2, 3]))
    must, exclude = frozenset(chosen[:1] if rng.random() < 0.3 else ()), frozenset(chosen[1:])
    lot_ids = [lot.id for lot in lots]
    selected = frozenset(rng.sample(lot_ids, rng.randint(1, len(lots)))) if rng.random() < 0.2 else None
    return Options(
        max_members=rng.randint(2, 4),
        must_include=must,
        exclude=exclude,
        lots=selected,
        partial=rng.random() < 0.3,
        capacity_ratio_pct=rng.choice([10, 25, 50, 100, 200]),
        mandataire_min_headcount=rng.choice([0, 0, 5, 20]),
        mandataire_solidaire=rng.random() < 0.3,
        max_lots=rng.choice([None, None, 1, 2, 3]),
        lot_cap_scope=rng.choice(list(LotCapScope)),
        weights=Weights(collaboration=rng.choice([2_000, 20_000, 0, -1_000, -20_000])),
    )


SEEDS = range(600)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_reduction_never_changes_the_optimum(seed):
    instance = random_instance(seed)
    full = solve(instance, reduce=False, workers=1, time_limit_s=10)
    reduced = solve(reduce_candidates(instance), reduce=False, workers=1, time_limit_s=10)
    assert full.status in (Status.OPTIMAL, Status.INFEASIBLE)
    assert reduced.status is full.status
    assert reduced.objective == full.objective
    if reduced.best is not None:
        assert validate(instance, reduced.best) == ()  # a groupement of the original instance too


def test_the_random_instances_exercise_the_rule():
    instances = [random_instance(seed) for seed in SEEDS]
    dominated_counts = [len(dominated(i, candidates_of(i))) for i in instances]
    assert sum(n > 0 for n in dominated_counts) >= len(instances) // 3
    assert sum(dominated_counts) >= len(instances)
