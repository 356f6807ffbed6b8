"""The CP-SAT model: data → variables → constraints → objective. Each constraint block opens with its rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver import costs
from solver.instance import Company, Instance, LotCapScope, annual_work_eur, can_perform, share_eur
from solver.result import Groupement


@dataclass
class Variables:
    member: dict[str, cp_model.IntVar] = field(default_factory=dict)
    assign: dict[tuple[str, str, str], cp_model.IntVar] = field(default_factory=dict)  # (lot, requirement, company)
    mandataire: dict[str, cp_model.IntVar] = field(default_factory=dict)
    covered: dict[str, cp_model.IntVar | int] = field(default_factory=dict)
    pairs: dict[frozenset[str], cp_model.IntVar] = field(default_factory=dict)
    # The same assignment variables by company: (lot, requirement, variable).
    by_company: dict[str, list[tuple[str, str, cp_model.IntVar]]] = field(default_factory=dict)

    def of_company(self, company_id: str) -> list[cp_model.IntVar]:
        return [var for _, _, var in self.by_company.get(company_id, ())]


def build_model(instance: Instance) -> tuple[cp_model.CpModel, Variables]:
    model, v = cp_model.CpModel(), Variables()
    companies = [c for c in instance.companies if c.id not in instance.options.exclude]
    _variables(model, instance, companies, v)
    _cover(model, instance, companies, v)
    _certificates(model, instance, companies, v)
    _members(model, instance, companies, v)
    _capacity(model, instance, companies, v)
    _combined_turnover(model, instance, companies, v)
    _mandataire(model, instance, companies, v)
    _lot_caps(model, instance, companies, v)
    _objective(model, instance, companies, v)
    return model, v


def _variables(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    for company in companies:
        v.member[company.id] = model.new_bool_var(f"member[{company.id}]")
    gates = instance.gates()
    for lot in instance.selected_lots:
        v.covered[lot.id] = model.new_bool_var(f"covered[{lot.id}]") if instance.options.partial else 1
        for requirement in lot.requirements:
            for company in companies:
                # A package's performer holds the certificates it requires: the others get no variable.
                if can_perform(company, (lot.id, requirement), gates):
                    var = model.new_bool_var(f"assign[{lot.id},{requirement},{company.id}]")
                    v.assign[lot.id, requirement, company.id] = var
                    v.by_company.setdefault(company.id, []).append((lot.id, requirement, var))


def _cover(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # Each requirement of a covered lot is performed by exactly one member able to perform it.
    doers: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for (lot_id, requirement, _), var in v.assign.items():
        doers.setdefault((lot_id, requirement), []).append(var)
    for lot in instance.selected_lots:
        for requirement in lot.requirements:
            model.add(sum(doers.get((lot.id, requirement), [])) == v.covered[lot.id])


def _certificates(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # A certificate assessed globally (R2142-25) is held by at least one member of a groupement covering its lot.
    for lot_id, code in instance.anywhere():
        holders = [v.member[c.id] for c in companies if code in c.certificates]
        model.add(sum(holders) >= v.covered[lot_id])


def _members(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # Only members perform work; a member performs work unless the user asked for it; at most K members.
    options = instance.options
    for company in companies:
        work = v.of_company(company.id)
        for var in work:
            model.add_implication(var, v.member[company.id])
        if company.id in options.must_include:
            model.add(v.member[company.id] == 1)
        else:
            model.add(v.member[company.id] <= sum(work))
    model.add(sum(v.member.values()) <= options.max_members)
    model.add(sum(v.member.values()) >= 1)


def _capacity(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # A member's annualised work stays within the configured share of its turnover.
    lots = {lot.id: lot for lot in instance.selected_lots}
    ratio = instance.options.capacity_ratio_pct
    for company in companies:
        terms = [
            (annual_work_eur(lots[lot_id], share_eur(lots[lot_id], requirement)) * 100, var)
            for lot_id, requirement, var in v.by_company.get(company.id, ())
        ]
        limit = company.turnover_eur * ratio
        if sum(weight for weight, _ in terms) > limit:
            # Against the member variable rather than a constant: the same integer solutions, a tighter LP.
            model.add(sum(weight * var for weight, var in terms) <= limit * v.member[company.id])


def _combined_turnover(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # The members' combined turnover reaches each covered lot's minimum (global assessment, R2142-25).
    for lot in instance.selected_lots:
        if lot.min_turnover_eur > 0:
            total = sum(c.turnover_eur * v.member[c.id] for c in companies)
            model.add(total >= lot.min_turnover_eur * v.covered[lot.id])


def _mandataire(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # Exactly one mandataire: a member who performs work, large enough, solidaire when the buyer requires it.
    options = instance.options
    for company in companies:
        eligible = company.headcount >= options.mandataire_min_headcount and (
            company.can_be_solidaire or not options.mandataire_solidaire
        )
        work = v.of_company(company.id)
        if eligible and work:
            var = model.new_bool_var(f"mandataire[{company.id}]")
            model.add(var <= sum(work))
            v.mandataire[company.id] = var
    model.add_exactly_one(v.mandataire.values())


def _lot_caps(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # Lot caps (BT-31 / BT-33): for the groupement as one tenderer, or for each member.
    cap = instance.options.max_lots
    if cap is None:
        return
    if instance.options.lot_cap_scope is LotCapScope.GROUPEMENT:
        model.add(sum(v.covered.values()) <= cap)
        return
    for company in companies:
        per_lot: dict[str, list[cp_model.IntVar]] = {}
        for lot_id, _, var in v.by_company.get(company.id, ()):
            per_lot.setdefault(lot_id, []).append(var)
        in_lot = []
        for lot_id, work in per_lot.items():
            flag = model.new_bool_var(f"works_in[{lot_id},{company.id}]")
            for var in work:
                model.add_implication(var, flag)
            in_lot.append(flag)
        if len(in_lot) > cap:
            model.add(sum(in_lot) <= cap)


def _objective(model: cp_model.CpModel, instance: Instance, companies: list[Company], v: Variables) -> None:
    # Minimise the cost terms of solver.costs: work, members, collaborations, uncovered value.
    by_id = {c.id: c for c in companies}
    lots = {lot.id: lot for lot in instance.selected_lots}
    terms = [
        costs.assignment_cost(instance, lots[lot_id], requirement, by_id[company_id]) * var
        for (lot_id, requirement, company_id), var in v.assign.items()
    ]
    terms.append(costs.member_cost(instance) * sum(v.member.values()))
    for pair in instance.collaborations:
        first, second = sorted(pair)
        if first in v.member and second in v.member:
            together = model.new_bool_var(f"together[{first},{second}]")
            model.add_implication(together, v.member[first])
            model.add_implication(together, v.member[second])
            v.pairs[pair] = together
            terms.append(-costs.collaboration_bonus(instance) * together)
    if instance.options.partial:
        terms += [costs.uncovered_cost(lots[lot_id]) * (1 - covered) for lot_id, covered in v.covered.items()]
    model.minimize(sum(terms))


def add_start(model: cp_model.CpModel, v: Variables, start: Groupement | None) -> None:
    """Hint every decision variable with ``start``, a groupement of the same instance (none: no hint)."""
    if start is None:
        return
    done = {(a.lot_id, a.requirement, a.company_id) for a in start.assignments}
    for key, var in v.assign.items():
        model.add_hint(var, key in done)
    for company_id, var in v.member.items():
        model.add_hint(var, company_id in start.members)
    for company_id, var in v.mandataire.items():
        model.add_hint(var, company_id == start.mandataire)
