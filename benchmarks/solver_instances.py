"""Realistic solver instances for ``benchmarks.solver``, built from the demo register without a database.

The register is ``app.companies.demo.generate_companies`` (the generator ``make run`` seeds), held in memory and
indexed by NAF code once per run — what the database and its indexes are to the application. Per tender, the
*candidate selection* (timed: it counts in the wall time) keeps the companies open to groupements whose NAF
codes (``cpv_for_naf``) match at least one requirement through the CPV hierarchy, and turns them into solver
``Company`` objects: match rank per (lot, requirement), distance to each lot, references, SME flag.

Tenders come from six trade packages (building renovation, school construction, road works, cleaning, catering,
IT services). A lot is one trade with 1–3 real CPV codes of it; a tender uses at most ``TRADES_PER_SITE`` lot
templates, and a bigger tender is a multi-site programme (the same trades repeated on several sites, each site a
commune drawn by population). Values are log-normal (median 250 k€ for works, 120 k€ for services), 40 % of lots
ask a minimum turnover (≤ 1.5 × value, R2142-7), durations are 6–24 months.

``max_members`` is 8, or ⌈lots / 2⌉ + 2 capped at 12 for big tenders: a 30-lot programme over five sites may need
two firms per trade to stay within capacity."""

from __future__ import annotations

import csv
import math
import random
import time
from dataclasses import dataclass
from functools import cache

from app.companies import demo
from app.companies.naf_cpv import cpv_for_naf
from app.consortium.selection.matching import best_rank, match_rank
from app.reference.geo import haversine_km
from solver.instance import EXACT, NARROWER, Company, Instance, Lot, Options

TRADES_PER_SITE = 6
SME_MAX_TURNOVER_EUR = 50_000_000


@dataclass(frozen=True)
class Package:
    works: bool  # works lots are bigger than services lots
    templates: tuple[tuple[str, tuple[str, ...]], ...]  # (lot title, CPV codes of the trade: main one first)


