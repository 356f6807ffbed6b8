"""The values of a DECP record as real files write them: amounts as numbers or text (« 30000.00 », 1e17), durations
as « NC », dates in several shapes, CPV codes with their check digit, identifiers that are SIRETs, SIRENs, VAT
numbers or « test ». Each reader returns the value or None, and appends to ``notes`` the French reason of a value
left out; none raises, whatever the JSON value it is given. Pure: standard library, ``app.bounds`` and the
identifier checks."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from app.awards.model import GroupementForm, IdType
from app.bounds import Range, amount_error, date_error, int_error
from app.companies.identifiers import normalise_siren, normalise_siret

MONTHS = Range(0, 1200, " mois")  # a hundred years: past any concession
COUNT = Range(0, 2**31 - 1)  # an INTEGER column
_MAX_NUMBER_TEXT = 40  # longer than this, a text is no number
_SPACES = str.maketrans("", "", " \u00a0\u202f\t\r\n€")
_DATE = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*", re.ASCII
)
_FRENCH_DATE = re.compile(r"\s*(\d{2})/(\d{2})/(\d{4})\s*", re.ASCII)
_CPV = re.compile(r"(\d{8})(?:-\d)?", re.ASCII)
_PLACE = re.compile(r"[0-9A-Za-z]{1,10}", re.ASCII)
_GROUPEMENTS = {"conjoint": GroupementForm.JOINT, "solidaire": GroupementForm.SEVERAL, "pas de groupement": None}


def shown(value: object, length: int = 30) -> str:
    """A value as a message quotes it: short, on one line."""
    try:
        text = value if isinstance(value, str) else str(value) if isinstance(value, int | Decimal) else repr(value)
    except ValueError:  # an integer too long to be written
        text = "nombre trop long"
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def text(value: object) -> str | None:
    """A text field, stripped; None when absent, empty or not a text (a number is written as digits)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return None


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_TEXT:
        compact = value.translate(_SPACES)
        if "," in compact and "." not in compact:
            compact = compact.replace(",", ".")
        try:
            return Decimal(compact)
        except InvalidOperation:
            return None
    return None


def amount(value: object, label: str, notes: list[str]) -> Decimal | None:
    """An amount in euros HT within ``app.bounds`` (0 to 10^12 €); None when absent, unreadable or out of bounds."""
    if value is None or value == "":
        return None
    number = _decimal(value)
    if number is None:
        notes.append(f"{label} : « {shown(value)} » n'est pas un montant")
        return None
    error = amount_error(number)
    if error is not None:
        notes.append(f"{label} : {error}")
        return None
    return number


def integer(value: object, label: str, notes: list[str], bounds: Range = COUNT) -> int | None:
    """A whole number within ``bounds``; None when absent, not whole (« NC », 12.5) or out of bounds."""
    if value is None or value == "":
        return None
    number = _decimal(value)
    if number is None or not number.is_finite() or number != number.to_integral_value():
        notes.append(f"{label} : « {shown(value)} » n'est pas un nombre entier")
        return None
    if number.adjusted() > 18:  # int() of 1E+999999999 would take the process's memory
        notes.append(f"{label} : « {shown(value)} » est hors limites")
        return None
    whole = int(number)
    error = int_error(whole, bounds, label)
    if error is not None:
        notes.append(error)
        return None
    return whole


def day(value: object, label: str, notes: list[str]) -> date | None:
    """A date written « 2023-05-01 », « 2023-05-01+02:00 », « 2023-05-01T10:00:00Z » or « 01/05/2023 » (the day as
    written, its zone not applied), between 1900 and 2100; None otherwise."""
    if value is None or value == "":
        return None
    found = None
    if isinstance(value, str) and len(value) <= 64:
        if match := _DATE.fullmatch(value):
            found = (int(match[1]), int(match[2]), int(match[3]))
        elif match := _FRENCH_DATE.fullmatch(value):
            found = (int(match[3]), int(match[2]), int(match[1]))
    try:
        result = date(*found) if found else None
    except ValueError:
        result = None
    if result is None:
        notes.append(f"{label} : « {shown(value)} » n'est pas une date")
        return None
    error = date_error(result)
    if error is not None:
        notes.append(f"{label} : {error}")
        return None
    return result


def cpv(value: object, notes: list[str]) -> str | None:
    """The main CPV code, 8 digits: « 45000000-7 », « 71315400-3 » and « 66516 000 » give their 8 digits."""
    written = text(value)
    if written is None:
        return None
    match = _CPV.fullmatch(written.translate(_SPACES))
    if match is None:
        notes.append(f"code CPV : « {shown(written)} » n'est pas un code CPV")
        return None
    return match[1]


def place(value: object, notes: list[str]) -> str | None:
    """``lieuExecution.code``: a postcode, INSEE code, département or NUTS; a word (« croix ») is no code."""
    written = text(value)
    if written is None:
        return None
    if _PLACE.fullmatch(written) is None or not any(char.isdigit() for char in written):
        notes.append(f"lieu d'exécution : « {shown(written)} » n'est pas un code")
        return None
    return written.upper()


def groupement(value: object, notes: list[str]) -> GroupementForm | None:
    """``typeGroupementOperateurs``: Conjoint, Solidaire, or None (« Pas de groupement »)."""
    written = text(value)
    if written is None:
        return None
    key = " ".join(written.lower().split())
    if key not in _GROUPEMENTS:
        notes.append(f"type de groupement : « {shown(written)} » inconnu")
        return None
    return _GROUPEMENTS[key]


def identifier(value: object, kind: object, label: str, notes: list[str]) -> tuple[str | None, IdType | None]:
    """An identifier without spaces and what it is. ``typeIdentifiant`` SIRET (any case) or none: its shape decides
    (a valid SIRET, a valid SIREN, else OTHER with the reason); TVA: a VAT number; any other type (HORS-UE, TAHITI,
    RIDET, FRWF, IREP, junk): OTHER."""
    written = text(value)
    if written is None:
        return None, None
    stated = text(kind)
    stated = stated.upper() if stated else ""
    short = len(written) <= _MAX_NUMBER_TEXT and len(stated) <= _MAX_NUMBER_TEXT
    classify = _remembered if short else _classified
    compact, found, reason = classify(written, stated)
    if reason is not None:
        notes.append(f"{label} : {reason}")
    return compact, found


def _classified(written: str, stated: str) -> tuple[str, IdType, str | None]:
    compact = "".join(written.split())
    if stated in ("", "SIRET", "SIREN"):
        if normalise_siret(compact):
            return compact, IdType.SIRET, None
        if normalise_siren(compact):
            return compact, IdType.SIREN, None
        if compact.isascii() and compact.isdigit() and len(compact) == 14:
            return compact, IdType.OTHER, f"SIRET {compact} invalide (clé de contrôle incorrecte)"
        return compact, IdType.OTHER, f"« {shown(compact)} » n'est ni un SIRET ni un SIREN"
    if stated == "TVA":
        return compact.upper(), IdType.TVA, None
    return compact, IdType.OTHER, None


# A national file names the same companies again and again: the most frequent are checked once (4,096 entries:
# about a megabyte at most, so that reading stays in constant memory).
_remembered = lru_cache(maxsize=4096)(_classified)
