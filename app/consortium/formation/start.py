"""Opening a groupement and asking for a solve: the dossier, the request checked, the run queued. The run itself is
``runs.execute_run``, executed by ``app.consortium.jobs``. Asking for a solve, like acknowledging them, settles the
changes of the tender's notice the page shows (``Groupement.tender_seen_at``). Services flush; the view or the CLI
commits."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.consortium.models import Groupement, SolverRun
from app.consortium.request import Request
from app.consortium.selection.lots import chosen_lots, still_in_notice
from app.consortium.vocabulary import GroupementStatus, RunState
from app.consortium.workflow import audit
from app.consortium.workflow.transitions import accepted_ids, declined
from app.db import utcnow
from app.errors import DomainError
from app.tenders.models import Tender


def start_groupement(
    session: Session, tender: Tender, organisation: Organisation | None, user: User | None, request: Request
) -> Groupement:
    """A draft groupement for ``tender`` and its first solve, queued."""
    check_request(tender, request)
    groupement = Groupement(
        tender=tender,
        organisation=organisation,
        company_id=request.company_id,
        created_by=user,
        status=GroupementStatus.DRAFT,
    )
    session.add(groupement)
    queue_run(session, groupement, user, request)
    audit.record(groupement, user, "création", f"Groupement ouvert pour « {tender.title[:120]} ».")
    session.flush()
    return groupement


def queue_run(session: Session, groupement: Groupement, user: User | None, request: Request) -> SolverRun:
    """Record a solve of ``request`` for the groupement; ``app.consortium.jobs`` runs it."""
    if not groupement.status.is_open:
        raise DomainError("Ce groupement n'est plus en cours de constitution : il ne peut pas être recalculé.")
    now = utcnow()
    for previous in groupement.runs:
        if previous.is_stale(now):
            previous.state, previous.finished_at = RunState.FAILED, now
            previous.message = "Le calcul a été interrompu (redémarrage du serveur) ; relancé."
        elif previous.active:
            raise DomainError("Un calcul est déjà en cours pour ce groupement : attendez qu'il se termine.")
    check_request(groupement.tender, request)
    groupement.options = request.to_json()
    groupement.tender_seen_at = now  # the solve reads the tender as it is now
    run = SolverRun(parameters=request.to_json())
    groupement.runs.append(run)
    if groupement.id is not None:
        audit.record(groupement, user, "calcul demandé", _describe(request))
    session.flush()
    return run


def acknowledge_tender_changes(session: Session, groupement: Groupement, user: User | None) -> None:
    """Someone has read what the newer versions of the notice changed: the page stops showing them."""
    groupement.tender_seen_at = utcnow()
    audit.record(groupement, user, "modifications de l'avis lues", f"Avis en version {groupement.tender.version}.")
    session.flush()


def check_request(tender: Tender, request: Request) -> None:
    """Refuse, on its field, what the form cannot see: lots of another tender or none left to solve (the rule of
    ``selection.lots``), a company both kept and left out."""
    chosen_lots(tender.lots, request)
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


def last_request(groupement: Groupement) -> Request:
    """What the groupement last asked, less the lots a newer version of the notice withdrew since: the re-solve."""
    return still_in_notice(groupement.tender.lots, Request.from_json(groupement.options))


def request_keeping_accepted(groupement: Groupement) -> Request:
    """The groupement's last request, with the companies that accepted locked in and those that declined left out:
    the re-solve after a decline."""
    out = tuple(m.company_id for m in declined(groupement))
    return adjusted(last_request(groupement), impose=accepted_ids(groupement), exclude=out)


def adjusted(request: Request, *, impose: tuple[int, ...] = (), exclude: tuple[int, ...] = ()) -> Request:
    """``request`` with more companies imposed and excluded; the newest choice wins for a company in both."""
    imposed = tuple(dict.fromkeys(c for c in request.impose + impose if c not in exclude))
    excluded = tuple(dict.fromkeys(c for c in request.exclude + exclude if c not in impose))
    return replace(request, impose=imposed, exclude=excluded)


def with_global_certification(groupement: Groupement, lot_id: int, code: str) -> Request:
    """The last request, accepting that ``code``, required for the lot, be held by any member of the groupement
    (global assessment, R2142-25) rather than by the member performing the work it concerns."""
    lot = next((lot for lot in groupement.tender.lots if lot.id == lot_id and not lot.withdrawn), None)
    if lot is None or not any(r.kind != "cpv" and r.code == code for r in lot.requirements):
        raise DomainError("Cette certification n'est pas exigée par un lot de cet appel d'offres.")
    request = last_request(groupement)
    if (lot_id, code) in request.global_certifications:
        raise DomainError(f"« {code} » est déjà appréciée au niveau du groupement.")
    return replace(request, global_certifications=(*request.global_certifications, (lot_id, code)))
