"""Safe candidate reduction: drop companies that no optimal groupement needs, before the model is built.

``reduce_candidates(instance)`` returns the same instance without (1) the excluded companies, (2) the companies
that can perform no requirement of the selected lots and are not must-include, (3) the *dominated* companies
below. The optimal objective, and whether a groupement exists, do not change (proof below).

Notation. K = ``options.max_members``. A *key* is a (lot, requirement) of a selected lot; ``keys(c)`` are those c
can perform (``c.match``); ``cost(c, k) = costs.assignment_cost`` of c performing k — exactly the model's
coefficient (distance, SME, match rank, reference); ``rank(c, k) = c.match[k]``. Candidates are the companies not
excluded, sorted once in a strict total order ≺ ("stronger first"): by turnover, headcount, can_be_solidaire
(all descending), number of keys (descending), total cost over the keys (ascending), company id. Because ids are
unique, ≺ is strict and total.

Dominance. d *dominates* c when d ≺ c and
  (a) keys(d) ⊇ keys(c), and on every k in keys(c): rank(d, k) ≤ rank(c, k) and cost(d, k) ≤ cost(c, k);
  (b) d.turnover_eur ≥ c.turnover_eur (implied by d ≺ c), d.headcount ≥ c.headcount,
      d.can_be_solidaire ≥ c.can_be_solidaire;
  (c) if the collaboration weight is negative, d is in no collaboration pair.
c is *removed* when c is not must-include, c is in no collaboration pair (unless the collaboration weight is 0),
and at least K candidates dominate c. Dominators may be removed themselves: the proof does not need them kept.

Claim. If the instance has a groupement, it has an optimal one whose members are all kept.

Proof (exchange argument). Groupements are finitely many; among the optimal ones, take G minimising
Φ(G) = Σ over members of their position in ≺. Suppose G has a removed member c. c is not must-include, so the
model makes it perform at least one requirement. G has at most K − 1 members besides c, and at least K
candidates dominate c, so some dominator d is not a member of G (d ≠ c since d ≺ c). Let G' be G with c replaced
by d: d performs every requirement c performed (d can, by (a)), and is mandataire if c was. Every hard rule holds:
  - cover: the same requirements of the same lots are performed, each by exactly one member;
  - members: same count; d performs work (c did); d is not excluded (candidates never are); c is not
    must-include; every other member is unchanged;
  - capacity: d carries exactly c's annualised work (shares depend only on the lot and requirement), which is
    ≤ c.turnover × ratio ≤ d.turnover × ratio;
  - combined turnover grows by d.turnover − c.turnover ≥ 0 for every covered lot, which are unchanged;
  - mandataire: if c was mandataire, d performs work, d.headcount ≥ c.headcount ≥ the minimum, and d is
    solidaire if c was: d is eligible;
  - lot caps: the covered lots are unchanged, and d works in exactly the lots c worked in.
The objective does not rise: assignment costs change by Σ (cost(d, k) − cost(c, k)) ≤ 0 over c's former keys;
the member term and the uncovered term are unchanged; c was in no pair (or pairs weigh 0), so no bonus is lost,
and the pairs d forms with members add −bonus ≤ 0 per pair if the bonus is ≥ 0, none at all if it is negative (c).
So G' is optimal too, yet Φ(G') < Φ(G) because d ≺ c: a contradiction. Hence G has no removed member.

Consequences. G uses kept companies only, so it is a groupement of the reduced instance, whose groupements are
all groupements of the original one (fewer companies, same rules; removed companies only ever appear as
variables fixed to 0): same optimal objective, same feasibility. The same holds for companies that can perform
nothing (not must-include, they could never be members) and for excluded ones. Only the optimum is preserved:
the alternatives (k best) of the reduced instance may differ.

Speed. Candidates are scanned in ≺ order; each key has an index of the candidates seen so far (all ≺ the
current one), sorted by cost. For c, a dominator must appear, on *each* key of c, among the entries of cost ≤
cost(c, k): c picks the key with the fewest such entries (fewer than K: c is kept at once) and checks those
entries, cheapest first, stopping at K dominators or after ``SCAN_LIMIT`` checks (c is then kept: keeping a
company is always safe). No pair of companies is ever compared without sharing c's rarest qualifying key.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import replace
from itertools import islice

from solver.costs import assignment_cost, collaboration_bonus
from solver.instance import Company, Instance, Lot

SCAN_LIMIT = 64  # dominance checks per company before giving up and keeping it
Profile = dict[tuple[str, str], tuple[int, int]]  # key → (match rank, assignment cost)


def reduce_candidates(instance: Instance) -> Instance:
    """The instance without excluded, useless and dominated companies: same optimal objective (see above)."""
    options = instance.options
    pool = [c for c in instance.companies if c.id not in options.exclude]
    profiles = profiles_of(instance, pool)
    useful = [(c, p) for c, p in zip(pool, profiles, strict=True) if p]
    removed = dominated(instance, useful)
    kept = tuple(
        c for c, p in zip(pool, profiles, strict=True) if c.id in options.must_include or (p and c.id not in removed)
    )
    kept_ids = {c.id for c in kept}
    return replace(
        instance,
        companies=kept,
        collaborations=frozenset(pair for pair in instance.collaborations if pair <= kept_ids),
        options=replace(options, exclude=frozenset()),
    )


def profiles_of(instance: Instance, companies: list[Company]) -> list[Profile]:
    """For each company, what it can perform in the selected lots, with its match rank and assignment cost."""
    lots: dict[tuple[str, str], Lot] = {(lot.id, r): lot for lot in instance.selected_lots for r in lot.requirements}
    profiles = []
    for company in companies:
        profile = {}
        for key, rank in company.match.items():
            lot = lots.get(key)
            if lot is not None:
                profile[key] = (rank, assignment_cost(instance, lot, key[1], company))
        profiles.append(profile)
    return profiles


def strength(company: Company, profile: Profile) -> tuple:
    """The strict total order ≺ of the proof: sorting by this key puts stronger companies first."""
    total = sum(cost for _, cost in profile.values())
    return (-company.turnover_eur, -company.headcount, not company.can_be_solidaire, -len(profile), total, company.id)


def dominated(instance: Instance, candidates: list[tuple[Company, Profile]]) -> set[str]:
    """Ids of the candidates that at least ``max_members`` candidates dominate, and that may be removed."""
    options, bonus = instance.options, collaboration_bonus(instance)
    paired = {company_id for pair in instance.collaborations for company_id in pair}
    protected = options.must_include | (paired if bonus else frozenset())
    no_dominator = paired if bonus < 0 else frozenset()
    ranked = sorted(candidates, key=lambda item: strength(*item))
    index: dict[tuple[str, str], list[tuple[int, int]]] = {}  # key → sorted (cost, position in ranked)
    removed = set()
    for position, (company, profile) in enumerate(ranked):
        if company.id not in protected and _has_dominators(company, profile, index, ranked, options.max_members):
            removed.add(company.id)
        if company.id not in no_dominator:
            for key, (_, cost) in profile.items():
                insort(index.setdefault(key, []), (cost, position))
    return removed


def _has_dominators(
    company: Company,
    profile: Profile,
    index: dict[tuple[str, str], list[tuple[int, int]]],
    ranked: list[tuple[Company, Profile]],
    needed: int,
) -> bool:
    """Whether ``needed`` companies already indexed (all ≺ ``company``) dominate it."""
    shortest: list[tuple[int, int]] = []
    count = len(ranked) + 1
    for key, (_, cost) in profile.items():
        entries = index.get(key, [])
        within = bisect_right(entries, (cost, len(ranked)))  # entries of cost ≤ the company's on this key
        if within < count:
            shortest, count = entries, within
        if count < needed:
            return False
    found = 0
    for _, position in islice(shortest, min(count, SCAN_LIMIT)):
        other, other_profile = ranked[position]
        if dominates(other, other_profile, company, profile):
            found += 1
            if found == needed:
                return True
    return False


def dominates(d: Company, d_profile: Profile, c: Company, c_profile: Profile) -> bool:
    """Rules (a) and (b) of the proof, except the order d ≺ c, which the caller guarantees."""
    if d.turnover_eur < c.turnover_eur or d.headcount < c.headcount or d.can_be_solidaire < c.can_be_solidaire:
        return False
    for key, (rank, cost) in c_profile.items():
        theirs = d_profile.get(key)
        if theirs is None or theirs[0] > rank or theirs[1] > cost:
            return False
    return True
