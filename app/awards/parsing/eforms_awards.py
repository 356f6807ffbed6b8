"""eForms contract award notices (subtypes 29–37, the voluntary E4 and the transport T02) → ``AwardNotice``; every
other eForms notice → ``Skipped``. Pure: lxml and the pure parsing modules. XPaths: SDK ``fields/fields.json``.

Per lot result (``efac:NoticeResult/efac:LotResult``, its lot in ``efac:TenderLot/cbc:ID``): a result other than
``selec-w`` (BT-142) is a lot not awarded. Otherwise the winning tenders are those the result's settled contracts
(OPT-315) point to (BT-3202, ``efac:SettledContract/efac:LotTender/cbc:ID``) among the tenders of that result or of
that lot — a result lists losing tenders too. Examples point a second lot's result at the first lot's contract:
the result's only tender, or its tender ranked first, is then the winner. Each winning tender is a contract: its
value BT-720 (else the framework maximum BT-709, as an estimate), its holders (``eforms_parties``), the contract's
conclusion date BT-145 (else the winner decision date BT-1451; ``cac:TenderResult/cbc:AwardDate`` is a dummy,
OPT-999, never read). CPV and nature come from the lot (``cac:ProcurementProjectLot``), else the procedure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from app.awards.model import AwardNotice, Contract, Source
from app.awards.parsing import eforms_parties as parties_
from app.awards.parsing.values import VEAT, amount, count, day, dedupe, join_object, text, unique_ids
from app.tenders.parsing.eforms import skip_reason
from app.tenders.parsing.eforms_lots import EXT, find, first_text, localized, read_project
from app.tenders.parsing.model import NoticeFormat, NoticeParseError, Skipped

AWARD_SUBTYPES = frozenset({*(str(n) for n in range(29, 38)), "E4", "T02"})
_AWARD_TYPES = frozenset({"can-standard", "can-social", "can-desg", "can-tran"})  # BT-02, when no OPP-070
_CONCESSION_SUBTYPES = frozenset({"32", "35"})
_VEAT_SUBTYPES = frozenset({"25", "26", "27", "28"})  # voluntary ex ante transparency: see values.VEAT
_CONCESSION_DIRECTIVE = "32014L0023"
_NATURES = frozenset({"works", "supplies", "services"})
_MONTHS = {"MONTH": 1, "YEAR": 12}
RESULT = f"{EXT}/efac:NoticeResult"


@dataclass
class _Context:
    """What every lot result of one notice reads from."""

    notice_id: str
    language: str | None
    result: etree._Element
    organisations: dict[str, parties_.Organisation]
    tenders: dict[str, etree._Element] = field(default_factory=dict)
    contracts: dict[str, etree._Element] = field(default_factory=dict)
    parties: dict[str, etree._Element] = field(default_factory=dict)
    lots: dict[str, etree._Element] = field(default_factory=dict)
    common: dict[str, object] = field(default_factory=dict)  # Contract fields shared by every lot
    title: str | None = None
    nature: str | None = None
    cpv: str | None = None
    place: str | None = None
    refs: tuple[str, ...] = ()


def parse_eforms_award(root: etree._Element) -> AwardNotice | Skipped:
    """An award notice as its contracts, lots not awarded aside; anything else Skipped with its French reason.
    Raises NoticeParseError when an award notice has no identifier (BT-701)."""
    subtype = first_text(root, f"{EXT}/efac:NoticeSubType/cbc:SubTypeCode") or first_text(root, "cbc:NoticeTypeCode")
    notice_id = first_text(root, "cbc:ID[@schemeName='notice-id']")
    if subtype not in AWARD_SUBTYPES and subtype not in _AWARD_TYPES:
        return Skipped(reason=_skip_reason(subtype), notice_id=notice_id, format=NoticeFormat.EFORMS)
    if notice_id is None:
        raise NoticeParseError("avis d'attribution eForms sans identifiant d'avis (BT-701)")
    results = find(root, RESULT)
    context = _context(root, notice_id, results[0] if results else etree.Element("EMPTY"), str(subtype))
    contracts: list[Contract] = []
    not_awarded: list[str] = []
    for lot_result in find(context.result, "efac:LotResult"):
        awarded, lot_id = _lot_result(lot_result, context)
        contracts += awarded
        if not awarded and lot_id is not None:
            not_awarded.append(lot_id)
    warnings: list[str] = []
    published = first_text(root, f"{EXT}/efac:Publication/efbc:PublicationDate") or first_text(root, "cbc:IssueDate")
    return AwardNotice(
        source=Source.EFORMS,
        notice_id=notice_id,
        contracts=unique_ids(contracts),
        publication_date=day(published, "Date de publication", warnings),
        lots_not_awarded=dedupe(not_awarded),
        warnings=tuple(warnings),
    )


def _skip_reason(subtype: str | None) -> str:
    if subtype in _VEAT_SUBTYPES:
        return f"{VEAT} (sous-type {subtype})"
    label = skip_reason(subtype)
    if label is None:
        return f"avis de marché, pas un avis d'attribution (sous-type {subtype})"
    return f"{label} : pas un avis d'attribution"


def _context(root: etree._Element, notice_id: str, result: etree._Element, subtype: str) -> _Context:
    language = (first_text(root, "cbc:NoticeLanguageCode") or "").upper() or None
    organisations = parties_.organisations(root, language)
    context = _Context(notice_id, language, result, organisations, parties=parties_.parties(result))
    context.tenders = _by_id(find(result, "efac:LotTender"))
    context.contracts = _by_id(find(result, "efac:SettledContract"))
    context.lots = _by_id(find(root, "cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']"))
    context.title = localized(root, "cac:ProcurementProject/cbc:Name", language)
    nature = first_text(root, "cac:ProcurementProject/cbc:ProcurementTypeCode")
    context.nature = nature if nature in _NATURES else None
    procedure = read_project(root)
    context.cpv, context.place = procedure.main_cpv, next(iter(procedure.nuts), None)
    context.refs = tuple(_texts(root, "cbc:ContractFolderID | cac:TenderingProcess/cac:NoticeDocumentReference/cbc:ID"))
    buyer = parties_.buyer(root, organisations)
    concession = subtype in _CONCESSION_SUBTYPES or first_text(root, "cbc:RegulatoryDomain") == _CONCESSION_DIRECTIVE
    context.common = {
        "buyer_name": buyer.name,
        "buyer_id": buyer.id,
        "buyer_postcode": buyer.postcode,
        "buyer_town": buyer.town,
        "procedure": first_text(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        "kind": "concession" if concession else "marche",
    }
    return context


def _by_id(nodes: list[etree._Element]) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for node in nodes:
        key = first_text(node, "cbc:ID")
        if key is not None:
            found.setdefault(key, node)
    return found


def _lot_result(lot_result: etree._Element, context: _Context) -> tuple[list[Contract], str | None]:
    """The contracts a lot result awards, and the lot it is about."""
    lot_id = first_text(lot_result, "efac:TenderLot/cbc:ID")
    code = first_text(lot_result, "cbc:TenderResultCode")
    winners = _winners(lot_result, lot_id, context)
    if code != "selec-w" and not (code is None and winners):
        return [], lot_id or first_text(lot_result, "cbc:ID")  # the result's own id when it names no lot
    pairs = winners or [(None, None)]  # awarded, the winner not published: a contract without holder
    return [_contract(lot_result, lot_id, settled, tender, context) for settled, tender in pairs], lot_id


def _winners(
    lot_result: etree._Element, lot_id: str | None, context: _Context
) -> list[tuple[etree._Element | None, etree._Element | None]]:
    """(settled contract, winning tender) pairs of a lot result, in the notice's order."""
    listed = [ref for ref in _texts(lot_result, "efac:LotTender/cbc:ID") if ref in context.tenders]
    references = _texts(lot_result, "efac:SettledContract/cbc:ID")
    settled = [context.contracts[ref] for ref in references if ref in context.contracts]
    pairs: dict[str, tuple[etree._Element | None, etree._Element | None]] = {}
    for contract in settled:
        for ref in _texts(contract, "efac:LotTender/cbc:ID"):
            tender = context.tenders.get(ref)
            if tender is not None and (ref in listed or first_text(tender, "efac:TenderLot/cbc:ID") == lot_id):
                pairs.setdefault(ref, (contract, tender))
    if pairs:
        return list(pairs.values())
    if len(listed) > 1:  # a result naming several tenders and no contract for them: the one ranked first won
        listed = [ref for ref in listed if first_text(context.tenders[ref], "cbc:RankCode") == "1"]
    if len(listed) == 1 and (settled or first_text(lot_result, "cbc:TenderResultCode") == "selec-w"):
        return [(settled[0] if settled else None, context.tenders[listed[0]])]
    return []


