"""NUTS 2013 codes of Provence-Alpes-Côte d'Azur mapped to the current nomenclature (nuts.py)."""

from __future__ import annotations

import pytest

from app.tenders.parsing.nuts import NUTS_2013_TO_CURRENT, current_nuts


@pytest.mark.parametrize(
    ("old", "current"),
    [
        ("FR82", "FRL0"),  # Provence-Alpes-Côte d'Azur
        ("FR821", "FRL01"),  # Alpes-de-Haute-Provence
        ("FR822", "FRL02"),  # Hautes-Alpes
        ("FR823", "FRL03"),  # Alpes-Maritimes
        ("FR824", "FRL04"),  # Bouches-du-Rhône
        ("FR825", "FRL05"),  # Var
        ("FR826", "FRL06"),  # Vaucluse
    ],
)
def test_paca_2013_codes_map_to_current_ones(old: str, current: str):
    assert current_nuts(old) == current


def test_the_table_holds_exactly_the_seven_paca_codes():
    assert set(NUTS_2013_TO_CURRENT) == {"FR82", "FR821", "FR822", "FR823", "FR824", "FR825", "FR826"}
    assert len(set(NUTS_2013_TO_CURRENT.values())) == 7


@pytest.mark.parametrize(
    "code",
    [
        "FR8",  # NUTS 1 « Méditerranée » also covered Languedoc-Roussillon and Corse: not PACA only
        "FR83",  # Corse (2013), not PACA
        "FR81",  # Languedoc-Roussillon (2013)
        "FRL04",  # already current
        "FRL0",
        "FR101",  # Paris
        "FR",
        "DE300",
    ],
)
def test_other_codes_are_left_unchanged(code: str):
    assert current_nuts(code) == code


@pytest.mark.parametrize(("raw", "expected"), [(" fr824 ", "FRL04"), ("frl05\n", "FRL05"), ("fr101", "FR101")])
def test_codes_are_stripped_and_upper_cased(raw: str, expected: str):
    assert current_nuts(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_missing_codes_give_none(raw: str | None):
    assert current_nuts(raw) is None
