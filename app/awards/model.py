"""What an award says, whatever its source: contracts won, their buyer, amount and holders. Frozen dataclasses, built by
the award parsers (eForms, TED, BOAMP) and the DECP reader, stored by ``app.awards.store``. Pure.

Amounts are euros HT as ``Decimal`` (None when the source gives none, or one out of bounds — then the reason is in
``warnings``); identifiers are written without spaces."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class Source(enum.StrEnum):
    EFORMS = "eforms"
    TED = "ted"
    BOAMP = "boamp"
    DECP = "decp"
    DEMO = "demo"  # demonstration contracts (app.impact.demo), never read from a file


class IdType(enum.StrEnum):
    """What a holder's national identifier is: read from the source's own type when it states one (DECP
    ``typeIdentifiant``), else from its shape (14 digits with a valid Luhn key: a SIRET; 9: a SIREN)."""

    SIRET = "siret"
    SIREN = "siren"
    TVA = "tva"
    OTHER = "other"


class Role(enum.StrEnum):
    SOLE = "titulaire"  # the only holder
    MANDATAIRE = "mandataire"  # the leader of a groupement
    COTRAITANT = "cotraitant"  # another member of a groupement


class GroupementForm(enum.StrEnum):
    JOINT = "conjoint"
    SEVERAL = "solidaire"


@dataclass(frozen=True)
class Holder:
    """One holder of a contract (a member of the groupement when there are several)."""

    name: str | None
    id: str | None = None
    id_type: IdType | None = None
    role: Role = Role.SOLE
    leader_assumed: bool = False  # the source names no leader: the first holder is taken as mandataire
    postcode: str | None = None
    town: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3 when the source gives one
    sme: bool | None = None  # the source's SME flag (eForms CompanySizeCode, BOAMP PME_OUI / PME_NON)
    size: str | None = None  # eForms CompanySizeCode as written: "micro", "small", "medium", "large"


@dataclass(frozen=True)
class Subcontract:
    """A sub-contracting act the source declares (DECP ``actesSousTraitance``)."""

    name: str | None
    id: str | None = None
    id_type: IdType | None = None
    amount_eur: Decimal | None = None
    date: date | None = None


@dataclass(frozen=True)
class Modification:
    """A change to a contract from ``date`` on (DECP ``modifications``): a new amount, duration or set of holders;
    None where it changes nothing."""

    date: date | None
    amount_eur: Decimal | None = None
    duration_months: int | None = None
    holders: tuple[Holder, ...] | None = None
    object: str | None = None


@dataclass(frozen=True)
class Contract:
    """One contract awarded: one lot of one procedure (DECP: one record)."""

    source: Source
    source_id: str  # unique within the source: the notice id and lot ("<notice>/<lot>"), or the DECP id + buyer / uid
    buyer_name: str | None
    object: str
    lot_id: str | None = None  # the lot of the procedure it awards, as the notice writes it ("LOT-0001", "1")
    # Identifiers of the earlier notice(s) this award answers, as the source gives them: eForms ContractFolderID
    # (procedure id) and notice references, TED's OJ notice number of the call, BOAMP's IDWEB of the first notice.
    notice_refs: tuple[str, ...] = ()
    buyer_id: str | None = None  # SIRET or SIREN of the buyer when given
    buyer_postcode: str | None = None
    buyer_town: str | None = None
    cpv: str | None = None  # main CPV, 8 digits
    nature: str | None = None  # "works" | "supplies" | "services" (or the source's word when unknown)
    procedure: str | None = None
    place_code: str | None = None  # DECP lieuExecution code (a postcode, INSEE code or NUTS) or the notice's NUTS
    award_date: date | None = None  # the award decision (notices) or notification (DECP)
    start_date: date | None = None
    duration_months: int | None = None
    amount_eur: Decimal | None = None  # HT; the maximum when the notice gives a range
    amount_is_estimate: bool = False  # a range's upper bound or a framework maximum rather than a price
    groupement: GroupementForm | None = None
    holders: tuple[Holder, ...] = ()
    subcontracts: tuple[Subcontract, ...] = ()
    tenders_received: int | None = None
    sme_tenders_received: int | None = None
    modifications: tuple[Modification, ...] = ()
    kind: str = "marche"  # "marche" | "concession"
    warnings: tuple[str, ...] = ()  # values left out, each with its reason (French)


@dataclass(frozen=True)
class AwardNotice:
    """An award notice (eForms, TED or BOAMP): its contracts, one per lot awarded."""

    source: Source
    notice_id: str
    contracts: tuple[Contract, ...]
    publication_date: date | None = None
    lots_not_awarded: tuple[str, ...] = ()  # lots the notice says were not awarded (no winner, cancelled)
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Rejected:
    """A DECP record that cannot be read as a contract, with its position and reason (French)."""

    position: int  # 1-based index of the record in the file
    source_id: str | None
    reason: str
