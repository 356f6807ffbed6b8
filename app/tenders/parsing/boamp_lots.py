"""BOAMP v230 lots (``DONNEES/OBJET/LOTS/LOT``, else the procedure-level ``OBJET``), their award and selection
criteria, and the element helpers shared with ``boamp.py``. Pure: standard library and lxml only.

* A notice not divided into lots is lot ``"1"`` (its single ``LOT``, else ``OBJET``). Lots take the procedure's
  CPV, place, duration and award criteria when they state none, and its value when there is a single lot.
* Selection texts naming lots (« Pour le lot n° 2 : … ») give each lot the common opening plus its own parts,
  minimum turnover included (``lot_texts.lot_parts``); texts naming no lot apply to every lot.
* Texts are kept as published but for two repairs: C1 control characters, which are cp1252 bytes read as
  Latin-1 (« l\\x92entité » → « l’entité », « d'\\x9cuvre » → « d'œuvre »), and whitespace runs, collapsed.
* ``MARCHE_RESERVE_OUI`` → ``"res-ws"``; ``PRESTATION_RESERVEE_OUI`` → ``"particular-profession"`` plus a
  suitability criterion naming the profession. Missing or unreadable data → None or empty, never an exception."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from app.tenders.parsing.lot_texts import lot_parts
from app.tenders.parsing.model import AwardCriterion, Lot, Money, SelectionCriterion
from app.tenders.parsing.model import SelectionType as Sel
from app.tenders.parsing.nuts import current_nuts
from app.tenders.parsing.texts import min_turnover_eur
from app.tenders.parsing.xml import local_name

Element = etree._Element
EMPTY = etree.Element("EMPTY")  # stands for a missing section: every lookup in it finds nothing

_SELECTION = {
    "SITUATION_JURIDIQUE": Sel.SUITABILITY,
    "CAP_ECO": Sel.ECONOMIC_FINANCIAL,
    "CAP_ECO_NIVEAU_MINI": Sel.ECONOMIC_FINANCIAL,
    "CAP_TECH": Sel.TECHNICAL_PROFESSIONAL,
    "CAP_TECH_NIVEAU_MINI": Sel.TECHNICAL_PROFESSIONAL,
    "CRITERE_SELECTION": Sel.OTHER,
}
_CPV = re.compile(r"(\d{8})(?:-\d)?")
# BOAMP texts carry cp1252 bytes read as Latin-1: C1 controls standing for ’ (0x92), œ (0x9C), € (0x80)…
_CP1252 = {
    code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def find(parent: Element, path: str) -> Element:
    found = parent.find(path)
    return EMPTY if found is None else found


def clean(element: Element | None) -> str | None:
    """The element's text, C1 controls read as cp1252 and whitespace runs collapsed; None when absent or blank."""
    text = " ".join(" ".join(element.itertext()).translate(_CP1252).split()) if element is not None else ""
    return text or None


def text_of(parent: Element, path: str) -> str | None:
    return clean(parent.find(path))


def first_child(parent: Element, path: str) -> str | None:
    """The tag of the first child element under ``path`` (BOAMP codes a choice as ``<OUVERT/>``)."""
    return next((local_name(child) for child in find(parent, path) if isinstance(child.tag, str)), None)


def to_int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdecimal() and len(text) <= 9 else None


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal(re.sub(r"[\s\u00a0\u202f%]", "", text).replace(",", ".")) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _money(element: Element | None) -> Money | None:
    amount = _decimal(clean(element))
    if element is None or amount is None or amount < 0:  # 0 is a value: app.bounds allows it
        return None
    return Money(amount=amount, currency=(element.get("DEVISE") or "EUR").strip().upper())


def _cpvs(parent: Element) -> tuple[str, ...]:
    """CPV codes (8 digits), every ``CPV/PRINCIPAL`` then every ``CPV/SECONDAIRE``, without duplicates."""
    found = [(element.tag, _CPV.fullmatch(clean(element) or "")) for element in parent.iterfind("CPV/*")]
    return tuple(dict.fromkeys(m.group(1) for tag in ("PRINCIPAL", "SECONDAIRE") for t, m in found if t == tag and m))


def _nuts(parent: Element, path: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code for el in parent.iterfind(path) if (code := current_nuts(clean(el)))))


def _period(parent: Element) -> tuple[int | None, str | None, date | None, date | None]:
    """(days, duration as stated, start, end) of a lot or of ``DUREE_DELAI``; a month counts 30 days."""
    months = to_int(text_of(parent, "DUREE_MOIS"))
    days, text = (months * 30, f"{months} MONTH") if months is not None else (None, None)
    return days, text, _date(text_of(parent, "DATE_DEBUT")), _date(text_of(parent, "DATE_FIN"))


