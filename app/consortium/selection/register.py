"""The register's side of candidate selection, in SQL: the companies meeting at least one requirement, their
details, latest turnover and references. CPV requirements become ranges and lists on the ``competence(cpv_code,
company_id)`` index (``matching.matching_codes``), certifications stored schemes on ``certification(scheme,
company_id)``; details and references are then read by key, in chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.companies.models import Certification, Company, CompanyReference, Competence, Turnover
from app.consortium.selection import matching

CHUNK = 900  # ids per IN list: below SQLite's oldest limit of 999 bound parameters
Need = tuple[str, str]  # (solver lot id, requirement)


@dataclass
class Found:
    """Per company id: the competence codes that match a requirement, the (lot, requirement) a certificate meets."""

    codes: dict[int, set[str]] = field(default_factory=dict)
    certified: dict[int, set[Need]] = field(default_factory=dict)


def collect(session: Session, cpv_needs: list[Need], certification_needs: list[Need], today: date) -> Found:
    """The companies, wherever they are, meeting at least one requirement, with what they hold: one scan of the
    ``(cpv_code, company_id)`` index per requirement range, one look-up of its ancestors."""
    found = Found()
    pieces = [matching.matching_codes(code) for code in sorted({code for _, code in cpv_needs})]
    if pieces:
        terms: list[ColumnElement[bool]] = [
            and_(Competence.cpv_code >= p.lower, Competence.cpv_code < p.upper) for p in pieces
        ]
        if broader := sorted({code for p in pieces for code in p.listed}):
            terms.append(Competence.cpv_code.in_(broader))
        stmt = select(Competence.company_id, Competence.cpv_code).where(or_(*terms))
        for company_id, code in session.connection().execute(stmt).all():  # fetched at once: far faster than row by row
            found.codes.setdefault(company_id, set()).add(code)
    if certification_needs:
        _certified(session, certification_needs, today, found)
    return found


def _certified(session: Session, needs: list[Need], today: date, found: Found) -> None:
    """Certificates valid on ``today`` meeting a certification requirement; schemes are compared without case, so
    the stored spellings are looked up first (a few rows, from the index) and then asked for by equality."""
    stored = session.scalars(select(Certification.scheme).distinct())
    schemes = sorted(s for s in stored if any(matching.scheme_may_match(code, s) for _, code in needs))
    if not schemes:
        return
    valid = or_(Certification.valid_until.is_(None), Certification.valid_until >= today)
    stmt = select(Certification.company_id, Certification.scheme, Certification.code)
    meets: dict[tuple[str, str], set[Need]] = {}
    for company_id, scheme, code in session.connection().execute(stmt.where(Certification.scheme.in_(schemes), valid)):
        if (scheme, code) not in meets:
            meets[scheme, code] = {need for need in needs if matching.certificate_matches(need[1], scheme, code or "")}
        if meets[scheme, code]:
            found.certified.setdefault(company_id, set()).update(meets[scheme, code])


def _chunks(session: Session, stmt: Select, column: Any, ids: Iterable[int]) -> Iterator[Row]:
    """The rows of ``stmt`` for ``column IN ids``, a chunk of ids at a time. The ids (integers) are written into
    the statement: binding hundreds of parameters costs both databases more than parsing them."""
    ordered = sorted(ids)
    for index in range(0, len(ordered), CHUNK):
        chunk = bindparam("ids", ordered[index : index + CHUNK], expanding=True, literal_execute=True)
        yield from session.connection().execute(stmt.where(column.in_(chunk))).all()


_LATEST = aliased(Turnover)
_LATEST_YEAR = (
    select(func.max(Turnover.year)).where(Turnover.company_id == Company.id).correlate(Company).scalar_subquery()
)
DETAILS = select(  # unpacked by position in instance._companies
    Company.id, Company.siret, Company.legal_name, Company.trade_name, Company.commune_insee, Company.headcount,
    Company.headcount_band, Company.committed_capacity_eur, Company.open_to_groupements,
    _LATEST.amount_eur.label("turnover"),  # the latest year's, None when no turnover is known
).outerjoin(_LATEST, and_(_LATEST.company_id == Company.id, _LATEST.year == _LATEST_YEAR))  # fmt: skip


def details(session: Session, ids: Iterable[int], reach: frozenset[str] | None) -> dict[int, Row]:
    """The details of the companies among ``ids`` open to groupements and within reach (None: anywhere). Both are
    checked here rather than in SQL, so that each chunk is read by primary key whatever the planner thinks."""
    rows = _chunks(session, DETAILS, Company.id, ids)
    return {r.id: r for r in rows if r.open_to_groupements and (reach is None or r.commune_insee in reach)}


def imposed_details(session: Session, ids: Iterable[int]) -> dict[int, Row]:
    """The details of imposed companies, wherever they are and whether or not they are open to groupements."""
    return {row.id: row for row in session.connection().execute(DETAILS.where(Company.id.in_(list(ids))))}


def references(session: Session, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Per company, the CPV codes of its references."""
    found: dict[int, set[str]] = {}
    stmt = select(CompanyReference.company_id, CompanyReference.cpv_code)
    for company_id, code in _chunks(session, stmt, CompanyReference.company_id, ids):
        found.setdefault(company_id, set()).add(code)
    return {company_id: frozenset(codes) for company_id, codes in found.items()}
