"""French amounts and percentages read into cents, the refusals in French, per-cent shares that add up to the cent,
and the rules a split follows (pure: no database)."""

from __future__ import annotations

import pytest

from app.consortium.split.amounts import (
    AmountError,
    cents_text,
    parse_amount,
    parse_percent,
    percent_text,
    share_of,
    split_by_percent,
)
from app.consortium.split.plan import Line, Split, line_field, price_field, problems


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12 345,67", 1_234_567),
        ("12 345,67 €", 1_234_567),
        ("12\u00a0345,67\u00a0€", 1_234_567),
        ("12\u202f345,6", 1_234_560),
        ("12345.67", 1_234_567),
        ("  100 000  ", 10_000_000),
        ("0", 0),
        ("1 000 000 000 000", 100_000_000_000_000),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_amounts_as_people_type_them(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "n'est pas un nombre"),
        ("inf", "n'est pas un nombre"),
        ("1e400", "n'est pas un nombre"),
        ("12.345,67", "n'est pas un nombre"),
        ("douze", "n'est pas un nombre"),
        ("1" * 200, "n'est pas un nombre"),
        ("12,345", "plus de deux décimales"),
        ("-5", "-5 € est négatif"),
        ("1 000 000 000 000,01", "dépasse"),
        ("99 999 999 999 999 999 999", "dépasse"),
    ],
)
def test_what_is_not_an_amount_is_refused_in_french(text, reason):
    with pytest.raises(AmountError) as refusal:
        parse_amount(text)
    assert reason in refusal.value.message


def test_percentages_and_their_shares_of_a_price():
    assert parse_percent("33,33 %") == 3333 and parse_percent("100") == 10_000 and parse_percent("") is None
    for bad in ("100,01", "-1", "1e2", "12,345"):
        with pytest.raises(AmountError):
            parse_percent(bad)
    shares = split_by_percent(10_000_001, [3333, 3333, 3334])
    assert shares == [3_333_001, 3_333_000, 3_334_000] and sum(shares) == 10_000_001
    assert split_by_percent(1, [5000, 5000]) == [1, 0]  # the rules then refuse a line of 0 €
    assert share_of(2_500, 10_000) == 2_500 and share_of(None, 10_000) is None and share_of(1, None) is None


def test_amounts_back_into_a_form_field():
    assert cents_text(1_234_567) == "12 345,67" and cents_text(10_000_000) == "100 000" and cents_text(None) == ""
    assert cents_text(5) == "0,05"
    assert percent_text(3333) == "33,33" and percent_text(3330) == "33,3" and percent_text(10_000) == "100"
    for cents in (0, 1, 99, 1_234_567, 100_000_000_000_000):
        assert parse_amount(cents_text(cents)) == cents


def split(*lines: Line, prices=((1, 1_000),)) -> Split:
    return Split(1, 7, prices, lines)


def test_the_rules_a_split_follows():
    members = {10: "Électricité du Vieux-Port", 20: "Plomberie de la Joliette"}
    good = split(Line(1, "45310000", 10, 600), Line(1, "45330000", 20, 400))
    assert problems(good, members) == []
    assert good.token == "7:1" and good.complete
    found = problems(split(Line(1, "45310000", 10, 600), Line(1, "45330000", 20, 300)), members)
    assert [(p.field, p.message) for p in found] == [
        (price_field(1), "Les prestations du lot font 9,00 € HT : elles doivent faire le prix du lot (10,00 € HT).")
    ]
    found = problems(split(Line(1, "45310000", 10, 1_000), Line(1, "45330000", 10, 0)), members)
    fields = [p.field for p in found]
    assert fields == [line_field("montant", 1, 1), None]  # a line of 0 €, and the plumber without work
    assert "Plomberie de la Joliette ne réalise plus aucune prestation" in found[-1].message
    undefined = split(Line(1, "45310000", 10, None), Line(1, "45330000", 20, None), prices=((1, None),))
    assert problems(undefined, members) == [] and not undefined.complete  # « à définir » is allowed
    found = problems(split(Line(1, "45310000", 10, 500), Line(1, "45330000", 20, None), prices=((1, None),)), members)
    assert [p.field for p in found] == [line_field("montant", 1, 0)]
    sub = split(Line(1, "45310000", 10, 600, 30, 700), Line(1, "45330000", 20, 400, 30, None))
    assert [(p.field, p.message[:25]) for p in problems(sub, members)] == [
        (line_field("st_montant", 1, 0), "La part sous-traitée (7,0"),
        (line_field("st_montant", 1, 1), "Indiquez le montant sous-"),
    ]
