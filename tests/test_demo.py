"""The demo register: deterministic, a prefix of itself, valid and unique SIRETs, and companies, sizes, turnovers,
certifications and references that look like the Métropole's economy."""

from __future__ import annotations

import ast
import csv
import re
import statistics
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from email_validator import validate_email

from app.companies import demo, demo_data
from app.companies.demo import REFERENCE_DATE, demo_siren, generate_companies
from app.companies.identifiers import LA_POSTE_SIREN, luhn_check_digit, normalise_siren, normalise_siret
from app.companies.records import CompanyRecord
from app.companies.sizes import band_for_headcount
from app.reference.loading import DATA_DIR

SHARED_CPV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cpv-2008" / "cpv_2008_fr_en.csv"
INDUSTRIAL_COMMUNES = {
    "Martigues", "Fos-sur-Mer", "Berre-l'Étang", "Port-de-Bouc", "Istres", "Châteauneuf-les-Martigues", "Rognac",
    "Vitrolles", "Marignane",
}  # fmt: skip
ENERGY_RENOVATION_TRADES = {"43.21A", "43.22B", "43.29A", "43.91B", "43.32A"}
FORM_PREFIXES = {"SAS": "5710", "SASU": "5720", "SARL": "5499", "EURL": "5498", "SA": "5599"}


@pytest.fixture(scope="module")
def register() -> list[CompanyRecord]:
    return list(generate_companies(20_000, seed=2026))


@pytest.fixture(scope="module")
def communes() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "communes.csv").open(encoding="utf-8", newline="") as handle:
        return {row["insee"]: row for row in csv.DictReader(handle)}


def _share(records: list[CompanyRecord], condition) -> float:
    return sum(1 for r in records if condition(r)) / len(records)


# Determinism and identifiers


def test_same_count_and_seed_give_the_same_records():
    first = list(generate_companies(300, seed=7))
    assert first == list(generate_companies(300, seed=7))
    assert first != list(generate_companies(300, seed=8))


def test_a_shorter_run_is_a_prefix_of_a_longer_one():
    longer = list(generate_companies(1_000, seed=7))
    for count in (0, 1, 37, 999):
        assert list(generate_companies(count, seed=7)) == longer[:count]


def test_count_must_be_sensible():
    with pytest.raises(ValueError, match="count"):
        generate_companies(-1, seed=1)
    with pytest.raises(ValueError, match="count"):
        generate_companies(demo.MAX_COUNT + 1, seed=1)


def test_sirets_are_valid_unique_and_never_la_poste():
    records = list(generate_companies(5_000, seed=11))
    assert all(normalise_siret(r.siret) == r.siret for r in records)
    assert len({r.siret for r in records}) == len({r.siren for r in records}) == 5_000
    assert all(r.siren[0] in "3456789" and not r.siren.startswith(LA_POSTE_SIREN) for r in records)


def test_demo_siren_steps_around_la_poste():
    assert luhn_check_digit("35600000") == "0"  # La Poste's SIREN is Luhn-valid: a plain draw could hit it
    siren = demo_siren(3, 5_600_000)
    assert siren != LA_POSTE_SIREN and normalise_siren(siren) == siren
    assert demo_siren(7, 1_234_567) == "71234567" + luhn_check_digit("71234567")


# Geography


def test_companies_are_in_the_92_communes_with_their_first_postcode(register, communes):
    assert len(communes) == 92
    for record in register:
        assert record.commune_insee in communes
        assert record.postcode == communes[record.commune_insee]["postcodes"].split()[0]
    assert len({r.commune_insee for r in register}) > 80  # small villages too, not only the big towns


def test_companies_follow_population(register, communes):
    population = {insee: int(row["population"]) for insee, row in communes.items()}
    total = sum(population.values())
    counts = Counter(r.commune_insee for r in register)
    assert 0.42 <= counts["13055"] / len(register) <= 0.49  # Marseille: 877,215 of 1,922,626 inhabitants
    for insee, tolerance in (("13055", 0.05), ("13001", 0.12), ("13056", 0.25), ("13005", 0.25)):
        assert counts[insee] / len(register) == pytest.approx(population[insee] / total, rel=tolerance), insee


# Activities and sizes


