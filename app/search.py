"""What the searches share: their error, a CPV code or prefix read from a person's input, LIKE escaping. Pure."""

from __future__ import annotations

from app.reference.cpv import CPV_LENGTH, DIVISION_DIGITS, significant


class SearchError(ValueError):
    """A search criterion that cannot be understood; the message is French."""


def cpv_prefix(code: str) -> str:
    """The significant digits of a CPV code or prefix typed by a person: "45330000" → "4533"; at least the division.
    Anything but 2 to 8 digits is refused with a French message."""
    digits = code.strip().split("-")[0]
    if not (digits.isascii() and digits.isdigit()) or not DIVISION_DIGITS <= len(digits) <= CPV_LENGTH:
        raise SearchError(f"« {code.strip()[:20]} » n'est pas un code CPV (2 à 8 chiffres).")
    return significant(digits)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
