"""Directory search: by CPV (with the hierarchy), by commune and radius, by size and by certification.

Companies are placed at the centre of their commune, so a radius search first finds the communes within
reach (92 rows, in Python), counts the matches of each commune (kept until the register changes) and reads only
the communes the page falls in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from threading import Lock

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.companies import register_version
from app.companies.models import Certification, Company, Competence
from app.pagination import Page, clamp, count
from app.reference.cpv import prefix_range
from app.reference.geo import haversine_km
from app.reference.models import Commune
from app.search import SearchError, cpv_prefix, escape_like


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
    places = {code: (lat, lon) for code, lat, lon in session.execute(_PLACES)}
    if insee not in places:
        raise SearchError(f"Commune inconnue : « {insee[:10]} ».")
    origin = places[insee]
    distances = {code: haversine_km(*origin, *place) for code, place in places.items()}
    return {code: km for code, km in distances.items() if radius_km is None or km <= radius_km}


_PLACES = select(Commune.insee_code, Commune.latitude, Commune.longitude)


def search_companies(session: Session, query: CompanyQuery, today: date | None = None) -> Page[Hit]:
    page, per_page = clamp(query.page, query.per_page)
    today = today or date.today()
    matches = _filtered(select(Company), query, today)
    if query.near:
        distances = communes_within(session, query.near, query.radius_km)
        # The database, the filters and the day say which companies match; the place only which are shown.
        database = session.get_bind().engine.url.render_as_string()
        key = (database, query.cpv and cpv_prefix(query.cpv), query.sizes, query.certification, query.text, today)
        companies, total = _nearest(session, key, matches, distances, (page - 1) * per_page, per_page)
    else:
        distances = {}
        # The page query counts the matches too (a window count); past the last page it has no row to carry it.
        rows = session.execute(
            matches.add_columns(func.count().over())
            .order_by(Company.legal_name, Company.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
            .options(*_SHOWN)
        ).all()
        companies = [company for company, _ in rows]
        total = rows[0][1] if rows else count(session, matches)
    hits = [Hit(c, distances.get(c.commune_insee) if distances else None) for c in companies]
    return Page(hits, total, page, per_page)


def _nearest(
    session: Session, key: tuple, matches: Select, distances: dict[str, float], offset: int, limit: int
) -> tuple[list[Company], int]:
    """One page of the matches within reach, nearest first then by name, and their number.

    Every company of a commune is as far as the commune: from the number of matches in each commune (cached) the
    page query reads only the communes the page falls in (a single commune: in the order of its name index),
    instead of joining and sorting every match within reach (~50 ms for the 5,000 matches among the 120,000
    companies within 30 km of Marseille)."""
    per_commune = {code: n for code, n in matches_per_commune(session, key, matches).items() if code in distances}
    total = sum(per_commune.values())
    shown, skipped, seen = [], 0, 0
    for km in sorted({distances[code] for code in per_commune}):  # communes as far away are shown together
        ring = [code for code in per_commune if distances[code] == km]
        size = sum(per_commune[code] for code in ring)
        if seen + size <= offset:
            skipped = seen = seen + size
            continue
        shown += ring
        seen += size
        if seen >= offset + limit:
            break
    if not shown:
        return [], total
    order = [Company.legal_name, Company.id]
    if len(shown) > 1:
        order.insert(0, case({code: distances[code] for code in shown}, value=Company.commune_insee))
    page = matches.where(Company.commune_insee.in_(shown)).order_by(*order).offset(offset - skipped).limit(limit)
    return list(session.scalars(page.options(*_SHOWN))), total


_COUNTS_KEPT = 512
_counts: dict[tuple, tuple[int, dict[str, int]]] = {}
_counts_lock = Lock()


def forget_counts() -> None:
    """Drop the counts kept in this process (benchmarks measure the search with and without them)."""
    with _counts_lock:
        _counts.clear()


def matches_per_commune(session: Session, key: tuple, matches: Select) -> dict[str, int]:
    """INSEE code → number of the companies there that ``matches`` finds (``key`` says which filters it applies).

    Kept in this process for the register's version it was counted at (``register_version``): the same CPV
    prefix searched around any commune reuses it until the register changes. The version is read before
    counting, so counts read after a write are never kept under the version before it."""
    version = register_version.current(session)
    unsettled = register_version.unsettled(session)  # its own writes, not yet under a version: count, keep nothing
    kept = None if unsettled else _counts.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    counts = dict(
        session.execute(
            matches.with_only_columns(Company.commune_insee, func.count()).group_by(Company.commune_insee)
        ).all()
    )
    if unsettled:
        return counts
    with _counts_lock:
        _counts.pop(key, None)
        _counts[key] = (version, counts)
        while len(_counts) > _COUNTS_KEPT:
            del _counts[next(iter(_counts))]  # the oldest counted
    return counts


# What the result list shows of each company: three more statements for the page.
_SHOWN = (selectinload(Company.competences), selectinload(Company.certifications), selectinload(Company.commune))


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
