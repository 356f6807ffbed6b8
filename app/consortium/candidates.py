"""Candidate pre-selection: the companies that can perform part of a tender, found in SQL, as a ``solver.Instance``.

Lots: the requested ones (all by default) minus those the initiating company performs itself. Candidates: open to
groupements, in a commune within the radius of at least one lot's place, meeting at least one requirement — a CPV
code through the hierarchy (``matching``; best rank wins) or a certification through a certificate valid on
``today`` (EXACT). Imposed companies are always candidates; excluded ones too, listed in ``Options.exclude`` so that
``explain_infeasible`` can name them. CPV requirements become ranges and lists on ``competence(cpv_code,
company_id)``, certifications stored schemes on ``certification(scheme, company_id)``; details, latest turnover and
references are then read by key, in chunks. Distances are computed per commune, match tables per set of codes.

Committed work uses part of a turnover: the solver keeps a member's annual work within ``capacity_ratio_pct`` % of
its turnover, so it is given ``max(0, latest turnover − ⌈committed × 100 / capacity_ratio_pct⌉)`` (0 if unknown)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.companies.models import Certification, Company, CompanyReference, Competence, Turnover
from app.companies.sizes import sme_category
from app.consortium import matching
from app.consortium.request import Request
from app.errors import DomainError
from app.reference.geo import haversine_km
from app.reference.models import Commune
from app.tenders.models import Tender, TenderLot
from solver.instance import Company as SolverCompany
from solver.instance import Instance, Lot, LotCapScope, Options

MARSEILLE = "13055"  # where distances are counted from when neither the lot nor the buyer gives a known place
CHUNK = 900  # ids per IN list: below SQLite's oldest limit of 999 bound parameters
RATIO_PCT = Options().capacity_ratio_pct  # the instance keeps the solver's default ratio
_LATEST = aliased(Turnover)


@dataclass(frozen=True)
class Candidate:
    """What the pages show of one candidate; ``distance_km`` maps the solver lot id to the distance."""

    id: int  # Company.id
    siret: str
    name: str
    commune: str
    distance_km: Mapping[str, float]
    sme: bool


@dataclass(frozen=True)
class Prepared:
    instance: Instance
    lots: Mapping[str, int]  # solver lot id → TenderLot id
    companies: Mapping[str, Candidate]  # solver company id → candidate
    self_lots: tuple[int, ...]  # TenderLot ids the initiating company performs itself: not solved
    candidates: int
    warnings: tuple[str, ...]
    selection_s: float


@dataclass(frozen=True)
class _Site:
    """A lot to solve, its requirements (CPV codes and certifications, main CPV first) and its place."""

    key: str  # the solver lot id: the notice's lot identifier (« LOT-0001 »), made unique
    lot: TenderLot
    requirements: tuple[str, ...]
    certifications: frozenset[str]
    place: Commune


@dataclass
class _Found:
    """Per company id: the competence codes that match a requirement, the (lot, requirement) a certificate meets."""

    codes: dict[int, set[str]] = field(default_factory=dict)
    certified: dict[int, set[tuple[str, str]]] = field(default_factory=dict)


def prepare(session: Session, tender: Tender, request: Request, today: date) -> Prepared:
    """The solver instance for ``request`` on ``tender`` (``DomainError`` when there is nothing to solve). The cyclic
    GC waits: a few hundred thousand short-lived rows, no cycles; its rescans took a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _prepare(session, tender, request, today)
    finally:
        if enabled:
            gc.enable()


