"""The bid documents' one source of truth: frozen dataclasses, never ORM objects in a template. DC1-E, the
convention's annex (tableau de répartition) and the summary all read ``Pack.rows``, so they cannot disagree. Roles
and sizes are the enums of ``app.consortium.vocabulary`` and ``app.companies.sizes``: documents branch on them,
never on their French labels. Pure; ``build.build_pack`` makes a pack from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.companies.sizes import SizeCategory
from app.consortium.request import Form
from app.consortium.vocabulary import MemberRole

VAT_RATE_PCT = 20  # the standard rate; the buyer's documents may set another


@dataclass(frozen=True)
class Party:
    """An identity block (DC1-D/E/G, DC2-C1, DC4-D/E)."""

    name: str
    trade_name: str | None
    siret: str
    address: str
    postcode: str
    city: str
    legal_form: str  # its French label, « SAS, société par actions simplifiée »
    naf: str | None
    email: str | None
    phone: str | None
    contact: str | None
    size: SizeCategory | None  # None: not known

    @property
    def sme(self) -> bool | None:
        """Whether it is an SME; None when its size is not known."""
        return self.size.is_sme if self.size else None


@dataclass(frozen=True)
class Buyer:
    name: str
    identifier: str | None
    address: str | None
    postcode: str | None
    city: str | None


@dataclass(frozen=True)
class Lot:
    number: str  # the notice's lot identifier, « LOT-0001 »
    title: str
    value_eur: int | None
    withdrawn: bool = False  # a newer version of the notice no longer has it


@dataclass(frozen=True)
class Row:
    """One line of the split of work: who performs which competence of which lot, for how much (HT, € cents
    not used: amounts are whole euros as the solver splits them)."""

    siret: str
    member: str
    role: MemberRole
    lot: str  # lot number
    lot_title: str
    code: str  # CPV code or certification
    label: str  # what the code means, in French
    amount_ht: int
    vat: int
    amount_ttc: int
    share_pct: float  # of the groupement's total HT


@dataclass(frozen=True)
class Member:
    party: Party
    role: MemberRole
    turnovers: tuple[tuple[int, int], ...]  # (year, € HT), latest first, at most three
    field_share_pct: int | None  # share of turnover in the contract's field, when known
    certifications: tuple[str, ...]  # « Qualibat 1552 (valide jusqu'au 31 décembre 2027) »
    references: tuple[str, ...]  # « Réfection de toiture — Ville d'Aubagne, 2024, 120 000 € HT (45261000) »
    rows: tuple[Row, ...]
    total_ht: int
    accepted: bool  # has accepted the invitation


@dataclass(frozen=True)
class Pack:
    groupement_id: int
    reference: str  # « GME-12 »
    tender_title: str
    notice_id: str
    procedure: str | None
    deadline: date | None
    buyer: Buyer
    lots: tuple[Lot, ...]
    form: Form
    mandataire_solidaire: bool
    mandataire: Member | None
    members: tuple[Member, ...]  # co-contractors, the mandataire first
    subcontractors: tuple[Member, ...]  # each gets a DC4; the holder is the mandataire
    rows: tuple[Row, ...]
    total_ht: int
    total_vat: int
    total_ttc: int
    vat_rate_pct: int
    draft: bool  # « PROJET » on every page until every member has accepted
    generated_on: date

    @property
    def name(self) -> str:
        """The groupement's name, as members state it in their DUME."""
        lead = f" {self.mandataire.party.name}" if self.mandataire else ""
        return f"Groupement{lead} – {self.reference}"
