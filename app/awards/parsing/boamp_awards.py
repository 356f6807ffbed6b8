"""BOAMP attributions (DILA XML, schema Boamp_v230, root ``ANNONCE``) → ``AwardNotice``; every other BOAMP notice →
``Skipped``. Pure: lxml and the pure parsing modules.

Each ``DONNEES/ATTRIBUTION/DECISION`` is one lot (``NUM_LOT``; none: the notice's only lot). A decision
``INFRUCTUEUX`` or ``SANS_SUITE`` is a lot not awarded — so is a decision naming no holder when the whole
attribution is ``SANS_SUITE`` or ``TOTALEMENT_INFRUCTUEUX``. A decision lists ``TITULAIRE`` / ``RENSEIGNEMENT``
pairs: each holder with its information is one contract (a framework with several holders). The holder's
``DENOMINATION`` is read for a groupement (``holder_text``); ``CODE_IDENT_NATIONAL``, ``CP``, ``VILLE`` and
``PME_OUI`` / ``PME_NON`` belong to its first member, the mandataire. ``RENSEIGNEMENT/GROUPEMENT_ECONOMIQUE``
says a group won even when the text names one firm. Amount: ``MONTANT``, else ``MONTANT_MAXI`` or
``OFFRE_ELEVEE`` (estimates), else the attribution's ``VALEUR_TOTALE`` when the notice awards one contract.
``notice_refs``: the IDWEB of the earlier notices (``GESTION/MARCHE/ANNONCE_ANTERIEUR``) and their OJ S number."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from app.awards.model import AwardNotice, Contract, GroupementForm, Holder, Role, Source
from app.awards.parsing.holder_text import Member, read_holder_text
from app.awards.parsing.values import amount, count, day, dedupe, identifier, join_object, text, unique_ids
from app.tenders.parsing.boamp_lots import EMPTY, Element, find, first_child, text_of
from app.tenders.parsing.model import NoticeFormat, NoticeParseError, Skipped
from app.tenders.parsing.nuts import current_nuts
from app.tenders.parsing.xml import local_name

_NATURES = {"TRAVAUX": "works", "FOURNITURES": "supplies", "SERVICES": "services", "SERVICE": "services"}
_PROCEDURES = {
    "OUVERT": "open",
    "RESTREINT": "restricted",
    "PROCEDURE_ADAPTE": "adapted",
    "PROCEDURE_ADAPTEE": "adapted",
}
_NOT_AWARDED = frozenset({"INFRUCTUEUX", "SANS_SUITE"})
_NOTHING_AWARDED = frozenset({"TOTALEMENT_INFRUCTUEUX", "SANS_SUITE"})
_SKIPPED = {
    "APPEL_OFFRE": "avis de marché, pas un avis d'attribution",
    "RECTIFICATIF": "avis rectificatif, pas un avis d'attribution",
    "ANNULATION": "avis d'annulation, pas un avis d'attribution",
    "PRE_INFORMATION": "avis de préinformation, pas un avis d'attribution",
}
_RECORDS = ("MONTANT", "MONTANT_MAXI", "OFFRE_ELEVEE")


def parse_boamp_award(root: Element) -> AwardNotice | Skipped:
    """The contracts of a BOAMP attribution; Skipped (French reason) for any other notice; NoticeParseError
    without ``ANNONCE`` root or IDWEB."""
    if not isinstance(root.tag, str) or local_name(root) != "ANNONCE":
        raise NoticeParseError("avis BOAMP attendu : l'élément racine doit être ANNONCE", line=root.sourceline)
    notice_id = text_of(root, "GESTION/REFERENCE/IDWEB")
    if notice_id is None:
        raise NoticeParseError("avis BOAMP sans identifiant (GESTION/REFERENCE/IDWEB manquant)", line=root.sourceline)
    kind = find(root, "GESTION/REFERENCE/TYPE_AVIS")
    nature, statut = first_child(kind, "NATURE"), first_child(kind, "STATUT")
    if nature != "ATTRIBUTION" or statut not in (None, "INITIAL"):
        reason = _SKIPPED.get(nature or "") if nature != "ATTRIBUTION" else _SKIPPED.get(statut or "")
        fallback = f"avis BOAMP de nature {nature or 'inconnue'} au statut {statut or 'inconnu'}, pas une attribution"
        return Skipped(reason=reason or fallback, notice_id=notice_id, format=NoticeFormat.BOAMP)
    data = find(root, "DONNEES")
    attribution = find(data, "ATTRIBUTION")
    overall = first_child(attribution, ".")
    common = _common(root, data, kind)
    decisions = [(decision, _pairs(decision)) for decision in attribution.findall("DECISION")]
    awarding = [
        (position, decision, pairs or [(None, decision.find("RENSEIGNEMENT"))])
        for position, (decision, pairs) in enumerate(decisions, start=1)
        if pairs or not (_status(decision) in _NOT_AWARDED or overall in _NOTHING_AWARDED)
    ]
    single = len(awarding) == 1 and len(awarding[0][2]) == 1  # the notice's total is then this contract's amount
    contracts = [
        _contract(notice_id, _key(decision, position), decision, titulaire, record, attribution, data, common, single)
        for position, decision, pairs in awarding
        for titulaire, record in pairs
    ]
    awarded = {position for position, _, _ in awarding}
    not_awarded = [_key(d, position) for position, (d, _) in enumerate(decisions, start=1) if position not in awarded]
    if not decisions and overall in _NOTHING_AWARDED:
        not_awarded += [text_of(lot, "NUM") or "1" for lot in data.findall("OBJET/LOTS/LOT")] or ["1"]
    warnings: list[str] = []
    return AwardNotice(
        source=Source.BOAMP,
        notice_id=notice_id,
        contracts=unique_ids(contracts),
        publication_date=day(text_of(root, "GESTION/INDEXATION/DATE_PUBLICATION"), "Date de publication", warnings),
        lots_not_awarded=dedupe(not_awarded),
        warnings=(*warnings, *(["Procédure déclarée sans suite"] if overall == "SANS_SUITE" else [])),
    )


def _key(decision: Element, position: int) -> str:
    return text_of(decision, "NUM_LOT") or str(position)


def _status(decision: Element) -> str | None:
    """ATTRIBUE, INFRUCTUEUX or SANS_SUITE: what the decision says of its lot."""
    tags = (child.tag for child in decision if isinstance(child.tag, str))
    return next((tag for tag in tags if tag in _NOT_AWARDED or tag == "ATTRIBUE"), None)


def _pairs(decision: Element) -> list[tuple[Element | None, Element | None]]:
    """(TITULAIRE, its RENSEIGNEMENT) in order; a RENSEIGNEMENT before any holder goes with the first one."""
    pairs: list[list[Element | None]] = []
    pending: Element | None = None
    for child in decision:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "TITULAIRE":
            pairs.append([child, None])
        elif child.tag == "RENSEIGNEMENT":
            if pairs and pairs[-1][1] is None:
                pairs[-1][1] = child
            elif not pairs:
                pending = child
    if pairs and pending is not None and pairs[0][1] is None:
        pairs[0][1] = pending
    return [(titulaire, record) for titulaire, record in pairs]


def _common(root: Element, data: Element, kind: Element) -> dict[str, object]:
    identity = find(data, "IDENTITE")
    refs: list[str | None] = []
    for earlier in root.findall("GESTION/MARCHE/ANNONCE_ANTERIEUR"):
        refs.append(text_of(earlier, "REFERENCE/IDWEB"))
        for joue in earlier.findall("REFERENCE_PUBLICATION/PUBLICATION_JOUE"):
            refs.append(_oj_number(text_of(joue, "ANNEE"), text_of(joue, "NUM_PARUTION"), text_of(joue, "NUM_ANNONCE")))
    concession = first_child(kind, "FAMILLE") == "DSP" or first_child(kind, "PERIMETRE") in ("DSP", "DIRECTIVE-23")
    return {
        "buyer_name": text_of(identity, "DENOMINATION"),
        "buyer_id": identifier(text_of(identity, "CODE_IDENT_NATIONAL"))[0],
        "buyer_postcode": text_of(identity, "CP"),
        "buyer_town": text_of(identity, "VILLE"),
        "notice_refs": dedupe(refs),
        "nature": _NATURES.get(first_child(data, "OBJET/TYPE_MARCHE") or ""),
        "procedure": _procedure(first_child(data, "PROCEDURE/TYPE_PROCEDURE")),
        "kind": "concession" if concession else "marche",
    }


def _oj_number(year: str | None, issue: str | None, number: str | None) -> str | None:
    """« 2016/S 140-252708 », the OJ S number TED gives the same notice."""
    if not (year and issue and number and year.isdigit() and issue.isdigit() and number.isdigit()):
        return None
    return f"{year}/S {int(issue):03d}-{int(number):06d}" if len(issue) <= 3 and len(number) <= 6 else None


def _procedure(code: str | None) -> str | None:
    if code is not None and "NEGOCI" in code:
        return "neg-wo-call" if "SANS" in code else "neg-w-call"
    return _PROCEDURES.get(code or "")


def _contract(
    notice_id: str,
    key: str,
    decision: Element,
    titulaire: Element | None,
    record: Element | None,
    attribution: Element,
    data: Element,
    common: dict[str, object],
    single: bool,
) -> Contract:
    warnings: list[str] = []
    name = f"du lot {key[:50]}"
    record = EMPTY if record is None else record
    lot_id = text_of(decision, "NUM_LOT")
    lot = next((item for item in data.findall("OBJET/LOTS/LOT") if text_of(item, "NUM") == lot_id), EMPTY)
    holders, form = _holders(titulaire, grouped=record.find("GROUPEMENT_ECONOMIQUE") is not None)
    if not holders:
        warnings.append(f"Titulaire {name} non publié dans l'avis")
    value, estimate = _value(record, attribution if single else EMPTY, name, warnings)
    title = text_of(data, "OBJET/TITRE_MARCHE") or text_of(data, "OBJET/OBJET_COMPLET")
    raw_date = text_of(record, "DATE_ATTRIBUTION") or text_of(attribution, "DATE_DECISION")
    return Contract(
        source=Source.BOAMP,
        source_id=f"{notice_id}/{key}",
        object=join_object(title, text_of(decision, "INTITULE") or text_of(lot, "INTITULE")),
        lot_id=lot_id,
        cpv=_cpv(text_of(lot, "CPV/PRINCIPAL")) or _cpv(text_of(data, "OBJET/CPV/PRINCIPAL")),
        place_code=current_nuts(text_of(lot, "CODE_NUTS") or text_of(data, "OBJET/LIEU_EXEC_LIVR/CODE_NUTS")),
        award_date=day(raw_date, f"Date d'attribution {name}", warnings),
        duration_months=_months(record),
        amount_eur=value,
        amount_is_estimate=estimate,
        groupement=form,
        holders=holders,
        tenders_received=count(text_of(record, "NB_OFFRE_RECU"), f"Nombre d'offres {name}", warnings),
        sme_tenders_received=count(text_of(record, "NB_OFFRE_RECU_PME"), f"Nombre d'offres de PME {name}", warnings),
        warnings=tuple(dict.fromkeys(warnings)),
        **common,  # type: ignore[arg-type]
    )


def _holders(titulaire: Element | None, *, grouped: bool) -> tuple[tuple[Holder, ...], GroupementForm | None]:
    """The members the holder's text names; the register fields go to the first one (the mandataire)."""
    if titulaire is None:
        return (), None
    members, form = read_holder_text(text_of(titulaire, "DENOMINATION") or "")
    number, kind = identifier(text_of(titulaire, "CODE_IDENT_NATIONAL"))
    if not members:
        members = (Member("", Role.SOLE),) if number else ()
    if grouped and len(members) == 1 and members[0].role is Role.SOLE:
        members = (Member(members[0].name, Role.MANDATAIRE, leader_assumed=True),)
    sme = True if titulaire.find("PME_OUI") is not None else False if titulaire.find("PME_NON") is not None else None
    holders = [Holder(name=text(m.name), role=m.role, leader_assumed=m.leader_assumed) for m in members]
    if holders:
        holders[0] = replace(
            holders[0],
            id=number,
            id_type=kind,
            postcode=text_of(titulaire, "CP"),
            town=text_of(titulaire, "VILLE"),
            country=text_of(titulaire, "PAYS"),
            sme=sme,
        )
    return tuple(holders), form


def _value(record: Element, attribution: Element, name: str, warnings: list[str]) -> tuple[Decimal | None, bool]:
    for tag in _RECORDS:
        element = record.find(tag)
        if element is not None:
            label = f"Montant {name}" if tag == "MONTANT" else f"Montant maximum {name}"
            value = amount(text_of(record, tag), element.get("DEVISE"), label, warnings)
            return value, value is not None and tag != "MONTANT"
    total = attribution.find("VALEUR_TOTALE")
    if total is not None:
        return amount(text_of(attribution, "VALEUR_TOTALE"), total.get("DEVISE"), f"Montant {name}", warnings), False
    return None, False


def _months(record: Element) -> int | None:
    years, months = text_of(record, "NB_ANNEE"), text_of(record, "NB_MOIS")
    if not any((years, months)) or not all(v is None or (v.isdigit() and len(v) <= 4) for v in (years, months)):
        return None
    return int(years or 0) * 12 + int(months or 0)


def _cpv(code: str | None) -> str | None:
    value = (code or "").split("-")[0].strip()
    return value if len(value) == 8 and value.isascii() and value.isdigit() else None
