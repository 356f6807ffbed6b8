"""The « retombées » computed by hand on the six contracts of ``tests/impact_data.py`` and compared with what the
platform computes: the figures' functions (from the facts and from the rollups), ``flask impact report --json``,
the refresh, the shares, the demonstration data."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.awards.model import Source
from app.awards.store import Store
from app.db import make_engine
from app.impact import facts
from app.impact.companies import top_holders
from app.impact.demo import generate_contracts
from app.impact.figures import Filters, by_division, by_year, headline
from app.impact.funnel import funnel
from app.impact.geography import by_commune, by_territory
from app.impact.models import ImpactContract, ImpactState
from app.impact.report import report
from app.impact.shares import EQUAL, GROUPEMENT, SOLE, split
from app.impact.tables import TABLES
from tests.consortium_data import siret
from tests.impact_data import BUYER, MEMBERS, make_contract, make_holder


def test_the_figures_are_those_computed_by_hand(contracts, session, world):
    lot_2 = contracts
    plumber, roofer = world.companies[2], world.companies[3]
    assert set(lot_2) <= {world.companies[n] for n in (1, 2, 3)} and sum(lot_2.values()) > 0
    share = {c: Decimal(195000) * amount / sum(lot_2.values()) for c, amount in lot_2.items()}  # A's split table

    top = headline(session, Filters())
    assert (top.contracts, top.duplicates) == (5, 1)  # C is B
    assert top.amount_eur == 195000 + 120000 + 80000 + 30000 + 90000 == 515000
    assert top.local_amount_eur == 195000 + 60000 + 80000 + 0 + 60000 == 395000
    assert top.local_contracts == 4 and top.local_share_count == 4 / 5
    assert top.local_share_amount == pytest.approx(395000 / 515000)
    assert top.sme_amount_eur == 195000 + 60000 + 0 + 0 + 60000  # D is a large group's, E's size is unknown
    assert top.sme_contracts == 3
    assert top.unidentified_contracts == 1 and top.ours_contracts == 1 and top.ours_amount_eur == 195000
    assert (top.subcontract_amount_eur, top.local_subcontract_amount_eur) == (20000, 20000)  # apart from the shares
    assert top.equal_split_contracts == 2  # B and F; A follows its split table, D and E have one holder

    divisions = {
        row.key: (row.contracts, row.amount_eur, row.local_amount_eur) for row in by_division(session, Filters())
    }
    assert divisions == {"45": (3, 405000, 315000), "71": (1, 80000, 80000), "90": (1, 30000, 0)}
    communes = {p.insee: p.local_amount_eur for p in by_commune(session, Filters()) if p.local_amount_eur}
    marseille = 80000 + sum(share.get(c, 0) for c in (world.companies[1], plumber))
    assert communes == pytest.approx({"13055": marseille, "13002": 30000 + share.get(roofer, 0), "13005": 60000,
                                      "84089": 30000})  # fmt: skip
    assert len(by_commune(session, Filters())) == 92  # every commune, those without a contract too
    years = {row.key: (row.contracts, row.amount_eur) for row in by_year(session, Filters())}
    assert years == {"2025": (1, 80000), "2026": (4, 435000)}  # D was awarded in 2025, modified in 2026


def test_a_territory_keeps_what_stayed_there(contracts, session):
    aubagne = Filters(territory="Pays d'Aubagne et de l'Étoile")
    top = headline(session, aubagne)
    assert (top.contracts, top.amount_eur) == (5, 515000)  # every contract: the share of all of it that went there
    assert (top.local_amount_eur, top.local_contracts) == (60000, 1)  # B's Couvreurs d'Aubagne
    assert [(p.name, p.local_amount_eur) for p in by_territory(session, aubagne)] == [(aubagne.territory, 60000)]
    assert {p.territory for p in by_commune(session, aubagne)} == {aubagne.territory}
    assert len(by_commune(session, aubagne)) == 12


def test_filters_combine(contracts, session):
    works_2026 = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), division="45")
    top = headline(session, works_2026)
    assert (top.contracts, top.amount_eur, top.local_amount_eur) == (3, 405000, 315000)
    assert headline(session, Filters(buyer="00000000000000")).contracts == 0
    assert headline(session, Filters(date_to=date(2025, 12, 31))).amount_eur == 80000


def test_the_local_holders_with_the_most(contracts, session, world):
    ranked = top_holders(session, Filters())
    assert [h.amount_eur for h in ranked] == sorted((h.amount_eur for h in ranked), reverse=True)
    assert {h.name for h in ranked} >= {"Bâtiment Provence SA", "Couvreurs d'Aubagne", "Charpentes de Pertuis"}
    assert sum(h.amount_eur for h in ranked) == 395000  # every local euro goes to one of them


def test_the_report_command_prints_the_same_figures(contracts, runner, session):
    result = runner.invoke(args=["impact", "report", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == json.loads(json.dumps(report(session, Filters())))
    assert printed["contracts"] == 5 and printed["amount_eur"] == 515000 and printed["local_amount_eur"] == 395000
    assert printed["unidentified_contracts"] == 1
    assert printed["by_cpv_division"][0] == {
        "division": "45",
        "label": printed["by_cpv_division"][0]["label"],
        "contracts": 3,
        "amount_eur": 405000,
        "local_amount_eur": 315000,
    }
    assert printed["by_cpv_division"][0]["label"].startswith("Travaux de construction")
    period = json.loads(runner.invoke(args=["impact", "report", "--json", "--from", "2026-01-01"]).output)
    assert (period["from"], period["to"], period["contracts"], period["amount_eur"]) == ("2026-01-01", None, 4, 435000)
    text = runner.invoke(args=["impact", "report"]).output
    assert "Part locale : 76,7 % du montant" in text and "80,0 % des marchés" in text


def test_a_report_with_dates_the_wrong_way_round_is_refused(runner):
    result = runner.invoke(args=["impact", "report", "--from", "2026-12-31", "--to", "2026-01-01"])
    assert result.exit_code == 2 and "la date de début est après la date de fin" in result.output
    assert "Traceback" not in result.output


def test_a_refresh_recomputes_only_what_changed(contracts, session):
    assert facts.refresh(session) == 0  # the import recomputed everything already
    decp_b = session.scalar(
        select(ImpactContract).where(ImpactContract.source == "decp", ImpactContract.amount_eur == 120000)
    )
    assert decp_b.counted and not decp_b.ours
    assert facts.refresh(session, full=True) == 6


def test_shares_add_up_to_the_amount_to_the_cent():
    assert split(Decimal("100.00"), [1, 2, 3], {}) == ([Decimal("33.34"), Decimal("33.33"), Decimal("33.33")], EQUAL)
    shares, method = split(Decimal("1000.00"), [1, 2, 3], {2: Decimal(1), 3: Decimal(2)})
    assert method == GROUPEMENT and shares == [0, Decimal("333.34"), Decimal("666.66")] and sum(shares) == 1000
    assert split(Decimal(0), [1], {}) == ([Decimal(0)], SOLE)
    assert split(Decimal(500), [], {}) == ([], "none")
    assert split(Decimal(500), [None, 7], {7: Decimal(0)})[1] == EQUAL  # the table gives them nothing: equal


def test_the_demo_generator_is_deterministic_and_shaped_as_the_decp():
    sirets = [siret(n) for n in range(1, 50)]
    first = list(generate_contracts(500, [2025], sirets, seed=3))
    assert first == list(generate_contracts(500, [2025], sirets, seed=3))
    assert first != list(generate_contracts(500, [2025], sirets, seed=4))
    assert all(c.source is Source.DEMO and c.buyer_name.endswith("(démonstration)") for c in first)
    assert all(c.award_date.year == 2025 and c.amount_eur >= 40_000 for c in first)
    holders = [h for c in first for h in c.holders]
    local = sum(h.id in sirets for h in holders) / len(holders)
    assert 0.45 < local < 0.65  # LOCAL_SHARE, give or take
    assert any(len(c.holders) > 1 and c.groupement is not None for c in first)
    assert any(h.id is None for h in holders) and any(c.modifications for c in first)


def test_the_demo_command_fills_an_empty_platform_once(runner, session, world):
    result = runner.invoke(args=["impact", "demo", "--contracts", "300", "--year", "2025", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "300 ajoutés" in result.output
    assert headline(session, Filters()).sources == {"demo": 300}
    again = runner.invoke(args=["impact", "demo", "--contracts", "300", "--if-empty"])
    assert "rien à faire" in again.output and headline(session, Filters()).contracts == 300


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
        Filters(date_from=date(2026, 4, 1), date_to=date(2026, 9, 30), division="45"),
        Filters(territory="Pays d'Aix"),
        Filters(territory="Pays d'Aubagne et de l'Étoile", date_from=date(2026, 1, 1)),
        Filters(buyer=BUYER[:9]),
        Filters(buyer=BUYER),
        Filters(buyer=BUYER, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)),
        Filters(division="45", buyer=BUYER, territory="Marseille Provence"),
    ],
    ids=["all", "2026", "quarters-works", "aix", "aubagne-2026", "buyer-siren", "buyer", "buyer-2026", "combined"],
)
def test_the_rollups_give_what_the_facts_give(contracts, session, monkeypatch, filters):
    """Whole quarters are read from the rollups; the same figures from the facts must be equal, table by table."""
    assert filters.on_quarters()
    from_rollups = {slug: build(session, filters).rows for slug, build in TABLES.items()}
    headline_rollups = headline(session, filters)
    monkeypatch.setattr(Filters, "on_quarters", lambda self: False)
    monkeypatch.setattr("app.impact.companies._whole_year", lambda filters: None)
    assert {slug: build(session, filters).rows for slug, build in TABLES.items()} == from_rollups
    assert headline(session, filters) == headline_rollups


def test_two_refreshes_at_once_take_turns(database_url, app):
    """Two imports finishing together: the second refresh waits for the first (the state's row is locked), so that
    the rollups, deleted and inserted whole, are never written by both. SQLite serialises writers by itself."""
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("SQLite lets one writer at a time: nothing to lock")
    finished = threading.Event()

    def second() -> None:
        with Session(engine) as other:
            facts.refresh(other)
            other.rollback()
        finished.set()

    try:
        with Session(engine) as first:
            first.get(ImpactState, 1, with_for_update=True)  # a refresh under way
            waiting = threading.Thread(target=second)
            waiting.start()
            assert not finished.wait(0.5)  # it waits for the lock
            first.rollback()
        assert finished.wait(10)
        waiting.join()
    finally:
        engine.dispose()


def test_the_sub_contractors_of_our_dc4_are_counted_apart_from_the_holders():
    contract = SimpleNamespace(
        id=1, amount_eur=Decimal(1000), award_date=date(2026, 3, 1), cpv="45261000", buyer_id=BUYER,
        buyer_name="Ville", source="eforms", lot_id="LOT-1",
    )  # fmt: skip
    holder = SimpleNamespace(
        id=10, company_id=5, commune_insee="13055", legal_name="Toitures", name=None, role="titulaire",
        identifier=siret(5), size_category="small", sme=None,
    )  # fmt: skip
    table = facts.Split(members={5: Decimal(300)}, subcontractors={7: Decimal(100), 8: Decimal(50)})
    in_decp = SimpleNamespace(amount_eur=Decimal(120), company_id=8)  # the DECP declare the second one too
    row, shares = facts._facts(contract, [holder], [in_decp], {1: table})
    assert [s["share_eur"] for s in shares] == [Decimal(1000)]  # the holder's share is the contract's amount
    assert (row["subcontract_amount_eur"], row["local_subcontract_amount_eur"]) == (220, 220)  # 120 + 100, not 270
    assert row["ours"] and row["local_amount_eur"] == 1000


def test_the_funnel_counts_our_groupements_and_what_they_won(contracts, session):
    stages = {stage.label: stage for stage in funnel(session, Filters())}
    assert stages["Gagnés"].groupements == 1 and stages["Gagnés"].amount_eur == 195000
    assert stages["Proposés"].groupements >= stages["Déposés"].groupements >= 1 and stages["Invités"].amount_eur is None


def test_a_contract_published_again_with_a_new_amount_is_recomputed(session, world):
    first = make_contract(Source.DECP, "R", "100000", date(2026, 3, 1), "45261000", make_holder("Couvreurs", siret(4)))
    Store(session, "a.json").add(session, [first])
    session.commit()
    assert facts.refresh(session) == 1
    session.commit()
    changed = replace(first, amount_eur=Decimal("150000"))
    Store(session, "b.json").add(session, [changed])
    session.commit()
    assert facts.is_stale(session)
    assert facts.refresh(session) == 1  # only the changed one
    session.commit()
    assert headline(session, Filters()).amount_eur == 150000 and not facts.is_stale(session)


def test_the_decp_copy_of_our_award_leaves_it_ours(contracts, session):
    """The DECP publish our groupement's contract months after its award notice: the notice's copy, which carries
    the split table, stays the one counted."""
    members = [make_holder(name, siret(n)) for n, name in enumerate(MEMBERS, 1)]
    copy = make_contract(Source.DECP, "A-decp", "195000", date(2026, 5, 2), "45261000", *members)
    Store(session, "decp-2026.json").add(session, [copy])
    session.commit()
    facts.refresh(session)
    top = headline(session, Filters())
    assert (top.contracts, top.duplicates, top.ours_contracts, top.ours_amount_eur) == (5, 2, 1, 195000)
    assert top.equal_split_contracts == 2  # still B and F: A keeps its split table
