"""French formatting of dates and numbers, for pages and documents."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")  # French time: how dates are shown, and how a deadline without a zone is read
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def date_fr(value: date | datetime) -> str:
    """« 26 novembre 2026 »; aware datetimes are shown in Paris time. The first of the month is « 1er »."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(PARIS)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def number_fr(value: int | float, decimals: int = 0) -> str:
    """« 1 234 567,89 »: narrow no-break space between thousands, comma before decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")
