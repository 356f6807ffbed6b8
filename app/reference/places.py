"""Where a notice's place of performance is in the reference table of communes, written once. Pure (standard
library): any objects with a name, a population and their postcodes will do (``app.reference.models.Commune``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Protocol, TypeVar


class Place(Protocol):
    name: str
    population: int

    @property
    def postcode_list(self) -> list[str]: ...


P = TypeVar("P", bound=Place)


def fold_name(name: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces: « Saint-Rémy » and « SAINT REMY » are equal."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(" " if c in "-'’" else c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def commune_for(communes: Iterable[P], town: str | None, postcode: str | None) -> P | None:
    """The commune a notice's town names (accents and case ignored), else the most populous one of its postcode."""
    candidates = list(communes)
    wanted = fold_name(town or "")
    named = next((c for c in candidates if wanted and fold_name(c.name) == wanted), None)
    if named is not None:
        return named
    code = "".join((postcode or "").split())
    holders = [c for c in candidates if code and code in c.postcode_list]
    return max(holders, key=lambda c: c.population, default=None)
