"""BOAMP DILA XML (schema Boamp_v230, root ``ANNONCE`` without namespace) → Notice. Pure: stdlib and lxml.

Calls for competition (``NATURE/APPEL_OFFRE``, any sub-kind, statut ``INITIAL``) become a Notice; attribution,
rectificatif and every other kind are Skipped. ``subtype`` = famille + nature/sub-kind (``"JOUE
APPEL_OFFRE/STANDARD"``, ``"MAPA APPEL_OFFRE"``): the famille (JOUE above EU thresholds, FNS national, MAPA
adapted procedure) says as much as the kind. ``version`` is the STATUT, ``publication_number`` the IDWEB.
``procedure_type`` uses eForms BT-105 codes, plus ``"adapted"`` for the French procédure adaptée (MAPA), which has
none. Lots, criteria and text cleaning: ``boamp_lots``."""

from __future__ import annotations

import re
from datetime import date, datetime

from app.tenders.parsing.boamp_lots import Element, find, first_child, read_lots, text_of, to_int
from app.tenders.parsing.model import Buyer, Deadline, Notice, NoticeFormat, NoticeParseError, Skipped
from app.tenders.parsing.nuts import current_nuts
from app.tenders.parsing.xml import local_name

_NATURES = {"TRAVAUX": "works", "FOURNITURES": "supplies", "SERVICES": "services", "SERVICE": "services"}
_PROCEDURES = {
    "OUVERT": "open",
    "RESTREINT": "restricted",
    "PROCEDURE_ADAPTE": "adapted",
    "PROCEDURE_ADAPTEE": "adapted",
    "DIALOGUE_COMPETITIF": "comp-dial",
    "PARTENARIAT_INNOVATION": "innovation",
}
_SKIPPED = {  # natures, and statuts of a call
    "ATTRIBUTION": "avis d'attribution",
    "RECTIFICATIF": "avis rectificatif",
    "ANNULATION": "avis d'annulation",
    "PRE_INFORMATION": "avis de préinformation",
}
_TITLE_LENGTH = 200


def parse_boamp(root: Element) -> Notice | Skipped:
    """One BOAMP v230 ``ANNONCE``: a Notice for a call for competition, Skipped for anything else."""
    if not isinstance(root.tag, str) or local_name(root) != "ANNONCE":
        raise NoticeParseError("avis BOAMP attendu : l'élément racine doit être ANNONCE", line=root.sourceline)
    notice_id = text_of(root, "GESTION/REFERENCE/IDWEB")
    if notice_id is None:
        raise NoticeParseError("avis BOAMP sans identifiant (GESTION/REFERENCE/IDWEB manquant)", line=root.sourceline)
    famille, nature, sub_kind, statut = _kind(find(root, "GESTION/REFERENCE/TYPE_AVIS"))
    if (reason := _skip_reason(nature, statut)) is not None:
        return Skipped(reason=reason, notice_id=notice_id, format=NoticeFormat.BOAMP)
    data = find(root, "DONNEES")
    title, description = _title(root, data), text_of(data, "OBJET/OBJET_COMPLET") or ""
    return Notice(
        notice_id=notice_id,
        version=statut,
        format=NoticeFormat.BOAMP,
        subtype=" ".join(part for part in (famille, "/".join(filter(None, (nature, sub_kind)))) if part),
        language="FRA",
        buyer=_buyer(find(data, "IDENTITE")),
        title=title,
        description=description,
        procedure_type=_procedure_type(first_child(data, "PROCEDURE/TYPE_PROCEDURE")),
        nature=_NATURES.get(first_child(data, "OBJET/TYPE_MARCHE") or ""),
        deadline=_deadline(data, root),
        max_lots_awarded=to_int(text_of(data, "OBJET/NB_LOT_ATTRIB_MAX")),
        groupement_legal_form=text_of(data, "CONDITION_RELATIVE_MARCHE/FORME_JURIDIQUE"),
        publication_number=notice_id,
        lots=read_lots(data, title, description),
    )


def _kind(type_avis: Element) -> tuple[str | None, str | None, str | None, str | None]:
    """(famille, nature, sub-kind, statut) of ``GESTION/REFERENCE/TYPE_AVIS``."""
    nature = first_child(type_avis, "NATURE")
    sub_kind = first_child(type_avis, f"NATURE/{nature}") if nature else None
    return first_child(type_avis, "FAMILLE"), nature, sub_kind, first_child(type_avis, "STATUT")


def _skip_reason(nature: str | None, statut: str | None) -> str | None:
    if nature is None:
        return "avis BOAMP de nature inconnue"
    if nature != "APPEL_OFFRE":
        return _SKIPPED.get(nature, f"avis BOAMP de nature {nature} non pris en charge")
    if statut is not None and statut != "INITIAL":
        return _SKIPPED.get(statut, f"avis BOAMP au statut {statut} non pris en charge")
    return None


def _title(root: Element, data: Element) -> str:
    title = text_of(data, "OBJET/TITRE_MARCHE") or text_of(root, "GESTION/INDEXATION/RESUME_OBJET")
    text = title or text_of(data, "OBJET/OBJET_COMPLET") or ""
    return text if len(text) <= _TITLE_LENGTH else text[:_TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


def _buyer(identity: Element) -> Buyer:
    identifier = text_of(identity, "CODE_IDENT_NATIONAL")
    return Buyer(
        name=text_of(identity, "DENOMINATION") or "",
        identifier=re.sub(r"\s", "", identifier) if identifier else None,
        address=text_of(identity, "ADRESSE"),
        city=text_of(identity, "VILLE"),
        postcode=text_of(identity, "CP"),
        nuts=current_nuts(text_of(identity, "ADJUDICATEUR_NUTS") or text_of(identity, "CODE_NUTS")),
        country="FRA",
    )


def _procedure_type(code: str | None) -> str | None:
    if code is not None and "NEGOCI" in code:
        return "neg-wo-call" if "SANS" in code else "neg-w-call"
    return _PROCEDURES.get(code or "")


def _deadline(data: Element, root: Element) -> Deadline | None:
    """Receipt of tenders (``RECEPT_OFFRES``), else the indexed answer date; the zone offset is kept."""
    for value in (
        text_of(data, "CONDITION_DELAI/RECEPT_OFFRES"),
        text_of(root, "GESTION/INDEXATION/DATE_LIMITE_REPONSE"),
    ):
        try:
            if value and "T" in value:
                moment = datetime.fromisoformat(value)
                return Deadline(day=moment.date(), at=moment.timetz())
            if value:
                return Deadline(day=date.fromisoformat(value[:10]))
        except ValueError:
            continue
    return None
