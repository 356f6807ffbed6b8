"""« Retombées » benchmark: the operator's dashboard over a national-sized set of contracts.

    python -m benchmarks.impact [--contracts 1000000] [--companies 146000] [--backend sqlite|postgresql|both]
                                [--requests 20]

PostgreSQL needs GROUPEMENT_TEST_DATABASE_URL (a database is created beside it and dropped after).

On a fresh migrated database per backend: the demo register (``--companies``), then ``--contracts`` demonstration
contracts (``app.impact.demo``, the generator of ``make run``) awarded over eight years, stored through the award
store and their facts computed (``facts.refresh``), each phase timed. Then, in interleaved rounds, for each filter
set of ``FILTERS``:

* ours: ``GET /operateur/retombees?…`` through the Flask test client, signed in as the operator — the whole page:
  every figure, table and picture;
* the baseline: the same aggregations in plain SQL over the contracts, their holders and the register (their own
  indexes; none of the facts tables) — the headline, by year, by CPV division and by commune, equal split.

It prints p50 / p95 per filter set for both, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

from sqlalchemy import select, text

from app.accounts import services as accounts
from app.accounts.models import OrganisationKind
from app.awards.store import Store, batches
from app.companies import importing
from app.companies.models import Company
from app.db import get_session
from app.impact import facts, rollups
from app.impact.demo import buyer_siret, generate_contracts
from app.reference.territories import TERRITORIES
from benchmarks.common import benchmark_app, machine, percentiles, timed
from tests.conftest import Browser

EMAIL, PASSWORD = "cci@banc-essai.fr", "Banc d'essai des retombées 2026"
YEARS = tuple(range(2019, 2027))
AIX = "Pays d'Aix"
FILTERS = {
    "none": {},
    "year": {"annee": "2025"},
    "division": {"division": "45"},
    "territory": {"territoire": AIX},
    "buyer": {"acheteur": buyer_siret(3)},
    "quarter+division+territory": {"annee": "2025", "trimestre": "2", "division": "45", "territoire": AIX},
}


def prepare(app, companies: int, contracts: int) -> None:
    session = get_session()
    started = time.perf_counter()
    importing.seed_demo(session, count=companies, seed=1)
    session.commit()
    seeded = time.perf_counter()
    sirets = list(session.scalars(select(Company.siret).order_by(Company.id)))
    store = Store(session, "banc-essai")
    for batch in batches(generate_contracts(contracts, YEARS, sirets, seed=1)):
        store.add(session, batch)
        session.commit()
    stored = time.perf_counter()
    done = facts.refresh(session)
    session.commit()
    computed = time.perf_counter()
    rollups.rebuild(session)  # again, alone: what each refresh pays on top of the contracts it recomputes
    session.commit()
    rebuilt = time.perf_counter() - computed
    accounts.create_account(
        session, email=EMAIL, full_name="Opératrice", password=PASSWORD, organisation_name="CCI du banc d'essai",
        kind=OrganisationKind.OPERATOR,
    )  # fmt: skip
    session.commit()
    _analyse(session)
    print(
        f"seeded {companies:,} companies in {seeded - started:.0f} s; stored {contracts:,} contracts in "
        f"{stored - seeded:.0f} s ({contracts / (stored - seeded):,.0f}/s); facts of {done:,} in "
        f"{computed - stored:.0f} s ({done / (computed - stored):,.0f}/s); the rollups alone, rebuilt again: "
        f"{rebuilt:.0f} s"
    )


def _analyse(session) -> None:
    session.execute(text("ANALYZE"))
    session.commit()


def baseline(session, filters: dict) -> None:
    """The headline, by year, by CPV division and by commune, in plain SQL over the stored contracts."""
    where, params = ["1 = 1"], {}
    if "annee" in filters:
        year, quarter = int(filters["annee"]), int(filters.get("trimestre", 0))
        first, last = (quarter, quarter) if quarter else (1, 4)
        end = date(year + 1, 1, 1) if last == 4 else date(year, 3 * last + 1, 1)
        where.append("c.award_date >= :start AND c.award_date < :end")
        params |= {"start": date(year, 3 * first - 2, 1), "end": end}
    if "division" in filters:
        where.append("substr(c.cpv, 1, 2) = :division")
        params["division"] = filters["division"]
    if "acheteur" in filters:
        where.append("c.buyer_id = :buyer")
        params["buyer"] = filters["acheteur"]
    local = "co.commune_insee IS NOT NULL"
    if "territoire" in filters:
        communes = ", ".join(f"'{insee}'" for insee in TERRITORIES[filters["territoire"]])
        local = f"co.commune_insee IN ({communes})"
    clause = " AND ".join(where)
    shares = (
        "FROM awarded_contract c JOIN contract_holder h ON h.contract_id = c.id "
        "JOIN (SELECT contract_id, COUNT(*) AS n FROM contract_holder GROUP BY contract_id) k ON k.contract_id = c.id "
        f"JOIN company co ON co.id = h.company_id WHERE {clause} AND {local}"
    )
    year = (
        "EXTRACT(YEAR FROM c.award_date)" if session.bind.dialect.name == "postgresql" else "substr(c.award_date, 1, 4)"
    )
    for sql in (
        f"SELECT COUNT(*), SUM(c.amount_eur) FROM awarded_contract c WHERE {clause}",
        f"SELECT SUM(c.amount_eur / k.n), COUNT(DISTINCT c.id) {shares}",
        f"SELECT {year}, COUNT(*), SUM(c.amount_eur) FROM awarded_contract c WHERE {clause} GROUP BY 1",
        f"SELECT {year}, SUM(c.amount_eur / k.n) {shares} GROUP BY 1",
        f"SELECT substr(c.cpv, 1, 2), COUNT(*), SUM(c.amount_eur) FROM awarded_contract c WHERE {clause} GROUP BY 1",
        f"SELECT substr(c.cpv, 1, 2), SUM(c.amount_eur / k.n) {shares} GROUP BY 1",
        f"SELECT co.commune_insee, SUM(c.amount_eur / k.n) {shares} GROUP BY 1",
    ):
        session.execute(text(sql), params).all()


def measure(app, requests: int) -> dict[str, tuple[list[float], list[float]]]:
    """Per filter set: the page's times and the baseline's, in ms, ``requests`` rounds interleaved."""
    browser = Browser(app.test_client())
    browser.login(EMAIL, PASSWORD)
    session = get_session()

    def page(filters: dict) -> None:
        _check(browser.get("/operateur/retombees", query_string=filters).status_code)

    for filters in FILTERS.values():  # warm both once
        page(filters)
        baseline(session, filters)
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in FILTERS}
    for _ in range(requests):
        for name, filters in FILTERS.items():
            samples[name][0].append(timed(lambda f=filters: page(f)) * 1000)
            samples[name][1].append(timed(lambda f=filters: baseline(session, f)) * 1000)
    return samples


def _check(status: int) -> None:
    if status != 200:
        raise RuntimeError(f"the dashboard answered {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=146_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.backend != "sqlite" and not os.environ.get("GROUPEMENT_TEST_DATABASE_URL"):
        parser.error("PostgreSQL needs GROUPEMENT_TEST_DATABASE_URL")
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with benchmark_app(backend) as app, app.app_context():
            prepare(app, args.companies, args.contracts)
            results = measure(app, args.requests)
            print(f"{backend}: the dashboard page (ours) against the plain-SQL aggregations (baseline), ms")
            worst = 0.0
            for name, (ours, plain) in results.items():
                mine, theirs = percentiles(ours), percentiles(plain)
                worst = max(worst, mine["p95"])
                ratio = theirs["p50"] / mine["p50"]
                print(
                    f"  {name:<25} ours p50 {mine['p50']:7.1f} p95 {mine['p95']:7.1f} | baseline p50 "
                    f"{theirs['p50']:7.1f} p95 {theirs['p95']:7.1f} | baseline / ours {ratio:5.1f}×"
                )
            print(f"  worst p95 of the page: {worst:.0f} ms (target ≤ 300 ms)", flush=True)


if __name__ == "__main__":
    main()
