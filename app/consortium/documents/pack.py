"""The bid documents' one source of truth: frozen dataclasses, never ORM objects in a template. DC1-E, the
convention's annex (tableau de répartition) and the summary all read ``Pack.rows``, so they cannot disagree. Roles
and sizes are the enums of ``app.consortium.vocabulary`` and ``app.companies.sizes``: documents branch on them,
never on their French labels. Amounts are ``Decimal`` euros with their cents; None is « à définir » (a lot whose
price the members have not set yet), and a total with an undefined part is undefined. Pure; ``build.build_pack``
makes a pack from the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.companies.sizes import SizeCategory
from app.consortium.request import Form
from app.consortium.vocabulary import MemberRole

VAT_RATE_PCT = 20  # the standard rate; the buyer's documents may set another
CENT = Decimal("0.01")


def euros_of_cents(cents: int | None) -> Decimal | None:
    """12345678 → Decimal("123456.78"); None stays « à définir »."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def total(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of ``amounts``; None (« à définir ») when one of them is."""
    found = Decimal("0.00")
    for amount in amounts:
        if amount is None:
            return None
        found += amount
    return found


def vat_of(amount: Decimal | None, rate_pct: int = VAT_RATE_PCT) -> Decimal | None:
    """The VAT on ``amount``, to the cent (half up)."""
    return None if amount is None else (amount * rate_pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)


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
    value_eur: Decimal | None  # the buyer's estimate
    price_eur: Decimal | None  # the groupement's offer price, HT; None: « à définir »
    withdrawn: bool = False  # a newer version of the notice no longer has it


@dataclass(frozen=True)
class Row:
    """One line of the split of work: who performs which work package of which lot, for how much (HT, with its
    cents; None: « à définir »), and the part of it a company it presents performs as sub-contractor (DC4)."""

    siret: str
    member: str
    role: MemberRole
    lot: str  # lot number
    lot_title: str
    code: str  # the work package's CPV code (a certification is never a line: ``Qualification``)
    label: str  # what the code means, in French
    amount_ht: Decimal | None
    vat: Decimal | None
    amount_ttc: Decimal | None
    share_pct: float | None  # of the groupement's total HT; None while a price is « à définir »
    subcontractor: str | None = None  # the sub-contractor's name
    subcontracted_ht: Decimal | None = None  # the part it performs, HT


@dataclass(frozen=True)
class Member:
    party: Party
    role: MemberRole
    turnovers: tuple[tuple[int, int], ...]  # (year, € HT), latest first, at most three
    field_share_pct: int | None  # share of turnover in the contract's field, when known
    certifications: tuple[str, ...]  # « Qualibat 1552 (valide jusqu'au 31 décembre 2027) »
    references: tuple[str, ...]  # « Réfection de toiture — Ville d'Aubagne, 2024, 120 000 € HT (45261000) »
    rows: tuple[Row, ...]
    total_ht: Decimal | None
    accepted: bool  # has accepted the invitation and the split in force (a presented sub-contractor: True)


@dataclass(frozen=True)
class Subcontract:
    """A member presents a sub-contractor for parts of its own lines (one DC4): ``subcontractor.rows`` are those
    parts, their amounts the parts sub-contracted."""

    holder: Member
    subcontractor: Member


@dataclass(frozen=True)
class Qualification:
    """A certification a lot requires and who holds it. It qualifies a member, it is never a line of the split:
    the member performing the package it concerns holds it, or — when the members accepted the global assessment
    of capacities (R2142-25) — another member does."""

    lot: str  # lot number
    code: str  # « Qualibat 2112 »
    package: str  # the work package it concerns (CPV code)
    performers: tuple[str, ...]  # members performing that package
    holders: tuple[str, ...]  # members holding a valid certificate
    anywhere: bool  # accepted as held by any member of the groupement


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
    total_ht: Decimal | None
    total_vat: Decimal | None
    total_ttc: Decimal | None
    vat_rate_pct: int
    draft: bool  # « PROJET » on every page until every member has accepted and every price is set
    generated_on: date
    subcontracts: tuple[Subcontract, ...] = ()  # parts of members' lines sub-contracted, one DC4 each
    qualifications: tuple[Qualification, ...] = ()  # the certifications the lots require, and who holds them

    def lot_total(self, number: str) -> Decimal | None:
        """What the rows of lot ``number`` add up to, HT; None when one is « à définir »."""
        return total(row.amount_ht for row in self.rows if row.lot == number)

    @property
    def undefined_lots(self) -> tuple[Lot, ...]:
        """The lots whose offer price is still « à définir »."""
        return tuple(lot for lot in self.lots if lot.price_eur is None)

    @property
    def name(self) -> str:
        """The groupement's name, as members state it in their DUME."""
        lead = f" {self.mandataire.party.name}" if self.mandataire else ""
        return f"Groupement{lead} – {self.reference}"
