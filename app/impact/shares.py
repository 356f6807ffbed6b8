"""How a contract's amount is shared between its holders, in cents that add up to the amount. Pure: standard library.

``w(m, t)`` is what our groupement's split table gives each member when the contract is one of ours (the amounts of
the adopted proposal's assignments on that lot); else an equal split between co-holders — a modelling choice the
pages state. No source we read gives an amount per co-holder (the DECP gives one amount per contract)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
GROUPEMENT = "groupement"
EQUAL = "equal"
SOLE = "sole"  # one holder: all of it
NONE = "none"  # no holder: nobody to share with

SPLIT_LABELS = {
    GROUPEMENT: "répartition du tableau de la convention du groupement",
    EQUAL: "répartition égale entre cotitulaires, faute de mieux",
    SOLE: "titulaire unique",
    NONE: "sans titulaire connu",
}


def split(amount: Decimal, holders: Sequence[int | None], declared: Mapping[int, Decimal]) -> tuple[list[Decimal], str]:
    """Each holder's share of ``amount`` (holders by company id, None when unmatched) and the method used.

    ``declared`` maps company ids to the work our split table gives them on the lot: used when it gives the holders
    a positive total (a holder it leaves out, a mandataire with no work on this lot say, takes nothing), else the
    split is equal. Shares are rounded down to the cent; the cents left over (fewer than the holders) go one each to
    the first holders with a weight, so that the shares always add up to ``amount`` exactly."""
    if not holders:
        return [], NONE
    if len(holders) == 1:
        return [amount], SOLE
    weights = [declared.get(h, Decimal(0)) if h is not None else Decimal(0) for h in holders]
    total = sum(weights, Decimal(0))
    method = GROUPEMENT
    if total <= 0:
        weights, total, method = [Decimal(1)] * len(holders), Decimal(len(holders)), EQUAL
    shares = [(amount * w / total).quantize(CENT, rounding=ROUND_DOWN) for w in weights]
    left = int((amount - sum(shares, Decimal(0))) / CENT)
    for i in [i for i, w in enumerate(weights) if w > 0][:left]:
        shares[i] += CENT
    return shares, method
