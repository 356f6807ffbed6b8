"""``flask demo seed`` writes the demo register through the register writer, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from app.companies.models import Certification, Company, CompanyReference, Competence, Turnover


def _counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count(m.id)))
        for m in (Company, Competence, Turnover, Certification, CompanyReference)
    )


def test_demo_seed_writes_a_register_and_is_idempotent(runner, session):
    # 1,500 companies are enough to meet every certification scheme and field length the generator produces.
    first = runner.invoke(args=["demo", "seed", "--companies", "1500", "--seed", "3"])
    assert first.exit_code == 0, first.output
    assert "1500 ajoutées, 0 mises à jour" in first.output
    counts = _counts(session)
    assert counts[0] == 1500 and all(counts)
    assert session.scalar(select(func.count()).select_from(Company).where(Company.size_category.is_(None))) == 0
    second = runner.invoke(args=["demo", "seed", "--companies", "1500", "--seed", "3"])
    assert "0 ajoutées, 1500 mises à jour" in second.output
    assert _counts(session) == counts


def test_demo_seed_if_empty_leaves_a_filled_register(runner, session):
    runner.invoke(args=["demo", "seed", "--companies", "10"])
    result = runner.invoke(args=["demo", "seed", "--companies", "50", "--if-empty"])
    assert "déjà rempli" in result.output
    assert session.scalar(select(func.count(Company.id))) == 10
