"""SIREN and SIRET validation: Luhn, La Poste's exception, formatting and the French explanations."""

from __future__ import annotations

import pytest

from app.companies.identifiers import (
    LA_POSTE_SIREN,
    luhn_check_digit,
    luhn_sum,
    normalise_siren,
    normalise_siret,
    siret_error,
)


@pytest.mark.parametrize(
    "siren",
    ["732829320", "542065479", "552032534", "130005481"],  # published SIRENs (companies, an administration)
)
def test_valid_sirens(siren):
    assert normalise_siren(siren) == siren
    assert normalise_siren(f"{siren[:3]} {siren[3:6]} {siren[6:]}") == siren


@pytest.mark.parametrize("siren", ["732829321", "73282932", "7328293200", "73282932O", "", "７３２８２９３２０"])
def test_invalid_sirens(siren):
    assert normalise_siren(siren) is None


@pytest.mark.parametrize("siret", ["73282932000074", "54206547900017", "13000548100010"])
def test_valid_sirets(siret):
    assert normalise_siret(siret) == siret
    assert normalise_siret(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}") == siret
    assert siret_error(siret) is None


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "clé de contrôle incorrecte"),
        ("7328293200007", "14 chiffres (ici 13)"),
        ("732829320000740", "14 chiffres (ici 15)"),
        ("7328293200007A", "que des chiffres"),
        ("", "que des chiffres"),
    ],
)
def test_invalid_sirets_are_explained(siret, message):
    assert normalise_siret(siret) is None
    assert message in siret_error(siret)


def test_la_poste_establishments_use_the_digit_sum_rule():
    # La Poste's establishments fail Luhn; their digits add up to a multiple of 5.
    valid = "35600000052135"  # 3+5+6+5+2+1+3+5 = 30
    assert luhn_sum(valid) % 10 != 0
    assert normalise_siret(valid) == valid
    assert normalise_siret("35600000052136") is None  # sum 31
    assert normalise_siren(LA_POSTE_SIREN) == LA_POSTE_SIREN  # the SIREN itself is Luhn-valid


@pytest.mark.parametrize("digits", ["7328293", "5420654790001", "0", "12345678"])
def test_luhn_check_digit_completes_a_valid_number(digits):
    assert luhn_sum(digits + luhn_check_digit(digits)) % 10 == 0
