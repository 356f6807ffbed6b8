"""Company size: INSEE headcount bands and the EU SME categories of Recommendation 2003/361/EC."""

from __future__ import annotations

import pytest

from app.companies import sizes
from app.companies.sizes import (
    HEADCOUNT_BANDS,
    HeadcountBand,
    SizeCategory,
    band_for_headcount,
    headcount_range,
    sme_category,
)

MICRO, SMALL, MEDIUM, LARGE = SizeCategory.MICRO, SizeCategory.SMALL, SizeCategory.MEDIUM, SizeCategory.LARGE
M = 1_000_000


# --- INSEE bands ---


def test_bands_are_the_insee_codes_in_order():
    assert list(HEADCOUNT_BANDS) == [
        "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52", "53",
    ]  # fmt: skip
    assert all(code == band.code for code, band in HEADCOUNT_BANDS.items())


def test_bands_cover_every_headcount_once_from_zero_upwards():
    ranges = [headcount_range(code) for code in HEADCOUNT_BANDS if code != "NN"]
    assert ranges[0] == (0, 0)
    for (_, previous_max), (next_min, _) in zip(ranges, ranges[1:], strict=False):
        assert next_min == previous_max + 1
    assert ranges[-1] == (10_000, None)


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("NN", "Unité non employeuse ou effectif inconnu"),
        ("00", "0 salarié"),
        ("01", "1 ou 2 salariés"),
        ("11", "10 à 19 salariés"),
        ("42", "1 000 à 1 999 salariés"),
        ("53", "10 000 salariés et plus"),
    ],
)
def test_band_labels_are_french(code, label):
    assert HEADCOUNT_BANDS[code].label == label


@pytest.mark.parametrize(
    ("band", "expected"),
    [("00", (0, 0)), ("01", (1, 2)), ("03", (6, 9)), ("11", (10, 19)), ("31", (200, 249)), ("53", (10_000, None))],
)
def test_headcount_range(band, expected):
    assert headcount_range(band) == expected


@pytest.mark.parametrize("band", ["NN", "", "99", "1", "nn", " 11"])
def test_headcount_range_is_none_for_unknown_or_foreign_codes(band):
    assert headcount_range(band) is None


@pytest.mark.parametrize(
    ("headcount", "band"),
    [
        (0, "00"), (1, "01"), (2, "01"), (3, "02"), (5, "02"), (6, "03"), (9, "03"),
        (10, "11"), (19, "11"), (20, "12"), (49, "12"), (50, "21"), (99, "21"), (100, "22"), (199, "22"),
        (200, "31"), (249, "31"), (250, "32"), (499, "32"), (500, "41"), (999, "41"), (1000, "42"),
        (1999, "42"), (2000, "51"), (4999, "51"), (5000, "52"), (9999, "52"), (10_000, "53"), (250_000, "53"),
    ],
)  # fmt: skip
def test_band_for_headcount(headcount, band):
    assert band_for_headcount(headcount) == band


def test_band_for_headcount_is_the_inverse_of_headcount_range_at_both_ends():
    for code, band in HEADCOUNT_BANDS.items():
        if code == "NN":
            continue
        assert band_for_headcount(band.minimum) == code
        assert band_for_headcount(band.maximum if band.maximum is not None else band.minimum * 10) == code


def test_band_for_headcount_refuses_negative():
    with pytest.raises(ValueError, match="negative"):
        band_for_headcount(-1)


@pytest.mark.parametrize("ceiling", [10, 50, 250])
def test_no_insee_band_straddles_an_eu_staff_ceiling(ceiling):
    for code in HEADCOUNT_BANDS:
        bounds = headcount_range(code)
        if bounds is None:
            continue
        low, high = bounds
        assert high is None or not (low < ceiling <= high), f"band {code} straddles {ceiling}"
        assert low >= ceiling or (high is not None and high < ceiling)


# --- Size categories ---


def test_size_category_values_labels_and_sme_flag():
    assert [c.value for c in SizeCategory] == ["micro", "small", "medium", "large"]
    assert [c.label for c in SizeCategory] == [
        "Microentreprise", "Petite entreprise", "Moyenne entreprise", "Grande entreprise",
    ]  # fmt: skip
    assert [c.is_sme for c in SizeCategory] == [True, True, True, False]
    assert SizeCategory("small") is SMALL
    assert SMALL == "small"


@pytest.mark.parametrize(
    ("headcount", "expected"),
    [(0, MICRO), (9, MICRO), (10, SMALL), (49, SMALL), (50, MEDIUM), (249, MEDIUM), (250, LARGE), (5000, LARGE)],
)
def test_staff_ceilings_with_small_finances(headcount, expected):
    assert sme_category(headcount, None, 1 * M, 1 * M) is expected