def _prepare(session: Session, tender: Tender, request: Request, today: date) -> Prepared:
    start = time.perf_counter()
    session.flush()  # the queries below go through the connection, which does not flush by itself
    warnings: list[str] = []
    chosen, self_lots = _chosen_lots(session, tender, request)
    communes = {c.insee_code: c for c in session.scalars(select(Commune))}
    sites = _sites(tender, chosen, communes, warnings)
    lots = tuple(_solver_lot(site, warnings) for site in sites)
    imposed, found = request.imposed(), _collect(session, sites, today)
    rows = _rows(session, found.codes.keys() | found.certified.keys(), _reach(communes, sites, request.radius_km))
    rows.update((row.id, row) for row in session.connection().execute(_DETAILS.where(Company.id.in_(imposed))))
    companies, records = _companies(session, rows, found, sites, communes)
    key_of = {record.id: key for key, record in records.items()}
    _check_imposed(imposed, key_of, records, companies, warnings)
    options = Options(
        max_members=request.max_members,
        must_include=frozenset(key_of[i] for i in imposed),
        exclude=frozenset(key_of[i] for i in request.exclude if i in key_of),
        mandataire_solidaire=request.mandataire_solidaire,
        max_lots=tender.max_lots_submitted or None,
        lot_cap_scope=LotCapScope.GROUPEMENT,
    )
    instance = Instance(lots, tuple(companies.values()), options=options)
    lot_ids = {site.key: site.lot.id for site in sites}
    return Prepared(instance, lot_ids, records, self_lots, len(companies), tuple(warnings), time.perf_counter() - start)


def _chosen_lots(session: Session, tender: Tender, request: Request) -> tuple[list[TenderLot], tuple[int, ...]]:
    """The lots to solve, in the tender's order, and the requested lots the initiating company performs itself."""
    stmt = select(TenderLot).where(TenderLot.tender_id == tender.id).order_by(TenderLot.position)
    lots = list(session.scalars(stmt.options(selectinload(TenderLot.requirements))))
    known = {lot.id for lot in lots}
    if unknown := [i for i in (*request.lot_ids, *request.self_lot_ids) if i not in known]:
        raise DomainError(f"Le lot n° {unknown[0]} n'appartient pas à cet appel d'offres.", field="lot_ids")
    asked = set(request.lot_ids) or known
    self_lots = tuple(lot.id for lot in lots if lot.id in asked and lot.id in request.self_lot_ids)
    chosen = [lot for lot in lots if lot.id in asked and lot.id not in self_lots]
    if not chosen:
        why = "votre entreprise réalise elle-même tous les lots retenus" if lots else "l'avis ne comporte aucun lot"
        raise DomainError(f"Aucun lot à pourvoir : {why}.", field="lot_ids")
    return chosen, self_lots


def _lot_label(lot: TenderLot) -> str:
    return lot.internal_number or lot.lot_id


def _sites(tender: Tender, lots: list[TenderLot], communes: dict[str, Commune], warnings: list[str]) -> list[_Site]:
    sites = []
    for lot in lots:
        pairs = [(r.kind, r.code.strip()) for r in lot.requirements]
        if not pairs and lot.main_cpv:
            pairs = [("cpv", lot.main_cpv.strip())]
        kept = [(kind, code) for kind, code in pairs if kind != "cpv" or matching.is_cpv_code(code)]
        for _, code in sorted(set(pairs) - set(kept)):
            warnings.append(f"Code CPV « {code} » du lot {_lot_label(lot)} illisible : il est ignoré.")
        if not kept:
            warnings.append(f"Le lot {_lot_label(lot)} n'indique aucune compétence requise : il est laissé de côté.")
            continue
        requirements = tuple(dict.fromkeys(code for _, code in kept))
        certifications = frozenset(code for kind, code in kept if kind != "cpv")
        place = _lot_place(tender, lot, communes, warnings)
        key = lot.lot_id if lot.lot_id not in {site.key for site in sites} else f"{lot.lot_id}·{lot.position}"
        sites.append(_Site(key, lot, requirements, certifications, place))
    if not sites:
        raise DomainError("Aucun des lots retenus n'indique de compétence requise (code CPV ou certification).")
    return sites


