"""TED XML R2.0.9 award forms (``TED_EXPORT``, or ``TED_ESENDERS`` as sent) → ``AwardNotice``; any other form →
``Skipped``. Pure: lxml and the pure parsing modules.

Award forms: F03 (contract award), F06 (utilities), F25 (concession award), and F21 / F22 / F23 when
``NOTICE/@TYPE`` is ``AWARD_CONTRACT``. F15 (voluntary ex ante transparency) names a contractor but announces an
intention: the contract, once concluded, has its own award notice (and its DECP record); read as well, it would be
counted twice. eForms' subtypes 25–28 are skipped for the same reason. Only the form marked
``CATEGORY="ORIGINAL"`` is read (files carry translations), the French one first. Elements are matched in any
namespace — the publication namespaces ``…/ted/R2.0.9/publication``, ``…/ted/R2.0.9.S02/publication`` and the
reception ones differ only there. Each ``AWARD_CONTRACT`` with an ``AWARDED_CONTRACT`` is a contract:
``CONTRACTORS/CONTRACTOR/ADDRESS_CONTRACTOR`` its holders (TED has no leader field: in a group, the first is taken
as mandataire, ``leader_assumed``), ``VALUES/VAL_TOTAL`` its amount (``VAL_RANGE_TOTAL``: its HIGH, an estimate),
``DATE_CONCLUSION_CONTRACT`` its date; a ``NO_AWARDED_CONTRACT`` is a lot not awarded."""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from app.awards.model import AwardNotice, Contract, Holder, Role, Source
from app.awards.parsing.values import (
    VEAT,
    amount,
    compact,
    count,
    day,
    dedupe,
    identifier,
    join_object,
    text,
    unique_ids,
)
from app.tenders.parsing.iso_codes import ALPHA3
from app.tenders.parsing.model import NoticeFormat, NoticeParseError, Skipped
from app.tenders.parsing.nuts import current_nuts
from app.tenders.parsing.ted import NATURES, PROCEDURES  # one mapping of TED's codes for notices and awards
from app.tenders.parsing.xml import local_name

TED_NAMESPACE = re.compile(
    r"http://publications\.europa\.eu/resource/schema/ted/R2\.0\.9(?:\.S\d\d)?/(?:publication|reception)"
)
AWARD_FORMS = frozenset({"F03", "F06", "F25"})
_TYPED_FORMS = frozenset({"F21", "F22", "F23"})  # light regime: NOTICE/@TYPE says which kind of notice
_CALL_FORMS = frozenset({"F02", "F05", "F21", "F22", "F23", "F24"})
_LABELS = {
    "F01": "avis de préinformation", "F04": "avis périodique indicatif", "F07": "système de qualification",
    "F08": "avis sur un profil d'acheteur", "F12": "avis de concours", "F13": "résultats de concours",
    "F14": "avis rectificatif", "F20": "avis de modification",
}  # fmt: skip
_CONCESSION_FORMS = frozenset({"F25", "F23"})
_EMPTY = etree.Element("EMPTY")


def parse_ted_award(root: etree._Element) -> AwardNotice | Skipped:
    """The contracts of a TED award form; Skipped (French reason) for any other form. NoticeParseError without a
    notice id or an original form."""
    if local_name(root) not in ("TED_EXPORT", "TED_ESENDERS") or not TED_NAMESPACE.fullmatch(_namespace(root)):
        raise NoticeParseError(f"élément racine « {local_name(root)} » : TED_EXPORT (R2.0.9) attendu")
    notice_id = text(root.get("DOC_ID")) or text(root.findtext("{*}SENDER/{*}IDENTIFICATION/{*}NO_DOC_EXT"))
    if notice_id is None:
        raise NoticeParseError("avis TED sans identifiant (attribut DOC_ID de TED_EXPORT)")
    form = _original_form(root, notice_id)
    name = local_name(form).split("_")[0]
    kind = text(_child(form, "NOTICE").get("TYPE")) or ""
    if not (name in AWARD_FORMS or (name in _TYPED_FORMS and kind == "AWARD_CONTRACT")):
        return Skipped(reason=_skip_reason(name, kind), notice_id=notice_id, format=NoticeFormat.TED)
    warnings: list[str] = []
    coded = _child(_child(root, "CODED_DATA_SECTION"), "NOTICE_DATA")
    common = _common(form, name, coded)
    contracts: list[Contract] = []
    not_awarded: list[str] = []
    for position, award in enumerate(form.iterfind("{*}AWARD_CONTRACT"), start=1):
        lot_id = _lot_id(_get(award, "LOT_NO"))
        if award.find("{*}AWARDED_CONTRACT") is not None:
            contracts.append(
                _contract(form, award, notice_id, lot_id or text(award.get("ITEM")) or str(position), common)
            )
        elif award.find("{*}NO_AWARDED_CONTRACT") is not None:
            not_awarded.append(lot_id or text(award.get("ITEM")) or str(position))
    return AwardNotice(
        source=Source.TED,
        notice_id=notice_id,
        contracts=unique_ids(contracts),
        publication_date=day(
            root.findtext("{*}CODED_DATA_SECTION/{*}REF_OJS/{*}DATE_PUB"), "Date de publication", warnings
        ),
        lots_not_awarded=dedupe(not_awarded),
        warnings=tuple(warnings),
    )


