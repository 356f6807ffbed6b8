"""Where the local amount went: each commune of the Métropole, and its six territories."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from app.impact.figures import ZERO, Filters, buyer_filter, on_rollup, summed
from app.impact.models import ImpactPlaceRollup as P
from app.impact.models import ImpactShare as H
from app.reference.models import Commune
from app.reference.territories import TERRITORIES, TERRITORY_OF


@dataclass(frozen=True)
class Place:
    insee: str
    name: str
    territory: str
    local_amount_eur: Decimal
    contracts: int


def by_commune(session: Session, filters: Filters) -> list[Place]:
    """Every commune of the Métropole (those without a contract too), by the amount its holders took; ``contracts``
    counts the contracts with a holder there."""
    found = _local(session, filters, H.commune_insee)
    places = [
        Place(insee, name, TERRITORY_OF.get(insee, ""), *found.get(insee, (ZERO, 0)))
        for insee, name in session.execute(select(Commune.insee_code, Commune.name))
        if not filters.territory or TERRITORY_OF.get(insee) == filters.territory
    ]
    return sorted(places, key=lambda p: (-p.local_amount_eur, p.name))


def by_territory(session: Session, filters: Filters) -> list[Place]:
    found = _local(session, filters, H.territory)
    return [
        Place("", name, name, *found.get(name, (ZERO, 0)))
        for name in TERRITORIES
        if not filters.territory or name == filters.territory
    ]


def _local(session: Session, filters: Filters, group) -> dict:
    level = "commune" if group is H.commune_insee else "territory"
    if filters.buyer:  # the places are summed by buyer too
        level = "buyer-commune" if level == "commune" else "buyer"
    if filters.on_quarters():
        stmt = select(P.place, summed(P.amount_eur), summed(P.contracts)).where(P.level == level)
        stmt = buyer_filter(stmt, P.buyer_id, filters.buyer)
        if filters.territory:
            in_territory = P.place.in_(TERRITORIES[filters.territory]) if level.endswith("commune") else None
            stmt = stmt.where(in_territory if in_territory is not None else P.place == filters.territory)
        stmt = on_rollup(stmt, filters, P).group_by(P.place)
    else:
        stmt = filters.on_shares(select(group, func.sum(H.share_eur), func.count(distinct(H.contract_id)))).group_by(
            group
        )
    return {key: (Decimal(amount), int(count)) for key, amount, count in session.execute(stmt)}
