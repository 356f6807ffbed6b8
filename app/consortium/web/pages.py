"""What the groupement page shows, worked out here so the template only lays it out. The initiating organisation
sees everything: progress, every proposal with its objective broken down, bound and gap, members' answers, the
audit trail. An invited company sees the composition, the lots' prices and its own part of the split in force,
nothing of the others' amounts until the groupement is formed."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.companies.sizes import counts_as_sme
from app.consortium.models import Groupement, Proposal, SolverRun
from app.consortium.request import Request
from app.consortium.split.current import agreed_split, current_version
from app.consortium.split.display import SplitView, split_view
from app.consortium.workflow.agreement import accepted_numbers
from app.consortium.workflow.transitions import MANUAL_MOVES, declined
from app.db import get_session, utcnow
from app.permissions import may
from app.reference.cpv_labels import cpv_labels
from app.tenders.models import TenderLot, TenderRevision


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    total_eur: int
    sme_share: float | None  # of the work, by amount
    lots: list[tuple[str, list]]  # (lot label, its assignment rows)
    adopted: bool


def groupement_page(groupement: Groupement) -> str:
    can_edit = may(current_user, "edit_groupement", groupement)
    run = groupement.runs[-1] if groupement.runs else None
    mine = {
        m.company_id
        for m in groupement.members
        if m.company.organisation_id is not None and current_user.membership_in(m.company.organisation_id)
    }
    proposals = [_view(groupement, p) for p in run.proposals] if run and can_edit else []
    adopted = _view(groupement, groupement.proposal) if groupement.proposal else None
    shown = [p.proposal for p in proposals] + ([adopted.proposal] if adopted else [])
    labels = cpv_labels(get_session(), {a.requirement for p in shown for a in p.assignments})
    agreed = _agreed(groupement, None if can_edit or groupement.status.is_formed else mine)
    return render_template(
        "consortium/detail.html",
        groupement=groupement,
        run=run,
        running=run is not None and run.active and not run.is_stale(utcnow()),
        elapsed=_elapsed(run),
        can_edit=can_edit,
        mine=mine,
        proposals=proposals,
        adopted=adopted,
        agreed=agreed,
        accepted_numbers=accepted_numbers(get_session(), groupement) if agreed else {},
        declined=declined(groupement),
        moves=MANUAL_MOVES.get(groupement.status, ()),
        requirement_labels=labels,
        revisions=unseen_revisions(groupement),
        certifications=certifications(groupement) if can_edit else [],
    )


def certifications(groupement: Groupement) -> list[tuple[TenderLot, str, bool]]:
    """(lot, certification, held by any member) for the lots the groupement answers: the page says who must hold
    each one and offers the global assessment (R2142-25)."""
    request = Request.from_json(groupement.options)
    asked = set(request.lot_ids)
    found = []
    for lot in groupement.tender.lots:
        if lot.withdrawn or (asked and lot.id not in asked) or lot.id in request.self_lot_ids:
            continue
        for code in dict.fromkeys(r.code for r in lot.requirements if r.kind != "cpv"):
            found.append((lot, code, (lot.id, code) in request.global_certifications))
    return found


def _agreed(groupement: Groupement, only: set[int] | None) -> SplitView | None:
    """The split in force as the viewer may see it (``only``: the companies whose lines it sees)."""
    session = get_session()
    split = agreed_split(session, groupement)
    if split is None:
        return None
    return split_view(session, groupement, split, current_version(session, groupement), only)


def unseen_revisions(groupement: Groupement) -> list[TenderRevision]:
    """The newer versions of the tender's notice imported since the groupement last read the tender (opened,
    acknowledged the changes or asked for a solve), oldest first."""
    since = groupement.tender_seen_at or groupement.created_at
    stmt = select(TenderRevision).where(TenderRevision.tender_id == groupement.tender_id)
    return list(get_session().scalars(stmt.where(TenderRevision.created_at > since).order_by(TenderRevision.id)))


def lot_heading(lot: TenderLot) -> str:
    heading = f"Lot {lot.lot_id} – {lot.title}"
    return f"{heading} (lot retiré de l'avis)" if lot.withdrawn else heading


def _view(groupement: Groupement, proposal: Proposal) -> ProposalView:
    total = sum(a.amount_eur for a in proposal.assignments)
    sme = sum(a.amount_eur for a in proposal.assignments if counts_as_sme(a.company.size))
    by_lot: dict[int, list] = {}
    for assignment in proposal.assignments:
        by_lot.setdefault(assignment.lot_id, []).append(assignment)
    lots = [(lot_heading(lot), by_lot[lot.id]) for lot in groupement.tender.lots if lot.id in by_lot]
    return ProposalView(proposal, total, sme / total if total else None, lots, proposal.id == groupement.proposal_id)


def _elapsed(run: SolverRun | None) -> int:
    if run is None:
        return 0
    start = run.started_at or run.created_at
    end = run.finished_at or utcnow()
    return max(0, int((end - start).total_seconds()))
