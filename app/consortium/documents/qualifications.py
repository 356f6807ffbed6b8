"""Who holds each certification the groupement's lots require, for the convention and the summary: the member
performing the package it concerns (``selection.packages``: the main one, or the trade its scheme names), or —
when the members accepted the global assessment of capacities (R2142-25) — any member. A certificate counts when it
meets the requirement (``selection.matching``) and is valid on the day the documents are generated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from app.companies.models import Company
from app.consortium.documents.pack import Qualification, Row
from app.consortium.request import Request
from app.consortium.selection.matching import certificate_matches
from app.consortium.selection.packages import lot_packages, trade_of
from app.tenders.models import Tender


def qualifications(
    tender: Tender, request: Request, companies: Mapping[str, Company], rows: Sequence[Row], today: date
) -> tuple[Qualification, ...]:
    """One entry per (lot in the split, certification it requires), in the tender's lot order; ``companies`` are
    the members by SIRET."""
    found = []
    in_split = {row.lot for row in rows}
    for lot in tender.lots:
        if lot.lot_id not in in_split:
            continue
        packages = lot_packages(lot)
        for code in dict.fromkeys(r.code for r in lot.requirements if r.kind != "cpv"):
            package = trade_of(code, packages) or (packages[0].code if packages else "")
            performers = tuple(dict.fromkeys(r.member for r in rows if r.lot == lot.lot_id and r.code == package))
            holders = tuple(c.display_name for c in companies.values() if _holds(c, code, today))
            anywhere = (lot.id, code) in request.global_certifications
            found.append(Qualification(lot.lot_id, code, package, performers, holders, anywhere))
    return tuple(found)


def _holds(company: Company, code: str, today: date) -> bool:
    return any(
        certificate_matches(code, c.scheme, c.code or "") and (c.valid_until is None or c.valid_until >= today)
        for c in company.certifications
    )
