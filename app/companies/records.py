"""What the register writer takes in: plain records, whether they come from the SIRENE file, the demo
generator or a script. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CertificationRecord:
    scheme: str  # "Qualibat", "Qualifelec", "RGE", "ISO 9001", "MASE", …
    code: str  # "1552", "E2", "" when the scheme has no codes
    label: str
    valid_until: date | None = None


@dataclass(frozen=True)
class ReferenceRecord:
    title: str
    buyer: str
    cpv_code: str  # 8 digits
    amount_eur: int
    year: int


@dataclass(frozen=True)
class CompanyRecord:
    """One establishment. ``None`` for a collection means "not given: keep what the register holds";
    an empty tuple means "none"."""

    siret: str  # 14 digits, already validated
    legal_name: str
    commune_insee: str
    trade_name: str | None = None
    naf_code: str | None = None  # NAF rév. 2 sous-classe, "43.21A"
    naf_version: str = "NAFRev2"
    legal_form: str | None = None  # INSEE catégorie juridique code, "5710" (SAS)
    address: str = ""
    postcode: str | None = None
    headcount: int | None = None
    headcount_band: str | None = None  # INSEE tranche d'effectif, "11" = 10 to 19
    turnovers: tuple[tuple[int, int], ...] | None = None  # (year, euros)
    certifications: tuple[CertificationRecord, ...] | None = None
    references: tuple[ReferenceRecord, ...] | None = None
    declared_cpv: tuple[str, ...] | None = None
    open_to_groupements: bool = True
    contact_name: str | None = None
    contact_email: str | None = None

    @property
    def siren(self) -> str:
        return self.siret[:9]
