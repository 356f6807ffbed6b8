"""Check a groupement against the hard rules and recompute its objective, independently of the CP-SAT model.

The rules, for the selected lots: assignments name a selected lot, one of its requirements, a known, non-excluded
company able to perform it, and the requirement's share (``assignment``, ``exclude``, ``competence``, ``amount``);
the performer of a package holds the certificates the lot ties to it, and a certificate assessed globally is held
by some member of a groupement that covers its lot (``certification``: a certificate is never work);
each lot is covered exactly once per requirement — or, in partial mode, fully or not at all (``cover``); members are
the assigned companies plus the imposed ones, between 1 and the maximum (``members``, ``must_include``); the members'
combined turnover reaches each covered lot's minimum (``turnover``); each member's annualised work fits its capacity
(``capacity``); one eligible mandataire (``mandataire``); the cap on lots (``lot_cap``); the objective and its
breakdown the groupement states are the recomputed ones (``objective``).

A lot counts as covered when it has at least one assignment (``Groupement.covered_lots``); members are always the
recomputed set (assigned companies ∪ must-include), whatever ``groupement.members`` says."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from solver import costs
from solver.instance import Instance, LotCapScope, annual_work_eur, share_eur
from solver.result import Groupement

RULES = (
    "assignment",
    "exclude",
    "competence",
    "certification",
    "amount",
    "cover",
    "members",
    "must_include",
    "turnover",
    "capacity",
    "mandataire",
    "lot_cap",
    "objective",
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` is one of ``RULES``; ``message`` says in French what is wrong and where."""

    rule: str
    message: str


def euros(amount: int) -> str:
    """« 1 234 567 € », French thousands separators."""
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0€"


def validate(instance: Instance, groupement: Groupement) -> tuple[Violation, ...]:
    """Every hard rule the groupement breaks, in rule order; ``()`` when it is a valid groupement."""
    checks = (_assignments, _certificates, _cover, _members, _turnover, _capacity, _mandataire, _lot_cap, _objective)
    return tuple(violation for check in checks for violation in check(instance, groupement))


def members_of(instance: Instance, groupement: Groupement) -> tuple[str, ...]:
    """The true members: companies with at least one assignment, plus the must-include ones, sorted."""
    return tuple(sorted({a.company_id for a in groupement.assignments} | instance.options.must_include))


def objective(instance: Instance, groupement: Groupement) -> tuple[int, dict[str, int]]:
    """The objective recomputed from scratch, and its breakdown by ``costs.TERMS`` (collaboration negative).

    Raises ``ValueError`` when an assignment cannot be priced (unknown lot, requirement or company, or a company
    that cannot perform the requirement): ``validate`` reports those."""
    lots = {lot.id: lot for lot in instance.lots}
    companies = {c.id: c for c in instance.companies}
    breakdown = dict.fromkeys(costs.TERMS, 0)
    for a in groupement.assignments:
        lot, company = lots.get(a.lot_id), companies.get(a.company_id)
        if lot is None or company is None or (a.lot_id, a.requirement) not in company.match:
            raise ValueError(f"cannot price {a}")
        for term, cost in costs.assignment_costs(instance, lot, a.requirement, company).items():
            breakdown[term] += cost
    covered = set(groupement.covered_lots)
    breakdown["uncovered"] = sum(costs.uncovered_cost(lot) for lot in instance.selected_lots if lot.id not in covered)
    members = set(members_of(instance, groupement))
    breakdown["member"] = costs.member_cost(instance) * len(members)
    pairs = sum(1 for pair in instance.collaborations if len(pair) == 2 and pair <= members)
    breakdown["collaboration"] = -costs.collaboration_bonus(instance) * pairs
    return sum(breakdown.values()), breakdown