def _lot_place(tender: Tender, lot: TenderLot, communes: dict[str, Commune], warnings: list[str]) -> Commune:
    place = matching.commune_for(communes.values(), lot.town, lot.postcode)
    if place is None:
        buyer = matching.commune_for(communes.values(), tender.buyer_city, tender.buyer_postcode)
        place, origin = (buyer, f"l'acheteur ({buyer.name})") if buyer else (communes[MARSEILLE], "Marseille")
        warnings.append(f"Lieu d'exécution du lot {_lot_label(lot)} inconnu : distances comptées depuis {origin}.")
    return place


def _solver_lot(site: _Site, warnings: list[str]) -> Lot:
    lot = site.lot
    if lot.value_amount is None:
        warnings.append(f"Valeur estimée du lot {_lot_label(lot)} inconnue : le lot est compté pour 0 €.")
    duration = lot.duration_days if lot.duration_days and lot.duration_days > 0 else None
    return Lot(site.key, int(lot.value_amount or 0), site.requirements, int(lot.min_turnover_eur or 0), duration)


def _reach(communes: dict[str, Commune], sites: list[_Site], radius_km: float | None) -> frozenset[str] | None:
    """The communes within ``radius_km`` of at least one lot's place; None when there is no radius."""
    if radius_km is None:
        return None
    return frozenset(code for code, c in communes.items() if min(_distances(sites, c)[0].values()) <= radius_km * 1e3)


def _needs(sites: list[_Site], *, certifications: bool) -> list[tuple[str, str]]:
    """(lot id, requirement) pairs of the CPV requirements, or of the certification ones."""
    return [(s.key, code) for s in sites for code in s.requirements if (code in s.certifications) == certifications]


def _collect(session: Session, sites: list[_Site], today: date) -> _Found:
    """The companies, wherever they are, meeting at least one requirement, with what they hold: one scan of the
    ``(cpv_code, company_id)`` index per requirement range, one look-up of its ancestors."""
    found = _Found()
    pieces = [matching.matching_codes(code) for code in sorted({c for _, c in _needs(sites, certifications=False)})]
    if pieces:
        terms = [and_(Competence.cpv_code >= p.lower, Competence.cpv_code < p.upper) for p in pieces]
        if broader := sorted({code for p in pieces for code in p.broader}):
            terms.append(Competence.cpv_code.in_(broader))
        stmt = select(Competence.company_id, Competence.cpv_code).where(or_(*terms))
        for company_id, code in session.connection().execute(stmt).all():  # fetched at once: far faster than row by row
            found.codes.setdefault(company_id, set()).add(code)
    if needs := _needs(sites, certifications=True):
        _certified(session, needs, today, found)
    return found


def _certified(session: Session, needs: list[tuple[str, str]], today: date, found: _Found) -> None:
    """Certificates valid on ``today`` meeting a certification requirement; schemes are compared without case, so
    the stored spellings are looked up first (a few rows, from the index) and then asked for by equality."""
    stored = session.scalars(select(Certification.scheme).distinct())
    schemes = sorted(s for s in stored if any(matching.scheme_may_match(code, s) for _, code in needs))
    if not schemes:
        return
    valid = or_(Certification.valid_until.is_(None), Certification.valid_until >= today)
    stmt = select(Certification.company_id, Certification.scheme, Certification.code)
    meets: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for company_id, scheme, code in session.connection().execute(stmt.where(Certification.scheme.in_(schemes), valid)):
        if (scheme, code) not in meets:
            meets[scheme, code] = {need for need in needs if matching.certificate_matches(need[1], scheme, code or "")}
        if meets[scheme, code]:
            found.certified.setdefault(company_id, set()).update(meets[scheme, code])


def _chunks(session: Session, stmt: Select, column: Any, ids: Iterable[int]) -> Iterator[Any]:
    """The rows of ``stmt`` for ``column IN ids``, a chunk of ids at a time. The ids (integers) are written into
    the statement: binding hundreds of parameters costs both databases more than parsing them."""
    ordered = sorted(ids)
    for index in range(0, len(ordered), CHUNK):
        chunk = bindparam("ids", ordered[index : index + CHUNK], expanding=True, literal_execute=True)
        yield from session.connection().execute(stmt.where(column.in_(chunk))).all()