def _award(criteria: Element) -> tuple[AwardCriterion, ...]:
    found: list[AwardCriterion] = []
    for group in criteria:
        if group.tag in ("CRITERES_QUALITE", "CRITERES_COUT", "CRITERES_PONDERES"):
            for criterion in group.iterfind("CRITERE"):
                name = clean(criterion) or ""
                kind = {"CRITERES_QUALITE": "quality", "CRITERES_COUT": "cost"}.get(group.tag) or _award_type(name)
                found.append(AwardCriterion(type=kind, name=name, weight=_decimal(criterion.get("POIDS"))))
        elif group.tag == "CRITERES_PRIX":
            found.append(AwardCriterion(type="price", name="Prix", weight=_decimal(text_of(group, "POIDS"))))
        elif group.tag == "CRITERES_LIBRE" and (text := clean(group)):
            found.append(AwardCriterion(type="quality", name=text))  # free text: kept whole, unweighted
    return tuple(found)


def _award_type(name: str) -> str:
    lowered = name.lower()
    return "price" if "prix" in lowered else "cost" if "coût" in lowered or "cout" in lowered else "quality"


def read_lots(data: Element, title: str, description: str) -> tuple[Lot, ...]:
    objet = find(data, "OBJET")
    elements = list(objet.iterfind("LOTS/LOT")) or [EMPTY]  # no LOTS: the procedure-level OBJET is lot "1"
    single = len(elements) == 1
    numbers = [text_of(element, "NUM") for element in elements]
    lot_ids = [number or str(index) for index, number in enumerate(numbers, 1)]
    conditions = find(data, "CONDITION_PARTICIPATION")
    selection = _selection(conditions, lot_ids)
    cpvs, place = _cpvs(objet), find(objet, "LIEU_EXEC_LIVR")
    days, text, start, end = _period(find(objet, "DUREE_DELAI"))
    reserved = "res-ws" if conditions.find("MARCHE_RESERVE_OUI") is not None else None
    profession = conditions.find("PRESTATION_RESERVEE_OUI") is not None
    shared = Lot(  # the procedure's own data, which every lot falls back on
        lot_id="1",
        title=title if single else "",
        description=description if single else "",
        main_cpv=cpvs[0] if cpvs else None,
        additional_cpv=cpvs[1:],
        nuts=_nuts(place, "CODE_NUTS"),
        town=text_of(place, "VILLE"),
        postcode=text_of(place, "CP"),
        estimated_value=_money(objet.find("CARACTERISTIQUES/VALEUR_TOTALE")) if single else None,
        duration_days=days,
        duration_text=text,
        start=start,
        end=end,
        reserved=reserved or ("particular-profession" if profession else None),
        award_criteria=_award(find(data, "PROCEDURE/CRITERES_ATTRIBUTION")),
    )
    return tuple(
        _lot(el, shared, lot_id, number, selection[lot_id])
        for el, lot_id, number in zip(elements, lot_ids, numbers, strict=True)
    )


def _lot(
    element: Element, shared: Lot, lot_id: str, number: str | None, selection: tuple[SelectionCriterion, ...]
) -> Lot:
    cpvs, period, town = _cpvs(element), _period(element), text_of(element, "LIEU_PRINCIPAL")
    days, text, start, end = (
        period if any(period) else (shared.duration_days, shared.duration_text, shared.start, shared.end)
    )
    awards = element.find("CRITERES_ATTRIBUTION")
    return Lot(
        lot_id=lot_id,
        title=text_of(element, "INTITULE") or shared.title or f"Lot {lot_id}",
        internal_number=number,
        description=text_of(element, "DESCRIPTION") or shared.description,
        main_cpv=cpvs[0] if cpvs else shared.main_cpv,
        additional_cpv=cpvs[1:] if cpvs else shared.additional_cpv,
        nuts=_nuts(element, "CODE_NUTS") or shared.nuts,
        town=town or shared.town,
        postcode=None if town else shared.postcode,
        estimated_value=_money(element.find("VALEUR")) or shared.estimated_value,
        duration_days=days,
        duration_text=text,
        start=start,
        end=end,
        reserved=shared.reserved,
        selection_criteria=selection,
        award_criteria=shared.award_criteria if awards is None else _award(awards),
    )


def _selection(conditions: Element, lot_ids: list[str]) -> dict[str, tuple[SelectionCriterion, ...]]:
    """Each lot's selection criteria; a text naming lots gives each lot its own part (see module doc)."""
    found: dict[str, list[SelectionCriterion]] = {lot_id: [] for lot_id in lot_ids}
    for code, kind in _SELECTION.items():
        if (text := text_of(conditions, code)) is None:
            continue
        parts = lot_parts(text, lot_ids)
        common = min_turnover_eur(text) if parts is None else None  # read once, not once per lot
        for lot_id, criteria in found.items():
            if own := text if parts is None else parts[lot_id]:
                turnover = common if parts is None else min_turnover_eur(own)
                criteria.append(SelectionCriterion(kind, own, code=code, min_turnover_eur=turnover))
    if profession := text_of(conditions, "PRESTATION_RESERVEE_OUI"):
        reserved = f"Prestation réservée à une profession particulière : {profession}"
        for criteria in found.values():
            criteria.append(SelectionCriterion(Sel.SUITABILITY, reserved, code="PRESTATION_RESERVEE_OUI"))
    return {lot_id: tuple(criteria) for lot_id, criteria in found.items()}
