"""Candidate pre-selection: the companies that can perform part of a tender, found in SQL, as a ``solver.Instance``.

Lots: the requested ones (all by default) minus those the initiating company performs itself (``lots``). Candidates:
open to groupements, in a commune within the radius of at least one lot's place, meeting at least one work package —
a CPV code through the hierarchy (``matching``; best rank wins), found by ``register``. The certificates valid on
``today`` that meet a lot's certification requirement are the company's ``certificates``: they qualify the member
who performs the package they concern (``packages``), they are never work. Imposed companies are always candidates;
excluded ones too, listed in ``Options.exclude`` so that ``explain_infeasible`` can name them. Distances are
computed per commune, match tables per set of codes.

Committed work uses part of a turnover: the solver keeps a member's annual work within ``capacity_ratio_pct`` % of
its turnover, so it is given ``max(0, latest turnover − ⌈committed × 100 / capacity_ratio_pct⌉)`` (0 if unknown)."""

from __future__ import annotations

import gc
import time
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.companies.sizes import counts_as_sme, sme_category
from app.consortium.request import Request
from app.consortium.selection import lots as lot_rules
from app.consortium.selection import register
from app.consortium.selection.matching import MatchTable
from app.consortium.selection.prepared import Candidate, LotRef, Prepared
from app.errors import DomainError
from app.reference.geo import haversine_km
from app.reference.models import Commune
from app.tenders.models import Tender
from solver.instance import Company as SolverCompany
from solver.instance import Instance, LotCapScope, Options

RATIO_PCT = Options().capacity_ratio_pct  # the instance keeps the solver's default ratio
Site = lot_rules.Site


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
    chosen, self_lots = lot_rules.chosen_lots(lot_rules.load_lots(session, tender), request)
    communes = {c.insee_code: c for c in session.scalars(select(Commune))}
    sites = lot_rules.sites(tender, chosen, communes, request, warnings)
    lots = tuple(lot_rules.solver_lot(site, warnings) for site in sites)
    cpv_needs = lot_rules.needs(sites)
    found = register.collect(session, cpv_needs, lot_rules.certification_needs(sites), today)
    imposed = request.imposed()
    # Only a competence makes a candidate: a certificate qualifies the one who performs the work.
    rows = register.details(session, found.codes.keys(), _reach(communes, sites, request))
    rows.update(register.imposed_details(session, imposed))
    companies, records = _companies(session, rows, found, sites, communes, MatchTable(cpv_needs))
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
    refs = {site.key: LotRef(site.lot.id, lot_rules.lot_label(site.lot), site.lot.title.strip()) for site in sites}
    elapsed = time.perf_counter() - start
    return Prepared(instance, refs, records, self_lots, len(companies), tuple(warnings), elapsed)


def _reach(communes: dict[str, Commune], sites: list[Site], request: Request) -> frozenset[str] | None:
    """The communes within the request's radius of at least one lot's place; None when there is no radius."""
    if request.radius_km is None:
        return None
    limit_m = request.radius_km * 1e3
    return frozenset(code for code, c in communes.items() if min(_distances(sites, c)[0].values()) <= limit_m)


def _distances(sites: list[Site], commune: Commune) -> tuple[dict[str, int], dict[str, float]]:
    """From a commune to each lot: metres for the solver, km (one decimal) for people."""
    km = {s.key: haversine_km(commune.latitude, commune.longitude, s.place.latitude, s.place.longitude) for s in sites}
    return {k: round(v * 1000) for k, v in km.items()}, {k: round(v, 1) for k, v in km.items()}


def _companies(
    session: Session,
    rows: dict[int, Row],
    found: register.Found,
    sites: list[Site],
    communes: dict[str, Commune],
    table: MatchTable,
) -> tuple[dict[str, SolverCompany], dict[str, Candidate]]:
    """Solver companies and their records, in id order."""
    references = register.references(session, rows)
    places = {code: _distances(sites, commune) for code, commune in communes.items()}  # shared, read-only
    names: dict[str, str] = {code: commune.name for code, commune in communes.items()}
    companies: dict[str, SolverCompany] = {}
    records: dict[str, Candidate] = {}
    for company_id in sorted(rows):  # unpacked: a row's attributes cost far more than its positions
        _, siret, legal_name, trade_name, insee, headcount, band, committed_eur, _, turnover = rows[company_id]
        sme = counts_as_sme(sme_category(headcount, band, turnover))
        committed = -(-(committed_eur or 0) * 100 // RATIO_PCT)  # rounded up
        certificates = frozenset(code for _, code in found.certified.get(company_id, ()))
        match = table.match(frozenset(found.codes.get(company_id, ())))
        metres, km = places[insee]
        proven = table.proven(references.get(company_id, frozenset()))
        key = siret  # the solver names companies by SIRET in its explanations
        effective = max(0, (turnover or 0) - committed)
        companies[key] = SolverCompany(
            key, effective, headcount or 0, sme, match, metres, proven, certificates=certificates
        )
        records[key] = Candidate(company_id, siret, trade_name or legal_name, names[insee], km, sme)
    return companies, records


def _check_imposed(
    imposed: tuple[int, ...],
    key_of: dict[int, str],
    records: dict[str, Candidate],
    companies: dict[str, SolverCompany],
    notes: list[str],
) -> None:
    if missing := [i for i in imposed if i not in key_of]:
        raise DomainError(f"L'entreprise imposée n° {missing[0]} n'existe pas dans le répertoire.", field="impose")
    for key in (key_of[i] for i in imposed if not companies[key_of[i]].match):
        notes.append(f"{records[key].name} (imposée) ne détient aucune des compétences demandées.")
