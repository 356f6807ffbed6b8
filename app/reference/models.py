"""Reference tables: communes of the Métropole, CPV codes, NUTS regions."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Commune(Base):
    __tablename__ = "commune"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    postcodes: Mapped[str] = mapped_column(String(200))  # "13080;13090;…", in ascending order
    latitude: Mapped[float]
    longitude: Mapped[float]
    population: Mapped[int]
    nuts3: Mapped[str] = mapped_column(String(5))

    @property
    def postcode_list(self) -> list[str]:
        return self.postcodes.split(";")


class CpvCode(Base):
    """A CPV 2008 code: 8 digits, without the check digit, as notices print it."""

    __tablename__ = "cpv_code"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    label_fr: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str | None] = mapped_column(Text)


class NutsRegion(Base):
    __tablename__ = "nuts_region"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]
