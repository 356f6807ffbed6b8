"""The split in force for a groupement: the latest version saved from its adopted proposal, else the proposal as
the solver made it (« proposition du calcul »: its assignment rows, in cents; a lot without an estimated value is
« à définir »). Documents, pages and acceptances all read it here."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.consortium.models import Groupement, Proposal
from app.consortium.split.models import SplitVersion
from app.consortium.split.plan import PROPOSAL, Line, Split
from app.tenders.models import TenderLot


def current_version(session: Session, groupement: Groupement) -> SplitVersion | None:
    """The latest version saved from the adopted proposal; None while there is none (or no proposal)."""
    if groupement.proposal_id is None:
        return None
    return session.scalar(
        select(SplitVersion)
        .where(SplitVersion.groupement_id == groupement.id, SplitVersion.proposal_id == groupement.proposal_id)
        .order_by(SplitVersion.number.desc())
        .limit(1)
    )


def next_number(session: Session, groupement_id: int) -> int:
    """Versions are numbered across the groupement's whole history (a new proposal does not start again at 1)."""
    latest = session.scalar(select(func.max(SplitVersion.number)).where(SplitVersion.groupement_id == groupement_id))
    return (latest or 0) + 1


def agreed_split(session: Session, groupement: Groupement) -> Split | None:
    """The split in force; None when the groupement has no adopted proposal."""
    proposal = groupement.proposal
    if proposal is None:
        return None
    version = current_version(session, groupement)
    order = {lot.id: lot.position for lot in groupement.tender.lots}
    if version is not None:
        return _of_version(version, order)
    return from_proposal(proposal, order, {lot.id: lot for lot in groupement.tender.lots})


def _of_version(version: SplitVersion, order: dict[int, int]) -> Split:
    prices = sorted(((p.lot_id, p.price_cents) for p in version.prices), key=lambda p: order.get(p[0], 0))
    lines = [
        Line(
            line.lot_id,
            line.requirement,
            line.company_id,
            line.amount_cents,
            line.subcontractor_id,
            line.subcontracted_cents if line.subcontractor_id is not None else None,
        )
        for line in version.lines
    ]
    return Split(version.number, version.proposal_id or 0, tuple(prices), _ordered(lines, order))


def from_proposal(proposal: Proposal, order: dict[int, int], lots: dict[int, TenderLot]) -> Split:
    """The solver's rows in cents. The offer price of a lot is the buyer's estimate when there is one (the rows,
    in whole euros, get its cents on the first of them); a lot without one is « à définir »."""
    lot_ids = sorted({a.lot_id for a in proposal.assignments}, key=lambda i: order.get(i, 0))
    prices, lines = [], []
    for lot_id in lot_ids:
        rows = sorted((a for a in proposal.assignments if a.lot_id == lot_id), key=lambda a: a.requirement)
        price = estimate_cents(lots[lot_id].value_amount)
        amounts = [a.amount_eur * 100 if price is not None else None for a in rows]
        if price is not None and amounts:
            gap = price - sum(a for a in amounts if a is not None)
            if 0 < gap < 100:  # the estimate's cents, which the solver's whole euros leave out
                amounts[0] = (amounts[0] or 0) + gap
        prices.append((lot_id, price))
        lines += [Line(a.lot_id, a.requirement, a.company_id, amount) for a, amount in zip(rows, amounts, strict=True)]
    return Split(PROPOSAL, proposal.id, tuple(prices), _ordered(lines, order))


def estimate_cents(value: Decimal | None) -> int | None:
    """The buyer's estimated value of a lot in cents; None when it has none (or none worth a price)."""
    if value is None or not value.is_finite() or value <= 0:
        return None
    return int((value * 100).to_integral_value())


def _ordered(lines: list[Line], order: dict[int, int]) -> tuple[Line, ...]:
    return tuple(sorted(lines, key=lambda line: (order.get(line.lot_id, 0), line.requirement)))
