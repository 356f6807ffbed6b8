"""Safe candidate reduction: drop the companies no optimal groupement needs, before the model is built.

``reduce_candidates(instance)`` returns the same instance without (1) the excluded companies, (2) the companies
that can perform no requirement of a selected lot, unless must-include, (3) the *dominated* companies defined
below. The optimal objective, and whether any groupement exists, do not change (proof below).

Notation. K = ``options.max_members``. A *key* is a (lot, requirement) of a selected lot; keys(c) are the keys c may
perform (``instance.performable``: in ``c.match``, and c holds the certificates the lot ties to that package);
certs(c): the certificates c holds among those some member must hold (``Instance.anywhere``); cost(c, k) =
``costs.assignment_cost``, the model's own coefficient (distance, SME, match rank, reference). eligible(c): c may be
mandataire when it performs work (as in ``model._mandataire``: headcount ≥ ``mandataire_min_headcount``, and
solidaire if ``mandataire_solidaire``). *Candidates*: the companies not excluded with at least one key, in the
strict total order ≺ of ``strength`` (turnover descending first, id last).

Dominance. d dominates c when d ≺ c, keys(d) ⊇ keys(c), cost(d, k) ≤ cost(c, k) for every k in keys(c), eligible(d)
≥ eligible(c), certs(d) ⊇ certs(c), and, for the collaboration bonus b: partners(d) ⊇ partners(c) if b > 0, no
partner at all for d if b < 0. partners(x): the companies x forms a collaboration pair with, among those that could
be members (candidates and must-include). (d ≺ c gives d.turnover ≥ c.turnover. The match rank and the headcount
need no rule of their own: the model uses the rank only through the cost, the headcount only for eligibility.) Rule.
c is removed iff c is not must-include and at least K candidates dominate c. ``dominated`` computes exactly this
set.

Claim. If the instance has a groupement, it has an optimal one with no removed member.
Proof (exchange). There are finitely many groupements; among the optimal ones take G minimising Φ(G), the sum of
the positions of its members in ≺. Suppose G has a removed member c. c is not must-include, so the model makes it
perform work. G has at most K − 1 members besides c and c has at least K dominators: some dominator d is not a
member. Let G' be G where d performs everything c performed (it can: keys(d) ⊇ keys(c)) and is mandataire if c
was. Every hard rule of the model still holds:
  - cover: the same requirements of the same lots are performed, each by exactly one member;
  - members: as many; d performs work; d is not excluded (no candidate is); c is not must-include;
  - certificates: d performs only keys it may perform, so it holds what their packages require; every
    certificate some member must hold and c held, d holds too;
  - capacity: d carries c's annualised work (a share depends on its lot and requirement only), and
    c's work ≤ c.turnover × ratio ≤ d.turnover × ratio;
  - combined turnover grows by d.turnover − c.turnover ≥ 0, for the same covered lots;
  - mandataire: if c was, d performs work and is eligible because c was;
  - lot caps: the covered lots are the same, and d works in exactly the lots c worked in.
The objective does not rise: assignment costs change by Σ cost(d, k) − cost(c, k) ≤ 0 over c's work; the member
and uncovered terms are unchanged. A pair {c, x} that G rewards or penalises (x a member, so x ≠ d) disappears; if
b > 0, x is a partner of d too, so the pair {d, x} replaces it and no bonus is lost (d's other pairs add more); if
b < 0, d forms no pair, so no penalty appears; if b = 0, pairs weigh nothing. So G' is optimal, and
Φ(G') < Φ(G) since d ≺ c, contradicting the choice of G. ∎
So an optimum of the original instance is a groupement of the reduced one, whose groupements are all groupements
of the original (same rules, fewer companies): same optimal objective, same feasibility. Companies of (1) and (2)
are members of no groupement at all. Only the optimum is preserved: alternatives may differ.

Lemma (what the computation relies on). Dominance is transitive. If c has K dominators, it has K *kept* ones:
a removed dominator d ≺ c has K kept dominators (induction along ≺), and they dominate c.

Computation. Candidates with the same key set form a group; a dominator of c is in c's group or in a group with a
strict superset of keys (if b > 0, each partner counts as one more key, without cost, and so does each certificate
of certs(c), so that a superset group also has a superset of partners and certificates). Groups are decided by
decreasing number of keys. Pass 1 counts c's dominators in its own group; for the few candidates it keeps, pass 2
adds the kept members of superset groups, already decided (by the lemma, counting only those is exact), less those
that cannot dominate any of the few (found by intersecting prefixes of per-key cost orders). A count is a bit count:
the possible dominators of a group are the bits of Python integers, in ≺ order, and for each c the conjunction of
"before c", "eligible if c is" and, for each key, "cost ≤ c's" (masks built by one sweep per key in cost order) must
keep K bits. Python does a few steps per (candidate, key) pair; the bit operations, quadratic in a group's size, run
in C."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from operator import attrgetter

from solver.costs import assignment_cost, collaboration_bonus
from solver.instance import Company, Instance, Options, performable

Key = tuple[str, str]  # (lot id, requirement)
SMALL = 64  # kept members of a group below which filtering them one by one beats indexing them


class Candidate:
    """A company that can perform something, with its cost on each key and its place in ≺."""

    __slots__ = ("company", "costs", "eligible", "position", "may_dominate")

    def __init__(self, company: Company, costs: dict[int, int], eligible: bool) -> None:
        self.company, self.costs, self.eligible = company, costs, eligible
        self.position, self.may_dominate = -1, True


def reduce_candidates(instance: Instance) -> Instance:
    """The instance without excluded, useless and dominated companies: same optimal objective (see above)."""
    options = instance.options
    candidates = candidates_of(instance)
    removed = dominated(instance, candidates)
    useful = {c.company.id for c in candidates} - removed
    kept = tuple(c for c in instance.companies if c.id in useful or c.id in options.must_include)
    kept_ids = {c.id for c in kept}
    return replace(
        instance,
        companies=kept,
        collaborations=frozenset(pair for pair in instance.collaborations if pair <= kept_ids),
        options=replace(options, exclude=frozenset()),
    )


def eligible(company: Company, options: Options) -> bool:
    """Whether the company could be mandataire (given it performs work): the model's own condition."""
    return company.headcount >= options.mandataire_min_headcount and (
        company.can_be_solidaire or not options.mandataire_solidaire
    )