def _namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def _original_form(root: etree._Element, notice_id: str) -> etree._Element:
    forms = [form for form in root.iterfind("{*}FORM_SECTION/*") if isinstance(form.tag, str)]
    originals = [form for form in forms if form.get("CATEGORY") == "ORIGINAL"]
    if not originals and forms and all(form.get("CATEGORY") is None for form in forms):
        originals = forms[:1]  # a form as sent may carry no category
    if not originals:
        raise NoticeParseError(f"avis TED {notice_id[:40]} : aucun formulaire ORIGINAL dans FORM_SECTION")
    return next((form for form in originals if form.get("LG") == "FR"), originals[0])


def _skip_reason(name: str, kind: str) -> str:
    if name == "F15":
        return f"F15 : {VEAT}"
    if name in _CALL_FORMS and kind in ("", "CONTRACT", "CONCESSION"):
        return f"{name} : avis de marché, pas un avis d'attribution"
    label = _LABELS.get(name) or (
        "avis de préinformation" if kind.startswith("PRI") else "formulaire non pris en charge"
    )
    return f"{name} : {label}, pas un avis d'attribution"


def _common(form: etree._Element, name: str, coded: etree._Element) -> dict[str, object]:
    """What every contract of the form shares."""
    body = _child(_child(form, "CONTRACTING_BODY"), "ADDRESS_CONTRACTING_BODY")
    contract = _child(form, "OBJECT_CONTRACT")
    procedure = _child(form, "PROCEDURE")
    legal_basis = _child(form, "LEGAL_BASIS").get("VALUE")
    refs = [
        _get(procedure, "NOTICE_NUMBER_OJ"),
        *(_clean(ref.text) for ref in coded.iterfind("{*}REF_NOTICE/{*}NO_DOC_OJS")),
    ]
    return {
        "buyer_name": _get(body, "OFFICIALNAME") or None,
        "buyer_id": identifier(_get(body, "NATIONALID"))[0],
        "buyer_postcode": _get(body, "POSTAL_CODE") or None,
        "buyer_town": _get(body, "TOWN") or None,
        "notice_refs": dedupe(refs),
        "nature": NATURES.get(_clean(_child(contract, "TYPE_CONTRACT").get("CTYPE")).upper()),
        "procedure": next(filter(None, (PROCEDURES.get(local_name(el)) for el in procedure.iterfind("*"))), None),
        "kind": "concession" if name in _CONCESSION_FORMS or legal_basis == "32014L0023" else "marche",
    }


def _contract(
    form: etree._Element, award: etree._Element, notice_id: str, key: str, common: dict[str, object]
) -> Contract:
    warnings: list[str] = []
    name = f"du lot {key[:50]}"
    awarded = _child(award, "AWARDED_CONTRACT")
    contract = _child(form, "OBJECT_CONTRACT")
    description = _description(contract, _lot_id(_get(award, "LOT_NO")))
    value, estimate = _value(awarded, name, warnings)
    tenders = _child(awarded, "TENDERS")
    cpv = _cpv(_child(_child(description, "CPV_MAIN"), "CPV_CODE")) or _cpv(
        _child(_child(contract, "CPV_MAIN"), "CPV_CODE")
    )
    place = next((current_nuts(n.get("CODE")) for n in description.iterfind("{*}NUTS") if n.get("CODE")), None)
    return Contract(
        source=Source.TED,
        source_id=f"{notice_id}/{key}",
        object=join_object(
            _paragraphs(contract, "TITLE"), _paragraphs(award, "TITLE") or _paragraphs(description, "TITLE")
        ),
        lot_id=_lot_id(_get(award, "LOT_NO")),
        cpv=cpv,
        place_code=place,
        award_date=day(_get(awarded, "DATE_CONCLUSION_CONTRACT"), f"Date de conclusion {name}", warnings),
        amount_eur=value,
        amount_is_estimate=estimate,
        holders=_holders(awarded),
        tenders_received=count(_get(tenders, "NB_TENDERS_RECEIVED"), f"Nombre d'offres {name}", warnings),
        sme_tenders_received=count(
            _get(tenders, "NB_TENDERS_RECEIVED_SME"), f"Nombre d'offres de PME {name}", warnings
        ),
        warnings=tuple(dict.fromkeys(warnings)),
        **common,  # type: ignore[arg-type]
    )


