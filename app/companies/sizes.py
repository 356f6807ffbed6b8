"""Company size: the INSEE headcount bands (tranches d'effectif salarié, Sirene variable ``tefen``) and the EU
size categories of Commission Recommendation 2003/361/EC (micro, small, medium, large). Pure.

What the register knows is less than the Recommendation asks for, so ``sme_category`` is an estimate:

* staff is the INSEE salaried headcount (or its band), used as a proxy for the Recommendation's annual work
  units (which also count working owners and partners, and part-time staff pro rata);
* figures are those of the single company: partner and linked enterprises are not added up, and the rule that
  a category changes only after two consecutive years over a ceiling is not applied.

The category codes are those of the ESPD ``EconomicOperatorSize`` code list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class HeadcountBand:
    """One INSEE band: its code, its French label and the salaried headcount it covers, ``minimum`` to
    ``maximum`` inclusive. ``maximum`` is None for the open top band "53"; both are None for "NN"."""

    code: str
    label: str
    minimum: int | None
    maximum: int | None


HEADCOUNT_BANDS: dict[str, HeadcountBand] = {
    band.code: band
    for band in (
        HeadcountBand("NN", "Unité non employeuse ou effectif inconnu", None, None),
        HeadcountBand("00", "0 salarié", 0, 0),
        HeadcountBand("01", "1 ou 2 salariés", 1, 2),
        HeadcountBand("02", "3 à 5 salariés", 3, 5),
        HeadcountBand("03", "6 à 9 salariés", 6, 9),
        HeadcountBand("11", "10 à 19 salariés", 10, 19),
        HeadcountBand("12", "20 à 49 salariés", 20, 49),
        HeadcountBand("21", "50 à 99 salariés", 50, 99),
        HeadcountBand("22", "100 à 199 salariés", 100, 199),
        HeadcountBand("31", "200 à 249 salariés", 200, 249),
        HeadcountBand("32", "250 à 499 salariés", 250, 499),
        HeadcountBand("41", "500 à 999 salariés", 500, 999),
        HeadcountBand("42", "1 000 à 1 999 salariés", 1000, 1999),
        HeadcountBand("51", "2 000 à 4 999 salariés", 2000, 4999),
        HeadcountBand("52", "5 000 à 9 999 salariés", 5000, 9999),
        HeadcountBand("53", "10 000 salariés et plus", 10000, None),
    )
}


def headcount_range(band: str) -> tuple[int, int | None] | None:
    """(minimum, maximum) salaried headcount of an INSEE band, maximum None for "53" (10 000 and more); None
    for "NN" (no employee declared, or unknown) and for any code that is not an INSEE band."""
    found = HEADCOUNT_BANDS.get(band)
    if found is None or found.minimum is None:
        return None
    return found.minimum, found.maximum


def band_for_headcount(headcount: int) -> str:
    """The INSEE band of an exact salaried headcount: 0 → "00", 12 → "11", 20 000 → "53". Never "NN", which
    says the headcount is unknown. Raises ValueError for a negative headcount."""
    if headcount < 0:
        raise ValueError(f"a headcount cannot be negative: {headcount}")
    code = "00"
    for band in HEADCOUNT_BANDS.values():  # in ascending order, each starting where the previous one ends
        if band.minimum is not None and band.minimum <= headcount:
            code = band.code
    return code


class SizeCategory(StrEnum):
    """EU size category; the values are the ESPD codes, stored as they are."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_sme(self) -> bool:
        """Micro, small and medium enterprises together are the SMEs (PME)."""
        return self is not SizeCategory.LARGE


_LABELS = {
    SizeCategory.MICRO: "Microentreprise",
    SizeCategory.SMALL: "Petite entreprise",
    SizeCategory.MEDIUM: "Moyenne entreprise",
    SizeCategory.LARGE: "Grande entreprise",
}

# Recommendation 2003/361/EC, annex art. 2: staff strictly below, turnover or balance sheet total at most (euros).
CEILINGS: tuple[tuple[SizeCategory, int, int, int], ...] = (
    (SizeCategory.MICRO, 10, 2_000_000, 2_000_000),
    (SizeCategory.SMALL, 50, 10_000_000, 10_000_000),
    (SizeCategory.MEDIUM, 250, 50_000_000, 43_000_000),
)


def sme_category(
    headcount: int | None,
    headcount_band: str | None,
    turnover_eur: int | None,
    balance_sheet_eur: int | None = None,
) -> SizeCategory | None:
    """The EU size category, trying micro, then small, then medium, else large. A company is in a category
    when its staff is below the category's staff ceiling (mandatory) and its turnover or its balance sheet
    total is within the category's ceiling; failing the financial ceiling moves it to the next category up.

    Choices where data are missing:

    * staff: the exact ``headcount`` wins over ``headcount_band``. A band is used through its range: it is
      below a staff ceiling only when its whole range is. A band straddling a ceiling would therefore give the
      larger category (a company is never called smaller than it may be), but no INSEE band straddles 10, 50
      or 250, so with INSEE bands the band decides exactly as the headcount would;
    * finances: when turnover and balance sheet are both unknown, staff alone decides. When one is unknown,
      only the known one is tested (the unknown one does not pass a ceiling);
    * staff unknown (no headcount, and band None, "NN" or not an INSEE code): turnover alone decides, against
      the same ceilings (2 M€, 10 M€, 50 M€); the balance sheet is then ignored, which can only give the same
      category or a larger one. With neither staff nor turnover, the answer is None (unknown).

    Raises ValueError for a negative headcount, turnover or balance sheet total.
    """
    _refuse_negative(headcount=headcount, turnover_eur=turnover_eur, balance_sheet_eur=balance_sheet_eur)
    staff = (headcount, headcount) if headcount is not None else _band_range(headcount_band)
    if staff is None:
        return None if turnover_eur is None else _by_turnover(turnover_eur)
    for category, staff_below, turnover_max, balance_max in CEILINGS:
        if _staff_below(staff, staff_below) and _within(turnover_eur, balance_sheet_eur, turnover_max, balance_max):
            return category
    return SizeCategory.LARGE


def _refuse_negative(**values: int | None) -> None:
    for name, value in values.items():
        if value is not None and value < 0:
            raise ValueError(f"{name} cannot be negative: {value}")


def _band_range(band: str | None) -> tuple[int, int | None] | None:
    return headcount_range(band) if band is not None else None


def _staff_below(staff: tuple[int, int | None], ceiling: int) -> bool:
    """Whether the whole staff range is below ``ceiling``; an open or straddling range is not."""
    _minimum, maximum = staff
    return maximum is not None and maximum < ceiling


def _within(turnover: int | None, balance_sheet: int | None, turnover_max: int, balance_max: int) -> bool:
    if turnover is None and balance_sheet is None:
        return True
    return (turnover is not None and turnover <= turnover_max) or (
        balance_sheet is not None and balance_sheet <= balance_max
    )


def _by_turnover(turnover: int) -> SizeCategory:
    for category, _staff_below_ceiling, turnover_max, _balance_max in CEILINGS:
        if turnover <= turnover_max:
            return category
    return SizeCategory.LARGE


def counts_as_sme(category: SizeCategory | None) -> bool:
    """Whether a company counts as an SME where its size matters (candidate selection, the SME share of a
    proposal): an unknown size counts as the small firm it most likely is."""
    return category is None or category.is_sme
