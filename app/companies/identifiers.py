"""SIREN and SIRET numbers: 9 and 14 digits, Luhn-valid, except La Poste's establishments (SIREN 356000000),
whose SIRET digits add up to a multiple of 5. Pure."""

from __future__ import annotations

LA_POSTE_SIREN = "356000000"


def luhn_sum(digits: str) -> int:
    """Luhn sum: from the rightmost digit, double every second digit, subtract 9 above 9, add up."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total


def luhn_check_digit(digits: str) -> str:
    """The digit to append to ``digits`` so that the whole number is Luhn-valid."""
    return str((10 - luhn_sum(digits + "0") % 10) % 10)


def _digits(value: str, length: int) -> str | None:
    compact = value.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    return compact if len(compact) == length and compact.isascii() and compact.isdigit() else None


def normalise_siren(value: str) -> str | None:
    """The 9-digit SIREN without spaces, or None when it is not a valid one."""
    siren = _digits(value, 9)
    return siren if siren is not None and luhn_sum(siren) % 10 == 0 else None


def normalise_siret(value: str) -> str | None:
    """The 14-digit SIRET without spaces, or None when it is not a valid one."""
    siret = _digits(value, 14)
    if siret is None:
        return None
    if siret.startswith(LA_POSTE_SIREN):
        return siret if sum(int(c) for c in siret) % 5 == 0 else None
    return siret if luhn_sum(siret) % 10 == 0 else None


def siret_error(value: str) -> str | None:
    """Why ``value`` is not a SIRET, in French, or None when it is one."""
    compact = value.replace(" ", "")
    if not (compact.isascii() and compact.isdigit()):
        return "Un SIRET ne contient que des chiffres."
    if len(compact) != 14:
        return f"Un SIRET compte 14 chiffres (ici {len(compact)})."
    if normalise_siret(compact) is None:
        return "Ce SIRET n'est pas valide (clé de contrôle incorrecte)."
    return None
