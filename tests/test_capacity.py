"""The buyer's « capacité locale » report: counts by distance band, one SME alone or a groupement per lot, the
what-ifs (split by CPV, merged lots), who may read it, and a French error for a bad radius."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import OrganisationKind
from app.consortium.capacity.report import Outlook, capacity_report
from app.consortium.selection.prepared import Candidate, LotRef, Prepared
from solver import EXACT, Company, Instance, Lot
from tests.consortium_data import ELEC, PLUMB, ROOF, build_world

BUYER = "achats@ville-marseille.fr"
ROW = re.compile(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>')


@pytest.fixture
def world(session, make_user):
    world = build_world(session, make_user)
    make_user(BUYER, kind=OrganisationKind.PUBLIC_BUYER, organisation_name="Ville de Marseille")
    return world


def url(tender_id: int, query: str = "") -> str:
    return f"/appels-d-offres/{tender_id}/capacite-locale{query}"


def lot_sections(page: str) -> list[str]:
    """The report's sections, one per lot, in the tender's order."""
    return re.split(r'<section class="lot" id="capacite-lot-\d+"', page)[1:]


def bands(section: str) -> dict[str, tuple[int, int]]:
    return {label: (int(a), int(b)) for label, a, b in ROW.findall(section)}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_counts_by_band_and_who_can_take_each_lot(browser, world):
    browser.login(BUYER)
    response = browser.get(url(world.tender_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "ne peut servir de critère d'attribution" in page and "L2113-10" in page
    assert "60 km" in text(page)
    electricity, plumbing_roofing = lot_sections(page)
    # Lot 1: the electrician of Marseille (0 km), able to do the whole lot.
    assert bands(electricity) == {
        "≤ 10 km": (1, 1), "10 à 25 km": (0, 0), "25 à 50 km": (0, 0), "plus de 50 km": (0, 0), "Total": (1, 1)
    }  # fmt: skip
    assert "1 PME peut prendre ce lot seule (la plus proche à 0,0 km)" in text(electricity)
    assert "Oui : une seule entreprise située dans le rayon suffit" in text(electricity)
    # Lot 2: the plumber (Marseille), roofers at Allauch (11.8 km), Aubagne (14.7 km), Pertuis (45.4 km).
    assert bands(plumbing_roofing) == {
        "≤ 10 km": (1, 0), "10 à 25 km": (2, 0), "25 à 50 km": (1, 0), "plus de 50 km": (0, 0), "Total": (4, 0)
    }  # fmt: skip
    lot2 = text(plumbing_roofing)
    assert "Aucune PME ne peut prendre ce lot seule." in lot2
    assert "Oui : un groupement de 2 entreprises" in lot2


def test_split_and_merge_what_ifs(browser, world):
    browser.login(BUYER)
    page = browser.get(url(world.tender_id)).get_data(as_text=True)
    electricity, plumbing_roofing = lot_sections(page)
    assert "divisé par code CPV" not in electricity  # a single CPV code: nothing to split
    split = plumbing_roofing.split("divisé par code CPV", 1)[1]
    parts = re.findall(
        r'<th scope="row">CPV (\d{8})[^<]*</th>\s*<td[^>]*>([^<]+)</td>\s*<td class="num">(\d+)</td>', split
    )
    assert [(code, int(count)) for code, _, count in parts] == [(PLUMB, 1), (ROOF, 3)]
    assert "120\u202f000 € HT" in parts[0][1]  # the main package: 60 % of the lot
    merges = text(page.split('id="fusions"', 1)[1])
    assert "Si les lots LOT-0001 et LOT-0002 étaient fusionnés" in merges
    assert "aucune PME seule ne pourrait prendre le lot fusionné" in merges


def test_a_smaller_radius_leaves_the_far_roofer_out(browser, world):
    browser.login(BUYER)
    page = browser.get(url(world.tender_id, "?rayon=20")).get_data(as_text=True)
    _, plumbing_roofing = lot_sections(page)
    assert bands(plumbing_roofing)["25 à 50 km"] == (0, 0)
    assert bands(plumbing_roofing)["Total"] == (3, 0)
    assert "20 km" in text(page)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?rayon=5", "entre 10 et 200"),
        ("?rayon=500", "entre 10 et 200"),
        ("?rayon=loin", "nombre entier de kilomètres"),
        ("?rayon=", "nombre entier de kilomètres"),
    ],
)
def test_a_bad_radius_gives_a_french_error(browser, world, query, message):
    browser.login(BUYER)
    response = browser.get(url(world.tender_id, query))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count(message) == 1 and "Traceback" not in page
    assert 'aria-invalid="true"' in page and "capacite-lot-" not in page


def test_an_sme_may_not_read_the_report(browser, world):
    browser.login("contact@plomberie.fr")
    assert browser.get(url(world.tender_id)).status_code == 403


def test_unknown_tender_and_visitor(browser, world, client):
    assert client.get(url(world.tender_id)).status_code == 302  # to the login page
    browser.login(BUYER)
    assert browser.get(url(999_999)).status_code == 404


# --- capacity_report on a hand-built instance (no database) ----------------------------------------------
def _company(key: str, codes: dict[tuple[str, str], int], turnover: int, km: float) -> tuple[Company, Candidate]:
    company = Company(key, turnover, 5, True, codes, {"A": int(km * 1000), "B": int(km * 1000)})
    return company, Candidate(int(key), f"{key:0>14}", f"Entreprise {key}", "Marseille", {"A": km, "B": km}, True)


def test_capacity_report_on_a_hand_built_instance():
    lot_a = Lot("A", 300_000, (PLUMB, ROOF))
    lot_b = Lot("B", 50_000, (ELEC,), min_turnover_eur=1_000_000)
    pairs = [
        _company("1", {("A", PLUMB): EXACT, ("A", ROOF): EXACT, ("B", ELEC): EXACT}, 400_000, 8.0),  # too small for A+B
        _company("2", {("A", ROOF): EXACT}, 2_000_000, 30.0),
        _company("3", {("B", ELEC): EXACT}, 1_500_000, 70.0),
    ]
    instance = Instance((lot_a, lot_b), tuple(c for c, _ in pairs))
    lots = {"A": LotRef(11, "1", "Plomberie, couverture"), "B": LotRef(12, "LOT-2", "Électricité")}
    prepared = Prepared(instance, lots, {c.id: r for c, r in pairs}, (), 3, (), 0.0)
    report = capacity_report(prepared, max_members=3)
    a, b = report.lots
    assert (a.number, b.number) == ("1", "LOT-2")
    assert [band.eligible for band in a.bands] == [1, 0, 1, 0] and a.complete == 1
    assert a.alone.count == 1 and a.alone.nearest_km == 8.0
    assert b.alone.count == 1 and b.alone.nearest_km == 70.0  # company 1 misses the minimum turnover
    assert a.groupement.outlook is Outlook.POSSIBLE and a.groupement.members == 1
    assert [(p.requirement, p.value_eur, p.alone.count) for p in a.split] == [(PLUMB, 150_000, 1), (ROOF, 150_000, 2)]
    assert b.split == ()
    (merge,) = report.merges
    assert (merge.first, merge.second, merge.value_eur, merge.requirements) == ("1", "LOT-2", 350_000, 3)
    assert merge.alone.count == 0  # company 1 holds every code but not the turnover


def test_capacity_report_says_why_no_groupement_exists():
    lot = Lot("A", 100_000, (PLUMB, ROOF))
    company, record = _company("1", {("A", ROOF): EXACT}, 1_000_000, 5.0)
    lots = {"A": LotRef(1, "A", "")}
    prepared = Prepared(Instance((lot,), (company,)), lots, {"1": record}, (), 1, (), 0.0)
    (capacity,) = capacity_report(prepared, max_members=4).lots
    assert capacity.groupement.outlook is Outlook.IMPOSSIBLE and capacity.groupement.reasons
    assert capacity.number == "A" and capacity.alone.count == 0


def test_a_certification_counts_only_the_smes_that_hold_it_for_the_work_it_concerns():
    from dataclasses import replace

    from solver.instance import Certification

    lot = Lot("A", 300_000, (PLUMB, ROOF), certifications=(Certification("Qualibat 3211"),))
    plumber, plumber_record = _company("1", {("A", PLUMB): EXACT, ("A", ROOF): EXACT}, 2_000_000, 5.0)
    certified, certified_record = _company("2", {("A", PLUMB): EXACT, ("A", ROOF): EXACT}, 2_000_000, 30.0)
    certified = replace(certified, certificates=frozenset({"Qualibat 3211"}))
    lots = {"A": LotRef(1, "A", "")}
    records = {"1": plumber_record, "2": certified_record}
    prepared = Prepared(Instance((lot,), (plumber, certified)), lots, records, (), 2, (), 0.0)
    (capacity,) = capacity_report(prepared, max_members=3).lots
    assert capacity.certifications == ("Qualibat 3211",) and capacity.requirements == (PLUMB, ROOF)
    # Both can do every package, only the certified one may do the main one: it alone takes the lot.
    assert capacity.complete == 1 and capacity.alone.count == 1 and capacity.alone.nearest_km == 30.0
    assert [(p.requirement, p.alone.count) for p in capacity.split] == [(PLUMB, 1), (ROOF, 2)]
