"""Directory search: by CPV (with the hierarchy), by commune and radius, by size and by certification.

Companies are placed at the centre of their commune, so a radius search first finds the communes within
reach (92 rows, in Python) and then filters companies on their commune in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.companies.models import Certification, Company, Competence
from app.pagination import Page, clamp
from app.reference.geo import haversine_km
from app.reference.models import Commune
from app.search import SearchError, cpv_prefix, escape_like, prefix_range


@dataclass(frozen=True)
class CompanyQuery:
    cpv: str | None = None  # a CPV code or prefix: "4533" finds 45331000 and 45330000
    near: str | None = None  # INSEE code of a commune
    radius_km: float | None = None
    sizes: tuple[str, ...] = ()
    certification: str | None = None  # a scheme, e.g. "Qualibat"
    text: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    company: Company
    distance_km: float | None


def communes_within(session: Session, insee: str, radius_km: float | None) -> dict[str, float]:
    """INSEE code → distance in km from ``insee`` for the communes within ``radius_km`` (all when None)."""
    origin = session.get(Commune, insee)
    if origin is None:
        raise SearchError(f"Commune inconnue : « {insee[:10]} ».")
    distances = {
        c.insee_code: haversine_km(origin.latitude, origin.longitude, c.latitude, c.longitude)
        for c in session.scalars(select(Commune))
    }
    return {code: km for code, km in distances.items() if radius_km is None or km <= radius_km}


def search_companies(session: Session, query: CompanyQuery, today: date | None = None) -> Page[Hit]:
    count_stmt, page_stmt, distances = search_statements(session, query, today or date.today())
    # The page query already joins every match to sort them: it counts them too (a window count), instead of a
    # second statement doing the same join again. Past the last page it has no row to carry the count.
    rows = session.execute(
        page_stmt.add_columns(func.count().over()).options(
            selectinload(Company.competences), selectinload(Company.certifications), selectinload(Company.commune)
        )
    ).all()
    total = rows[0][1] if rows else session.scalar(count_stmt) or 0
    hits = [Hit(c, distances.get(c.commune_insee) if distances else None) for c, _ in rows]
    page, per_page = clamp(query.page, query.per_page)
    return Page(hits, total, page, per_page)


def search_statements(session: Session, query: CompanyQuery, today: date) -> tuple[Select, Select, dict[str, float]]:
    """The count and page statements of a search, and the distance of each commune within reach."""
    stmt = _filtered(select(Company), query, today)
    distances = communes_within(session, query.near, query.radius_km) if query.near else {}
    if query.near:
        stmt = stmt.where(Company.commune_insee.in_(distances))
    order = [Company.legal_name, Company.id]
    if distances:
        order.insert(0, case(distances, value=Company.commune_insee))
    page, per_page = clamp(query.page, query.per_page)
    page_stmt = stmt.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    return select(func.count()).select_from(stmt.subquery()), page_stmt, distances


def _filtered(stmt: Select, query: CompanyQuery, today: date) -> Select:
    if query.cpv:
        prefix = cpv_prefix(query.cpv)
        lower, upper = prefix_range(prefix)
        stmt = stmt.where(
            Company.id.in_(
                select(Competence.company_id).where(Competence.cpv_code >= lower, Competence.cpv_code < upper)
            )
        )
    if query.sizes:
        stmt = stmt.where(Company.size_category.in_(query.sizes))
    if query.certification:
        valid = or_(Certification.valid_until.is_(None), Certification.valid_until >= today)
        stmt = stmt.where(
            Company.id.in_(select(Certification.company_id).where(Certification.scheme == query.certification, valid))
        )
    if query.text and query.text.strip():
        pattern = f"%{escape_like(query.text.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Company.legal_name).like(pattern, escape="\\"),
                func.lower(Company.trade_name).like(pattern, escape="\\"),
            )
        )
    return stmt