def test_naf_codes_are_real_sous_classes_weighted_toward_public_purchases(register):
    assert all(re.fullmatch(r"\d\d\.\d\d[A-Z]", r.naf_code or "") for r in register)
    assert 0.25 <= _share(register, lambda r: r.naf_code[:2] in {"41", "42", "43"}) <= 0.31  # section F
    codes = Counter(r.naf_code for r in register)
    for code in ("43.21A", "43.22A", "43.99C", "71.12B", "81.21Z", "81.30Z", "80.10Z", "62.01Z", "56.21Z",
                 "38.11Z", "49.41A", "33.12Z", "85.59A", "70.22Z", "18.12Z"):  # fmt: skip
        assert codes[code] > 0, code
    assert {r.naf_version for r in register} == {"NAFRev2"}


def test_sizes_are_mostly_micro_with_a_few_large_groups(register):
    assert 0.75 <= _share(register, lambda r: r.headcount < 10) <= 0.83
    assert 0.35 <= _share(register, lambda r: r.headcount <= 2) <= 0.55
    assert 0.12 <= _share(register, lambda r: 10 <= r.headcount < 50) <= 0.19
    assert 0.03 <= _share(register, lambda r: 50 <= r.headcount < 250) <= 0.06
    large = [r for r in register if r.headcount >= 250]
    assert 1 <= len(large) < 0.01 * len(register)
    assert all(r.legal_form in {"5599", "5710"} for r in large)


def test_every_band_matches_its_headcount(register):
    assert all(r.headcount_band == band_for_headcount(r.headcount) for r in register)


# Turnovers


def test_turnovers_cover_three_years_and_grow_with_size(register):
    for record in register:
        assert [year for year, _ in record.turnovers] == [2023, 2024, 2025]
        amounts = [amount for _, amount in record.turnovers]
        assert all(amount > 0 for amount in amounts)
        assert all(0.8 <= later / earlier <= 1.2 for earlier, later in zip(amounts, amounts[1:], strict=False))
        if record.headcount == 0:
            assert 40_000 <= amounts[-1] <= 150_000
    medians = [
        statistics.median(r.turnovers[-1][1] for r in register if r.headcount_band == band)
        for band in ("00", "01", "02", "03", "11", "12", "21", "22")
    ]
    assert medians == sorted(medians) and len(set(medians)) == len(medians)


def test_revenue_per_employee_depends_on_the_sector(register):
    def per_employee(prefixes: tuple[str, ...]) -> float:
        firms = [r for r in register if r.headcount >= 10 and r.naf_code.startswith(prefixes)]
        return statistics.median(r.turnovers[-1][1] / r.headcount for r in firms)

    construction, cleaning = per_employee(("41", "42", "43")), per_employee(("81.2",))
    assert 100_000 <= construction <= 200_000
    assert 30_000 <= cleaning <= 60_000


# Certifications


def test_certifications_match_the_trade(register, communes):
    industrial = {insee for insee, row in communes.items() if row["name"] in INDUSTRIAL_COMMUNES}
    assert len(industrial) == 9
    for record in register:
        schemes = [c.scheme for c in record.certifications]
        assert len({(c.scheme, c.code) for c in record.certifications}) == len(schemes)
        for cert in record.certifications:
            if cert.scheme == "Qualibat":
                assert record.naf_code != "43.21A" and record.naf_code[:2] in {"41", "43"}
                assert re.fullmatch(r"\d{4}", cert.code)
            if cert.scheme == "Qualifelec":
                assert record.naf_code == "43.21A"
            if cert.scheme == "MASE":
                assert record.commune_insee in industrial
            if cert.scheme == "RGE":
                assert record.naf_code in ENERGY_RENOVATION_TRADES
                assert set(schemes) & {"Qualibat", "Qualifelec", "Qualit'EnR"}
            if cert.scheme == "OPQIBI":
                assert record.naf_code == "71.12B" and re.fullmatch(r"\d{4}", cert.code)
            if cert.scheme == "CNAPS":
                assert record.naf_code == "80.10Z" and cert.code.startswith("AUT-013-")
            if cert.scheme.startswith("ISO 9001"):
                assert record.headcount >= 20
            if cert.valid_until is not None:
                assert REFERENCE_DATE - timedelta(days=366) <= cert.valid_until <= REFERENCE_DATE + timedelta(days=1461)
    held = Counter(c.scheme for r in register for c in r.certifications)
    for scheme in ("Qualibat", "Qualifelec", "RGE", "Qualit'EnR", "OPQIBI", "ISO 9001", "ISO 14001", "MASE", "CNAPS"):
        assert held[scheme] > 0, scheme


