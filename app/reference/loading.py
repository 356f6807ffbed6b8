"""Load reference data idempotently: a second load updates what changed and never duplicates."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Base
from app.reference.cpv_files import CpvRow
from app.reference.models import Commune, CpvCode, NutsRegion

DATA_DIR = Path(__file__).resolve().parent / "data"
BUILTIN_CPV = DATA_DIR / "cpv_divisions_groups.csv"

# NUTS 2021 codes of Provence-Alpes-Côte d'Azur, levels 0 to 3.
PACA_NUTS = [
    ("FR", "France", 0),
    ("FRL", "Provence-Alpes-Côte d'Azur", 1),
    ("FRL0", "Provence-Alpes-Côte d'Azur", 2),
    ("FRL01", "Alpes-de-Haute-Provence", 3),
    ("FRL02", "Hautes-Alpes", 3),
    ("FRL03", "Alpes-Maritimes", 3),
    ("FRL04", "Bouches-du-Rhône", 3),
    ("FRL05", "Var", 3),
    ("FRL06", "Vaucluse", 3),
]


@dataclass(frozen=True)
class LoadReport:
    inserted: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.total} ({self.inserted} ajoutés, {self.updated} mis à jour, {self.unchanged} inchangés)"


def upsert(session: Session, model: type[Base], key: str, rows: Iterable[dict[str, Any]]) -> LoadReport:
    """Insert new rows, update changed ones, by primary key ``key``."""
    existing = {getattr(obj, key): obj for obj in session.scalars(select(model))}
    inserted = updated = unchanged = 0
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            session.add(model(**row))
            existing[row[key]] = row
            inserted += 1
        elif any(getattr(current, name) != value for name, value in row.items()):
            for name, value in row.items():
                setattr(current, name, value)
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return LoadReport(inserted, updated, unchanged)


def load_cpv(session: Session, rows: Iterable[CpvRow]) -> LoadReport:
    """A list without English labels (the built-in one) keeps the English labels already loaded."""
    return upsert(session, CpvCode, "code", (_cpv_values(r) for r in rows))


def _cpv_values(row: CpvRow) -> dict[str, str]:
    values = {"code": row.code, "label_fr": row.label_fr}
    if row.label_en is not None:
        values["label_en"] = row.label_en
    return values


def load_communes(session: Session) -> LoadReport:
    with (DATA_DIR / "communes.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "insee_code": r["insee"],
                "name": r["name"],
                "postcodes": ";".join(r["postcodes"].split()),
                "latitude": float(r["lat"]),
                "longitude": float(r["lon"]),
                "population": int(r["population"]),
                "nuts3": r["nuts3"],
            }
            for r in csv.DictReader(handle)
        ]
    return upsert(session, Commune, "insee_code", rows)


def load_nuts(session: Session) -> LoadReport:
    return upsert(
        session,
        NutsRegion,
        "code",
        ({"code": code, "label": label, "level": level} for code, label, level in PACA_NUTS),
    )
