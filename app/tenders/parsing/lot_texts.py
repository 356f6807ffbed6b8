"""Which lots a free text is about: « Pour le lot n° 1 : … Pour le lot n° 2 : … ». Pure: standard library only.

Selection texts often state one requirement per lot in a single field (BOAMP ``CAP_ECO_NIVEAU_MINI``, TED
``LEFTI``, eForms BT-750). Splitting them keeps lot 2's minimum turnover off lot 1."""

from __future__ import annotations

import re
from collections.abc import Sequence

# « Pour le lot no 1 : », « lot n° 2 : », « Lot 3: », « Lots 1 et 3 : », « pour les lots nos 2 à 4 : ». A number of
# more than 9 digits is no lot number (and more than 4,300 digits are more than ``int`` reads).
_LOT_MARK = re.compile(
    r"(?:\bpour\s+les?\s+)?\blots?\s*(?:n\s*[°ºo]?\s*s?\.?\s*)?"
    r"(?P<nums>\d{1,9}(?!\d)(?:\s*(?:,|et|à|-)\s*\d{1,9}(?!\d))*)\s*:",
    re.IGNORECASE,
)


def lot_parts(text: str, lot_ids: Sequence[str]) -> dict[str, str] | None:
    """The part of ``text`` about each lot: the opening before any lot is named, then every part naming it
    (a lot named nowhere gets the opening alone, possibly ""). None when the text names none of ``lot_ids``:
    it then applies to every lot. Lot ids match on their number: "1", "01", "LOT-0001" and « lot 1 »."""
    keys = {_lot_key(lot_id): lot_id for lot_id in lot_ids}
    marks = list(_LOT_MARK.finditer(text))
    named = [dict.fromkeys(keys[n] for n in _numbers(mark["nums"]) if n in keys) for mark in marks]
    if not any(named):
        return None
    opening = text[: marks[0].start()].strip()
    parts: dict[str, list[str]] = {lot_id: [opening] if opening else [] for lot_id in lot_ids}
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    for mark, lots, end in zip(marks, named, ends, strict=True):
        for lot_id in lots:
            parts[lot_id].append(text[mark.start() : end].strip())
    return {lot_id: " ".join(chunks) for lot_id, chunks in parts.items()}


def _lot_key(lot_id: str) -> str:
    digits = re.search(r"\d+", lot_id)
    return str(int(digits.group())) if digits and len(digits.group()) <= 9 else lot_id


def _numbers(nums: str) -> list[str]:
    """« 1, 2 et 4 » → 1, 2, 4; « 2 à 4 » / « 2-4 » → 2, 3, 4."""
    numbers: list[str] = []
    for part in re.split(r"\s*(?:,|\bet\b)\s*", nums):
        bounds = [int(bound) for bound in re.findall(r"\d+", part)]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] <= 50:
            bounds = list(range(bounds[0], bounds[1] + 1))
        numbers.extend(str(bound) for bound in bounds)
    return numbers
