"""Forming a groupement: open the dossier, queue a solve, run it (candidates in SQL → solver → proposal rows).

Services take a ``Session`` and flush; views and the CLI commit. ``execute_run`` is the body of a background job:
``app.consortium.jobs`` commits around it — the run marked running, the best proposal as soon as it is found
(through ``publish``), then the alternatives and the outcome; on a failure, what was not committed is dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

import solver
from app.accounts.models import Organisation, User
from app.consortium import reasons, workflow
from app.consortium.candidates import Prepared, prepare
from app.consortium.models import (
    Assignment,
    Groupement,
    GroupementStatus,
    MemberRole,
    Proposal,
    ProposalMember,
    RunState,
    SolverRun,
)
from app.consortium.request import Request
from app.consortium.workflow import record
from app.db import utcnow
from app.errors import DomainError
from app.tenders.models import Tender

log = logging.getLogger(__name__)
SEED = 0  # the same request on the same data gives the same proposals (with one worker)


def start_groupement(
    session: Session, tender: Tender, organisation: Organisation, user: User | None, request: Request
) -> Groupement:
    """A draft groupement for ``tender`` and its first solve, queued."""
    _check_request(tender, request)
    groupement = Groupement(
        tender=tender,
        organisation=organisation,
        company_id=request.company_id,
        created_by=user,
        status=GroupementStatus.DRAFT,
    )
    session.add(groupement)
    queue_run(session, groupement, user, request)
    record(session, groupement, user, "création", f"Groupement ouvert pour « {tender.title[:120]} ».")
    session.flush()
    return groupement


def queue_run(session: Session, groupement: Groupement, user: User | None, request: Request) -> SolverRun:
    """Record a solve of ``request`` for the groupement; ``app.consortium.jobs`` runs it."""
    if groupement.status not in (GroupementStatus.DRAFT, GroupementStatus.INVITED):
        raise DomainError("Ce groupement n'est plus en cours de constitution : il ne peut pas être recalculé.")
    now = utcnow()
    for previous in groupement.runs:
        if previous.is_stale(now):
            previous.state, previous.finished_at = RunState.FAILED, now
            previous.message = "Le calcul a été interrompu (redémarrage du serveur) ; relancé."
        elif previous.active:
            raise DomainError("Un calcul est déjà en cours pour ce groupement : attendez qu'il se termine.")
    _check_request(groupement.tender, request)
    groupement.options = request.to_json()
    run = SolverRun(parameters=request.to_json())
    groupement.runs.append(run)
    if groupement.id is not None:
        record(session, groupement, user, "calcul demandé", _describe(request))
    session.flush()
    return run


def execute_run(
    session: Session, run: SolverRun, *, workers: int, today: date, publish: Callable[[], None] = lambda: None
) -> None:
    """Select candidates, solve, and write each proposal as the solver finds it; the best one becomes the
    groupement's proposal and is published (``publish``: the job commits) before the alternatives are sought."""
    groupement = run.groupement
    request = Request.from_json(run.parameters)
    prepared = prepare(session, groupement.tender, request, today)
    run.candidates = prepared.candidates

    def found(best: solver.Groupement, bound: float | None) -> None:
        run.proposals.append(_proposal(prepared, request, groupement, len(run.proposals), best))
        if len(run.proposals) == 1:
            proven = bound is not None and round(bound) >= best.objective
            run.solver_status, run.objective = "OPTIMAL" if proven else "FEASIBLE", best.objective
            run.bound = round(bound) if bound is not None else None
            # Re-read and lock the groupement: its members may have answered while the solver ran.
            workflow.locked(session, groupement.id).proposal = run.proposals[0]
            session.flush()
            publish()

    result = solver.solve(
        prepared.instance,
        time_limit_s=max(1.0, request.time_limit_s - prepared.selection_s),
        workers=workers,
        seed=SEED,
        alternatives=1 + request.alternatives,
        on_found=found,
    )
    run.solver_status, run.kept = str(result.status), result.candidates
    run.wall_time_s = round(prepared.selection_s + result.wall_time_s, 3)
    messages = list(prepared.warnings)
    if result.best is None:
        messages.append(_no_groupement_message(prepared, result))
    run.message = "\n".join(messages)
    run.state, run.finished_at = RunState.DONE, utcnow()
    session.flush()


def _proposal(
    prepared: Prepared, request: Request, groupement: Groupement, rank: int, found: solver.Groupement
) -> Proposal:
    """One solver groupement as rows: its assignments (plus the lots the initiator performs itself), members
    with their role, the work they carry and why they are there."""
    proposal = Proposal(rank=rank, objective=found.objective, breakdown=dict(found.breakdown))
    by_solver_id = {c.id: c for c in prepared.instance.companies}
    for a in found.assignments:
        proposal.assignments.append(
            Assignment(
                lot_id=prepared.lots[a.lot_id],
                requirement=a.requirement,
                company_id=prepared.companies[a.company_id].id,
                amount_eur=a.amount_eur,
                distance_m=by_solver_id[a.company_id].distance_m.get(a.lot_id, 0),
            )
        )
    for lot_id, requirement, amount in self_work(groupement.tender, request):
        proposal.assignments.append(
            Assignment(lot_id=lot_id, requirement=requirement, company_id=request.company_id, amount_eur=amount)
        )
    mandataire = _mandataire(prepared, request, found)
    partner_role = MemberRole.SUBCONTRACTOR if request.subcontracting else MemberRole.CO_CONTRACTOR
    company_ids = sorted({a.company_id for a in proposal.assignments} | set(request.imposed()))
    for company_id in company_ids:
        work = [a for a in proposal.assignments if a.company_id == company_id]
        proposal.members.append(
            ProposalMember(
                company_id=company_id,
                role=MemberRole.MANDATAIRE if company_id == mandataire else partner_role,
                amount_eur=sum(a.amount_eur for a in work),
                reason=reasons.member_reason(prepared, groupement.tender, work, company_id in request.imposed()),
            )
        )
    return proposal