def _description(contract: etree._Element, lot_id: str | None) -> etree._Element:
    """The ``OBJECT_DESCR`` of the lot (the only one when the award names no lot), else nothing."""
    descriptions = contract.findall("{*}OBJECT_DESCR")
    if lot_id is not None:
        found = next((d for d in descriptions if _lot_id(_get(d, "LOT_NO")) == lot_id), None)
        if found is not None:
            return found
    return descriptions[0] if len(descriptions) == 1 else _EMPTY


def _value(awarded: etree._Element, name: str, warnings: list[str]) -> tuple[Decimal | None, bool]:
    """``VAL_TOTAL``, else the HIGH of ``VAL_RANGE_TOTAL`` as an estimate (under ``VALUES``, or directly in older
    files); F25 likewise."""
    for values in (_child(awarded, "VALUES"), awarded):
        total = values.find("{*}VAL_TOTAL")
        if total is not None:
            return amount(_text(total), total.get("CURRENCY"), f"Montant {name}", warnings), False
        ranged = values.find("{*}VAL_RANGE_TOTAL")
        if ranged is not None:
            high = amount(_get(ranged, "HIGH"), ranged.get("CURRENCY"), f"Montant maximum {name}", warnings)
            return high, high is not None
    return None, False


def _holders(awarded: etree._Element) -> tuple[Holder, ...]:
    """The contractors, in order; a group's first one is taken as mandataire (TED names no leader)."""
    group = _child(awarded, "CONTRACTORS")
    contractors = group.findall("{*}CONTRACTOR") or awarded.findall("{*}CONTRACTOR")
    in_group = len(contractors) > 1 or (group if len(group) else awarded).find("{*}AWARDED_TO_GROUP") is not None
    holders = []
    for index, contractor in enumerate(contractors):
        address = _child(contractor, "ADDRESS_CONTRACTOR")
        number, kind = identifier(_get(address, "NATIONALID"))
        country = _clean(_child(address, "COUNTRY").get("VALUE")).upper()
        role = Role.SOLE if not in_group else Role.MANDATAIRE if index == 0 else Role.COTRAITANT
        sme = (
            True
            if contractor.find("{*}SME") is not None
            else False
            if contractor.find("{*}NO_SME") is not None
            else None
        )
        holders.append(
            Holder(
                name=_get(address, "OFFICIALNAME") or None,
                id=number,
                id_type=kind,
                role=role,
                leader_assumed=in_group and index == 0,
                postcode=_get(address, "POSTAL_CODE") or None,
                town=_get(address, "TOWN") or None,
                country=ALPHA3.get(country, country) or None,
                sme=sme,
            )
        )
    return tuple(holders)


def _lot_id(raw: str | None) -> str | None:
    """``LOT_NO`` as written (« 1 », « A »), None for the placeholders of a notice without lots (« N/A », « - »)."""
    return text(raw) if compact(raw) is not None else None


def _cpv(code: etree._Element) -> str | None:
    value = _clean(code.get("CODE")).split("-")[0]
    return value if re.fullmatch(r"\d{8}", value) else None


def _paragraphs(parent: etree._Element, tag: str) -> str | None:
    element = parent.find(f"{{*}}{tag}")
    return text(" ".join(element.itertext())) if element is not None else None


def _child(parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(f"{{*}}{tag}")
    return _EMPTY if found is None else found


def _get(parent: etree._Element, tag: str) -> str:
    found = parent.find(f"{{*}}{tag}")
    return _text(found) if found is not None else ""


def _text(element: etree._Element) -> str:
    return _clean(" ".join(element.itertext()))


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())
