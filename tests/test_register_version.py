"""The register's version changes as every transaction that wrote a company, a competence or a certification
commits — whichever way it was written — and only then; the directory's cached counts follow it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, update

from app import create_app, schema
from app.accounts.models import Organisation, OrganisationKind
from app.companies import register_version
from app.companies.models import Certification, Company, Competence, CompetenceSource, RegisterVersion
from app.companies.register import write_companies
from app.companies.search import CompanyQuery, search_companies
from app.reference import loading
from tests.databases import TEST_CONFIG
from tests.test_company_search import record


@pytest.fixture
def companies(session):
    write_companies(
        session,
        [
            record(11, "Plomberie du Panier", "13055", ("45330000",)),
            record(12, "Chauffage de la Ciotat", "13028", ("45331000",)),
            record(13, "Électricité d'Aubagne", "13005", ("45310000",)),
        ],
        source="demo",
    )
    session.commit()
    return {c.legal_name: c for c in session.query(Company)}


def moves(session, write) -> bool:
    """Whether one transaction doing ``write`` changes the version, seen from a new transaction."""
    before = register_version.current(session)
    session.commit()
    write()
    session.commit()
    return register_version.current(session) != before


def test_orm_writes_move_the_version_once_per_transaction(session, companies):
    panier = companies["Plomberie du Panier"]
    sent = []
    event.listen(session.get_bind().engine, "before_cursor_execute", lambda *args: sent.append(args[2]))

    def two_writes():
        session.add(Competence(company_id=panier.id, cpv_code="45332000", source=CompetenceSource.DECLARED))
        session.flush()
        panier.legal_name = "Plomberie du Panier et fils"

    assert moves(session, two_writes)
    assert sum(statement.startswith("UPDATE register_version") for statement in sent) == 1


@pytest.mark.parametrize(
    "write",
    [
        lambda s, ids: write_companies(s, [record(14, "Toitures de Cassis", "13022", ("45261000",))], source="demo"),
        lambda s, ids: s.execute(update(Company).where(Company.id == ids[0]).values(size_category="micro")),
        lambda s, ids: s.execute(delete(Competence).where(Competence.company_id == ids[1])),
        lambda s, ids: s.add(Certification(company_id=ids[2], scheme="Qualifelec", code="E1", label="")),
    ],
    ids=["core-insert", "bulk-update", "bulk-delete", "certification"],
)
def test_every_kind_of_register_write_moves_the_version(session, companies, write):
    ids = [c.id for c in companies.values()]
    assert moves(session, lambda: write(session, ids))


def test_the_version_is_set_at_commit_not_at_the_write(session, companies):
    """Its row is locked from the UPDATE to the COMMIT: a write of the register that takes minutes (the SIRENE
    import is one transaction) must not hold up every other writer for its whole length."""
    sent = []
    event.listen(session.get_bind().engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    panier = companies["Plomberie du Panier"]
    session.add(Competence(company_id=panier.id, cpv_code="45332000", source=CompetenceSource.DECLARED))
    session.flush()
    assert any(statement.startswith("INSERT INTO competence") for statement in sent)
    assert not any(statement.startswith("UPDATE register_version") for statement in sent)
    written = len(sent)
    session.commit()
    assert any(statement.startswith("UPDATE register_version") for statement in sent[written:])


def test_other_writes_leave_it(session, companies):
    assert (
        moves(session, lambda: session.add(Organisation(name="Ville d'Aubagne", kind=OrganisationKind.PUBLIC_BUYER)))
        is False
    )


def test_a_write_after_a_rolled_back_savepoint_still_moves_it(session, companies):
    panier = companies["Plomberie du Panier"]

    def rolled_back_then_kept():
        with session.begin_nested() as savepoint:
            panier.legal_name = "Annulé"
            session.flush()
            savepoint.rollback()
        session.add(Competence(company_id=panier.id, cpv_code="45332000", source=CompetenceSource.DECLARED))

    assert moves(session, rolled_back_then_kept)


def test_cached_counts_follow_the_register(session, companies):
    query = CompanyQuery(cpv="4533", near="13055", radius_km=40)
    assert search_companies(session, query).total == 2
    aubagne = companies["Électricité d'Aubagne"]
    session.add(Competence(company_id=aubagne.id, cpv_code="45331100", source=CompetenceSource.DECLARED))
    session.commit()
    page = search_companies(session, query)
    assert page.total == 3 and "Électricité d'Aubagne" in [hit.company.legal_name for hit in page.items]
    session.execute(update(Company).where(Company.id == aubagne.id).values(commune_insee="13022"))
    session.commit()
    assert search_companies(session, CompanyQuery(cpv="4533", near="13005", radius_km=0.5)).total == 0


def test_a_transaction_that_wrote_the_register_counts_its_own_writes_and_keeps_nothing(session, companies):
    query = CompanyQuery(cpv="4533", near="13055", radius_km=40)
    assert search_companies(session, query).total == 2  # kept
    session.commit()
    aubagne = companies["Électricité d'Aubagne"]
    session.add(Competence(company_id=aubagne.id, cpv_code="45331100", source=CompetenceSource.DECLARED))
    session.flush()
    assert search_companies(session, query).total == 3  # its own write, uncommitted
    session.rollback()
    assert search_companies(session, query).total == 2  # the rolled-back write left nothing kept


def test_cached_counts_are_per_day(session, companies):
    """A certification that expires tonight counts today, not tomorrow, though the register did not change."""
    panier = companies["Plomberie du Panier"]
    session.add(Certification(company_id=panier.id, scheme="Qualibat", code="5211", valid_until=date.today()))
    session.commit()
    query = CompanyQuery(certification="Qualibat", near="13055", radius_km=40)
    assert search_companies(session, query).total == 1
    assert search_companies(session, query, today=date.today() + timedelta(days=1)).total == 0


def test_counts_are_kept_per_database(tmp_path):
    """Two databases at the same version (both new) and the same search: each counts its own companies."""
    totals = []
    for n, name in enumerate(("premiere", "seconde")):
        app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / name}.db"})
        schema.upgrade(app.extensions["db_engine"])
        with app.extensions["db_sessionmaker"]() as session:
            loading.load_communes(session)
            session.execute(update(RegisterVersion).values(value=0))  # as new as the other, whatever was written
            records = [record(30 + i, f"Entreprise {i}", "13055", ("45330000",)) for i in range(n + 1)]
            write_companies(session, records, source="demo")
            session.execute(update(RegisterVersion).values(value=0))
            session.commit()
            totals.append(search_companies(session, CompanyQuery(cpv="4533", near="13055", radius_km=10)).total)
        app.extensions["db_engine"].dispose()
    assert totals == [1, 2]
