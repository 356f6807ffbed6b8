"""Labels of the INSEE *catégories juridiques* (level III) most common among companies that bid. Pure."""

from __future__ import annotations

LEGAL_FORMS = {
    "1000": "Entrepreneur individuel",
    "5202": "Société en nom collectif (SNC)",
    "5306": "Société en commandite simple",
    "5410": "SARL nationale",
    "5422": "SARL immobilière de gestion",
    "5426": "SARL immobilière de gestion",
    "5430": "SARL d'économie mixte",
    "5443": "SARL coopérative de construction",
    "5451": "SARL coopérative de consommation",
    "5458": "SARL coopérative ouvrière de production (SCOP)",
    "5460": "Autre SARL coopérative",
    "5485": "Société d'exercice libéral à responsabilité limitée (SELARL)",
    "5498": "SARL unipersonnelle (EURL)",
    "5499": "Société à responsabilité limitée (SARL)",
    "5505": "SA à participation ouvrière à conseil d'administration",
    "5510": "SA nationale à conseil d'administration",
    "5515": "SA d'économie mixte à conseil d'administration",
    "5599": "SA à conseil d'administration",
    "5699": "SA à directoire",
    "5710": "Société par actions simplifiée (SAS)",
    "5720": "Société par actions simplifiée unipersonnelle (SASU)",
    "5785": "Société d'exercice libéral par actions simplifiée (SELAS)",
    "6540": "Société civile immobilière (SCI)",
    "6589": "Société civile de moyens",
    "9220": "Association déclarée",
    "9221": "Association déclarée d'insertion par l'économique",
}


def legal_form_label(code: str | None) -> str:
    """« Société par actions simplifiée (SAS) » for "5710"; the code itself when it is not in the list."""
    if not code:
        return "non renseignée"
    return LEGAL_FORMS.get(code, f"catégorie juridique {code}")