PACKAGES: dict[str, Package] = {
    "renovation": Package(True, (
        ("Gros œuvre – maçonnerie", ("45262522", "45223220", "45262500")),
        ("Couverture", ("45261210", "45261900", "45261000")),
        ("Menuiseries", ("45421000", "45421100", "45421150")),
        ("Plâtrerie – faux plafonds", ("45410000", "45324000")),
        ("Électricité", ("45310000", "45311000", "45315000")),
        ("Plomberie – sanitaires", ("45330000", "45332000")),
        ("Chauffage – ventilation", ("45331000", "45331100", "45331200")),
        ("Peinture", ("45442100", "45441000")),
        ("Revêtements de sols", ("45432100", "45430000", "45431000")),
        ("Isolation", ("45321000", "45320000")),
    )),
    "school": Package(True, (
        ("Terrassements", ("45112000", "45111200")),
        ("Gros œuvre", ("45214200", "45210000")),
        ("Charpente – couverture", ("45261000", "45261100")),
        ("Étanchéité", ("45261420",)),
        ("Menuiseries extérieures", ("45421100", "45421160")),
        ("Électricité – courants faibles", ("45311000", "45312000", "45314300")),
        ("Chauffage – climatisation", ("45331000", "45331220")),
        ("Ascenseur", ("45313000", "45313100")),
        ("Peinture", ("45442100",)),
        ("Espaces verts", ("45112710", "77310000")),
    )),
    "roads": Package(True, (
        ("Terrassements", ("45112000", "45111200", "45112500")),
        ("Chaussées", ("45233140", "45233200", "45233221")),
        ("Assainissement", ("45232410", "45232400")),
        ("Eau potable", ("45232150", "45231300")),
        ("Réseaux secs", ("45231400", "45231600")),
        ("Éclairage public", ("45316110", "45316100")),
        ("Signalisation", ("45233290", "45233221")),
        ("Aménagements paysagers", ("45112710", "77310000")),
    )),
    "cleaning": Package(False, (
        ("Nettoyage des locaux", ("90911200", "90919200", "90910000")),
        ("Nettoyage des vitres", ("90911300",)),
        ("Remise en état après travaux", ("90910000", "90917000")),
        ("Dératisation – désinsectisation", ("90923000", "90921000", "90922000")),
        ("Entretien des espaces verts", ("77310000", "77311000", "77313000")),
    )),
    "catering": Package(False, (
        ("Restauration scolaire", ("55523100", "55524000")),
        ("Portage de repas", ("55521200",)),
        ("Traiteur", ("55520000", "55523000")),
        ("Restaurant du personnel", ("55510000", "55512000")),
        ("Restauration collective", ("55320000", "55321000")),
    )),
    "it": Package(False, (
        ("Développement d'applications", ("72230000", "72200000", "72210000")),
        ("Conseil en systèmes", ("72220000", "72224000")),
        ("Maintenance applicative", ("72267000", "72266000")),
        ("Assistance utilisateurs", ("72600000", "72266000")),
    )),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Firm:
    """What the solver needs of one register company."""

    siret: str
    commune: str
    headcount: int
    turnover_eur: int
    references: tuple[str, ...]  # CPV codes of past public contracts


@dataclass(frozen=True)
class Register:
    firms_by_naf: dict[str, list[Firm]]  # companies open to groupements, by NAF code
    places: dict[str, tuple[float, float]]  # commune INSEE → (lat, lon)
    communes: tuple[str, ...]
    populations: tuple[int, ...]
    size: int
    build_s: float


@cache
def load_register(count: int, seed: int) -> Register:
    """The demo register (same generator as ``flask demo seed``), indexed by NAF; built once per run."""
    start = time.perf_counter()
    by_naf: dict[str, list[Firm]] = {}
    for record in demo.generate_companies(count, seed):
        if not record.open_to_groupements or not record.naf_code:
            continue
        turnover = max(record.turnovers)[1] if record.turnovers else 0
        references = tuple(r.cpv_code for r in record.references or ())
        firm = Firm(record.siret, record.commune_insee, record.headcount or 0, turnover, references)
        by_naf.setdefault(record.naf_code, []).append(firm)
    with demo.COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    places = {row["insee"]: (float(row["lat"]), float(row["lon"])) for row in rows}
    populations = tuple(int(row["population"]) for row in rows)
    communes = tuple(row["insee"] for row in rows)
    return Register(by_naf, places, communes, populations, count, time.perf_counter() - start)


def max_members(lot_count: int) -> int:
    return min(12, max(8, math.ceil(lot_count / 2) + 2))


def make_lots(rng: random.Random, register: Register, package: Package, count: int) -> list[tuple[Lot, str]]:
    """``count`` lots of the package with their place (commune INSEE): trades repeated over as many sites as needed."""
    width = min(count, len(package.templates), TRADES_PER_SITE)
    chosen = rng.sample(package.templates, width)
    sites = rng.choices(register.communes, register.populations, k=math.ceil(count / width))
    median = 250_000 if package.works else 120_000
    lots = []
    for index in range(count):
        _, codes = chosen[index % width]
        extra = rng.randint(0, min(2, len(codes) - 1))
        requirements = (codes[0], *rng.sample(codes[1:], extra))
        value = max(20_000, round(median * math.exp(rng.gauss(0.0, 0.7)), -3))
        minimum = round(value * rng.uniform(0.5, 1.5), -3) if rng.random() < 0.4 else 0
        duration = round(rng.randint(6, 24) * 365 / 12)
        lot = Lot(f"L{index + 1:02d}", int(value), requirements, int(minimum), duration)
        lots.append((lot, sites[index // width]))
    return lots


def select_candidates(register: Register, lots: list[tuple[Lot, str]]) -> tuple[Company, ...]:
    """Companies able to perform at least one requirement, as solver companies. Firms of one NAF share one match
    mapping and firms of one commune one distance mapping (read-only), as a query would return them."""
    matches = {naf: _naf_matches(naf, lots) for naf in register.firms_by_naf}
    distances: dict[str, dict[str, int]] = {}
    reference_sets: dict[tuple[str, ...], frozenset[str]] = {}
    requirements = {r for lot, _ in lots for r in lot.requirements}
    companies = []
    for naf, firms in register.firms_by_naf.items():
        match = matches[naf]
        if not match:
            continue
        for firm in firms:
            distance = distances.get(firm.commune)
            if distance is None:
                distance = distances[firm.commune] = _distances(register, firm.commune, lots)
            proven = reference_sets.get(firm.references)
            if proven is None:
                proven = reference_sets[firm.references] = _proven(firm.references, requirements)
            sme = firm.headcount < 250 and firm.turnover_eur <= SME_MAX_TURNOVER_EUR
            companies.append(Company(firm.siret, firm.turnover_eur, firm.headcount, sme, match, distance, proven))
    return tuple(companies)


def _naf_matches(naf: str, lots: list[tuple[Lot, str]]) -> dict[tuple[str, str], int]:
    codes = cpv_for_naf(naf)
    ranks = {}
    for lot, _ in lots:
        for requirement in lot.requirements:
            rank = best_rank(codes, requirement)
            if rank is not None:
                ranks[lot.id, requirement] = rank
    return ranks


def _distances(register: Register, commune: str, lots: list[tuple[Lot, str]]) -> dict[str, int]:
    lat, lon = register.places[commune]
    return {lot.id: round(haversine_km(lat, lon, *register.places[place]) * 1000) for lot, place in lots}


def _proven(references: tuple[str, ...], requirements: set[str]) -> frozenset[str]:
    """Requirements a past contract proves: the reference's code is the requirement or lies below it."""
    return frozenset(r for r in requirements if any(match_rank(c, r) in (EXACT, NARROWER) for c in references))


@dataclass(frozen=True)
class Tender:
    package: str
    instance: Instance
    selection_s: float  # candidate selection time


def build_tender(register: Register, package_name: str, lot_count: int, rng: random.Random) -> Tender:
    """One tender of the package against the register; candidate selection is timed."""
    lots = make_lots(rng, register, PACKAGES[package_name], lot_count)
    start = time.perf_counter()
    companies = select_candidates(register, lots)
    instance = Instance(tuple(lot for lot, _ in lots), companies, options=Options(max_members=max_members(lot_count)))
    return Tender(package_name, instance, time.perf_counter() - start)