def candidates_of(instance: Instance) -> list[Candidate]:
    """The companies not excluded that can perform at least one requirement of a selected lot (holding the
    certificates its package requires: ``performable``). Costs are keyed by
    the key's index in ``keys_of(instance)`` (integers hash faster than tuples)."""
    options = instance.options
    index = {key: i for i, key in enumerate(keys_of(instance))}
    lots = {lot.id: lot for lot in instance.selected_lots}
    gates = instance.gates()
    candidates = []
    for company in instance.companies:
        if company.id in options.exclude:
            continue
        costs = {
            index[key]: assignment_cost(instance, lots[key[0]], key[1], company)
            for key in performable(company, gates)
            if key in index
        }
        if costs:
            candidates.append(Candidate(company, costs, eligible(company, options)))
    return candidates


def keys_of(instance: Instance) -> list[Key]:
    """The (lot, requirement) pairs of the selected lots."""
    return [(lot.id, requirement) for lot in instance.selected_lots for requirement in lot.requirements]


def strength(candidate: Candidate) -> tuple:
    """The strict total order ≺: sorting by this key puts stronger candidates first. Any dominator of c sorts
    before c, except one with the same turnover, eligibility, keys and costs and a larger id."""
    company = candidate.company
    total = sum(candidate.costs.values())
    return (-company.turnover_eur, not candidate.eligible, -len(candidate.costs), total, company.id)


def dominated(instance: Instance, candidates: list[Candidate]) -> set[str]:
    """Ids of the candidates the rule removes, exactly (see the module's lemma)."""
    options, bonus = instance.options, collaboration_bonus(instance)
    partners = _partners(instance, candidates) if bonus else {}
    extras: dict[str, set[tuple[str, str]]] = {}
    if bonus > 0:
        for company_id, others in partners.items():
            extras.setdefault(company_id, set()).update(("partner", other) for other in others)
    codes = {code for _, code in instance.anywhere()}
    for candidate in candidates:
        if held := candidate.company.certificates & codes:
            extras.setdefault(candidate.company.id, set()).update(("certificate", code) for code in held)
    groups = _groups_in_order(candidates, extras)
    for candidate in candidates:
        candidate.may_dominate = bonus >= 0 or candidate.company.id not in partners
    groups_with: dict[int, set[frozenset[int]]] = {}
    for keys in groups:
        for key in keys:
            groups_with.setdefault(key, set()).add(keys)
    kept: dict[frozenset[int], _Kept] = {}
    removed: set[str] = set()
    for keys in sorted(groups, key=len, reverse=True):  # strict supersets first
        group, real = groups[keys], frozenset(key for key in keys if key >= 0)
        queries = [c for c in group if c.company.id not in options.must_include]
        out = _removed_in_group(real, queries, group, options.max_members)
        queries = [c for c in queries if c.company.id not in out]
        having = sorted((groups_with[key] for key in keys), key=len)  # smallest first: fast intersection
        supersets = having[0].intersection(*having[1:]) - {keys}
        if queries and supersets:  # those left may have dominators in strict supersets: count their kept ones
            pool = _could_dominate(real, queries, group, [kept[other] for other in supersets])
            out |= _removed_in_group(real, queries, pool, options.max_members)
        removed |= out
        kept[keys] = _Kept([d for d in group if d.may_dominate and d.company.id not in out])
    return removed


