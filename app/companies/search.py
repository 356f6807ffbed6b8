"""Directory search: by CPV (with the hierarchy), by commune and radius, by size and by certification.

Companies are placed at the centre of their commune, so a radius search first finds the communes within
reach (92 rows, in Python) and then filters companies on their commune in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.companies.models import Certification, Company, Competence
from app.reference.geo import haversine_km
from app.reference.models import Commune

MAX_PER_PAGE = 100


class SearchError(ValueError):
    """A search criterion that cannot be understood; the message is French."""


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


@dataclass(frozen=True)
class ResultPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def cpv_prefix(code: str) -> str:
    """The significant digits of a CPV code or prefix: "45330000" → "4533"; at least the division."""
    digits = code.strip().split("-")[0]
    if not (digits.isascii() and digits.isdigit()) or not 2 <= len(digits) <= 8:
        raise SearchError(f"« {code.strip()[:20]} » n'est pas un code CPV (2 à 8 chiffres).")
    return digits.rstrip("0").ljust(2, "0")


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


def search_companies(session: Session, query: CompanyQuery, today: date | None = None) -> ResultPage:
    count_stmt, page_stmt, distances = search_statements(session, query, today or date.today())
    total = session.scalar(count_stmt) or 0
    companies = session.scalars(
        page_stmt.options(
            selectinload(Company.competences), selectinload(Company.certifications), selectinload(Company.commune)
        )
    ).all()
    hits = [Hit(c, distances.get(c.commune_insee) if distances else None) for c in companies]
    return ResultPage(hits, total, max(1, query.page), _per_page(query))


def search_statements(session: Session, query: CompanyQuery, today: date) -> tuple[Select, Select, dict[str, float]]:
    """The count and page statements of a search, and the distance of each commune within reach."""
    stmt = _filtered(select(Company), query, today)
    distances = communes_within(session, query.near, query.radius_km) if query.near else {}
    if query.near:
        stmt = stmt.where(Company.commune_insee.in_(distances))
    order = [Company.legal_name, Company.id]
    if distances:
        order.insert(0, case(distances, value=Company.commune_insee))
    per_page = _per_page(query)
    page = stmt.order_by(*order).offset((max(1, query.page) - 1) * per_page).limit(per_page)
    return select(func.count()).select_from(stmt.subquery()), page, distances


def _per_page(query: CompanyQuery) -> int:
    return max(1, min(query.per_page, MAX_PER_PAGE))


def _filtered(stmt: Select, query: CompanyQuery, today: date) -> Select:
    if query.cpv:
        prefix = cpv_prefix(query.cpv)
        stmt = stmt.where(Company.id.in_(select(Competence.company_id).where(*_prefix_range(prefix))))
    if query.sizes:
        stmt = stmt.where(Company.size_category.in_(query.sizes))
    if query.certification:
        valid = or_(Certification.valid_until.is_(None), Certification.valid_until >= today)
        stmt = stmt.where(
            Company.id.in_(select(Certification.company_id).where(Certification.scheme == query.certification, valid))
        )
    if query.text and query.text.strip():
        pattern = f"%{_escape_like(query.text.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Company.legal_name).like(pattern, escape="\\"),
                func.lower(Company.trade_name).like(pattern, escape="\\"),
            )
        )
    return stmt


def _prefix_range(prefix: str) -> list:
    """``cpv_code`` starts with ``prefix``, as a range both databases can answer from the index."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return [Competence.cpv_code >= prefix, Competence.cpv_code < upper]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
