"""One DECP record — a JSON object, or the dictionary an XML record becomes — read into a ``Contract``, or a
``Rejected`` when it cannot be identified at all. Both formats: 2019 (``titulaires[{typeIdentifiant, id,
denominationSociale}]``, ``acheteur{id, nom}``) and 2022 (``titulaires[{"titulaire": {…}}]``, the buyer's id only,
``typeGroupementOperateurs``, ``offresRecues``, ``actesSousTraitance``); concessions (``autoriteConcedante``,
``concessionnaires``, ``valeurGlobale``, ``dateSignature``) in both. Never raises on a value: each one left out is
in ``warnings`` with its French reason. Pure."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal

from app.awards.model import Contract, Holder, Modification, Rejected, Role, Source, Subcontract
from app.awards.parsing.decp_values import (
    MONTHS,
    amount,
    cpv,
    day,
    groupement,
    identifier,
    integer,
    place,
    shown,
    text,
)


def read_record(raw: object, position: int, kind: str | None = None) -> Contract | Rejected:
    """The contract record ``raw`` at ``position`` (1-based) says. ``kind`` is the XML element's word when known
    (``"marche"``, ``"contrat-concession"``); else the record's own fields tell a concession."""
    if not isinstance(raw, dict):
        return Rejected(position, None, f"l'enregistrement n'est pas un objet mais {_what(raw)}")
    notes: list[str] = []
    concession = _is_concession(raw, kind)
    buyer = _first_dict(raw, "autoriteConcedante", "acheteur") if concession else _first_dict(raw, "acheteur")
    buyer_id = _compact(text(buyer.get("id")))
    number = _compact(text(raw.get("id")))
    uid = text(raw.get("uid"))
    if number and not number.strip("0"):
        notes.append(f"identifiant du marché « {number} » factice (que des zéros)")
        number = None
    source_id = _source_id(raw, uid, buyer_id, number, notes)
    if source_id is None:
        return Rejected(
            position, None, "ni identifiant du marché ni acheteur : l'enregistrement ne peut être identifié"
        )
    value_key = "valeurGlobale" if concession and _given(raw.get("valeurGlobale")) else "montant"
    date_key = "dateSignature" if concession and _given(raw.get("dateSignature")) else "dateNotification"
    holder_key = "concessionnaires" if concession else "titulaires"
    nature = text(raw.get("nature"))
    return Contract(
        source=Source.DECP,
        source_id=source_id,
        buyer_name=text(buyer.get("nom")),
        object=text(raw.get("objet")) or "",
        buyer_id=buyer_id,
        cpv=cpv(raw.get("codeCPV"), notes),
        nature=nature,
        procedure=text(raw.get("procedure")),
        place_code=place(_first_dict(raw, "lieuExecution").get("code"), notes),
        award_date=day(raw.get(date_key), "date", notes),
        start_date=day(raw.get("dateDebutExecution"), "date de début d'exécution", notes),
        duration_months=integer(raw.get("dureeMois"), "durée (mois)", notes, MONTHS),
        amount_eur=amount(raw.get(value_key), "montant", notes),
        amount_is_estimate=concession or _is_framework(nature, raw.get("techniques")),
        groupement=groupement(raw.get("typeGroupementOperateurs"), notes),
        holders=_holders(_items(raw.get(holder_key) or raw.get("titulaires"), "titulaires", notes), "", notes),
        subcontracts=_subcontracts(raw.get("actesSousTraitance"), notes),
        tenders_received=integer(raw.get("offresRecues"), "offres reçues", notes),
        modifications=_modifications(raw.get("modifications"), notes),
        kind="concession" if concession else "marche",
        warnings=tuple(notes),
    )


def _given(value: object) -> bool:
    return value is not None and value != ""


def _what(raw: object) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "un booléen"
    if isinstance(raw, int | float | Decimal):
        return f"le nombre {shown(raw)}"
    return "une liste" if isinstance(raw, list) else f"« {shown(raw)} »"


def _compact(value: str | None) -> str | None:
    return "".join(value.split()) or None if value else None


def _is_concession(raw: dict, kind: str | None) -> bool:
    if kind is not None:
        return kind == "contrat-concession"
    stated = raw.get("_type")
    if isinstance(stated, str) and stated.strip():
        return "concession" in stated.lower()
    return "acheteur" not in raw and ("autoriteConcedante" in raw or "concessionnaires" in raw)


def _is_framework(nature: str | None, techniques: object) -> bool:
    """An accord-cadre's amount is its maximum (or estimate), not a price."""
    if nature and "accord" in nature.lower():
        return True
    listed = techniques.get("technique") if isinstance(techniques, dict) else techniques
    listed = [listed] if isinstance(listed, str) else listed
    return isinstance(listed, list) and any(isinstance(t, str) and "accord" in t.lower() for t in listed)


def _first_dict(raw: dict, *keys: str) -> dict:
    for key in keys:
        if isinstance(value := raw.get(key), dict):
            return value
    return {}