def _texts(node: etree._Element, path: str) -> list[str]:
    return list(dedupe(text(element.text) for element in find(node, path)))


def _contract(
    lot_result: etree._Element,
    lot_id: str | None,
    settled: etree._Element | None,
    tender: etree._Element | None,
    context: _Context,
) -> Contract:
    warnings: list[str] = []
    name = f"du lot {(lot_id or '?')[:50]}"
    party = context.parties.get(first_text(tender, "efac:TenderingParty/cbc:ID") or "") if tender is not None else None
    holders, subcontracts = parties_.holders(party, context.organisations)
    if not holders:
        warnings.append(f"Titulaire {name} non publié dans l'avis")
    value, estimate = _value(lot_result, tender, name, warnings)
    lot = context.lots.get(lot_id or "")
    own = read_project(lot) if lot is not None else None
    nature = first_text(lot, "cac:ProcurementProject/cbc:ProcurementTypeCode") if lot is not None else None
    lot_title = localized(lot, "cac:ProcurementProject/cbc:Name", context.language) if lot is not None else None
    lot_refs = _texts(lot, "cac:TenderingProcess/cac:NoticeDocumentReference/cbc:ID") if lot is not None else []
    framework_refs = _texts(settled, "cac:NoticeDocumentReference/cbc:ID") if settled is not None else []
    return Contract(
        source=Source.EFORMS,
        source_id=f"{context.notice_id}/{lot_id or first_text(lot_result, 'cbc:ID') or 'lot'}",
        object=join_object(context.title, lot_title),
        lot_id=lot_id,
        notice_refs=dedupe([*context.refs, *lot_refs, *framework_refs]),
        cpv=(own.main_cpv if own else None) or context.cpv,
        nature=nature if nature in _NATURES else context.nature,
        place_code=next(iter(own.nuts), None) if own and own.nuts else context.place,
        award_date=_award_date(settled, name, warnings),
        start_date=day(_start(lot), f"Date de début {name}", warnings),
        duration_months=_duration_months(lot),
        amount_eur=value,
        amount_is_estimate=estimate,
        holders=holders,
        subcontracts=subcontracts,
        tenders_received=count(_statistic(lot_result, "tenders"), f"Nombre d'offres {name}", warnings),
        sme_tenders_received=count(_statistic(lot_result, "t-sme"), f"Nombre d'offres de PME {name}", warnings),
        warnings=tuple(dict.fromkeys(warnings)),
        **context.common,  # type: ignore[arg-type]
    )


