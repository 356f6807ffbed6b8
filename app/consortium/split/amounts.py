"""Amounts and percentages as people type them in French — « 12 345,67 », « 12 345,67 € », « 12345.67 »,
« 33,33 % » — read into integer cents and hundredths of a per cent, with the French reason of a refusal; and back
into text for a form. The limit of an amount is ``app.bounds``'. Pure: standard library and ``app.bounds``."""

from __future__ import annotations

import re
from decimal import Decimal

from app.bounds import amount_error

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_NUMBER = re.compile(r"(-?)(\d+)(?:[,.](\d*))?")
_LONGEST = 40  # characters: past this it is not an amount anyone typed
WHOLE = 10_000  # 100 %, in hundredths of a per cent


class AmountError(ValueError):
    """A value that cannot be read as an amount; ``message`` is French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _number(text: str, unit: str) -> tuple[Decimal, int] | None:
    """(the value, its number of decimals) of ``text`` without its unit and spaces; None when it is blank."""
    compact = _SPACES.sub("", text or "")
    if compact.endswith(unit):
        compact = compact[: -len(unit)]
    if not compact:
        return None
    shown = (text or "").strip()[:20]
    match = _NUMBER.fullmatch(compact) if len(compact) <= _LONGEST else None
    if match is None:
        raise AmountError(f"« {shown} » n'est pas un nombre : écrivez par exemple 12 345,67.")
    sign, units, decimals = match.groups()
    decimals = decimals or ""
    if len(decimals) > 2:
        raise AmountError(f"« {shown} » a plus de deux décimales : arrondissez au centime.")
    value = Decimal(f"{sign}{units}.{decimals or '0'}")
    return value, len(decimals)


def parse_amount(text: str | None) -> int | None:
    """An amount in euros, HT, as integer cents; None when nothing is typed. Refused with a French reason when
    it is not a number, has more than two decimals, is negative or absurd (``app.bounds``)."""
    found = _number(text or "", "€")
    if found is None:
        return None
    value, _ = found
    if reason := amount_error(value):
        raise AmountError(f"Montant refusé : {reason}.")
    return int(value * 100)


def parse_percent(text: str | None) -> int | None:
    """A share of a lot's price in hundredths of a per cent (« 33,33 % » → 3333); None when nothing is typed."""
    found = _number(text or "", "%")
    if found is None:
        return None
    value, _ = found
    if not 0 <= value <= 100:
        raise AmountError("Un pourcentage est compris entre 0 et 100 %.")
    return int(value * 100)


def split_by_percent(price_cents: int, shares: list[int]) -> list[int]:
    """The cents of each share (hundredths of a per cent, summing to 100 %) of ``price_cents``: each rounded down,
    the remainder on the first, so that they add up to the price exactly."""
    rest = [price_cents * share // WHOLE for share in shares[1:]]
    return [price_cents - sum(rest), *rest] if shares else []


def cents_text(cents: int | None) -> str:
    """« 12 345,67 » (« 12 345 » for whole euros) for a form field; empty for None."""
    if cents is None:
        return ""
    euros, rest = divmod(cents, 100)
    text = f"{euros:,}".replace(",", " ")
    return f"{text},{rest:02d}" if rest else text


def percent_text(share: int | None) -> str:
    """« 33,33 » for 3333 hundredths of a per cent; empty for None."""
    if share is None:
        return ""
    whole, rest = divmod(share, 100)
    return f"{whole},{rest:02d}".rstrip("0").rstrip(",") if rest else str(whole)


def share_of(cents: int | None, price_cents: int | None) -> int | None:
    """The share of ``cents`` in ``price_cents``, in hundredths of a per cent, rounded; None when unknown."""
    if cents is None or not price_cents:
        return None
    return round(cents * WHOLE / price_cents)
