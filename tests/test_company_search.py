"""Directory search: CPV hierarchy, radius around a commune, size, certification, text, pagination — through
the service, the web page and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.companies.identifiers import luhn_check_digit
from app.companies.records import CertificationRecord, CompanyRecord
from app.companies.register import write_companies
from app.companies.search import CompanyQuery, search_companies
from app.search import SearchError, cpv_prefix


def siret(n: int) -> str:
    siren = f"5{n:07d}"
    siren += luhn_check_digit(siren)
    base = siren + "0001"
    return base + luhn_check_digit(base)


def record(n: int, name: str, commune: str, cpv: tuple[str, ...], **kwargs) -> CompanyRecord:
    return CompanyRecord(
        siret=siret(n), legal_name=name, commune_insee=commune, naf_code=None, declared_cpv=cpv, **kwargs
    )


@pytest.fixture
def register(session):
    expired = date.today() - timedelta(days=1)
    records = [
        record(
            1,
            "Électricité du Vieux-Port",
            "13055",
            ("45331000",),
            headcount=4,
            turnovers=((2025, 400_000),),
            certifications=(CertificationRecord("Qualifelec", "E2", "Installations électriques"),),
        ),
        record(2, "Chauffage d'Aubagne", "13005", ("45330000",), headcount=30, turnovers=((2025, 4_000_000),)),
        record(
            3,
            "Ventilation aixoise",
            "13001",
            ("45331210",),
            headcount=120,
            turnovers=((2025, 30_000_000),),
            certifications=(CertificationRecord("Qualibat", "5211", "", valid_until=expired),),
        ),
        record(4, "Toitures de Pertuis", "84089", ("45261000",), headcount=2),
        record(5, "Isolation 100% Provence_", "13055", ("45320000",)),
    ]
    write_companies(session, records, source="demo")
    session.commit()


def names(page) -> list[str]:
    return [hit.company.legal_name for hit in page.items]


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("4533", "4533"), ("45330000", "4533"), ("45000000", "45"), ("03000000", "03"), ("45331000-7", "45331")],
)
def test_cpv_prefix_keeps_significant_digits(code, prefix):
    assert cpv_prefix(code) == prefix


@pytest.mark.parametrize("code", ["4", "abc", "45' OR 1=1 --", "123456789"])
def test_cpv_prefix_refuses_what_is_not_a_code(code):
    with pytest.raises(SearchError, match="code CPV"):
        cpv_prefix(code)


def test_search_by_cpv_prefix_finds_the_narrower_codes(register, session):
    # 4533 finds 45331000, 45330000 and 45331210, not 45320000 nor 45261000.
    assert sorted(names(search_companies(session, CompanyQuery(cpv="4533")))) == [
        "Chauffage d'Aubagne",
        "Ventilation aixoise",
        "Électricité du Vieux-Port",
    ]
    # A full code finds itself and the narrower codes below it (45331210 lies under 45331000).
    assert sorted(names(search_companies(session, CompanyQuery(cpv="45331000")))) == [
        "Ventilation aixoise",
        "Électricité du Vieux-Port",
    ]


def test_search_by_radius_orders_by_distance(register, session):
    page = search_companies(session, CompanyQuery(near="13055", radius_km=20))
    assert names(page)[:2] == ["Isolation 100% Provence_", "Électricité du Vieux-Port"]  # Marseille, by name
    assert "Toitures de Pertuis" not in names(page)
    assert page.items[0].distance_km == 0
    aubagne = next(h for h in page.items if h.company.commune_insee == "13005")
    assert 10 < aubagne.distance_km < 20


def test_search_by_size_and_certification(register, session):
    assert names(search_companies(session, CompanyQuery(sizes=("medium",)))) == ["Ventilation aixoise"]
    assert names(search_companies(session, CompanyQuery(certification="Qualifelec"))) == ["Électricité du Vieux-Port"]
    # An expired certification does not count.
    assert names(search_companies(session, CompanyQuery(certification="Qualibat"))) == []


def test_search_text_treats_like_wildcards_literally(register, session):
    assert names(search_companies(session, CompanyQuery(text="100%"))) == ["Isolation 100% Provence_"]
    assert names(search_companies(session, CompanyQuery(text="_"))) == ["Isolation 100% Provence_"]
    assert names(search_companies(session, CompanyQuery(text="' OR 1=1 --"))) == []


def test_search_paginates(register, session):
    first = search_companies(session, CompanyQuery(per_page=2))
    third = search_companies(session, CompanyQuery(per_page=2, page=3))
    assert (first.total, first.pages, len(first.items), len(third.items)) == (5, 3, 2, 1)


def test_search_unknown_commune_is_refused(register, session):
    with pytest.raises(SearchError, match="Commune inconnue"):
        search_companies(session, CompanyQuery(near="99999", radius_km=10))


def test_directory_page_searches_and_explains_bad_input(register, browser, make_user):
    browser.login(make_user().email)
    page = browser.get("/entreprises?cpv=4533&commune=13055&radius=20").get_data(as_text=True)
    assert "2 entreprises trouvées" in page
    assert "Électricité du Vieux-Port" in page and "Ventilation aixoise" not in page
    bad = browser.get("/entreprises?cpv=45%27%20OR%201%3D1")
    assert bad.status_code == 422
    assert "n&#39;est pas un code CPV" in bad.get_data(as_text=True)
    assert browser.get("/entreprises?size=gigantesque").status_code == 422


def test_companies_search_cli_json(register, runner):
    result = runner.invoke(args=["companies", "search", "--cpv", "4533", "--near", "13001", "--radius", "40", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["name"] for r in rows][0] == "Ventilation aixoise"
    assert {"siret", "name", "commune", "distance_km", "competences"} <= set(rows[0])
    assert rows[0]["commune"] == "13001" and rows[0]["distance_km"] == 0
    assert rows[0]["competences"] == ["45331210"]


def test_companies_search_cli_refuses_radius_without_commune(runner):
    result = runner.invoke(args=["companies", "search", "--radius", "10"])
    assert result.exit_code == 1
    assert "--radius demande --near" in result.output


@pytest.mark.parametrize("per_page", [1, 2, 3, 4, 7])
def test_pages_around_a_commune_follow_distance_then_name(session, per_page):
    """Pages are cut across and within communes; read one after the other they give every match once, in order of
    distance, then name, then id (two companies share a name)."""
    places = ["13055", "13055", "13055", "13005", "13005", "13001", "13028", "13022", "13055"]
    names = ["Bâtir", "Azur", "Calanque", "Azur", "Garlaban", "Mistral", "Cap Canaille", "Cassis", "Azur"]
    write_companies(
        session,
        [record(20 + n, name, place, ("45330000",)) for n, (name, place) in enumerate(zip(names, places, strict=True))],
        source="demo",
    )
    session.commit()
    query = CompanyQuery(cpv="4533", near="13055", radius_km=50, per_page=per_page)
    first = search_companies(session, query)
    seen = [
        hit
        for number in range(1, first.pages + 2)  # one page past the last: empty, same total
        for hit in search_companies(session, replace(query, page=number)).items
    ]
    expected = sorted(seen, key=lambda hit: (hit.distance_km, hit.company.legal_name, hit.company.id))
    assert first.total == len(seen) == len(places)
    assert [h.company.id for h in seen] == [h.company.id for h in expected]
    assert [h.company.commune_insee for h in seen[:4]] == ["13055"] * 4
