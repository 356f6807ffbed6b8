"""What a lot requires of the companies that perform it: its CPV codes and the certifications its selection texts
name (Qualibat 1552, RGE, ISO 9001, MASE…). Pure: standard library only.

Certifications are recognised in French or English free text, whatever the case, accents or apostrophes, with the
codes stated next to the scheme (« qualification QUALIBAT n° 2112 ou équivalent », « Qualifelec E3 », « NF EN ISO
9001:2015 »). Every code of a list is kept (« Qualibat 1552 et 1553 »). A scheme named without a code counts only
when no code of that scheme is stated elsewhere in the same texts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.tenders.parsing.model import Lot


@dataclass(frozen=True)
class Requirement:
    kind: str  # "cpv" | "certification"
    code: str  # "45261000", or "Qualibat 1552", "RGE", "ISO 9001", "MASE"…
    label: str  # French
    source: str  # "main-cpv", "additional-cpv", "selection:technical-professional"…: where it came from


# Words that may stand between a scheme and its codes: « n° », « no », « code », « : », « ( », « - ».
_FILLER = r"(?:\s*(?:n°s?\.?|nos?\.?|numeros?|codes?|qualifications?|certifications?|mentions?|rge|[:(\-–]))*\s*"
_JOIN = r"\s*(?:,|/|\bet\b|\bou\b|\band\b|\bor\b|&)\s*"
_DIGITS4 = rf"(?P<codes>\d{{4}}(?:{_JOIN}\d{{4}})*)(?!\d)"
_QUALIFELEC_CODE = r"(?:irve(?:\s*(?:niveau\s*)?p?[1-3]\b)?|[a-z]{1,3}\d{1,2}\b)"
_ISO_CODE = r"(?:9\s?001|14\s?001|45\s?001|50\s?001)(?!\d)(?:\s*[:\-/]\s*(?:19|20)\d\d(?!\d))?"  # ISO 9001:2015
_QUALIFELEC = rf"(?P<codes>{_QUALIFELEC_CODE}(?:{_JOIN}{_QUALIFELEC_CODE})*)"

# (scheme, pattern on folded text with an optional « codes » group). Folded text: lower case, no accents, ' only.
_SCHEMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (scheme, re.compile(pattern))
    for scheme, pattern in (
        ("Qualibat", rf"\bqualibat\b(?:{_FILLER}{_DIGITS4})?"),
        ("Qualifelec", rf"\bqualifelec\b(?:{_FILLER}{_QUALIFELEC})?"),
        ("Qualit'EnR", r"\bqualit'?\s?enr\b"),
        ("QualiPV", r"\bquali\s?pv\b(?:\s*(?:module\s*)?(?P<codes>36|500|bat|elec)\b)?"),
        ("QualiPAC", r"\bquali\s?pac\b(?:\s*(?:module\s*)?(?P<codes>chauffage|cet)\b)?"),
        ("Qualisol", r"\bquali\s?sol\b(?:\s*(?:module\s*)?(?P<codes>cesi|combi)\b)?"),
        ("Qualibois", r"\bquali\s?bois\b(?:\s*(?:module\s*)?(?P<codes>air|eau)\b)?"),
        ("RGE", r"\brge\b|\breconnue?s?\s+garante?s?\s+(?:de\s+)?l'?\s?environnement"),
        ("OPQIBI", rf"\bopqibi\b(?:{_FILLER}{_DIGITS4})?"),
        ("OPQTECC", r"\bopqtecc\b"),
        ("Qualipaysage", r"\bquali\s?paysage\b"),
        ("Qualipropre", r"\bquali\s?propre\b"),
        ("Qualiopi", r"\bqualiopi\b"),
        ("ISO", rf"\biso\s*[-/]?\s*(?P<codes>{_ISO_CODE}(?:{_JOIN}(?:iso\s*)?{_ISO_CODE})*)"),
        ("ISO", r"\bohsas\s*(?P<codes>18\s?001)(?!\d)"),  # withdrawn in 2021, replaced by ISO 45001
        ("MASE", r"\bmase\b"),
        ("CEFRI", r"\bcefri\b"),
        ("AIPR", r"\baipr\b|autorisation\s+d'?\s?intervention\s+a\s+proximite\s+des\s+reseaux"),
        ("CNAPS", r"\bcnaps\b|conseil\s+national\s+des\s+activites\s+privees\s+de\s+securite"),
        ("Décennale", r"\bdecennale\b|\bdecennial\b|\bten-year\s+(?:liability|insurance)"),
    )
)
_CANONICAL_CODES = {"18001": "45001", "bat": "Bat", "elec": "Elec", "chauffage": "Chauffage", "air": "Air"}
_CANONICAL_CODES |= {"eau": "Eau", "combi": "Combi"}

_LABELS = {
    "Qualibat": ("Qualification Qualibat", ""),
    "Qualifelec": ("Qualification Qualifelec", "installations électriques"),
    "Qualit'EnR": ("Qualification Qualit'EnR", "énergies renouvelables"),
    "QualiPV": ("Qualification QualiPV", "photovoltaïque"),
    "QualiPAC": ("Qualification QualiPAC", "pompes à chaleur"),
    "Qualisol": ("Qualification Qualisol", "solaire thermique"),
    "Qualibois": ("Qualification Qualibois", "bois énergie"),
    "RGE": ("Mention RGE", "Reconnu Garant de l'Environnement"),
    "OPQIBI": ("Qualification OPQIBI", "ingénierie"),
    "OPQTECC": ("Qualification OPQTECC", "économie de la construction"),
    "Qualipaysage": ("Qualification Qualipaysage", "paysage"),
    "Qualipropre": ("Qualification Qualipropre", "propreté"),
    "Qualiopi": ("Certification Qualiopi", "formation"),
    "MASE": ("Certification MASE", "sécurité des entreprises intervenant sur sites industriels"),
    "CEFRI": ("Certification CEFRI", "radioprotection"),
    "AIPR": ("Autorisation AIPR", "intervention à proximité des réseaux"),
    "CNAPS": ("Autorisation CNAPS", "activités privées de sécurité"),
    "Décennale": ("Assurance de responsabilité décennale", ""),
}
_CODE_LABELS = {
    ("Qualibat", "1552"): "traitement de l'amiante, désamiantage",
    ("ISO", "9001"): "management de la qualité",
    ("ISO", "14001"): "management environnemental",
    ("ISO", "45001"): "santé et sécurité au travail",
    ("ISO", "50001"): "management de l'énergie",
}


def certifications_in(text: str | None) -> tuple[tuple[str, str], ...]:
    """(scheme, code) pairs named in a free text, in order of appearance, without duplicates; code is "" when the
    text names the scheme alone: ("Qualibat", "1552"), ("RGE", ""), ("ISO", "9001"), ("Décennale", "")."""
    if not text:
        return ()
    folded = _fold(text)
    found: list[tuple[int, str, str]] = []
    for scheme, pattern in _SCHEMES:
        for match in pattern.finditer(folded):
            codes = match.groupdict().get("codes")
            for code in _split_codes(codes) if codes else [""]:
                found.append((match.start(), scheme, code))
    found.sort(key=lambda item: item[0])
    return _without_bare_schemes(tuple(dict.fromkeys((scheme, code) for _, scheme, code in found)))


def certification_code(scheme: str, code: str) -> str:
    """The requirement code of a certification: "Qualibat 1552", "ISO 9001", "RGE"."""
    return f"{scheme} {code}" if code else scheme


def certification_label(scheme: str, code: str) -> str:
    """A French label: « Qualification Qualibat 1552 (traitement de l'amiante, désamiantage) », « Mention RGE
    (Reconnu Garant de l'Environnement) », « Certification ISO 9001 (management de la qualité) »."""
    name, domain = _LABELS.get(scheme, (f"Certification {scheme}", ""))
    domain = _CODE_LABELS.get((scheme, code), domain)
    title = f"{name} {code}" if code else name
    return f"{title} ({domain})" if domain else title


def required_competences(lot: Lot) -> tuple[Requirement, ...]:
    """The lot's main CPV, its additional CPVs, then the certifications its selection criteria name, each once (the
    first source wins). A certification scheme named without a code is dropped when a criterion states a code of
    it."""
    found: list[Requirement] = []
    if lot.main_cpv:
        found.append(Requirement("cpv", lot.main_cpv.strip(), f"Code CPV principal {lot.main_cpv.strip()}", "main-cpv"))
    for cpv in lot.additional_cpv:
        found.append(Requirement("cpv", cpv.strip(), f"Code CPV complémentaire {cpv.strip()}", "additional-cpv"))
    pairs: list[tuple[str, str, str]] = []
    for criterion in lot.selection_criteria:
        pairs.extend(
            (scheme, code, f"selection:{criterion.type}") for scheme, code in certifications_in(criterion.text)
        )
    kept = set(_without_bare_schemes(tuple((scheme, code) for scheme, code, _ in pairs)))
    for scheme, code, source in pairs:
        if (scheme, code) in kept:
            found.append(
                Requirement(
                    "certification", certification_code(scheme, code), certification_label(scheme, code), source
                )
            )
    return tuple(_first_of_each(found))


def _fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes made plain, « º » read as « o »."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("ʼ", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _split_codes(codes: str) -> list[str]:
    """« 1552 et 1553 » → ["1552", "1553"]; « irve niveau p2 » → ["IRVE P2"]; « e3 » → ["E3"]."""
    found = []
    for raw in re.split(_JOIN, codes):
        compact = re.sub(r"^iso|[:\-/].*$", "", re.sub(r"\s+", "", raw))
        if compact.startswith("irve"):
            level = re.search(r"[1-3]$", compact)
            found.append(f"IRVE P{level.group()}" if level else "IRVE")
        else:
            found.append(_CANONICAL_CODES.get(compact, compact.upper()))
    return found


def _without_bare_schemes(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Drops (scheme, "") when a (scheme, code) is also present."""
    with_code = {scheme for scheme, code in pairs if code}
    return tuple((scheme, code) for scheme, code in pairs if code or scheme not in with_code)


def _first_of_each(requirements: list[Requirement]) -> list[Requirement]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for requirement in requirements:
        if (requirement.kind, requirement.code) not in seen:
            seen.add((requirement.kind, requirement.code))
            unique.append(requirement)
    return unique