def test_small_firms_hold_fewer_certifications_and_a_few_have_lapsed(register):
    micro = [r for r in register if r.headcount < 10]
    larger = [r for r in register if r.headcount >= 50]
    assert _share(micro, lambda r: r.certifications) < 0.2
    assert statistics.mean(len(r.certifications) for r in larger) > 3 * statistics.mean(
        len(r.certifications) for r in micro
    )
    dated = [c for r in register for c in r.certifications if c.valid_until is not None]
    assert 0.01 <= sum(c.valid_until < REFERENCE_DATE for c in dated) / len(dated) <= 0.15


# References


def test_references_are_local_past_contracts_in_line_with_size(register):
    with_references = [r for r in register if r.references]
    assert 0.22 <= len(with_references) / len(register) <= 0.38
    for record in with_references:
        assert 1 <= len(record.references) <= 4
        for reference in record.references:
            assert re.fullmatch(r"\d{8}", reference.cpv_code)
            assert 2019 <= reference.year <= 2025
            assert 0 < reference.amount_eur <= 30_000_000
            assert reference.title and "{" not in reference.title and reference.buyer
    small = [r for r in register if r.headcount < 10]
    large = [r for r in register if r.headcount >= 50]
    assert _share(large, lambda r: r.references) > 2 * _share(small, lambda r: r.references)

    def median_amount(records: list[CompanyRecord]) -> float:
        return statistics.median(x.amount_eur for r in records for x in r.references)

    assert median_amount(large) > 10 * median_amount(small)
    buyers = Counter(x.buyer for r in with_references for x in r.references)
    assert buyers["Ville de Marseille"] > 0 and buyers["Métropole Aix-Marseille-Provence"] > 0
    assert any(buyer.startswith(("Commune de ", "Commune d'", "Commune du ", "Commune des ")) for buyer in buyers)


def test_reference_cpv_codes_belong_to_known_divisions():
    with (DATA_DIR / "cpv_divisions_groups.csv").open(encoding="utf-8", newline="") as handle:
        divisions = {row["code"][:2] for row in csv.DictReader(handle)}
    codes = {cpv for trade in demo_data.TRADES for cpv, _ in trade.works}
    assert codes and all(re.fullmatch(r"\d{8}", code) and code[:2] in divisions for code in codes)


@pytest.mark.skipif(not SHARED_CPV.is_file(), reason="shared corpus not present beside the project")
def test_reference_cpv_codes_exist_in_the_official_list():
    with SHARED_CPV.open(encoding="utf-8", newline="") as handle:
        official = {row["code"] for row in csv.DictReader(handle)}
    codes = {cpv for trade in demo_data.TRADES for cpv, _ in trade.works}
    assert codes <= official, sorted(codes - official)


# Names and contacts


def test_names_forms_and_contacts_are_consistent(register):
    for record in register:
        prefix = record.legal_name.split(" ", 1)[0]
        if prefix in FORM_PREFIXES:
            assert record.legal_form == FORM_PREFIXES[prefix], record.legal_name
        assert record.legal_form in {"1000", *FORM_PREFIXES.values()}
        if record.legal_form == "5599":
            assert record.headcount >= 10
        if record.legal_form == "1000":  # an entrepreneur individuel trades under their own name
            assert record.contact_name == record.legal_name and record.headcount < 10
        assert record.address and record.contact_name and " " in record.contact_name
        assert record.contact_email.endswith(".example") and record.declared_cpv is None
    for record in register[::50]:
        validate_email(record.contact_email, check_deliverability=False)
    assert 0.8 <= _share(register, lambda r: r.open_to_groupements) <= 0.9
    assert _share(register, lambda r: r.trade_name) > 0.1
    assert any(r.address.startswith("ZI Les Paluds, ") for r in register)


# House rules


def test_the_generator_is_pure_and_reads_the_reference_communes():
    assert demo.COMMUNES_CSV == DATA_DIR / "communes.csv"
    for module in (demo, demo_data):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
        assert not {name.split(".")[0] for name in imported} & {"flask", "sqlalchemy", "werkzeug"}
        assert all(name.startswith("app.companies") for name in imported if name.split(".")[0] == "app")
        assert not re.search(r"\.(now|today|utcnow)\(|time\.time\(", Path(module.__file__).read_text(encoding="utf-8"))
