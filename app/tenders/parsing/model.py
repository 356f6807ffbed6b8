"""The normalised notice every parser produces. Pure: standard library only.

Money is kept as ``Decimal`` with its currency; dates as ``date`` and times as ``time`` with their zone when
the notice gives one (``tzinfo`` set) — never converted. CPV codes are 8 digits without the check digit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum


class NoticeFormat(StrEnum):
    EFORMS = "eforms"
    TED = "ted-r2.0.9"
    BOAMP = "boamp-v230"


class SelectionType(StrEnum):
    """A common type over eForms BT-747 (old: sui-act, ef-stand, tp-abil, other), BT-809 (new, slc-*)
    and the TED / BOAMP sections."""

    SUITABILITY = "suitability"
    ECONOMIC_FINANCIAL = "economic-financial"
    TECHNICAL_PROFESSIONAL = "technical-professional"
    OTHER = "other"


class NoticeParseError(ValueError):
    """A notice that cannot be read: malformed or hostile XML, or a required element missing. The message is
    French and names the position when there is one."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        where = f" (ligne {line}" + (f", colonne {column}" if column else "") + ")" if line else ""
        super().__init__(message + where)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str  # ISO 4217, "EUR"


@dataclass(frozen=True)
class Deadline:
    day: date
    at: time | None = None  # carries tzinfo when the notice states a zone


@dataclass(frozen=True)
class Buyer:
    name: str
    identifier: str | None = None  # SIRET / SIREN for French buyers
    address: str | None = None
    city: str | None = None
    postcode: str | None = None
    nuts: str | None = None  # current NUTS 3 code (FRL04), 2013 codes mapped
    country: str | None = None


@dataclass(frozen=True)
class SelectionCriterion:
    type: SelectionType
    text: str
    code: str | None = None  # the notice's own code: "slc-stand-to-gen", "ef-stand", "CAP_ECO"…
    min_turnover_eur: Decimal | None = None  # parsed from the text when it states one


@dataclass(frozen=True)
class AwardCriterion:
    type: str  # "price" | "cost" | "quality"
    name: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class Lot:
    lot_id: str  # "LOT-0001" (eForms), the LOT_NO / NUM otherwise ("1" when the notice has no lots)
    title: str
    internal_number: str | None = None
    description: str = ""
    main_cpv: str | None = None  # the procedure's when the lot has none
    additional_cpv: tuple[str, ...] = ()  # without the main one
    nuts: tuple[str, ...] = ()  # the lot's own places, else the procedure's
    town: str | None = None
    postcode: str | None = None
    estimated_value: Money | None = None
    duration_days: int | None = None  # months counted as 30 days, years as 365 ("DAY"/"MONTH"/"YEAR")
    duration_text: str | None = None  # the duration as the notice states it: "12 MONTH"
    start: date | None = None
    end: date | None = None
    sme_suitable: bool | None = None
    reserved: str | None = None  # "res-ws", "res-pub-ser", "sheltered-workshop"… ; None when not reserved
    selection_criteria: tuple[SelectionCriterion, ...] = ()
    award_criteria: tuple[AwardCriterion, ...] = ()


@dataclass(frozen=True)
class Notice:
    notice_id: str  # eForms BT-701 UUID, TED DOC_ID, BOAMP IDWEB
    version: str | None
    format: NoticeFormat
    subtype: str  # eForms "16", TED "F02", BOAMP "APPEL_OFFRE/STANDARD"
    language: str | None  # ISO 639-3 upper case: "FRA"
    buyer: Buyer
    title: str
    description: str = ""
    procedure_type: str | None = None  # eForms BT-105 codes: "open", "restricted", "neg-w-call"…
    nature: str | None = None  # "works" | "supplies" | "services"
    deadline: Deadline | None = None
    max_lots_submitted: int | None = None  # BT-31
    max_lots_awarded: int | None = None  # BT-33
    groupement_legal_form: str | None = None  # BT-76 / FORME_JURIDIQUE text
    publication_number: str | None = None
    lots: tuple[Lot, ...] = field(default_factory=tuple)
    # The procedure the notice belongs to: eForms BT-04 ``cbc:ContractFolderID``, which the award notices of the same
    # procedure carry too. None for TED R2.0.9 and BOAMP v230: they state none (their REFERENCE_NUMBER / REF_MARCHE
    # is the buyer's own file number, and a BOAMP award names the call by its IDWEB, the call's notice_id).
    procedure_id: str | None = None
    # Values left out because they cannot be right (a lot value of 1e308 €, a deadline in year 9999), each with its
    # reason in French: « Valeur estimée du lot 2 ignorée : 1e308 € dépasse 1 000 000 000 000 € ».
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A well-formed file that is not a call for competition (award notice, prior information only, unknown
    XML): reported with its reason, neither an error nor an import."""

    reason: str
    notice_id: str | None = None
    format: NoticeFormat | None = None