def _source_id(raw: dict, uid: str | None, buyer_id: str | None, number: str | None, notes: list[str]) -> str | None:
    """The ``uid`` when given, else « <buyer id>/<id> »; when one of them is missing, the two with a fingerprint of
    the record (the same record published twice keeps one id, two different ones never share it)."""
    if uid:
        return uid
    if buyer_id and number:
        return f"{buyer_id}/{number}"
    if not buyer_id and not number:
        return None
    print_ = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    missing = "de l'acheteur" if number else "du marché"
    notes.append(f"identifiant {missing} absent : identifiant calculé à partir du contenu de l'enregistrement")
    return f"{buyer_id or '?'}/{number or '?'}#{print_[:16]}"


def _items(value: object, label: str, notes: list[str]) -> list:
    """A list as either format writes it: ``[…]``, ``[{"titulaire": {…}}]``, ``{"titulaire": […]}``, one object."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, dict):
        inner = next(iter(value.values())) if len(value) == 1 else None
        value = inner if isinstance(inner, list) else [inner if isinstance(inner, dict) else value]
    if not isinstance(value, list):
        notes.append(f"{label} : « {shown(value)} » n'est pas une liste")
        return []
    return [_unwrapped(item) for item in value]


def _unwrapped(item: object) -> object:
    """``{"titulaire": {…}}`` → ``{…}`` (2022 JSON wraps each item in an object named after it)."""
    if isinstance(item, dict) and len(item) == 1:
        inner = next(iter(item.values()))
        if isinstance(inner, dict):
            return inner
    return item


def _holders(items: list, where: str, notes: list[str]) -> tuple[Holder, ...]:
    """The holders: SOLE when one; else the first as MANDATAIRE, assumed (DECP names none), the others COTRAITANT.
    A holder listed twice is kept once."""
    found: dict[tuple, Holder] = {}
    for index, item in enumerate(items, 1):
        label = f"{where}titulaire {index}"
        if not isinstance(item, dict):
            notes.append(f"{label} : « {shown(item)} » n'est pas un titulaire")
            continue
        own: list[str] = []
        ident, kind = identifier(item.get("id"), item.get("typeIdentifiant"), label, own)
        name = text(item.get("denominationSociale"))
        key = (ident, kind) if ident else (None, name)
        if ident is None and name is None:
            notes.append(f"{label} : ni identifiant ni nom, ignoré")
        elif key in found:
            notes.append(f"{label} : répété, compté une fois")
        else:
            notes.extend(own)
            found[key] = Holder(name=name, id=ident, id_type=kind)
    holders = list(found.values())
    if len(holders) < 2:
        return tuple(holders)
    return tuple(
        replace(holder, role=Role.COTRAITANT) if index else replace(holder, role=Role.MANDATAIRE, leader_assumed=True)
        for index, holder in enumerate(holders)
    )


def _subcontracts(value: object, notes: list[str]) -> tuple[Subcontract, ...]:
    out = []
    for index, item in enumerate(_items(value, "actes de sous-traitance", notes), 1):
        label = f"sous-traitance {index}"
        if not isinstance(item, dict):
            notes.append(f"{label} : « {shown(item)} » n'est pas un acte de sous-traitance")
            continue
        party = _first_dict(item, "sousTraitant")
        ident, kind = identifier(party.get("id"), party.get("typeIdentifiant"), label, notes)
        out.append(
            Subcontract(
                name=text(party.get("denominationSociale")),
                id=ident,
                id_type=kind,
                amount_eur=amount(item.get("montant"), f"{label}, montant", notes),
                date=day(item.get("dateNotification"), f"{label}, date", notes),
            )
        )
    return tuple(out)


def _modifications(value: object, notes: list[str]) -> tuple[Modification, ...]:
    """Each modification from its date (notification, else signature, else publication): a new amount
    (``montant`` or ``valeurGlobale``), duration or set of holders; None where it changes nothing."""
    out = []
    for index, item in enumerate(_items(value, "modifications", notes), 1):
        label = f"modification {index}"
        if not isinstance(item, dict):
            notes.append(f"{label} : « {shown(item)} » n'est pas une modification")
            continue
        when = next(
            (
                item[key]
                for key in (
                    "dateNotificationModification",
                    "dateSignatureModification",
                    "datePublicationDonneesModification",
                )
                if _given(item.get(key))
            ),
            None,
        )
        value_key = "montant" if _given(item.get("montant")) else "valeurGlobale"
        holders = _items(item.get("titulaires") or item.get("concessionnaires"), f"{label}, titulaires", notes)
        out.append(
            Modification(
                date=day(when, f"{label}, date", notes),
                amount_eur=amount(item.get(value_key), f"{label}, montant", notes),
                duration_months=integer(item.get("dureeMois"), f"{label}, durée (mois)", notes, MONTHS),
                holders=_holders(holders, f"{label}, ", notes) or None,
                object=text(item.get("objetModification")),
            )
        )
    return tuple(out)
