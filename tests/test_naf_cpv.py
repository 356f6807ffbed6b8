"""NAF rév. 2 → CPV table: coverage, normalisation, fallback, and every code checked against the CPV lists."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.companies.naf_cpv import NAF_CPV, NAF_LABELS, cpv_for_naf, follows_works_list, normalise_naf

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CPV = ROOT / "app" / "reference" / "data" / "cpv_divisions_groups.csv"
SHARED_CPV = ROOT.parent / "shared" / "corpus" / "cpv-2008" / "cpv_2008_fr_en.csv"

SECTION_F = (
    "41.10A", "41.10B", "41.10C", "41.10D", "41.20A", "41.20B",
    "42.11Z", "42.12Z", "42.13A", "42.13B", "42.21Z", "42.22Z", "42.91Z", "42.99Z",
    "43.11Z", "43.12A", "43.12B", "43.13Z", "43.21A", "43.21B", "43.22A", "43.22B", "43.29A", "43.29B",
    "43.31Z", "43.32A", "43.32B", "43.32C", "43.33Z", "43.34Z", "43.39Z", "43.91A", "43.91B",
    "43.99A", "43.99B", "43.99C", "43.99D", "43.99E",
)  # fmt: skip

SERVICES_AND_SUPPLIES = (
    "71.11Z", "71.12A", "71.12B", "71.20A", "71.20B", "81.21Z", "81.22Z", "81.29A", "81.29B", "81.30Z",
    "80.10Z", "80.20Z", "38.11Z", "38.12Z", "38.21Z", "38.32Z", "62.01Z", "62.02A", "62.02B", "62.03Z",
    "62.09Z", "63.11Z", "56.21Z", "56.29A", "56.29B", "49.39A", "49.39B", "49.41A", "49.41B", "33.12Z",
    "33.14Z", "33.20A", "33.20B", "33.20C", "33.20D", "18.12Z", "85.59A", "85.59B", "70.22Z", "73.11Z",
    "69.10Z", "69.20Z", "78.20Z", "77.32Z", "77.39Z", "36.00Z", "37.00Z",
)  # fmt: skip

# Annex II of Directive 2014/24/EU (the "Avis du 9 avril 2019"): NACE Rev. 1 class -> its CPV codes.
WORKS_LIST = {
    "45.11": ("45110000",),
    "45.12": ("45120000",),
    "45.21": ("45210000", "45220000", "45231000", "45232000"),
    "45.22": ("45261000",),
    "45.23": ("45212212", "45230000"),
    "45.24": ("45240000",),
    "45.25": ("45250000", "45262000"),
    "45.31": ("45213316", "45310000"),
    "45.32": ("45320000",),
    "45.33": ("45330000",),
    "45.34": ("45234115", "45316000", "45340000"),
    "45.41": ("45410000",),
    "45.42": ("45420000",),
    "45.43": ("45430000",),
    "45.44": ("45440000",),
    "45.45": ("45212212", "45450000"),
    "45.50": ("45500000",),
}
# Codes the annex takes out of a class's code (they belong to another class).
EXCLUDED = {"45.21": ("45213316",), "45.23": ("45231000", "45232000", "45234115"), "45.31": ("45316000",)}
# The NACE Rev. 1 classes each NAF rév. 2 sous-classe of section F is chained from (NACE Rev. 1.1 -> Rev. 2).
CHAINED_FROM = {
    "41.20A": ("45.21",), "41.20B": ("45.21",), "42.11Z": ("45.23",), "42.12Z": ("45.23",),
    "42.13A": ("45.21",), "42.13B": ("45.21",), "42.21Z": ("45.21",), "42.22Z": ("45.21",),
    "42.91Z": ("45.24",), "42.99Z": ("45.21", "45.23", "45.25"), "43.11Z": ("45.11",), "43.12A": ("45.11",),
    "43.12B": ("45.11",), "43.13Z": ("45.12",), "43.21A": ("45.31",), "43.21B": ("45.34",),
    "43.22A": ("45.33", "45.34"), "43.22B": ("45.33",), "43.29A": ("45.32", "45.22"),
    "43.29B": ("45.31", "45.34"), "43.31Z": ("45.41", "45.32"), "43.32A": ("45.42",), "43.32B": ("45.42",),
    "43.32C": ("45.42",), "43.33Z": ("45.43",), "43.34Z": ("45.44",), "43.39Z": ("45.45",),
    "43.91A": ("45.22", "45.42"), "43.91B": ("45.22",), "43.99A": ("45.22",), "43.99B": ("45.25", "45.21"),
    "43.99C": ("45.25", "45.21"), "43.99D": ("45.25", "45.45"), "43.99E": ("45.50",),
}  # fmt: skip


def _prefix(code: str) -> str:
    """The significant digits of a CPV code: 45210000 -> 4521."""
    return code.rstrip("0") or code


def _all_codes() -> set[str]:
    return {code for codes in NAF_CPV.values() for code in codes}


def _csv_codes(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


# --- Coverage ---


def test_every_section_f_sous_classe_is_mapped_and_nothing_else_in_section_f():
    listed = {key for key in NAF_CPV if key[:2] in {"41", "42", "43"} and len(key) == 6}
    assert listed == set(SECTION_F)
    assert len(SECTION_F) == 38


@pytest.mark.parametrize("naf", SERVICES_AND_SUPPLIES)
def test_main_services_and_supplies_are_mapped(naf):
    assert naf in NAF_CPV


def test_every_entry_has_one_to_six_distinct_eight_digit_codes():
    for key, codes in NAF_CPV.items():
        assert 1 <= len(codes) <= 6, key
        assert len(set(codes)) == len(codes), key
        assert all(len(code) == 8 and code.isascii() and code.isdigit() for code in codes), key


def test_every_key_is_a_sous_classe_class_group_or_division_with_a_french_label():
    assert set(NAF_LABELS) == set(NAF_CPV)
    for key in NAF_CPV:
        assert normalise_naf(key) == key or (key.replace(".", "").isdigit() and len(key) in (2, 4, 5)), key
        assert NAF_LABELS[key] and NAF_LABELS[key][0].isupper(), key
    assert NAF_LABELS["43.21A"] == "Travaux d'installation électrique dans tous locaux"


# --- Section F follows the official list of works ---


@pytest.mark.parametrize("naf", sorted(CHAINED_FROM))
def test_section_f_codes_descend_from_the_works_list_codes_of_their_nace_rev1_classes(naf):
    for code in NAF_CPV[naf]:
        assert any(_in_class(code, nace) for nace in CHAINED_FROM[naf]), f"{naf}: {code} not under {CHAINED_FROM[naf]}"


def _in_class(code: str, nace: str) -> bool:
    """Whether ``code`` is one of the annex codes of ``nace`` or below one, and not below one it excludes."""
    under = any(code.startswith(_prefix(annex)) for annex in WORKS_LIST[nace])
    return under and not any(code.startswith(_prefix(excluded)) for excluded in EXCLUDED.get(nace, ()))


def test_chain_covers_section_f_except_real_estate_development():
    assert set(CHAINED_FROM) == {naf for naf in SECTION_F if not naf.startswith("41.10")}


def test_real_estate_development_is_not_works():
    for naf in ("41.10A", "41.10B", "41.10C", "41.10D"):
        assert all(code.startswith("7011") for code in NAF_CPV[naf])
        assert not follows_works_list(naf)


def test_follows_works_list():
    assert follows_works_list("43.21A")
    assert follows_works_list("4120b")
    assert follows_works_list("43.45Z")  # division fallback, still works codes
    assert not follows_works_list("62.01Z")
    assert not follows_works_list("81.30Z")
    assert not follows_works_list("not a code")


# --- Normalisation and lookup ---


@pytest.mark.parametrize("raw", ["43.21A", "4321A", "43.21a", "4321a", " 43 21 A ", "43.21\u00a0A", "\t43.21A\n"])
def test_normalise_naf_accepts_usual_spellings(raw):
    assert normalise_naf(raw) == "43.21A"


@pytest.mark.parametrize(
    "raw",
    ["", "43.21", "4321", "43.2A", "43-21A", "43.21AB", "43..21A", "A3.21A", "432.1A", "\u0664\u0663\u0662\u0661A"],
)
def test_normalise_naf_refuses_malformed_codes(raw):
    assert normalise_naf(raw) is None


def test_cpv_for_naf_accepts_any_spelling():
    expected = ("45310000", "45311000", "45312000", "45314300", "45315000", "45317000")
    assert cpv_for_naf("43.21A") == expected
    assert cpv_for_naf("4321a") == expected
    assert cpv_for_naf(" 43 21 A") == expected


def test_street_lighting_is_public_way_electrical_work():
    assert "45316110" in cpv_for_naf("43.21B")


@pytest.mark.parametrize(
    ("naf", "expected"),
    [
        ("43.22C", ("45300000",)),  # unknown sous-classe of group 43.2 -> group entry
        ("43.98Z", ("45260000",)),  # group 43.9
        ("43.45Z", ("45000000",)),  # no group entry -> division 43
        ("42.50Z", ("45220000", "45230000")),
        ("62.04Z", ("72000000",)),
        ("38.22Z", ("90500000",)),
        ("80.30Z", ("79700000",)),
    ],
)
def test_unknown_sous_classe_falls_back_to_the_narrowest_broader_entry(naf, expected):
    assert naf not in NAF_CPV
    assert cpv_for_naf(naf) == expected


@pytest.mark.parametrize("naf", ["01.11Z", "47.11F", "86.10Z", "", "43.21", "garbage"])
def test_cpv_for_naf_is_empty_when_nothing_matches(naf):
    assert cpv_for_naf(naf) == ()


# --- Every code exists ---


def test_every_code_has_its_division_and_group_in_the_project_reference_data():
    known = _csv_codes(PROJECT_CPV)
    for code in sorted(_all_codes()):
        assert code[:2] + "000000" in known, f"{code}: division {code[:2]} unknown"
        assert code[:3] + "00000" in known, f"{code}: group {code[:3]} unknown"


@pytest.mark.skipif(not SHARED_CPV.is_file(), reason="shared corpus not present beside the project")
def test_every_code_exists_in_the_official_cpv_list():
    official = _csv_codes(SHARED_CPV)
    assert len(official) > 9000
    missing = sorted(_all_codes() - official)
    assert not missing, f"not in CPV 2008: {missing}"
