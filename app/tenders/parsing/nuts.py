"""NUTS codes as the notices give them, mapped to the current nomenclature. Pure: standard library only.

Provence-Alpes-Côte d'Azur was FR82 in NUTS 2013 and became FRL0 in NUTS 2016; older notices (BOAMP, TED
R2.0.9) still carry the 2013 codes. Only PACA is mapped: FR8 (NUTS 1 « Méditerranée ») also covered other
regions, so it and every other code are returned unchanged (upper-cased, stripped)."""

from __future__ import annotations

NUTS_2013_TO_CURRENT: dict[str, str] = {
    "FR82": "FRL0",  # Provence-Alpes-Côte d'Azur
    "FR821": "FRL01",  # Alpes-de-Haute-Provence
    "FR822": "FRL02",  # Hautes-Alpes
    "FR823": "FRL03",  # Alpes-Maritimes
    "FR824": "FRL04",  # Bouches-du-Rhône
    "FR825": "FRL05",  # Var
    "FR826": "FRL06",  # Vaucluse
}


def current_nuts(code: str | None) -> str | None:
    """The current NUTS code for ``code``: PACA 2013 codes mapped, others upper-cased; None when empty."""
    if code is None:
        return None
    cleaned = code.strip().upper()
    if not cleaned:
        return None
    return NUTS_2013_TO_CURRENT.get(cleaned, cleaned)