def _assignments(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 1: each assignment names a selected lot, its requirement, a usable company, the right amount."""
    lots = {lot.id: lot for lot in instance.selected_lots}
    companies = {c.id: c for c in instance.companies}
    for a in groupement.assignments:
        lot, company = lots.get(a.lot_id), companies.get(a.company_id)
        where = f"Lot {a.lot_id}, « {a.requirement} »"
        if lot is None:
            yield Violation("assignment", f"{where} : lot non retenu ; retirer l'affectation")
        elif a.requirement not in lot.requirements:
            yield Violation("assignment", f"{where} : le lot n'a pas cette exigence ; retirer l'affectation")
        elif company is None:
            yield Violation("assignment", f"{where} : l'entreprise {a.company_id} n'est pas parmi les candidates")
        elif company.id in instance.options.exclude:
            yield Violation("exclude", f"{where} : l'entreprise {company.id} a été exclue ; confier à une autre")
        elif (lot.id, a.requirement) not in company.match:
            yield Violation("competence", f"{where} : l'entreprise {company.id} ne sait pas le réaliser")
        elif missing := lot.gates().get(a.requirement, frozenset()) - company.certificates:
            yield Violation(
                "certification",
                f"{where} : l'entreprise {company.id} ne détient pas {_listed(missing)}, exigée pour réaliser ce lot ; "
                "confier la prestation à un membre certifié ou accepter qu'un autre membre la détienne",
            )
        elif a.amount_eur != share_eur(lot, a.requirement):
            expected = euros(share_eur(lot, a.requirement))
            yield Violation("amount", f"{where} : montant {euros(a.amount_eur)} au lieu de {expected}")


def _listed(codes: frozenset[str]) -> str:
    return ", ".join(f"« {code} »" for code in sorted(codes))


def _certificates(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """A certificate assessed globally is held by at least one member of a groupement covering its lot."""
    companies = {c.id: c for c in instance.companies}
    held = set().union(*(companies[m].certificates for m in members_of(instance, groupement) if m in companies))
    covered = set(groupement.covered_lots)
    for lot_id, code in instance.anywhere():
        if lot_id in covered and code not in held:
            yield Violation(
                "certification",
                f"Lot {lot_id} : aucun membre ne détient « {code} » ; ajouter un membre certifié",
            )


def _cover(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 2: every requirement exactly once; in partial mode, a lot is covered fully or not at all."""
    counts = Counter((a.lot_id, a.requirement) for a in groupement.assignments)
    for lot in instance.selected_lots:
        done = [req for req in lot.requirements if counts[(lot.id, req)]]
        for req in lot.requirements:
            if counts[(lot.id, req)] > 1:
                yield Violation(
                    "cover",
                    f"Lot {lot.id} : « {req} » est attribuée {counts[(lot.id, req)]} fois ; une seule entreprise "
                    "doit la réaliser",
                )
        if instance.options.partial and not done:
            continue
        if instance.options.partial and len(done) < len(lot.requirements):
            yield Violation(
                "cover",
                f"Lot {lot.id} : exigences couvertes : {len(done)} sur {len(lot.requirements)} ; "
                "couvrir tout le lot ou l'abandonner",
            )
            continue
        for req in lot.requirements:
            if not counts[(lot.id, req)]:
                yield Violation("cover", f"Lot {lot.id} : aucun membre ne réalise « {req} »")


def _members(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 3: members are the assigned companies plus the imposed ones, at least one and at most the maximum."""
    declared = set(groupement.members)
    missing_imposed = instance.options.must_include - declared
    for company_id in sorted(missing_imposed):
        yield Violation("must_include", f"L'entreprise {company_id} est imposée mais n'est pas membre ; l'ajouter")
    expected = tuple(sorted(set(members_of(instance, groupement)) - missing_imposed))
    if tuple(groupement.members) != expected:
        yield Violation(
            "members",
            f"Membres annoncés ({', '.join(groupement.members) or 'aucun'}) différents des entreprises affectées "
            f"et imposées ({', '.join(expected) or 'aucune'}) ; corriger la liste des membres",
        )
    count, limit = len(members_of(instance, groupement)), instance.options.max_members
    if not 1 <= count <= limit:
        yield Violation("members", f"{count} membres alors qu'il en faut entre 1 et {limit}")


def _turnover(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 4: the members' combined turnover reaches every covered lot's minimum (global assessment)."""
    companies = {c.id: c for c in instance.companies}
    total = sum(companies[m].turnover_eur for m in members_of(instance, groupement) if m in companies)
    covered = set(groupement.covered_lots)
    for lot in instance.selected_lots:
        if lot.id in covered and total < lot.min_turnover_eur:
            yield Violation(
                "turnover",
                f"Lot {lot.id} : chiffre d'affaires cumulé des membres {euros(total)}, inférieur au minimum "
                f"exigé de {euros(lot.min_turnover_eur)} ; ajouter un membre plus solide",
            )


def _capacity(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 5: a member's annualised work stays within ``capacity_ratio_pct`` % of its turnover."""
    lots = {lot.id: lot for lot in instance.lots}
    companies = {c.id: c for c in instance.companies}
    work: dict[str, int] = defaultdict(int)
    for a in groupement.assignments:
        if a.lot_id in lots:
            work[a.company_id] += annual_work_eur(lots[a.lot_id], a.amount_eur)
    ratio = instance.options.capacity_ratio_pct
    for company_id, annual in sorted(work.items()):
        company = companies.get(company_id)
        if company is not None and annual * 100 > company.turnover_eur * ratio:
            yield Violation(
                "capacity",
                f"L'entreprise {company_id} porterait {euros(annual)} de travaux par an, au-delà de {ratio} % de "
                f"son chiffre d'affaires ({euros(company.turnover_eur)}) ; confier une partie à un autre membre",
            )


def _mandataire(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 6: one mandataire, a member with work, large enough, solidaire when required."""
    options, name = instance.options, groupement.mandataire
    company = next((c for c in instance.companies if c.id == name), None)
    if company is None:
        unknown = f"Mandataire {name} inconnu" if name else "Aucun mandataire désigné"
        yield Violation("mandataire", f"{unknown} ; désigner un des membres")
        return
    if name not in {a.company_id for a in groupement.assignments}:
        yield Violation("mandataire", f"Le mandataire {name} ne réalise aucune prestation ; choisir un membre actif")
    if company.headcount < options.mandataire_min_headcount:
        yield Violation(
            "mandataire",
            f"Le mandataire {name} a {company.headcount} salariés, il en faut au moins "
            f"{options.mandataire_min_headcount} ; choisir un membre plus grand",
        )
    if options.mandataire_solidaire and not company.can_be_solidaire:
        yield Violation("mandataire", f"Le mandataire {name} n'accepte pas d'être solidaire, ce qui est exigé")


def _lot_cap(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 7: at most ``max_lots`` covered lots for the groupement, or lots with work per member."""
    cap = instance.options.max_lots
    if cap is None:
        return
    selected = {lot.id for lot in instance.selected_lots}
    if instance.options.lot_cap_scope == LotCapScope.GROUPEMENT:
        covered = [lot_id for lot_id in groupement.covered_lots if lot_id in selected]
        if len(covered) > cap:
            yield Violation("lot_cap", f"Le groupement couvre {len(covered)} lots, au plus {cap} permis ; en retirer")
        return
    lots_of: dict[str, set[str]] = defaultdict(set)
    for a in groupement.assignments:
        if a.lot_id in selected:
            lots_of[a.company_id].add(a.lot_id)
    for company_id, lots in sorted(lots_of.items()):
        if len(lots) > cap:
            yield Violation(
                "lot_cap",
                f"L'entreprise {company_id} travaille sur {len(lots)} lots ({', '.join(sorted(lots))}), "
                f"au plus {cap} permis par membre",
            )


def _objective(instance: Instance, groupement: Groupement) -> Iterator[Violation]:
    """Rule 8: the stated objective and breakdown are the recomputed ones (skipped when unpriceable)."""
    try:
        total, breakdown = objective(instance, groupement)
    except ValueError:
        return  # already reported by _assignments
    stated = {term: groupement.breakdown.get(term, 0) for term in costs.TERMS}
    extra = set(groupement.breakdown) - set(costs.TERMS)
    if groupement.objective != total or stated != breakdown or extra:
        detail = ", ".join(f"{term} {value}" for term, value in breakdown.items())
        yield Violation(
            "objective",
            f"Objectif annoncé {groupement.objective}, recalculé {total} ({detail}) ; recalculer le détail",
        )
