"""Company register benchmark: seeding the demo register and searching the directory.

    python -m benchmarks.register [--companies 146000] [--queries 300] [--backend sqlite|postgresql]

Seeding is compared, in the same run, with a naive ORM insert (one object graph per company, the usual
``session.add`` path) on a sample; searching is compared with the same queries after dropping the two indexes
it relies on, and measured with and without the counts per commune it keeps between requests. Figures go to
docs/PERFORMANCE.md."""

from __future__ import annotations

import argparse
import random

from sqlalchemy import event, text

from app.companies import demo, importing
from app.companies.models import Certification, Company, CompanyReference, Competence, CompetenceSource, Turnover
from app.companies.naf_cpv import cpv_for_naf
from app.companies.search import CompanyQuery, forget_counts, search_companies
from app.companies.sizes import sme_category
from app.db import get_session
from app.reference.models import Commune
from benchmarks.common import benchmark_app, machine, percentiles, timed

PREFIXES = ("4533", "4531", "4526", "4545", "4521", "4544", "4542", "7132", "9091", "4511", "4543", "4532")
SEARCH_INDEXES = {
    "ix_competence_cpv_code_company_id": "competence (cpv_code, company_id)",
    "ix_company_commune_insee_legal_name": "company (commune_insee, legal_name, id)",
}


def naive_insert(session, records) -> None:
    """The baseline: one ORM object graph per company, flushed every 500, as a first version would do."""
    for i, r in enumerate(records, 1):
        latest = max(r.turnovers)[1] if r.turnovers else None
        category = sme_category(r.headcount, r.headcount_band, latest)
        company = Company(
            siret=r.siret,
            siren=r.siren,
            legal_name=r.legal_name,
            trade_name=r.trade_name,
            naf_code=r.naf_code,
            legal_form=r.legal_form,
            address=r.address,
            postcode=r.postcode,
            commune_insee=r.commune_insee,
            headcount=r.headcount,
            headcount_band=r.headcount_band,
            source="demo",
            size_category=category.value if category else None,
            open_to_groupements=r.open_to_groupements,
            competences=[Competence(cpv_code=c, source=CompetenceSource.NAF) for c in cpv_for_naf(r.naf_code or "")],
            turnovers=[Turnover(year=y, amount_eur=a) for y, a in r.turnovers or ()],
            certifications=[
                Certification(scheme=c.scheme, code=c.code, label=c.label, valid_until=c.valid_until)
                for c in r.certifications or ()
            ],
            references=[
                CompanyReference(
                    title=x.title, buyer=x.buyer, cpv_code=x.cpv_code, amount_eur=x.amount_eur, year=x.year
                )
                for x in r.references or ()
            ],
        )
        session.add(company)
        if i % 500 == 0:
            session.flush()
    session.flush()


def bench_seed(backend: str, companies: int, sample: int) -> None:
    with benchmark_app(backend) as app, app.app_context():
        records = list(demo.generate_companies(sample, seed=7))
        naive = timed(lambda: naive_insert(get_session(), records))
        get_session().rollback()
    with benchmark_app(backend) as app, app.app_context():
        bulk_sample = timed(lambda: importing.seed_demo(get_session(), count=sample, seed=7))
        get_session().rollback()
    print(
        f"seed sample of {sample}: naive ORM {naive:.2f} s, register writer {bulk_sample:.2f} s "
        f"(including generation) → ratio {naive / bulk_sample:.1f}×"
    )
    with benchmark_app(backend) as app, app.app_context():
        full = timed(lambda: (importing.seed_demo(get_session(), count=companies, seed=1), get_session().commit()))
        print(
            f"seed {companies} companies into {backend}: {full:.1f} s "
            f"({companies / full:,.0f} companies/s; naive ORM extrapolated: {naive / sample * companies:.0f} s)"
        )
        get_session().execute(text("ANALYZE"))  # what autovacuum does within a minute of such a load
        get_session().commit()
        bench_search(app, backend)


def _queries(count: int) -> list[CompanyQuery]:
    rng = random.Random(42)
    communes = get_session().execute(text("SELECT insee_code, population FROM commune")).all()
    codes, weights = zip(*communes, strict=True)
    return [
        CompanyQuery(cpv=rng.choice(PREFIXES), near=rng.choices(codes, weights)[0], radius_km=30) for _ in range(count)
    ]


def _run(queries: list[CompanyQuery], *, kept_counts: bool) -> dict[str, float]:
    """Each query timed alone; without ``kept_counts`` the counts per commune are counted again for each."""
    session = get_session()

    def one(query: CompanyQuery) -> float:
        if not kept_counts:
            forget_counts()
        return timed(lambda: search_companies(session, query)) * 1000

    return percentiles([one(query) for query in queries])


def bench_search(app, backend: str, count: int = 300) -> None:
    session = get_session()
    queries = _queries(count)
    _run(queries[:20], kept_counts=False)  # warm the database's caches
    indexed = _run(queries, kept_counts=False)
    kept = _run(queries, kept_counts=True)
    explain(session, backend, queries[0])
    for name in SEARCH_INDEXES:
        session.execute(text(f"DROP INDEX {name}"))
    bare = _run(queries, kept_counts=False)
    session.rollback()  # puts the indexes back
    print(f"search (CPV prefix + 30 km, count + first page of 20), {count} queries, ms:")
    rows = (("counted each time", indexed), ("counts kept", kept), ("without indexes", bare))
    for label, figures in rows:
        print(f"  {label:17} " + "  ".join(f"{k} {v:7.1f}" for k, v in figures.items()))
    print(
        f"  ratio p95 without indexes / with: {bare['p95'] / indexed['p95']:.1f}×; counted / kept: "
        f"{indexed['p95'] / kept['p95']:.1f}×"
    )


def explain(session, backend: str, query: CompanyQuery) -> None:
    """The plans of the statements a search sends (the count per commune, then the page)."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    engine = session.get_bind()
    forget_counts()
    event.listen(engine, "before_cursor_execute", record)
    try:
        search_companies(session, query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    prefix = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    on_companies = [(statement, parameters) for statement, parameters in sent if "FROM company" in statement]
    for label, (statement, parameters) in zip(("count", "page"), on_companies, strict=False):
        plan = session.connection().exec_driver_sql(prefix + statement, parameters).all()
        print(f"query plan ({label}, CPV {query.cpv} near {session.get(Commune, query.near).name}):")
        for row in plan:
            print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=146_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    bench_seed(args.backend, args.companies, args.sample)


if __name__ == "__main__":
    main()