def _distances(sites: list[_Site], commune: Commune) -> tuple[dict[str, int], dict[str, float]]:
    """From a commune to each lot: metres for the solver, km (one decimal) for people."""
    km = {s.key: haversine_km(commune.latitude, commune.longitude, s.place.latitude, s.place.longitude) for s in sites}
    return {k: round(v * 1000) for k, v in km.items()}, {k: round(v, 1) for k, v in km.items()}


_LATEST_YEAR = (
    select(func.max(Turnover.year)).where(Turnover.company_id == Company.id).correlate(Company).scalar_subquery()
)
_DETAILS = select(  # unpacked by position in _companies
    Company.id, Company.siret, Company.legal_name, Company.trade_name, Company.commune_insee, Company.headcount,
    Company.headcount_band, Company.committed_capacity_eur, Company.open_to_groupements,
    _LATEST.amount_eur.label("turnover"),  # the latest year's, None when no turnover is known
).outerjoin(_LATEST, and_(_LATEST.company_id == Company.id, _LATEST.year == _LATEST_YEAR))  # fmt: skip


def _rows(session: Session, ids: Iterable[int], reach: frozenset[str] | None) -> dict[int, Any]:
    """The details of the companies among ``ids`` open to groupements and within reach (None: anywhere). Both are
    checked here rather than in SQL, so that each chunk is read by primary key whatever the planner thinks."""
    rows = _chunks(session, _DETAILS, Company.id, ids)
    return {r.id: r for r in rows if r.open_to_groupements and (reach is None or r.commune_insee in reach)}


def _references(session: Session, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Per company, the CPV codes of its references."""
    references: dict[int, set[str]] = {}
    stmt = select(CompanyReference.company_id, CompanyReference.cpv_code)
    for company_id, code in _chunks(session, stmt, CompanyReference.company_id, ids):
        references.setdefault(company_id, set()).add(code)
    return {company_id: frozenset(codes) for company_id, codes in references.items()}


def _companies(
    session: Session, rows: dict[int, Any], found: _Found, sites: list[_Site], communes: dict[str, Commune]
) -> tuple[dict[str, SolverCompany], dict[str, Candidate]]:
    """Solver companies and their records, in id order."""
    references = _references(session, rows)
    table = matching.MatchTable(_needs(sites, certifications=False))
    places = {code: _distances(sites, commune) for code, commune in communes.items()}  # shared, read-only
    names, companies, records = {code: commune.name for code, commune in communes.items()}, {}, {}
    for company_id in sorted(rows):  # unpacked: a row's attributes cost far more than its positions
        _, siret, legal_name, trade_name, insee, headcount, band, committed_eur, _, turnover = rows[company_id]
        category = sme_category(headcount, band, turnover)
        sme = category is None or category.is_sme  # nothing known: counted as the small firm it most likely is
        committed = -(-(committed_eur or 0) * 100 // RATIO_PCT)  # rounded up
        certified = frozenset(found.certified.get(company_id, ()))
        match = table.match(frozenset(found.codes.get(company_id, ())), certified)
        metres, km = places[insee]
        proven = table.proven(references.get(company_id, frozenset()))
        key = siret  # the solver names companies by SIRET in its explanations
        effective = max(0, (turnover or 0) - committed)
        companies[key] = SolverCompany(key, effective, headcount or 0, sme, match, metres, proven)
        records[key] = Candidate(company_id, siret, trade_name or legal_name, names[insee], km, sme)
    return companies, records


def _check_imposed(
    imposed: tuple[int, ...], key_of: dict[int, str], records: dict[str, Candidate], companies: dict, notes: list[str]
) -> None:
    if missing := [i for i in imposed if i not in key_of]:
        raise DomainError(f"L'entreprise imposée n° {missing[0]} n'existe pas dans le répertoire.", field="impose")
    for key in (key_of[i] for i in imposed if not companies[key_of[i]].match):
        notes.append(f"{records[key].name} (imposée) ne détient aucune des compétences demandées.")