@pytest.mark.parametrize(
    ("turnover", "expected"),
    [
        (2_000_000, MICRO),
        (2_000_001, SMALL),
        (10_000_000, SMALL),
        (10_000_001, MEDIUM),
        (50_000_000, MEDIUM),
        (50_000_001, LARGE),
    ],
)
def test_turnover_ceilings_are_inclusive(turnover, expected):
    assert sme_category(5, None, turnover) is expected


@pytest.mark.parametrize(
    ("balance_sheet", "expected"),
    [(2_000_000, MICRO), (2_000_001, SMALL), (10_000_000, SMALL), (43_000_000, MEDIUM), (43_000_001, LARGE)],
)
def test_balance_sheet_ceilings_are_inclusive(balance_sheet, expected):
    assert sme_category(5, None, 60 * M, balance_sheet) is expected


def test_either_financial_ceiling_is_enough():
    assert sme_category(5, None, 3 * M, 1_500_000) is MICRO
    assert sme_category(5, None, 1_500_000, 3 * M) is MICRO
    assert sme_category(5, None, 3 * M, 3 * M) is SMALL


def test_failing_the_financial_ceiling_moves_up_one_category_or_more():
    assert sme_category(100, None, 60 * M, 40 * M) is MEDIUM
    assert sme_category(100, None, 60 * M, 45 * M) is LARGE
    assert sme_category(30, None, 12 * M, 12 * M) is MEDIUM
    assert sme_category(5, None, 60 * M, 45 * M) is LARGE


def test_staff_ceiling_is_mandatory_whatever_the_finances():
    assert sme_category(10, None, 0, 0) is SMALL
    assert sme_category(250, None, 1 * M, 1 * M) is LARGE


# --- Bands instead of an exact headcount ---


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("00", MICRO), ("01", MICRO), ("02", MICRO), ("03", MICRO), ("11", SMALL), ("12", SMALL),
        ("21", MEDIUM), ("22", MEDIUM), ("31", MEDIUM), ("32", LARGE), ("41", LARGE), ("53", LARGE),
    ],
)  # fmt: skip
def test_band_decides_like_any_headcount_inside_it(band, expected):
    assert sme_category(None, band, None) is expected
    low, high = headcount_range(band)
    assert sme_category(low, None, None) is expected
    assert sme_category(high if high is not None else low, None, None) is expected


def test_band_with_finances():
    assert sme_category(None, "03", 3 * M) is SMALL
    assert sme_category(None, "31", 60 * M, 40 * M) is MEDIUM
    assert sme_category(None, "31", 60 * M, 45 * M) is LARGE


def test_exact_headcount_wins_over_band():
    assert sme_category(5, "32", None) is MICRO
    assert sme_category(300, "01", None) is LARGE


def test_a_band_straddling_a_ceiling_gives_the_larger_category(monkeypatch):
    monkeypatch.setitem(sizes.HEADCOUNT_BANDS, "X1", HeadcountBand("X1", "5 à 15 salariés", 5, 15))
    assert sme_category(None, "X1", 1 * M) is SMALL


# --- Unknowns ---


@pytest.mark.parametrize(("headcount", "expected"), [(9, MICRO), (49, SMALL), (249, MEDIUM), (250, LARGE)])
def test_staff_alone_decides_when_finances_are_unknown(headcount, expected):
    assert sme_category(headcount, None, None, None) is expected


def test_only_the_known_financial_figure_is_tested():
    assert sme_category(5, None, None, 3 * M) is SMALL
    assert sme_category(5, None, 3 * M, None) is SMALL
    assert sme_category(5, None, None, 1 * M) is MICRO


@pytest.mark.parametrize("band", [None, "NN", "99"])
@pytest.mark.parametrize(
    ("turnover", "expected"),
    [(0, MICRO), (2_000_000, MICRO), (2_000_001, SMALL), (10 * M, SMALL), (50 * M, MEDIUM), (50 * M + 1, LARGE)],
)
def test_turnover_alone_decides_when_staff_is_unknown(band, turnover, expected):
    assert sme_category(None, band, turnover) is expected


def test_balance_sheet_is_ignored_when_staff_is_unknown():
    assert sme_category(None, None, 3 * M, 1 * M) is SMALL
    assert sme_category(None, "NN", None, 1 * M) is None


@pytest.mark.parametrize("band", [None, "NN", "99", ""])
def test_unknown_staff_and_turnover_give_no_category(band):
    assert sme_category(None, band, None) is None


@pytest.mark.parametrize(
    "arguments",
    [(-1, None, None, None), (None, None, -1, None), (5, None, 1 * M, -1)],
)
def test_negative_figures_are_refused(arguments):
    with pytest.raises(ValueError, match="negative"):
        sme_category(*arguments)
