"""The lots to solve: which of the tender's lots (the one place the requested lot ids are checked), what each
requires, and where it is performed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.consortium.request import Request
from app.consortium.selection.packages import Choice, Package, chosen, lot_packages, trade_of
from app.errors import DomainError
from app.reference.cpv import is_cpv_code
from app.reference.models import Commune
from app.reference.places import commune_for
from app.tenders.models import Tender, TenderLot

if TYPE_CHECKING:  # the solver package loads OR-Tools: imported when a lot is handed to it, not at start
    from solver.instance import Lot

MARSEILLE = "13055"  # where distances are counted from when neither the lot nor the buyer gives a known place


@dataclass(frozen=True)
class Site:
    """A lot to solve: its work packages (CPV codes, main first) and their weights, the certifications it requires
    (each with the package it concerns, None for the main one, and whether any member may hold it), its place."""

    key: str  # the solver lot id: the notice's lot identifier (« LOT-0001 »), made unique
    lot: TenderLot
    requirements: tuple[str, ...]
    weights: tuple[int, ...]
    certifications: tuple[tuple[str, str | None, bool], ...]
    place: Commune


def load_lots(session: Session, tender: Tender) -> list[TenderLot]:
    """The tender's lots in its order (those withdrawn from the notice last), with their requirements."""
    stmt = select(TenderLot).where(TenderLot.tender_id == tender.id).order_by(TenderLot.position)
    return list(session.scalars(stmt.options(selectinload(TenderLot.requirements))))


def chosen_lots(lots: Sequence[TenderLot], request: Request) -> tuple[list[TenderLot], tuple[int, ...]]:
    """The lots to solve, in the tender's order, and the requested lots the initiating company performs itself.
    Refuses lot ids of another tender, lots a newer version of the notice withdrew, and a request that leaves
    nothing to solve. No lot asked: every lot still in the notice."""
    known = {lot.id: lot for lot in lots}
    asked_ids = (*request.lot_ids, *request.self_lot_ids)
    if unknown := [i for i in asked_ids if i not in known]:
        raise DomainError(f"Le lot n° {unknown[0]} n'appartient pas à cet appel d'offres.", field="lots")
    if withdrawn := [known[i] for i in asked_ids if known[i].withdrawn_at is not None]:
        raise DomainError(
            f"Le lot {lot_label(withdrawn[0])} a été retiré de l'avis par une nouvelle version : il ne peut plus "
            "être choisi.",
            field="lots",
        )
    active = [lot for lot in lots if lot.withdrawn_at is None]
    asked = set(request.lot_ids) or {lot.id for lot in active}
    self_lots = tuple(lot.id for lot in active if lot.id in asked and lot.id in request.self_lot_ids)
    chosen = [lot for lot in active if lot.id in asked and lot.id not in self_lots]
    if not chosen:
        why = "votre entreprise réalise elle-même tous les lots retenus" if active else "l'avis ne comporte aucun lot"
        raise DomainError(f"Aucun lot à pourvoir : {why}.", field="lots")
    return chosen, self_lots


def still_in_notice(lots: Sequence[TenderLot], request: Request) -> Request:
    """``request`` without the lots a newer version of the notice withdrew, to solve again what is left; unchanged
    when nothing of what it asked would be left (``chosen_lots`` then says why)."""
    gone = {lot.id for lot in lots if lot.withdrawn_at is not None}
    lot_ids = tuple(i for i in request.lot_ids if i not in gone)
    if not gone or (request.lot_ids and not lot_ids):
        return request
    return replace(request, lot_ids=lot_ids, self_lot_ids=tuple(i for i in request.self_lot_ids if i not in gone))


def lot_label(lot: TenderLot) -> str:
    return lot.internal_number or lot.lot_id


def sites(
    tender: Tender, lots: list[TenderLot], communes: dict[str, Commune], request: Request, warnings: list[str]
) -> list[Site]:
    found: list[Site] = []
    for lot in lots:
        pairs = [(r.kind, r.code.strip()) for r in lot.requirements]
        for code in sorted({code for kind, code in pairs if kind == "cpv" and not is_cpv_code(code)}):
            warnings.append(f"Code CPV « {code} » du lot {lot_label(lot)} illisible : il est ignoré.")
        packages, weights = packages_of(lot, request)
        if not packages:
            warnings.append(f"Le lot {lot_label(lot)} n'indique aucun code CPV : il est laissé de côté.")
            continue
        anywhere = {code for lot_id, code in request.global_certifications if lot_id == lot.id}
        certifications = tuple(
            (code, trade_of(code, packages), code in anywhere)
            for code in dict.fromkeys(code for kind, code in pairs if kind != "cpv" and code)
        )
        place = _lot_place(tender, lot, communes, warnings)
        key = lot.lot_id if lot.lot_id not in {site.key for site in found} else f"{lot.lot_id}·{lot.position}"
        found.append(Site(key, lot, tuple(p.code for p in packages), tuple(weights), certifications, place))
    if not found:
        raise DomainError("Aucun des lots retenus n'indique de compétence requise (code CPV).")
    return found


def packages_of(lot: TenderLot, request: Request) -> tuple[list[Package], list[int]]:
    """The lot's packages as the request prices them, main first, and their weights (``packages.chosen``)."""
    choices = {code: Choice(c) for code, c in request.choices_for(lot.id).items() if c in set(Choice)}
    return chosen(lot_packages(lot), choices)


def _lot_place(tender: Tender, lot: TenderLot, communes: dict[str, Commune], warnings: list[str]) -> Commune:
    place = commune_for(communes.values(), lot.town, lot.postcode)
    if place is None:
        buyer = commune_for(communes.values(), tender.buyer_city, tender.buyer_postcode)
        place, origin = (buyer, f"l'acheteur ({buyer.name})") if buyer else (communes[MARSEILLE], "Marseille")
        warnings.append(f"Lieu d'exécution du lot {lot_label(lot)} inconnu : distances comptées depuis {origin}.")
    return place


def solver_lot(site: Site, warnings: list[str]) -> Lot:
    from solver.instance import Certification, Lot

    lot = site.lot
    if lot.value_amount is None:
        warnings.append(
            f"Valeur estimée du lot {lot_label(lot)} inconnue : le prix de l'offre sera à définir dans la répartition."
        )
    duration = lot.duration_days if lot.duration_days and lot.duration_days > 0 else None
    certifications = tuple(Certification(code, package, anywhere) for code, package, anywhere in site.certifications)
    return Lot(
        site.key,
        int(lot.value_amount or 0),
        site.requirements,
        int(lot.min_turnover_eur or 0),
        duration,
        site.weights,
        certifications,
    )


def needs(found: list[Site]) -> list[tuple[str, str]]:
    """(lot id, CPV work package) pairs."""
    return [(s.key, code) for s in found for code in s.requirements]


def certification_needs(found: list[Site]) -> list[tuple[str, str]]:
    """(lot id, certification) pairs."""
    return [(s.key, code) for s in found for code, _, _ in s.certifications]
