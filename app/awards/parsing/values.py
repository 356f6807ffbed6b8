"""Values every award parser reads alike: holder and buyer identifiers (written without spaces, their type from
their shape), amounts in euros, dates and counts kept within ``app.bounds`` — a value out of bounds becomes None
and its French reason goes to the contract's warnings — and source ids made unique. Pure: standard library and
the pure ``app.bounds`` / ``app.companies.identifiers``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from app import bounds
from app.awards.model import Contract, IdType
from app.companies.identifiers import normalise_siret

_PLACEHOLDER = re.compile(r"(?i)n/?a|none|null|néant|neant|sans objet|inconnu|unknown|[-./_*#?]*")
_SEPARATORS = re.compile(r"[.\-/]")
_TVA = re.compile(r"FR[0-9A-Z]{2}\d{9}")
_DAY = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_COMPACT_DAY = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")  # TED DATE_PUB: 20210114
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d{1,12})?")
_MAX_COUNT = 2**31 - 1  # an INTEGER column
_CENT = Decimal("0.01")
SME_SIZES = frozenset({"micro", "small", "medium", "sme"})

# A voluntary ex ante transparency notice (TED F15, eForms 25–28) names a contractor but announces an intention; the
# contract concluded has its own award notice and DECP record: read as well, it would be counted twice.
VEAT = (
    "avis de transparence ex ante volontaire, une intention de conclure : le contrat conclu sera lu dans son avis "
    "d'attribution ou dans les DECP"
)


def compact(text: str | None) -> str | None:
    """``text`` without any whitespace (« 326 912 557 » → « 326912557 »); None when empty or a placeholder."""
    value = "".join((text or "").split())
    return None if _PLACEHOLDER.fullmatch(value) else value


def identifier(text: str | None) -> tuple[str | None, IdType | None]:
    """A national identifier as written, spaces removed, and its type read from its shape: 14 digits with a valid
    key a SIRET, 9 digits a SIREN, FR + 2 characters + 9 digits a VAT number, anything else OTHER. Dots and dashes
    between digits (« 326.912.557 ») are dropped too when what is left is a SIREN or a SIRET."""
    value = compact(text)
    if value is None:
        return None, None
    digits = _SEPARATORS.sub("", value)
    if digits.isascii() and digits.isdigit() and len(digits) in (9, 14):
        value = digits
    if value.isascii() and value.isdigit():
        if len(value) == 14 and normalise_siret(value) is not None:
            return value, IdType.SIRET
        if len(value) == 9:
            return value, IdType.SIREN
        return value, IdType.OTHER
    if _TVA.fullmatch(value.upper()):
        return value.upper(), IdType.TVA
    return value, IdType.OTHER


def text(value: str | None) -> str | None:
    """Whitespace runs collapsed; None when nothing is left."""
    cleaned = " ".join((value or "").split())
    return cleaned or None


def decimal(raw: str | None) -> Decimal | None:
    """« 159691.6 », « 1 250 000,50 », « 1e20 » → Decimal (spaces dropped, one decimal point or comma); None when
    the text is not such a number (NaN and infinities included)."""
    value = "".join((raw or "").split())
    if not _NUMBER.fullmatch(value):
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


def amount(raw: str | None, currency: str | None, label: str, warnings: list[str]) -> Decimal | None:
    """An amount in euros within 0 to 10^12 €, or None — with the French reason in ``warnings`` when the source
    gave one that cannot be kept (another currency, not a number, out of bounds)."""
    if raw is None or not raw.strip():
        return None
    value = decimal(raw)
    reason = None
    if value is None:
        reason = f"« {raw.strip()[:30]} » n'est pas un montant"
    elif currency is not None and currency.strip().upper() not in ("EUR", "€", ""):
        reason = f"montant en {currency.strip()[:10]}, non converti en euros"
    else:
        reason = bounds.amount_error(value)
    if reason is not None:
        warnings.append(f"{label} ignoré : {reason}")
        return None
    exponent = value.as_tuple().exponent
    return value.quantize(_CENT) if isinstance(exponent, int) and exponent < -2 else value  # cents, as stored


def day(raw: str | None, label: str, warnings: list[str]) -> date | None:
    """``2019-09-03``, ``2019-09-03+02:00`` or ``20190903`` → the day (its zone is not kept), within the years 1900
    to 2100; None otherwise — with the reason in ``warnings`` when the text looked like a date."""
    if raw is None or not raw.strip():
        return None
    found = _DAY.match(raw) or _COMPACT_DAY.fullmatch(raw)
    try:
        value = date(int(found[1]), int(found[2]), int(found[3])) if found else None
    except ValueError:
        value = None
    if value is None:
        warnings.append(f"{label} ignorée : « {raw.strip()[:30]} » n'est pas une date")
        return None
    if reason := bounds.date_error(value):
        warnings.append(f"{label} ignorée : {reason}")
        return None
    return value


def count(raw: str | None, label: str, warnings: list[str]) -> int | None:
    """A count of tenders: a whole number from 0 to 2 147 483 647, or None (the reason in ``warnings``)."""
    value = "".join((raw or "").split())
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        warnings.append(f"{label} ignoré : « {value[:30]} » n'est pas un nombre entier positif")
        return None
    number = int(value) if len(value) <= 18 else _MAX_COUNT + 1  # int() refuses strings of 4,300 digits
    if number > _MAX_COUNT:
        warnings.append(f"{label} ignoré : {value[:20]} dépasse {_MAX_COUNT}")
        return None
    return number


def sme_of(size: str | None) -> bool | None:
    """eForms CompanySizeCode → « counts as an SME »: micro, small and medium yes, large no, else unknown."""
    if size is None:
        return None
    if size.lower() in SME_SIZES:
        return True
    return False if size.lower() == "large" else None


def unique_ids(contracts: Iterable[Contract]) -> tuple[Contract, ...]:
    """The contracts with distinct ``source_id``s: a lot awarded as several contracts (a framework with several
    holders) keeps « <notice>/<lot> » for none of them but gets « <notice>/<lot>/<n> » for each, in order."""
    contracts = tuple(contracts)
    seen = Counter(contract.source_id for contract in contracts)
    numbers: Counter[str] = Counter()
    result = []
    for contract in contracts:
        if seen[contract.source_id] > 1:
            numbers[contract.source_id] += 1
            contract = replace(contract, source_id=f"{contract.source_id}/{numbers[contract.source_id]}")
        result.append(contract)
    return tuple(result)


def join_object(procedure: str | None, lot: str | None) -> str:
    """What was bought: the procedure's title and the lot's (« Espaces verts – Agence centre »), one of them when
    the other is missing or contains it."""
    procedure, lot = text(procedure), text(lot)
    if procedure and lot:
        if lot.casefold() in procedure.casefold():
            return procedure
        return lot if procedure.casefold() in lot.casefold() else f"{procedure} – {lot}"
    return procedure or lot or ""


def dedupe(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))
