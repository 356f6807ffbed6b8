"""What the searches share: their error, CPV prefixes as index ranges, LIKE escaping. Pure."""

from __future__ import annotations


class SearchError(ValueError):
    """A search criterion that cannot be understood; the message is French."""


def cpv_prefix(code: str) -> str:
    """The significant digits of a CPV code or prefix: "45330000" → "4533"; at least the division."""
    digits = code.strip().split("-")[0]
    if not (digits.isascii() and digits.isdigit()) or not 2 <= len(digits) <= 8:
        raise SearchError(f"« {code.strip()[:20]} » n'est pas un code CPV (2 à 8 chiffres).")
    return digits.rstrip("0").ljust(2, "0")


def prefix_range(prefix: str) -> tuple[str, str]:
    """Codes starting with ``prefix`` are those in [lower, upper): a range both databases answer from an index."""
    return prefix, str(int(prefix) + 1).zfill(len(prefix))


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
