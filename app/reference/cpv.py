"""The CPV hierarchy, written once. Pure (standard library).

Notices print CPV codes as 8 digits without the check digit. A code's **significant digits** are what is left once
its trailing zeros are dropped, never fewer than the division's two: "45330000" → "4533". The hierarchy runs by
significant digits: division (2, "45 = works"), group (3), class (4), category (5 and more). A code's
**ancestors** are the codes of its shorter prefixes; the codes **below** a prefix are those starting with it, which
both databases answer from an index as the range ``[lower, upper)`` of ``prefix_range``."""

from __future__ import annotations

CPV_LENGTH = 8
DIVISION_DIGITS = 2


def is_cpv_code(code: str) -> bool:
    """Eight ASCII digits, as notices print CPV codes (without the check digit)."""
    return len(code) == CPV_LENGTH and code.isascii() and code.isdigit()


def significant(code: str) -> str:
    """The significant digits of a CPV code: "45330000" → "4533", "03000000" → "03"; at least the division."""
    return code.rstrip("0").ljust(DIVISION_DIGITS, "0")


def ancestors(code: str, min_digits: int = DIVISION_DIGITS) -> tuple[str, ...]:
    """The code's ancestors of at least ``min_digits`` significant digits, narrowest first, the code excluded:
    45261000 → 45260000, 45200000, 45000000."""
    digits = significant(code)
    shorter = (digits[:size].ljust(CPV_LENGTH, "0") for size in range(len(digits) - 1, min_digits - 1, -1))
    return tuple(dict.fromkeys(a for a in shorter if a != code))


def lineage(code: str) -> tuple[str, ...]:
    """The code and its ancestors down to the division, narrowest first: 45261000, 45260000, 45200000, 45000000."""
    return (code, *ancestors(code))


def prefix_range(prefix: str) -> tuple[str, str]:
    """Codes starting with ``prefix`` are those in [lower, upper): a range both databases answer from an index."""
    return prefix, str(int(prefix) + 1).zfill(len(prefix))


def below_range(code: str) -> tuple[str, str]:
    """The range of the code itself and every code below it in the hierarchy."""
    return prefix_range(significant(code))
