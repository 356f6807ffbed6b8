"""The CPV hierarchy (``app.reference.cpv``): significant digits, ancestors, ranges, what a code is."""

from __future__ import annotations

import pytest

from app.reference.cpv import ancestors, below_range, is_cpv_code, lineage, prefix_range, significant


@pytest.mark.parametrize(
    ("code", "digits"),
    [("45330000", "4533"), ("45000000", "45"), ("03000000", "03"), ("30000000", "30"), ("45331100", "453311")],
)
def test_significant_digits_never_fewer_than_the_division(code, digits):
    assert significant(code) == digits


def test_lineage_is_the_code_and_its_ancestors_narrowest_first():
    assert lineage("45261000") == ("45261000", "45260000", "45200000", "45000000")
    assert lineage("45000000") == ("45000000",)
    assert lineage("03142100") == ("03142100", "03142000", "03140000", "03100000", "03000000")
    assert lineage("30000000") == ("30000000",)


def test_ancestors_can_stop_above_the_division():
    assert ancestors("45331000") == ("45330000", "45300000", "45000000")
    assert ancestors("45331000", min_digits=3) == ("45330000", "45300000")
    assert ancestors("45300000", min_digits=3) == ()


def test_ranges_hold_exactly_the_codes_below():
    assert prefix_range("4533") == ("4533", "4534")
    assert prefix_range("09") == ("09", "10")
    lower, upper = below_range("45331000")
    assert lower <= "45331000" < upper and lower <= "45331999" < upper
    assert not lower <= "45332000" < upper and not lower <= "45330000" < upper


@pytest.mark.parametrize(("code", "valid"), [("45000000", True), ("4500000", False), ("4500000a", False),
                                             ("４５０００００0", False), ("45000000-7", False)])  # fmt: skip
def test_a_cpv_code_is_eight_ascii_digits(code, valid):
    assert is_cpv_code(code) is valid