def _partners(instance: Instance, candidates: list[Candidate]) -> dict[str, set[str]]:
    """Each company's collaboration partners among those that could be members (candidates, must-include)."""
    possible = {c.company.id for c in candidates} | instance.options.must_include
    partners: dict[str, set[str]] = {}
    for pair in instance.collaborations:
        if len(pair) == 2 and pair <= possible:
            first, second = pair
            partners.setdefault(first, set()).add(second)
            partners.setdefault(second, set()).add(first)
    return partners


def _groups_in_order(
    candidates: list[Candidate], extras: dict[str, set[tuple[str, str]]]
) -> dict[frozenset[int], list[Candidate]]:
    """Sets each candidate's position in ≺ and groups the candidates by key set, each group in ≺ order. A partner
    and a globally assessed certificate held count as one more (negative, virtual) key each, so that superset
    groups also have a superset of partners and of certificates."""
    virtual: dict[tuple[str, str], int] = {}
    groups: dict[frozenset[int], list[Candidate]] = {}
    for position, candidate in enumerate(sorted(candidates, key=strength)):
        candidate.position = position
        keys = frozenset(candidate.costs)
        if candidate.company.id in extras:
            keys |= {virtual.setdefault(token, -1 - len(virtual)) for token in extras[candidate.company.id]}
        groups.setdefault(keys, []).append(candidate)
    return groups


class _Kept:
    """The kept members of a group that may dominate, with, per key, the members sorted by cost (made on demand):
    "before position p and no costlier than b on each key" is then an intersection of prefixes."""

    def __init__(self, members: list[Candidate]) -> None:
        self.members, self.positions = members, [d.position for d in members]
        self.by_cost: dict[int, tuple[list[int], list[Candidate]]] = {}

    def within(self, last: int, bounds: dict[int, int]) -> set[Candidate]:
        prefixes = [self.members[: bisect_right(self.positions, last)]]
        for key, bound in bounds.items():
            if key not in self.by_cost:
                ordered = sorted(self.members, key=lambda d: d.costs[key])
                self.by_cost[key] = ([d.costs[key] for d in ordered], ordered)
            costs, ordered = self.by_cost[key]
            prefixes.append(ordered[: bisect_right(costs, bound)])
        prefixes.sort(key=len)
        return set(prefixes[0]).intersection(*prefixes[1:])


def _could_dominate(
    keys: frozenset[int], queries: list[Candidate], group: list[Candidate], kept: list[_Kept]
) -> list[Candidate]:
    """The members of the group and the kept members of its superset groups that could dominate at least one
    query: not after the last query in ≺, and on each key no costlier than the costliest query. Dropping the
    others changes no query's count. Small groups are filtered member by member, large ones by their index."""
    last = max(c.position for c in queries)
    bounds = {key: max(c.costs[key] for c in queries) for key in keys}
    loose = group + [d for other in kept if len(other.members) < SMALL for d in other.members]
    able = [d for d in loose if d.position <= last and all(d.costs[key] <= bound for key, bound in bounds.items())]
    for other in kept:
        if len(other.members) >= SMALL:
            able += other.within(last, bounds)
    return able


def _removed_in_group(keys: frozenset[int], queries: list[Candidate], pool: list[Candidate], needed: int) -> set[str]:
    """Ids of the queries (all with key set ``keys``, all in the pool) that ``needed`` pool members dominate."""
    if len(pool) <= needed or not queries:
        return set()
    pool = sorted(pool, key=attrgetter("position"))  # bit i of a mask is pool[i]
    bit_of = {d.position: i for i, d in enumerate(pool)}
    asked = [bit_of[c.position] for c in queries]  # the bits below a query's are the candidates before it
    free = int("".join("1" if d.may_dominate else "0" for d in reversed(pool)), 2)
    free_eligible = int("".join("1" if d.may_dominate and d.eligible else "0" for d in reversed(pool)), 2)
    masks = {i: ((1 << i) - 1) & (free_eligible if pool[i].eligible else free) for i in asked}
    for key in keys:
        _and_cheaper_on([d.costs[key] for d in pool], masks)
        masks = {i: mask for i, mask in masks.items() if mask.bit_count() >= needed}  # the others are kept
        if not masks:
            break
    return {pool[i].company.id for i in masks}


def _and_cheaper_on(costs: list[int], masks: dict[int, int]) -> None:
    """masks[i] &= the bits j with costs[j] ≤ costs[i]: one sweep in cost order, ties taken together."""
    cheaper, tied, previous = 0, [], None
    for j in sorted(range(len(costs)), key=costs.__getitem__):
        if costs[j] != previous:
            for i in tied:
                masks[i] &= cheaper
            tied, previous = [], costs[j]
        cheaper |= 1 << j
        if j in masks:
            tied.append(j)
    for i in tied:
        masks[i] &= cheaper
