"""Why a member is in a proposal, in words a manager reads: what it performs, how well it matches, how far it
is, whether it has done it before. Built from the solver instance, never from the objective's numbers alone."""

from __future__ import annotations

from app.consortium.models import Assignment
from app.consortium.selection.matching import BROADER, EXACT, NARROWER
from app.consortium.selection.prepared import Prepared
from app.tenders.models import Tender

MATCH_WORDS = {EXACT: "compétence exacte", NARROWER: "compétence plus précise", BROADER: "compétence plus générale"}


def member_reason(prepared: Prepared, tender: Tender, work: list[Assignment], imposed: bool) -> str:
    """« Imposée. Lot 2 – Électricité : compétence exacte, 8 km, référence. PME. »"""
    solver_ids = {record.id: solver_id for solver_id, record in prepared.companies.items()}
    lot_solver_ids = {lot.id: solver_lot for solver_lot, lot in prepared.lots.items()}
    titles = {lot.id: f"lot {lot.lot_id} – {lot.title[:60]}" for lot in tender.lots}
    parts = ["Imposée (votre choix ou celui de l'initiateur)."] if imposed else []
    company = None
    for assignment in work:
        solver_id = solver_ids.get(assignment.company_id)
        solver_lot = lot_solver_ids.get(assignment.lot_id)
        company = company or next((c for c in prepared.instance.companies if c.id == solver_id), None)
        if company is None or solver_lot is None:
            parts.append(f"Réalise elle-même le {titles.get(assignment.lot_id, 'lot')} ({assignment.requirement}).")
            continue
        rank = company.match.get((solver_lot, assignment.requirement))
        words = [MATCH_WORDS.get(rank, "compétence déclarée"), f"{assignment.distance_m // 1000} km"]
        if assignment.requirement in company.references:
            words.append("a déjà réalisé un marché de ce type")
        words += [f"détient « {code} »" for code in _qualifying(prepared, solver_lot, assignment.requirement, company)]
        title = titles.get(assignment.lot_id, "lot")
        parts.append(f"{title[0].upper()}{title[1:]} ({assignment.requirement}) : {', '.join(words)}.")
    if company is not None and company.sme:
        parts.append("PME.")
    return " ".join(parts)


def _qualifying(prepared: Prepared, solver_lot: str, requirement: str, company) -> list[str]:
    """The lot's certifications the company holds that qualify it for this package (or for the whole groupement)."""
    lot = next(lot for lot in prepared.instance.lots if lot.id == solver_lot)
    return [
        c.code
        for c in lot.certifications
        if c.code in company.certificates and (c.anywhere or lot.package_of(c) == requirement)
    ]
