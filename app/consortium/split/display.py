"""The split in force as the pages show it: per lot its estimate and offer price, its lines with the names of who
performs them and of their sub-contractors. An invited company sees the lots' prices and its own lines only until
the groupement is formed (``only``); the initiator sees everything."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.companies.models import Company
from app.consortium.models import Groupement
from app.consortium.split.current import estimate_cents
from app.consortium.split.models import SplitVersion
from app.consortium.split.plan import Split
from app.reference.cpv_labels import cpv_labels
from app.tenders.models import TenderLot


@dataclass(frozen=True)
class LineView:
    requirement: str
    label: str  # what the work package is, in French (the code when unknown)
    company_id: int
    company: str
    amount_cents: int | None
    subcontractor: str | None
    subcontracted_cents: int | None


@dataclass(frozen=True)
class LotView:
    lot_id: int
    heading: str  # « Lot LOT-0001 – Électricité »
    estimate_cents: int | None  # the buyer's
    price_cents: int | None  # the groupement's offer; None: « à définir »
    lines: tuple[LineView, ...]


@dataclass(frozen=True)
class SplitView:
    number: int  # 0: the solver's proposal
    version: SplitVersion | None
    lots: tuple[LotView, ...]
    undefined: int  # lots whose price is « à définir »

    @property
    def total_cents(self) -> int | None:
        prices = [lot.price_cents for lot in self.lots]
        return None if None in prices else sum(p for p in prices if p is not None)


def lot_heading(lot: TenderLot) -> str:
    heading = f"Lot {lot.lot_id} – {lot.title}"
    return f"{heading} (lot retiré de l'avis)" if lot.withdrawn_at is not None else heading


def split_view(
    session: Session, groupement: Groupement, split: Split, version: SplitVersion | None, only: set[int] | None
) -> SplitView:
    """The view of ``split``; ``only``: the company ids whose lines are shown (None: every line)."""
    lots = {lot.id: lot for lot in groupement.tender.lots}
    shown = [line for line in split.lines if only is None or line.company_id in only]
    ids = {line.company_id for line in shown} | {line.subcontractor_id for line in shown if line.subcontractor_id}
    names = (
        dict(session.execute(select(Company.id, Company.legal_name).where(Company.id.in_(ids))).all()) if ids else {}
    )
    labels = cpv_labels(session, {line.requirement for line in shown})
    views = []
    for lot_id in split.lot_ids:
        lines = tuple(
            LineView(
                line.requirement,
                labels.get(line.requirement, line.requirement),
                line.company_id,
                names.get(line.company_id, "—"),
                line.amount_cents,
                names.get(line.subcontractor_id) if line.subcontractor_id else None,
                line.subcontracted_cents,
            )
            for line in shown
            if line.lot_id == lot_id
        )
        lot = lots[lot_id]
        views.append(LotView(lot_id, lot_heading(lot), estimate_cents(lot.value_amount), split.price(lot_id), lines))
    undefined = sum(1 for _, price in split.prices if price is None)
    return SplitView(split.number, version, tuple(views), undefined)


def euros_or_undefined(cents: int | None) -> str:
    """« 12 345,67 € » (narrow no-break spaces) or « à définir »: the template filter ``cents``."""
    if cents is None:
        return "à définir"
    whole, rest = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"
