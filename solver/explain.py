"""Why an instance may have no groupement: French reasons a person can act on, found without the solver.

One pass over the companies indexes, for each (selected lot, requirement), the companies able to perform it — the
excluded ones apart. Every check then works on that index: requirements nobody can perform (and the nearest excluded
company that could), only broader matches, nobody within 50 km, a share too large for every capable company, turnover
out of reach, imposed companies with nothing to do, no possible mandataire, lot caps, and a cheap lower bound on the
number of members (requirements no single company can perform together each need their own member)."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from solver.instance import BROADER, Company, Instance, Lot, LotCapScope, annual_work_eur, can_perform, share_eur
from solver.validate import euros

NEAR_M = 50_000  # beyond this distance a company is "far" from the place of performance

Item = tuple[str, str]  # (lot id, requirement)


@dataclass(frozen=True)
class _Index:
    """For each (selected lot, requirement): the capable companies, and the excluded ones that could have done it."""

    lots: dict[str, Lot]
    capable: dict[Item, list[Company]]
    excluded: dict[Item, list[Company]]
    uncertified: dict[Item, list[Company]]  # able to perform it but without a certificate its package requires
    contributors: dict[str, Company]  # non-excluded companies able to perform at least one of those requirements


def explain_infeasible(instance: Instance) -> tuple[str, ...]:
    """French reasons why no (full) groupement may exist, most specific first; ``()`` when none is found."""
    if not instance.selected_lots:
        return ("Aucun lot n'est retenu : choisir au moins un lot",)
    index = _index(instance)
    reasons: list[str] = []
    for item in index.capable:
        reasons.extend(_requirement_reasons(instance, index, item))
    for check in (
        _certificate_reasons,
        _turnover_reasons,
        _imposed_reasons,
        _mandataire_reasons,
        _lot_cap_reasons,
        _member_reasons,
    ):
        reasons.extend(check(instance, index))
    return tuple(reasons)


def _index(instance: Instance) -> _Index:
    """Single pass over the companies and their competences."""
    lots = {lot.id: lot for lot in instance.selected_lots}
    capable: dict[Item, list[Company]] = {(lot.id, req): [] for lot in lots.values() for req in lot.requirements}
    excluded: dict[Item, list[Company]] = {item: [] for item in capable}
    uncertified: dict[Item, list[Company]] = {item: [] for item in capable}
    exclude, gates = instance.options.exclude, instance.gates()
    for company in instance.companies:
        for key in company.match:
            if key not in capable:
                continue
            if company.id in exclude:
                excluded[key].append(company)
            elif can_perform(company, key, gates):
                capable[key].append(company)
            else:
                uncertified[key].append(company)
    contributors = {c.id: c for companies in capable.values() for c in companies}
    return _Index(lots, capable, excluded, uncertified, contributors)


def _km(company: Company, lot_id: str) -> int:
    """Whole kilometres from the company to the lot (0 when unknown, as in the objective)."""
    return company.distance_m.get(lot_id, 0) // 1000


def _nearest(companies: list[Company], lot_id: str) -> Company:
    """The company closest to the lot; ties broken by id, for stable messages."""
    return min(companies, key=lambda c: (c.distance_m.get(lot_id, 0), c.id))


def _requirement_reasons(instance: Instance, index: _Index, item: Item) -> Iterator[str]:
    """Nobody can perform it; only broader matches; nobody near; nobody large enough for its share."""
    lot_id, req = item
    capable, where = index.capable[item], f"Lot {lot_id}"
    if not capable and index.uncertified[item]:
        lot = index.lots[lot_id]
        codes = ", ".join(f"« {code} »" for code in sorted(lot.gates()[req]))
        count = len(index.uncertified[item])
        who = f"{count} entreprises savent" if count > 1 else "une entreprise sait"
        yield (
            f"{where} : {who} réaliser « {req} » mais aucune ne détient {codes}, exigée pour cette prestation ; "
            "accepter que la certification soit détenue par un autre membre du groupement (appréciation globale "
            "des capacités)"
        )
        return
    if not capable:
        reason = f"{where} : aucune entreprise ne sait réaliser « {req} »"
        if index.excluded[item]:
            near = _nearest(index.excluded[item], lot_id)
            reason += (
                f" ; la plus proche qui le sait, {near.id} ({_km(near, lot_id)} km), a été exclue par l'utilisateur : "
                "la réintégrer"
            )
        yield reason
        return
    if all(c.match[item] == BROADER for c in capable):
        yield (
            f"{where} : « {req} » n'est proposé que par des entreprises aux compétences plus générales "
            "(correspondance large) ; vérifier qu'elles le réalisent vraiment"
        )
    if all(c.distance_m.get(lot_id, 0) > NEAR_M for c in capable):
        near = _nearest(capable, lot_id)
        yield (
            f"{where} : aucune entreprise à moins de {NEAR_M // 1000} km ne sait réaliser « {req} » ; "
            f"la plus proche, {near.id}, est à {_km(near, lot_id)} km"
        )
    yield from _share_reason(instance, index.lots[lot_id], req, capable)


def _share_reason(instance: Instance, lot: Lot, req: str, capable: list[Company]) -> Iterator[str]:
    """The requirement's annual work exceeds the capacity of every company able to perform it."""
    ratio = instance.options.capacity_ratio_pct
    annual = annual_work_eur(lot, share_eur(lot, req))
    largest = max(capable, key=lambda c: (c.turnover_eur, c.id))
    if annual * 100 > largest.turnover_eur * ratio:
        yield (
            f"Lot {lot.id} : « {req} » représente {euros(annual)} de travaux par an, plus que n'en peut porter "
            f"chacune des entreprises qui savent le réaliser (au plus {euros(largest.turnover_eur * ratio // 100)}, "
            f"pour {largest.id}, à {ratio} % du chiffre d'affaires) ; relever le ratio de capacité"
        )


