"""A solver groupement as the rows of a proposal: its assignments, plus the lots the initiating company performs
itself, and its members with their role, the work they carry and why they are there.

Two rules of the groupement are applied here, beside the rows they shape, rather than in the solver:

* **Self-performed lots.** Selection leaves out of the instance the lots the initiating company performs itself
  (``Prepared.self_lots``); they come back here as its own rows, the lot's value shared between its requirements
  as the solver shares it (``solver.share_of``).
* **The mandataire.** The solver picks an eligible mandataire, and its cost does not depend on which one (every
  working member is eligible: no minimum size is asked). The one who formed the groupement leads it: the
  initiating company when it holds the sub-contracts or performs work in the groupement; otherwise the solver's
  choice stands."""

from __future__ import annotations

import solver
from app.consortium.formation.reasons import member_reason
from app.consortium.models import Assignment, Proposal, ProposalMember
from app.consortium.request import Request
from app.consortium.selection.lots import packages_of
from app.consortium.selection.prepared import Prepared
from app.consortium.vocabulary import MemberRole
from app.tenders.models import Tender


def proposal_rows(
    prepared: Prepared, request: Request, tender: Tender, rank: int, found: solver.Groupement
) -> Proposal:
    proposal = Proposal(rank=rank, objective=found.objective, breakdown=dict(found.breakdown))
    by_solver_id = {c.id: c for c in prepared.instance.companies}
    for a in found.assignments:
        proposal.assignments.append(
            Assignment(
                lot_id=prepared.lots[a.lot_id].id,
                requirement=a.requirement,
                company_id=prepared.companies[a.company_id].id,
                amount_eur=a.amount_eur,
                distance_m=by_solver_id[a.company_id].distance_m.get(a.lot_id, 0),
            )
        )
    for lot_id, requirement, amount in self_work(tender, prepared.self_lots, request):
        proposal.assignments.append(
            Assignment(lot_id=lot_id, requirement=requirement, company_id=request.company_id, amount_eur=amount)
        )
    mandataire = _mandataire(prepared, request, found)
    partner_role = MemberRole.SUBCONTRACTOR if request.subcontracting else MemberRole.CO_CONTRACTOR
    imposed = request.imposed()
    for company_id in sorted({a.company_id for a in proposal.assignments} | set(imposed)):
        work = [a for a in proposal.assignments if a.company_id == company_id]
        proposal.members.append(
            ProposalMember(
                company_id=company_id,
                role=MemberRole.MANDATAIRE if company_id == mandataire else partner_role,
                amount_eur=sum(a.amount_eur for a in work),
                reason=member_reason(prepared, tender, work, company_id in imposed),
            )
        )
    return proposal


def _mandataire(prepared: Prepared, request: Request, found: solver.Groupement) -> int:
    """The company id of the mandataire (see the module's docstring)."""
    if request.subcontracting:
        return request.company_id
    initiator = prepared.company_key(request.company_id) if request.company_id is not None else None
    if initiator is not None and any(a.company_id == initiator for a in found.assignments):
        return request.company_id
    return prepared.companies[found.mandataire].id


def self_work(tender: Tender, self_lots: tuple[int, ...], request: Request) -> list[tuple[int, str, int]]:
    """(lot, work package, amount) of the lots the initiating company performs itself, split by the packages'
    weights as the solver splits the others (``selection.packages``)."""
    work = []
    for lot in tender.lots:
        if lot.id in self_lots:
            packages, weights = packages_of(lot, request)
            codes = tuple(p.code for p in packages) or (lot.main_cpv or "—",)
            value, weights = int(lot.value_amount or 0), tuple(weights) or None
            work += [(lot.id, code, solver.share_of(value, codes, code, weights)) for code in codes]
    return work