def _mandataire(prepared: Prepared, request: Request, found: solver.Groupement) -> int:
    """The initiating company when it holds the sub-contracts, or performs work in the groupement: the cost does
    not depend on who is mandataire and every working member is eligible here (no minimum size is asked), so the
    one who formed the groupement leads it. Otherwise the solver's choice."""
    if request.subcontracting:
        return request.company_id
    initiator = next((key for key, c in prepared.companies.items() if c.id == request.company_id), None)
    if initiator is not None and any(a.company_id == initiator for a in found.assignments):
        return request.company_id
    return prepared.companies[found.mandataire].id


def self_work(tender: Tender, request: Request) -> list[tuple[int, str, int]]:
    """(lot, requirement, amount) of the lots the initiating company performs itself, the value shared equally
    between the lot's requirements as the solver does."""
    work = []
    for lot in tender.lots:
        if lot.id in request.self_lot_ids:
            codes = [r.code for r in lot.requirements] or [lot.main_cpv or "—"]
            value = int(lot.value_amount or 0)
            shares = solver.Lot(str(lot.id), value, tuple(dict.fromkeys(codes)))
            work += [(lot.id, code, solver.share_eur(shares, code)) for code in shares.requirements]
    return work


def _no_groupement_message(prepared: Prepared, result: solver.Result) -> str:
    if result.status is solver.Status.INFEASIBLE:
        explained = solver.explain_infeasible(prepared.instance)
        lines = list(explained) or ["aucune combinaison ne respecte toutes les règles"]
        return "Aucun groupement possible :\n" + "\n".join(f"– {line}" for line in lines)
    return (
        "Aucun groupement trouvé dans le temps imparti : élargissez le rayon, autorisez plus de membres "
        "ou relancez le calcul."
    )


def fail_run(run: SolverRun, error: BaseException) -> None:
    """The run could not finish (what it had not committed is gone): say so in French. When the best proposal was
    already published, the run is done and only the alternatives are missing."""
    detail = error.message if isinstance(error, DomainError) else "erreur interne, l'équipe a été prévenue"
    run.finished_at = utcnow()
    if run.proposals:
        run.state, run.message = RunState.DONE, f"Les alternatives n'ont pas pu être calculées : {detail}."
    else:
        run.state, run.message = RunState.FAILED, f"Le calcul a échoué : {detail}."


def _check_request(tender: Tender, request: Request) -> None:
    lot_ids = {lot.id for lot in tender.lots}
    if not lot_ids:
        raise DomainError("Cet appel d'offres n'a aucun lot : rien à répartir.")
    unknown = (set(request.lot_ids) | set(request.self_lot_ids)) - lot_ids
    if unknown:
        raise DomainError("Un des lots choisis n'appartient pas à cet appel d'offres.", field="lots")
    if request.company_id is not None and request.company_id in request.exclude:
        raise DomainError("Votre entreprise ne peut pas être à la fois incluse et exclue.", field="exclude")
    if request.self_lot_ids and request.company_id is None:
        raise DomainError("Choisissez l'entreprise qui réalise elle-même ces lots.", field="company_id")
    if set(request.impose) & set(request.exclude):
        raise DomainError("Une entreprise ne peut pas être à la fois imposée et exclue.", field="exclude")


def _describe(request: Request) -> str:
    parts = [f"{request.max_members} membres au plus"]
    parts.append(f"rayon {request.radius_km} km" if request.radius_km else "sans limite de distance")
    if request.impose:
        parts.append(f"{len(request.impose)} entreprise(s) imposée(s)")
    if request.exclude:
        parts.append(f"{len(request.exclude)} entreprise(s) exclue(s)")
    return "Calcul : " + ", ".join(parts) + "."


def request_keeping_accepted(groupement: Groupement) -> Request:
    """The groupement's last request, with the companies that accepted locked in and those that declined left out:
    the re-solve after a decline."""
    kept = workflow.accepted_ids(groupement)
    out = tuple(m.company_id for m in workflow.declined(groupement))
    return adjusted(Request.from_json(groupement.options), impose=kept, exclude=out)


def adjusted(request: Request, *, impose: tuple[int, ...] = (), exclude: tuple[int, ...] = ()) -> Request:
    """``request`` with more companies imposed and excluded; the newest choice wins for a company in both."""
    imposed = tuple(dict.fromkeys(c for c in request.impose + impose if c not in exclude))
    excluded = tuple(dict.fromkeys(c for c in request.exclude + exclude if c not in impose))
    return replace(request, impose=imposed, exclude=excluded)
