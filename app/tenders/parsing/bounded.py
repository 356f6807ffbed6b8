"""What a notice states that cannot be right is left out, with its reason in ``Notice.warnings``: an amount outside
0 to 10^12 € or in no ISO currency, a date outside the years 1900 to 2100 (a deadline once its zone is applied),
a duration past an INTEGER column. The rules are ``app.bounds``'; here they are applied to a parsed notice, so that
every format gets them and what the import stores is already bounded. Pure: standard library only."""

from __future__ import annotations

import re
from dataclasses import replace

from app import bounds
from app.formatting import PARIS
from app.tenders.parsing.model import Lot, Notice

_CURRENCY = re.compile(r"[A-Z]{3}")


def bounded(notice: Notice) -> Notice:
    """``notice`` without the values that cannot be stored, each reason added to its warnings (same notice when
    everything is within bounds)."""
    warnings: list[str] = []
    deadline = notice.deadline
    if deadline is not None and (reason := bounds.instant_error(deadline.day, deadline.at, PARIS)):
        warnings.append(f"Date limite ignorée : {reason}")
        deadline = None
    lots = tuple(_lot(lot, warnings) for lot in notice.lots)
    if not warnings:
        return notice
    return replace(notice, deadline=deadline, lots=lots, warnings=(*notice.warnings, *dict.fromkeys(warnings)))


def _lot(lot: Lot, warnings: list[str]) -> Lot:
    name = f"du lot {lot.lot_id[:50]}"
    changes: dict[str, object] = {}
    if lot.estimated_value is not None:
        value = lot.estimated_value
        reason = bounds.amount_error(value.amount) or _currency_error(value.currency)
        if reason:
            warnings.append(f"Valeur estimée {name} ignorée : {reason}")
            changes["estimated_value"] = None
    criteria = []
    for criterion in lot.selection_criteria:
        if reason := bounds.amount_error(criterion.min_turnover_eur):
            warnings.append(f"Chiffre d'affaires minimum {name} ignoré : {reason}")
            criterion = replace(criterion, min_turnover_eur=None)
        criteria.append(criterion)
    if tuple(criteria) != lot.selection_criteria:
        changes["selection_criteria"] = tuple(criteria)
    for attribute, label in (("start", "Date de début"), ("end", "Date de fin")):
        if reason := bounds.date_error(getattr(lot, attribute)):
            warnings.append(f"{label} {name} ignorée : {reason}")
            changes[attribute] = None
    if lot.duration_days is not None and (reason := bounds.DAYS.outside(lot.duration_days)):
        warnings.append(f"Durée {name} ignorée : {reason}")
        changes["duration_days"] = None
    return replace(lot, **changes) if changes else lot


def _currency_error(currency: str) -> str | None:
    return None if _CURRENCY.fullmatch(currency) else f"devise « {currency[:10]} » inconnue (code ISO 4217 attendu)"
