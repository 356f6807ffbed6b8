"""Who an eForms award names: the organisations (``efac:Organizations/efac:Organization/efac:Company``, each with
its technical id OPT-200), the buyer (the organisation the first ``cac:ContractingParty`` points to) and, for a
tender, its holders and sub-contractors (``efac:TenderingParty``, OPT-210 → its ``efac:Tenderer`` OPT-300 and
``efac:SubContractor`` OPT-301). Pure: lxml and the pure parsing modules.

Several tenderers in one tendering party are a groupement: the one flagged ``efbc:GroupLeadIndicator`` (OPT-170)
is the mandataire, the others co-traitants; none flagged (the field is mandatory from two tenderers on, but
notices omit it), the first is taken as mandataire with ``leader_assumed``."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.awards.model import Holder, IdType, Role, Subcontract
from app.awards.parsing.values import identifier, sme_of, text
from app.tenders.parsing.eforms_lots import EXT, find, first_text, localized

ORGANISATIONS = f"{EXT}/efac:Organizations/efac:Organization/efac:Company"
_TRUE = {"true", "1"}


@dataclass(frozen=True)
class Organisation:
    name: str | None
    id: str | None = None
    id_type: IdType | None = None
    postcode: str | None = None
    town: str | None = None
    country: str | None = None
    size: str | None = None

    def holder(self, role: Role = Role.SOLE, *, leader_assumed: bool = False) -> Holder:
        return Holder(
            name=self.name,
            id=self.id,
            id_type=self.id_type,
            role=role,
            leader_assumed=leader_assumed,
            postcode=self.postcode,
            town=self.town,
            country=self.country,
            sme=sme_of(self.size),
            size=self.size,
        )


_UNKNOWN = Organisation(name=None)


def organisations(root: etree._Element, language: str | None) -> dict[str, Organisation]:
    """Every organisation of the notice by its technical id (the first one when an id repeats)."""
    found: dict[str, Organisation] = {}
    for company in find(root, ORGANISATIONS):
        key = first_text(company, "cac:PartyIdentification/cbc:ID")
        if key is not None and key not in found:
            found[key] = _organisation(company, language)
    return found


def _organisation(company: etree._Element, language: str | None) -> Organisation:
    number, kind = identifier(first_text(company, "cac:PartyLegalEntity/cbc:CompanyID"))
    size = first_text(company, "efbc:CompanySizeCode")
    return Organisation(
        name=text(localized(company, "cac:PartyName/cbc:Name", language)),
        id=number,
        id_type=kind,
        postcode=text(first_text(company, "cac:PostalAddress/cbc:PostalZone")),
        town=text(first_text(company, "cac:PostalAddress/cbc:CityName")),
        country=text(first_text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")),
        size=size.lower() if size else None,
    )


def buyer(root: etree._Element, known: dict[str, Organisation]) -> Organisation:
    """The organisation of the first contracting party (joint procurement: the others are not kept)."""
    reference = first_text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    return known.get(reference or "", _UNKNOWN)


def parties(root_result: etree._Element) -> dict[str, etree._Element]:
    """The tendering parties of a ``efac:NoticeResult`` by their id (OPT-210)."""
    found: dict[str, etree._Element] = {}
    for party in find(root_result, "efac:TenderingParty"):
        key = first_text(party, "cbc:ID")
        if key is not None:
            found.setdefault(key, party)
    return found


def holders(
    party: etree._Element | None, known: dict[str, Organisation]
) -> tuple[tuple[Holder, ...], tuple[Subcontract, ...]]:
    """The holders of a tendering party, in the notice's order, and its sub-contractors."""
    if party is None:
        return (), ()
    tenderers = []
    for tenderer in find(party, "efac:Tenderer"):
        reference = first_text(tenderer, "cbc:ID")
        if reference is None or any(reference == seen for seen, _ in tenderers):
            continue
        lead = (first_text(tenderer, "efbc:GroupLeadIndicator") or "").lower() in _TRUE
        tenderers.append((reference, lead))
    references = dict.fromkeys(filter(None, (first_text(sub, "cbc:ID") for sub in find(party, "efac:SubContractor"))))
    subcontracts = tuple(
        Subcontract(name=organisation.name, id=organisation.id, id_type=organisation.id_type)
        for organisation in (known.get(reference, _UNKNOWN) for reference in references)
    )
    if len(tenderers) == 1:
        return (known.get(tenderers[0][0], _UNKNOWN).holder(),), subcontracts
    leader = next((index for index, (_, lead) in enumerate(tenderers) if lead), None)
    result = tuple(
        known.get(reference, _UNKNOWN).holder(
            Role.MANDATAIRE if index == (leader or 0) else Role.COTRAITANT,
            leader_assumed=leader is None and index == 0,
        )
        for index, (reference, _) in enumerate(tenderers)
    )
    return result, subcontracts
