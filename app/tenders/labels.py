"""French wording of the codes notices use, for the pages."""

from __future__ import annotations

PROCEDURES = {
    "open": "procédure ouverte",
    "restricted": "procédure restreinte",
    "neg-w-call": "procédure négociée avec mise en concurrence",
    "neg-wo-call": "procédure négociée sans mise en concurrence",
    "comp-dial": "dialogue compétitif",
    "innovation": "partenariat d'innovation",
    "adapted": "procédure adaptée (MAPA)",
    "oth-single": "autre procédure en une étape",
    "oth-mult": "autre procédure en plusieurs étapes",
}
NATURES = {"works": "travaux", "supplies": "fournitures", "services": "services"}
SELECTION_TYPES = {
    "suitability": "Aptitude à exercer l'activité",
    "economic-financial": "Capacité économique et financière",
    "technical-professional": "Capacités techniques et professionnelles",
    "other": "Autre",
}
AWARD_TYPES = {"price": "Prix", "cost": "Coût", "quality": "Qualité"}
SOURCES = {
    "main-cpv": "CPV principal du lot",
    "additional-cpv": "CPV complémentaire",
    "user": "ajoutée par un utilisateur",
}


def requirement_source(source: str) -> str:
    if source.startswith("selection:"):
        kind = SELECTION_TYPES.get(source.split(":", 1)[1], "").lower()
        return f"critère de sélection{' — ' + kind if kind else ''}"
    return SOURCES.get(source, source)


def label(table: dict[str, str], code: str | None, default: str = "non indiqué") -> str:
    return table.get(code, code) if code else default
