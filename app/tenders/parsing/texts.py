"""Reading free texts of notices: which language to show, and the minimum turnover selection texts state. Pure.

Selection texts are written by hand, in French or English, and BOAMP drops apostrophes (« dun chiffre daffaires »).
A turnover amount is a sum in euros (« 406 250 euros HT », « 1,5 M€ », « EUR 2 000 000 », « € 300,000 ») read in
the clause that follows a turnover phrase (« chiffre d'affaires », « CA », « turnover »), or just before it
(« 500 000 € de chiffre d'affaires »). Sums that come after words about something else in that clause — insurance,
a contract value, a ratio (« 2 fois le montant du marché ») — are not turnover, unless restated (« soit 600 000 € »).
Other currencies, years and percentages are never amounts in euros."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import islice

_KEYWORD = re.compile(
    r"chiffres?\s+d\W?\s?affaires?|(?-i:\bCA\b|\bC\.A\.)|\bturnover\b|\brevenues?\b",
    re.IGNORECASE,
)
# Thousands grouped by one separator used throughout (« 406 250 », « 2.000.000 », « 300,000 »), or plain digits;
# then at most two decimals. Never starts or ends inside a longer number.
_NUMBER = (
    r"(?<![\d.,])(?P<number>(?:\d{1,3}(?P<sep>[ \u00a0\u202f.,'’])\d{3}(?:(?P=sep)\d{3})*|\d+)(?:[.,]\d{1,2})?)(?!\d)"
)
_MULTIPLIER = r"(?P<mult>milliards?|billions?|milliers?|millions?|mille|mio|mds?|m|k)"
_EURO_AFTER = re.compile(
    rf"{_NUMBER}\s*(?:{_MULTIPLIER}\.?\s*)?(?:d['’]?\s*|of\s+)?(?:€|eur(?:os?)?\b|h\.?t\.?(?:va)?\b)",
    re.IGNORECASE,
)
_EURO_BEFORE = re.compile(rf"(?:€|\beur(?:os?)?\b)\s*{_NUMBER}(?:\s*{_MULTIPLIER}\b)?", re.IGNORECASE)
# By prefix of the multiplier, longest words first (« mille » is not « m »).
_FACTORS = {"milliard": 10**9, "billion": 10**9, "md": 10**9, "million": 10**6, "mio": 10**6, "millier": 1000}
_FACTORS |= {"mille": 1000, "k": 1000, "m": 10**6}
# Where a clause ends: semicolon, line break, bullet, or a full stop before a capital (BOAMP glues « HT.Pour »).
_CLAUSE_END = re.compile(r"[;\n•]|\.(?=\s*[A-ZÀ-ÖØ-Þ«(])|\.\s*$")
_CLAUSE_MAX = 250
# Words after which a sum is about something else than the turnover itself.
_NOT_TURNOVER = re.compile(
    r"\bassur|insurance|garanties?|guarantee|caution|capital|"
    r"valeurs?\s+(?:estim|du|des|de\s+la|totale|globale)|\bvalue\b|\bestim|"
    r"montants?\s+(?:estim|du|des|de\s+la|total|global|annuel\s+du)|contracts?\s+(?:value|amount|sum)|"
    r"\bfois\b|\btwice\b|\btimes\b|%|pour\s*cent|per\s*cent|ratio|"
    r"r[ée]f[ée]rences?|projects?|projets?|commission",
    re.IGNORECASE,
)
_RESTATED = re.compile(r"(?:\bsoit\b|\bi\.\s?e\.|\bthat\s+is\b|\bnamely\b)[^.;]{0,30}$", re.IGNORECASE)
_CONNECTOR_BEFORE = re.compile(
    r"\s*(?:h\.?t\.?(?:va)?\s*)?(?P<link>(?:de|of)\s+|d['’]?\s*)?"
    r"(?:(?:annual|yearly|average|minimum|general|global|annuel|moyen)\s+)*$",
    re.IGNORECASE,
)
_LOOK_BEHIND = 80
_MAX_MENTIONS = 10  # turnover phrases read per text; in the shared corpus the amount is always at the first
# « Pour le lot n° 1 », « Lot 2 : », « lot no 3 », « lots 1 et 2 », « lots 1 à 3 », « LOT-0001 ».
_LOT_NUMBER = r"0*\d{1,3}(?![ \u00a0\u202f.,]?\d)"
_LOT = re.compile(
    rf"\blots?(?![a-z])\s*(?:n[°º]s?\.?|nos?\.?|num[ée]ros?|numbers?|#)?\s*[-–]?\s*"
    rf"(?P<numbers>{_LOT_NUMBER}(?:\s*(?:,|et|and|&|à|au|to)\s*{_LOT_NUMBER})*)",
    re.IGNORECASE,
)
_MAX_RANGE = 50


def pick_language(texts: dict[str, str], notice_language: str | None) -> str:
    """The language to read among a text's versions (ISO 639-3 keys, « FRA »): French first, else the notice's
    language, else the first given; "" when there is no version at all."""
    wanted = [language for language in ("FRA", (notice_language or "").upper()) if language]
    for language in wanted:
        for key in texts:
            if key.upper() == language:
                return key
    return next(iter(texts), "")


def pick_text(texts: dict[str, str], notice_language: str | None) -> str:
    """The version of a multilingual text to show (see ``pick_language``); "" when there is none."""
    return texts.get(pick_language(texts, notice_language), "")


def min_turnover_eur(text: str | None) -> Decimal | None:
    """The minimum turnover in euros a selection text states — the first one when it states several (per lot) —
    or None when it states none in its first ``_MAX_MENTIONS`` turnover phrases (a text of 100,000 « CA » took
    3 s)."""
    if not text:
        return None
    for keyword in islice(_KEYWORD.finditer(text), _MAX_MENTIONS):
        amount = _amount_before(text, keyword) or _amount_in(_clause(text, keyword.end()))
        if amount is not None:
            return amount
    return None


def lot_turnovers(text: str | None) -> dict[str, Decimal]:
    """The minimum turnover stated for each lot number (« Pour le lot n° 1 : … 406 250 euros HT »), keyed by the
    number without leading zeros ("1"). A lot passage without a turnover phrase counts when one came before it
    (« Chiffre d'affaires minimum : lot 1 : 500 000 € ; lot 2 : 300 000 € »). The first amount per lot wins."""
    if not text:
        return {}
    markers = list(_LOT.finditer(text))
    first_keyword = _KEYWORD.search(text)
    found: dict[str, Decimal] = {}
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        passage = text[marker.end() : end]
        amount = min_turnover_eur(passage)
        if amount is None and first_keyword and first_keyword.start() < marker.start():
            amount = _amount_in(_clause(passage, 0))
        if amount is not None:
            for lot in _lot_numbers(marker.group("numbers")):
                found.setdefault(lot, amount)
    return found


def _clause(text: str, start: int) -> str:
    """The text from ``start`` to the end of its clause, at most ``_CLAUSE_MAX`` characters."""
    window = text[start : start + _CLAUSE_MAX]
    end = _CLAUSE_END.search(window)
    return window[: end.start()] if end else window


def _amount_in(clause: str) -> Decimal | None:
    """The first sum in euros of a clause that is not about something else (insurance, contract value, ratio)."""
    for start, amount in _euro_amounts(clause):
        stops = list(_NOT_TURNOVER.finditer(clause, 0, start))
        if not stops or _RESTATED.search(clause, stops[-1].end(), start):
            return amount
    return None


def _amount_before(text: str, keyword: re.Match[str]) -> Decimal | None:
    """A sum that ends just before the turnover phrase: « 500 000 € de chiffre d'affaires », « EUR 2m turnover »."""
    english = keyword.group().lower() in {"turnover", "revenue", "revenues"}
    start = max(0, keyword.start() - _LOOK_BEHIND)
    for pattern in (_EURO_AFTER, _EURO_BEFORE):
        for match in pattern.finditer(text, start, keyword.start()):
            link = _CONNECTOR_BEFORE.fullmatch(text, match.end(), keyword.start())
            if link and (english or link.group("link")):
                return _value(match)
    return None


def _euro_amounts(text: str) -> Iterator[tuple[int, Decimal]]:
    """(position, amount) of each sum in euros, currency written before or after, in order of position."""
    matches = sorted([*_EURO_AFTER.finditer(text), *_EURO_BEFORE.finditer(text)], key=lambda m: (m.start(), -m.end()))
    taken_until = 0
    for match in matches:
        if match.start() < taken_until:
            continue
        taken_until = match.end()
        amount = _value(match)
        if amount is not None:
            yield match.start(), amount


def _value(match: re.Match[str]) -> Decimal | None:
    """The amount in euros of a matched sum; None for a year (« 2023 »), a zero, or 10^15 or more before its
    multiplier: no turnover, and past 28 digits the rounding below raised InvalidOperation."""
    number, multiplier = match.group("number"), (match.group("mult") or "").lower()
    if not multiplier and re.fullmatch(r"(?:19|20)\d\d", number):
        return None
    amount = _decimal(number, scaled=bool(multiplier))
    if amount is None or amount <= 0 or amount.adjusted() >= 15:
        return None
    factor = next((f for prefix, f in _FACTORS.items() if multiplier.startswith(prefix)), 1) if multiplier else 1
    amount *= factor
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()


def _decimal(number: str, *, scaled: bool) -> Decimal | None:
    """« 406 250 », « 2.000.000 », « 300,000 », « 1,5 », « 600 000.00 » as a Decimal. A single separator followed
    by three digits groups thousands, unless a multiplier follows (« 1,500 M€ » is 1.5 million)."""
    raw = re.sub(r"[ \u00a0\u202f'’]", "", number)
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        decimal_mark = "." if raw.rfind(".") > raw.rfind(",") else ","
        raw = raw.replace("," if decimal_mark == "." else ".", "").replace(decimal_mark, ".")
    elif dots + commas > 1:
        raw = raw.replace(".", "").replace(",", "")
    elif dots + commas == 1:
        head, tail = re.split(r"[.,]", raw)
        raw = head + tail if len(tail) == 3 and not scaled else f"{head}.{tail}"
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits and separators through
        return None


def _lot_numbers(numbers: str) -> list[str]:
    """« 1 », « 1, 2 et 4 », « 1 à 3 » as lot numbers without leading zeros."""
    found: list[str] = []
    parts = re.split(r"\s*(à|au|to|,|et|and|&)\s*", numbers, flags=re.IGNORECASE)
    previous: int | None = None
    for index in range(0, len(parts), 2):
        number = int(parts[index])
        joiner = parts[index - 1].lower() if index else ""
        if joiner in {"à", "au", "to"} and previous is not None and 0 < number - previous <= _MAX_RANGE:
            found.extend(str(n) for n in range(previous + 1, number + 1))
        else:
            found.append(str(number))
        previous = number
    return found
