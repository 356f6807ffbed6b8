"""Read INSEE's SIRENE *StockEtablissement* CSV, one establishment per line, in constant memory. Pure.

Active establishments of the territory become ``CompanyRecord``; others are counted; bad lines become
``Rejection`` with their line number and reason, and reading goes on. A caller may refuse more records with its
own ``check`` (the register checks each text against its column)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from app.companies.identifiers import normalise_siret
from app.companies.naf_cpv import normalise_naf
from app.companies.records import CompanyRecord

REQUIRED_COLUMNS = (
    "siret",
    "activitePrincipaleEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
)
_INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
# Marseille's establishments carry the code of their arrondissement municipal (13201 to 13216).
ARRONDISSEMENTS = {f"132{n:02d}": "13055" for n in range(1, 17)}
STREET_TYPES = {
    "ALL": "allée",
    "AV": "avenue",
    "BD": "boulevard",
    "CHE": "chemin",
    "CRS": "cours",
    "IMP": "impasse",
    "PL": "place",
    "QUA": "quai",
    "RTE": "route",
    "RUE": "rue",
    "TRA": "traverse",
    "ZA": "ZA",
    "ZI": "ZI",
    "LD": "lieu-dit",
    "MTE": "montée",
    "PRO": "promenade",
    "RES": "résidence",
    "SQ": "square",
    "VOIE": "voie",
}


class SireneFileError(ValueError):
    """The file as a whole cannot be read as a StockEtablissement extract."""


@dataclass(frozen=True)
class Rejection:
    line: int
    siret: str
    reason: str


@dataclass
class ReadCounts:
    """What happened to each line that did not become a record."""

    ignored: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    bytes_read: int = 0


def read_sirene(
    handle: BinaryIO,
    territory: set[str],
    counts: ReadCounts | None = None,
    check: Callable[[CompanyRecord], str | None] | None = None,
) -> Iterator[CompanyRecord | Rejection]:
    """Yield a record per active establishment of ``territory`` (INSEE codes) and a rejection per bad line — or
    per record ``check`` gives a reason (French) to refuse. Raises ``SireneFileError`` when the header is missing
    or lacks a required column."""
    counts = counts if counts is not None else ReadCounts()
    reader = csv.reader(_decoded_lines(handle, counts))
    try:
        header = next(reader)
    except StopIteration:
        raise SireneFileError("le fichier est vide") from None
    except csv.Error as exc:
        raise SireneFileError(f"en-tête illisible ({exc})") from exc
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise SireneFileError("colonnes absentes de l'en-tête : " + ", ".join(missing))
    yield from _rows(reader, header, territory, counts, check)


def _decoded_lines(handle: BinaryIO, counts: ReadCounts) -> Iterator[str]:
    # Bytes that are not UTF-8 become U+FFFD, and the line holding them is rejected (see _record): an
    # exception here would end the reading of the whole file.
    for raw in handle:
        counts.bytes_read += len(raw)
        yield raw.decode("utf-8-sig" if counts.bytes_read == len(raw) else "utf-8", errors="replace")


def _rows(
    reader, header: list[str], territory: set[str], counts: ReadCounts, check: Callable | None
) -> Iterator[CompanyRecord | Rejection]:
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            counts.rejected += 1
            yield Rejection(reader.line_num, "", f"ligne mal formée ({exc.__class__.__name__})")
            continue
        if not values:
            continue
        result = _record(reader.line_num, header, values, territory, counts)
        if isinstance(result, CompanyRecord) and check is not None and (reason := check(result)):
            result = Rejection(reader.line_num, result.siret, reason)
        if isinstance(result, Rejection):
            counts.rejected += 1
        if result is not None:
            yield result


def _record(
    line: int, header: list[str], values: list[str], territory: set[str], counts: ReadCounts
) -> CompanyRecord | Rejection | None:
    if len(values) != len(header):
        return Rejection(line, values[0][:14] if values else "", f"{len(values)} colonnes au lieu de {len(header)}")
    if any("\ufffd" in value for value in values):
        return Rejection(line, values[0][:14], "caractères illisibles (le fichier doit être en UTF-8)")
    row = dict(zip(header, values, strict=True))
    raw_siret = row["siret"].strip()
    if (siret := normalise_siret(raw_siret)) is None:
        return Rejection(line, raw_siret[:20], "SIRET invalide")
    if row["etatAdministratifEtablissement"].strip() != "A":
        counts.ignored["fermé"] += 1
        return None
    commune = row["codeCommuneEtablissement"].strip()
    if not _INSEE_CODE.match(commune):
        return Rejection(line, siret, f"commune inconnue « {commune[:10]} »")
    commune = ARRONDISSEMENTS.get(commune, commune)
    if commune not in territory:
        counts.ignored["hors territoire"] += 1
        return None
    return _to_record(siret, commune, row)


def _to_record(siret: str, commune: str, row: dict[str, str]) -> CompanyRecord:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    trade_name = get("enseigne1Etablissement") or None
    legal_name = get("denominationUniteLegale") or get("denominationUsuelleEtablissement") or trade_name
    band = get("trancheEffectifsEtablissement")
    return CompanyRecord(
        siret=siret,
        legal_name=legal_name or f"Établissement {siret}",
        trade_name=trade_name if trade_name != legal_name else None,
        commune_insee=commune,
        naf_code=normalise_naf(get("activitePrincipaleEtablissement")),
        naf_version=get("nomenclatureActivitePrincipaleEtablissement") or "NAFRev2",
        legal_form=get("categorieJuridiqueUniteLegale") or None,
        address=_address(row),
        postcode=get("codePostalEtablissement")[:5] or None,
        headcount_band=band if band and band != "NN" else None,
    )


def _address(row: dict[str, str]) -> str:
    def get(name: str) -> str:
        return (row.get(name) or "").strip()

    street_type = get("typeVoieEtablissement")
    parts: Iterable[str] = (
        get("complementAdresseEtablissement"),
        " ".join(
            p
            for p in (
                get("numeroVoieEtablissement") + get("indiceRepetitionEtablissement").lower(),
                STREET_TYPES.get(street_type, street_type.lower()),
                get("libelleVoieEtablissement"),
            )
            if p
        ),
    )
    return ", ".join(p for p in parts if p)[:250]
