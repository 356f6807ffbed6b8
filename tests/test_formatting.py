"""French formatting of dates and numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.formatting import date_fr, number_fr


def test_date_fr_writes_month_in_words():
    assert date_fr(date(2026, 11, 26)) == "26 novembre 2026"
    assert date_fr(date(2026, 8, 1)) == "1er août 2026"


def test_date_fr_shows_aware_datetimes_in_paris_time():
    # 23:30 UTC on 31 December is already 1 January in Paris.
    assert date_fr(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1er janvier 2027"


def test_number_fr_groups_thousands_and_uses_decimal_comma():
    assert number_fr(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert number_fr(950) == "950"
    assert number_fr(-12500) == "-12\u202f500"