def _start(lot: etree._Element | None) -> str | None:
    return first_text(lot, "cac:ProcurementProject/cac:PlannedPeriod/cbc:StartDate") if lot is not None else None


def _value(
    lot_result: etree._Element, tender: etree._Element | None, name: str, warnings: list[str]
) -> tuple[Decimal | None, bool]:
    """BT-720 of the winning tender; without one, the framework maximum BT-709 as an estimate."""
    if tender is not None:
        payable = find(tender, "cac:LegalMonetaryTotal/cbc:PayableAmount")
        if payable:
            return amount(payable[0].text, payable[0].get("currencyID"), f"Montant {name}", warnings), False
    maximum = find(lot_result, "efac:FrameworkAgreementValues/cbc:MaximumValueAmount")
    if maximum:
        value = amount(maximum[0].text, maximum[0].get("currencyID"), f"Montant maximum {name}", warnings)
        return value, value is not None
    return None, False


def _award_date(settled: etree._Element | None, name: str, warnings: list[str]) -> date | None:
    """BT-145 contract conclusion date, else BT-1451 winner decision date; a reason only when neither is usable."""
    if settled is None:
        return None
    tried: list[str] = []
    for path in ("cbc:IssueDate", "cbc:AwardDate"):
        found = day(first_text(settled, path), f"Date d'attribution {name}", tried)
        if found is not None:
            return found
    warnings.extend(tried[:1])
    return None


def _duration_months(lot: etree._Element | None) -> int | None:
    """BT-36 in months when stated in months or years (days and weeks are not rounded into months)."""
    if lot is None:
        return None
    measures = find(lot, "cac:ProcurementProject/cac:PlannedPeriod/cbc:DurationMeasure")
    if not measures:
        return None
    raw, per = (measures[0].text or "").strip(), _MONTHS.get((measures[0].get("unitCode") or "").upper())
    return int(raw) * per if per and raw.isascii() and raw.isdigit() and len(raw) <= 4 else None


def _statistic(lot_result: etree._Element, code: str) -> str | None:
    """BT-759 of the BT-760 type ``code`` (``tenders``: every tender; ``t-sme``: tenders from SMEs)."""
    for statistic in find(lot_result, "efac:ReceivedSubmissionsStatistics"):
        if first_text(statistic, "efbc:StatisticsCode") == code:
            return first_text(statistic, "efbc:StatisticsNumeric")
    return None
