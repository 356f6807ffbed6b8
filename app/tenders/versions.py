"""A newer version of a stored notice, applied in place so that nothing built on the tender is lost.

Lots are matched by their identifier in the notice (``lot_id``, « LOT-0001 »); when a notice repeats an identifier,
its k-th lot of that identifier is matched with the k-th stored row of it, in position order — the only place
position counts. A matched lot is updated column by column; a lot the new version adds gets a new row; a stored
lot the new version no longer has is withdrawn (``withdrawn_at``), never deleted, since groupements may assign it,
and comes back if a later version has it again. Active lots are renumbered first, in the notice's order, the
withdrawn ones after.

Requirements are synced by (kind, code): what the new version states and the lot lacks is added, unless the
previous version stated it too — then a user removed it, and it stays removed; what the notice no longer states is
removed, unless a user added it (source « user »), which always stays.

Every change is written down as a short French sentence on a ``TenderRevision``. Flushes, never commits."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.db import utcnow
from app.formatting import date_fr, number_fr
from app.tenders.lot_rows import RequirementKey, derived_requirements, lot_columns, new_lot, requirement_row
from app.tenders.models import Tender, TenderLot, TenderRevision
from app.tenders.parsing.model import Lot, Notice

USER = "user"  # the source of a requirement a user added (``requirements_edit``)


@dataclass(frozen=True)
class Before:
    """What the tender said before the new version was written over it."""

    version: str | None
    title: str
    deadline_utc: datetime | None
    deadline_date: date | None
    deadline_time: str | None

    @classmethod
    def of(cls, tender: Tender) -> Before:
        return cls(tender.version, tender.title, tender.deadline_utc, tender.deadline_date, tender.deadline_time)


def apply_version(
    session: Session,
    tender: Tender,
    notice: Notice,
    previous: Notice | None,
    before: Before,
    labels: dict[str, str],
) -> TenderRevision:
    """Update the lots of ``tender`` (whose own columns already hold the new version) to ``notice``; ``previous``
    is the version it replaces, read again from the stored XML (None when it cannot be read: the lots' current
    requirements then stand for it). Returns the revision, flushed."""
    changes = _tender_changes(tender, before)
    rows = list(tender.lots)
    queues: dict[str, deque[TenderLot]] = defaultdict(deque)
    for row in rows:
        queues[row.lot_id].append(row)
    earlier = _by_occurrence(previous.lots if previous else ())
    seen: defaultdict[str, int] = defaultdict(int)
    active: list[TenderLot | Lot] = []
    for lot in notice.lots:
        key = lot.lot_id[:50]
        before_lot = earlier.get((key, seen[key]))
        seen[key] += 1
        row = queues[key].popleft() if queues[key] else None
        if row is None:
            changes.append(f"Lot {key} « {lot.title} » ajouté à l'avis.")
            active.append(lot)
            continue
        if row.withdrawn_at is not None:
            changes.append(f"Lot {key} « {lot.title} » de nouveau dans l'avis.")
            row.withdrawn_at = None
            _update(row, lot, None, labels, [])
        else:
            _update(row, lot, before_lot, labels, changes)
        active.append(row)
    now = utcnow()
    kept = {id(item) for item in active}
    withdrawn = [row for row in rows if id(row) not in kept]
    for row in withdrawn:
        if row.withdrawn_at is None:
            row.withdrawn_at = now
            changes.append(f"Lot {row.lot_id} « {row.title} » retiré de l'avis.")
    _renumber(session, tender, rows, active, withdrawn, labels)
    revision = TenderRevision(
        previous_version=before.version,
        version=tender.version,
        created_at=now,
        changes=changes or ["Aucun changement des lots, des montants, de la date limite ni des exigences."],
    )
    tender.revisions.append(revision)
    session.flush()
    session.expire(tender, ["lots"])  # read again in their new order
    return revision


def _by_occurrence(lots) -> dict[tuple[str, int], Lot]:
    """The lots of a notice by (identifier, how many lots of that identifier came before)."""
    counts: defaultdict[str, int] = defaultdict(int)
    found = {}
    for lot in lots:
        key = lot.lot_id[:50]
        found[(key, counts[key])] = lot
        counts[key] += 1
    return found


def _renumber(session, tender, rows, active, withdrawn, labels) -> None:
    """Positions 1… for the active lots in the notice's order, then the withdrawn ones; new lots are added. The
    rows step aside first (negative positions) so that no two rows ever share a position."""
    for index, row in enumerate(rows, start=1):
        row.position = -index
    session.flush()
    for position, item in enumerate([*active, *withdrawn], start=1):
        if isinstance(item, TenderLot):
            item.position = position
        else:
            tender.lots.append(new_lot(position, item, labels))


def _update(row: TenderLot, lot: Lot, earlier: Lot | None, labels: dict[str, str], changes: list[str]) -> None:
    columns = lot_columns(lot)
    if row.title != columns["title"]:
        changes.append(f"Lot {row.lot_id} : intitulé « {row.title} » → « {columns['title']} ».")
    old_value, new_value = (row.value_amount, row.value_currency), (columns["value_amount"], columns["value_currency"])
    if _amount(*old_value) != _amount(*new_value):
        changes.append(f"Lot {row.lot_id} : valeur estimée {_amount(*old_value)} → {_amount(*new_value)}.")
    for name, value in columns.items():
        setattr(row, name, value)
    _sync_requirements(row, derived_requirements(lot, labels), earlier, changes)


def _sync_requirements(
    row: TenderLot, stated: dict[RequirementKey, tuple[str, str]], earlier: Lot | None, changes: list[str]
) -> None:
    current = {(r.kind, r.code): r for r in row.requirements}
    if earlier is not None:
        stated_before = set(derived_requirements(earlier, {}))
    else:  # the previous version cannot be read: the notice-derived requirements the lot has stand for it
        stated_before = {key for key, r in current.items() if r.source != USER}
    for key, (label, source) in stated.items():
        requirement = current.get(key)
        if requirement is None and key not in stated_before:
            row.requirements.append(requirement_row(key, label, source))
            changes.append(f"Lot {row.lot_id} : exigence ajoutée — {_describe(key, label)}.")
        elif requirement is not None and requirement.source != USER:
            requirement.label, requirement.source = label, source
    for key, requirement in current.items():
        if key not in stated and requirement.source != USER:
            row.requirements.remove(requirement)
            changes.append(f"Lot {row.lot_id} : exigence retirée — {_describe(key, requirement.label)}.")


def _describe(key: RequirementKey, label: str) -> str:
    kind, code = key
    if kind != "cpv":
        return f"certification {code}"
    return f"CPV {code} ({label})" if label and label != code else f"CPV {code}"


def _amount(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "non indiquée"
    unit = "€" if currency in (None, "EUR") else currency
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number_fr(amount, decimals)} {unit}"


def _tender_changes(tender: Tender, before: Before) -> list[str]:
    changes = []
    if tender.title != before.title:
        changes.append(f"Intitulé de l'avis : « {before.title} » → « {tender.title} ».")
    if (tender.deadline_utc, tender.deadline_date) != (before.deadline_utc, before.deadline_date):
        old = _deadline(before.deadline_date, before.deadline_time)
        new = _deadline(tender.deadline_date, tender.deadline_time)
        changes.append(f"Date limite de remise des offres : {old} → {new}.")
    return changes


def _deadline(day: date | None, at: str | None) -> str:
    if day is None:
        return "non indiquée"
    return f"{date_fr(day)} à {at[:5]}" if at else date_fr(day)
