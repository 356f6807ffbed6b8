"""The bounds a value must respect before it is stored, each with its French reason: amounts in euros, dates, and
integers for the column they go to. Notices, forms, URLs and imports all ask here, so that each rule lives in one
place. Pure: standard library (and the pure ``app.formatting``) only; nothing here raises on a value, however large.

* An amount in euros is finite and 0 ≤ amount ≤ 10^12 € (a thousand billion: past any public contract, far
  within the Numeric(16, 2) and BIGINT columns that hold amounts).
* A date lies in the years 1900 to 2100 — for an instant, once its time zone is applied.
* An integer fits its column: PostgreSQL INTEGER (ids, counts, days) is 32-bit, BIGINT (amounts) 64-bit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation

from app.formatting import number_fr

MAX_AMOUNT_EUR = 10**12
MIN_YEAR, MAX_YEAR = 1900, 2100
_SHOWN_DIGITS = 15  # past this, a number is shown as « 1e308 »


@dataclass(frozen=True)
class Range:
    """Inclusive bounds of an integer, with the unit shown in messages (« € », « km »…)."""

    low: int
    high: int
    unit: str = ""

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.low <= value <= self.high

    def message(self, label: str) -> str:
        """« « Montant (€ HT) » doit être compris entre 0 et 1 000 000 000 000 €. »"""
        return f"« {label} » doit être compris entre {_int(self.low)} et {_int(self.high)}{self.unit}."

    def outside(self, value: int) -> str | None:
        """« 36 499 999 635 jours n'est pas entre 0 et 2 147 483 647 jours »; None when ``value`` fits."""
        if value in self:
            return None
        return f"{_int(value)}{self.unit} n'est pas entre {_int(self.low)} et {_int(self.high)}{self.unit}"

    def number_range(self, label: str) -> dict:
        """The arguments of a WTForms ``NumberRange`` for the field ``label``: ``NumberRange(**r.number_range(…))``."""
        return {"min": self.low, "max": self.high, "message": self.message(label)}


INTEGER = Range(-(2**31), 2**31 - 1)  # a PostgreSQL INTEGER column
BIGINT = Range(-(2**63), 2**63 - 1)  # a PostgreSQL BIGINT column
ROW_ID = Range(1, 2**31 - 1)  # primary keys are INTEGER
DAYS = Range(0, 2**31 - 1, " jours")  # durations in days, an INTEGER column
AMOUNT_EUR = Range(0, MAX_AMOUNT_EUR, " €")  # whole euros (turnover, capacity, references)


def _int(value: int) -> str:
    """« 2100 », « 500 000 », « 1e20 »: thousands grouped from five digits on, as French writes years."""
    if abs(value) < 10_000:
        return str(value)
    return number_fr(value) if abs(value) < 10**_SHOWN_DIGITS else shown_number(value)


def shown_number(value: Decimal | float | int) -> str:
    """A number as a person reads it in a message: « 1 250 000 », « 1250,5 », or « 1e308 » when it is huge."""
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if number.is_nan():
        return "NaN"
    if number.is_infinite():
        return "-infini" if number < 0 else "infini"
    if number.adjusted() < _SHOWN_DIGITS:
        integral = number == number.to_integral_value()
        return number_fr(int(number)) if integral else number_fr(float(number), 2).rstrip("0").rstrip(",")
    mantissa, exponent = format(number, ".3e").split("e")
    mantissa = mantissa.rstrip("0").rstrip(".").replace(".", ",")
    return f"{mantissa}e{int(exponent)}"


def amount_error(value: Decimal | float | int | None) -> str | None:
    """Why an amount in euros cannot be stored (« 1e308 € dépasse 1 000 000 000 000 € »); None when it can."""
    if value is None:
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return f"« {str(value)[:20]} » n'est pas un montant"
    if not number.is_finite():
        return f"{shown_number(number)} n'est pas un montant fini"
    if number < 0:
        return f"{shown_number(number)} € est négatif"
    if number > MAX_AMOUNT_EUR:
        return f"{shown_number(number)} € dépasse {number_fr(MAX_AMOUNT_EUR)} €"
    return None


def bounded_amount(value: Decimal | None) -> Decimal | None:
    """The amount when it may be stored, else None."""
    return value if value is not None and amount_error(value) is None else None


def date_error(day: date | None) -> str | None:
    """Why a date cannot be stored (« 9999-12-31 n'est pas entre 1900 et 2100 »); None when it can."""
    if day is None or MIN_YEAR <= day.year <= MAX_YEAR:
        return None
    return f"{day.isoformat()} n'est pas entre {MIN_YEAR} et {MAX_YEAR}"


def instant_utc(day: date, at: time | None, zone: tzinfo) -> datetime | None:
    """The instant ``day`` at ``at`` in UTC — a time without zone read in ``zone``, a missing time as the end of the
    day — or None when it does not fall in the years 1900 to 2100. Never raises (``0001-01-01+12:00`` at midnight
    is before year 1 in UTC: an OverflowError for ``datetime``)."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # far from datetime's limits: the conversion below cannot overflow
        return None
    moment = datetime.combine(day, at.replace(tzinfo=None) if at is not None else time.max)
    own = at.tzinfo if at is not None and at.tzinfo is not None else zone
    try:
        instant = moment.replace(tzinfo=own).astimezone(UTC)
    except (OverflowError, ValueError):  # a tzinfo of our own making cannot do this; one from elsewhere might
        return None
    return instant if MIN_YEAR <= instant.year <= MAX_YEAR else None


def instant_error(day: date, at: time | None, zone: tzinfo) -> str | None:
    """Why a deadline cannot be stored (see ``instant_utc``); None when it can."""
    if instant_utc(day, at, zone) is not None:
        return None
    stated = day.isoformat() + (f" {at.isoformat()}" if at is not None else "")
    return f"{stated} n'est pas entre {MIN_YEAR} et {MAX_YEAR} (en temps universel)"


def int_error(value: int | None, bounds: Range, label: str) -> str | None:
    """``bounds.message(label)`` when ``value`` lies outside; None when it fits (or is None)."""
    return None if value is None or value in bounds else bounds.message(label)