def _certificate_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """A certificate some member must hold that no company able to work on the lots holds."""
    pool = list(index.contributors.values()) + [c for c in instance.companies if c.id in instance.options.must_include]
    for lot_id, code in instance.anywhere():
        if not any(code in c.certificates for c in pool):
            yield f"Lot {lot_id} : aucune entreprise candidate ne détient « {code} », exigée pour le lot"


def _turnover_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """Lots whose minimum turnover exceeds the largest combined turnover a groupement could reach."""
    pool = dict(index.contributors)
    pool.update({c.id: c for c in instance.companies if c.id in instance.options.must_include})
    most = instance.options.max_members
    best = sum(heapq.nlargest(most, (c.turnover_eur for c in pool.values())))
    for lot in index.lots.values():
        if lot.min_turnover_eur > best:
            yield (
                f"Lot {lot.id} : chiffre d'affaires minimal de {euros(lot.min_turnover_eur)} hors d'atteinte ; "
                f"les {most} plus gros chiffres d'affaires mobilisables totalisent {euros(best)}"
            )


def _imposed_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """Too many imposed companies, or imposed companies with nothing to perform in the selected lots."""
    imposed, most = instance.options.must_include, instance.options.max_members
    if len(imposed) > most:
        yield f"{len(imposed)} entreprises sont imposées pour {most} membres au plus ; en imposer moins"
    for company_id in sorted(imposed - index.contributors.keys()):
        yield (
            f"L'entreprise {company_id} est imposée mais ne sait réaliser aucune exigence des lots retenus ; "
            "la retirer des entreprises imposées ou compléter ses compétences"
        )


def _mandataire_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """No company able to perform something is large enough (and solidaire when required) to be mandataire."""
    options, capable = instance.options, list(index.contributors.values())
    if not capable:
        return
    minimum = options.mandataire_min_headcount
    if all(c.headcount < minimum for c in capable):
        largest = max(c.headcount for c in capable)
        yield (
            f"Aucune entreprise capable ne peut être mandataire : il faut au moins {minimum} salariés, "
            f"la plus grande en a {largest} ; abaisser l'effectif minimal du mandataire"
        )
    elif options.mandataire_solidaire and not any(c.can_be_solidaire and c.headcount >= minimum for c in capable):
        size = f" parmi celles d'au moins {minimum} salariés" if minimum else ""
        yield f"Aucune entreprise capable n'accepte d'être mandataire solidaire{size} ; lever l'exigence de solidarité"


def _lot_cap_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """A cap on lots that makes covering every selected lot impossible."""
    options, count = instance.options, len(index.lots)
    cap = options.max_lots
    if cap is None or options.partial:
        return
    if options.lot_cap_scope == LotCapScope.GROUPEMENT and cap < count:
        yield (
            f"Le groupement ne peut répondre qu'à {cap} lots sur les {count} retenus : "
            f"retenir au plus {cap} lots ou accepter une couverture partielle"
        )
    elif options.lot_cap_scope == LotCapScope.MEMBER and count > cap * options.max_members:
        yield (
            f"Chaque membre ne peut travailler que sur {cap} lots : avec {options.max_members} membres au plus, "
            f"les {count} lots retenus ne peuvent pas tous être couverts"
        )


def _member_reasons(instance: Instance, index: _Index) -> Iterator[str]:
    """More members needed than allowed: over all lots for a full cover, lot by lot in partial mode."""
    performable = [item for item, companies in index.capable.items() if companies]
    groups = [[i for i in performable if i[0] == lot_id] for lot_id in index.lots] if instance.options.partial else []
    for group in groups or [performable]:
        reason = _member_bound_reason(instance, index, group)
        if reason:
            yield reason


def _member_bound_reason(instance: Instance, index: _Index, items: list[Item]) -> str | None:
    """Pairwise incompatible requirements (no company can perform two of them) each need their own member; imposed
    companies able to perform none of them come on top."""
    ids = {item: {c.id for c in index.capable[item]} for item in items}
    clique: list[Item] = []
    for item in sorted(items, key=lambda i: len(ids[i])):
        if all(ids[item].isdisjoint(ids[other]) for other in clique):
            clique.append(item)
    doers = set().union(*(ids[item] for item in clique))
    imposed = len(instance.options.must_include - doers)
    needed, most = len(clique) + imposed, instance.options.max_members
    if needed <= most or len(clique) < 2:
        return None
    listed = ", ".join(f"« {req} » (lot {lot_id})" for lot_id, req in clique)
    extra = f", plus {imposed} entreprise(s) imposée(s)" if imposed else ""
    prefix = f"Lot {items[0][0]} : il" if instance.options.partial else "Il"
    return (
        f"{prefix} faut au moins {needed} membres mais le groupement est limité à {most} : aucune entreprise ne sait "
        f"réaliser deux de ces exigences à la fois : {listed}{extra} ; autoriser plus de membres"
    )
