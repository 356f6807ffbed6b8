"""The companies an organisation speaks for: « my companies » of the dashboard, the groupement form and « Pour
vous »."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.companies.models import Company


def companies_of(session: Session, organisation_ids: Sequence[int]) -> list[Company]:
    """The companies of these organisations, by name."""
    stmt = select(Company).where(Company.organisation_id.in_(organisation_ids))
    return list(session.scalars(stmt.order_by(Company.legal_name, Company.id)))
