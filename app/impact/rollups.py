"""The facts summed once, so that a dashboard over a million contracts reads a few thousand rows: by quarter, CPV
division, source and buyer (``ImpactRollup``); the local amount by place (``ImpactPlaceRollup``); the top local
holders of each year and division (``ImpactTopHolder``); the companies whose first contract was ours
(``ImpactFirstContract``). Rebuilt whole, in SQL, by each refresh that changed a fact."""

from __future__ import annotations

import itertools

from sqlalchemy import and_, case, delete, distinct, func, insert, literal, select
from sqlalchemy.orm import Session

from app.impact.figures import FACTS
from app.impact.models import ImpactContract as C
from app.impact.models import ImpactFirstContract, ImpactPlaceRollup, ImpactRollup, ImpactTopHolder
from app.impact.models import ImpactShare as H

TOP = 20


def period_of(table):
    """year × 10 + quarter, NULL without a date: what the rollups are keyed by."""
    return case((table.year.is_(None), None), else_=table.year * 10 + table.quarter)


def rebuild(session: Session) -> None:
    for model in (ImpactRollup, ImpactPlaceRollup, ImpactTopHolder, ImpactFirstContract):
        session.execute(delete(model))
    _contracts(session)
    for level, column in PLACE_LEVELS.items():
        _places(session, level, column)
    for by_year, by_division, by_territory in itertools.product((False, True), repeat=3):
        _top(session, by_year, by_division, by_territory, by_buyer=False)
    for by_year in (False, True):  # one buyer's top holders, of all its years or of one
        _top(session, by_year, by_division=False, by_territory=False, by_buyer=True)
    _first(session)


def _contracts(session: Session) -> None:
    """The measures of the figures (``FACTS``), summed over the counted contracts of each key; the contracts left
    out as published twice in rows of their own, where only ``duplicates`` is not zero."""
    period = period_of(C)
    keys = (period, C.year, C.cpv_division, C.source, C.buyer_id)
    names = ["period", "year", "cpv_division", "source", "buyer_id", "buyer_name", *FACTS.measures, "duplicates"]
    counted = select(*keys, func.max(C.buyer_name), *FACTS.measures.values(), literal(0))
    left_out = select(*keys, func.max(C.buyer_name), *(literal(0) for _ in FACTS.measures), func.count())
    for stmt, condition in ((counted, C.counted.is_(True)), (left_out, C.counted.is_(False))):
        session.execute(insert(ImpactRollup).from_select(names, stmt.where(condition).group_by(*keys)))


# The places summed: each commune and each territory, and both again for each buyer.
PLACE_LEVELS = {
    "commune": H.commune_insee, "territory": H.territory, "buyer": H.territory, "buyer-commune": H.commune_insee
}  # fmt: skip


def _places(session: Session, level: str, column) -> None:
    period = period_of(H)
    by_buyer = level.startswith("buyer")
    buyer = H.buyer_id if by_buyer else literal(None)
    keys = (column, period, H.year, H.cpv_division, *([H.buyer_id] if by_buyer else []))
    stmt = (
        select(
            literal(level), column, buyer, period, H.year, H.cpv_division, func.sum(H.share_eur),
            func.count(distinct(H.contract_id)),
        )
        .where(H.counted.is_(True), H.local.is_(True), column.is_not(None))
        .group_by(*keys)
    )  # fmt: skip
    columns = ["level", "place", "buyer_id", "period", "year", "cpv_division", "amount_eur", "contracts"]
    session.execute(insert(ImpactPlaceRollup).from_select(columns, stmt))


def _top(session: Session, by_year: bool, by_division: bool, by_territory: bool, by_buyer: bool) -> None:
    """The first ``TOP`` local holders of each scope: each year (or all, 0) × division (or all, "") × territory (or
    all, "") × buyer (or all, "")."""
    year = H.year if by_year else literal(0)
    division = H.cpv_division if by_division else literal("")
    territory = H.territory if by_territory else literal("")
    buyer = H.buyer_id if by_buyer else literal("")
    groups = [H.company_id, *([H.year] if by_year else []), *([H.cpv_division] if by_division else [])]
    groups += [H.territory] if by_territory else []
    groups += [H.buyer_id] if by_buyer else []
    amount = func.sum(H.share_eur)
    partition = [g for g in groups[1:]] or None
    ranked = (
        select(
            year.label("year"), division.label("cpv_division"), territory.label("territory"), buyer.label("buyer_id"),
            func.row_number().over(partition_by=partition, order_by=(amount.desc(), H.company_id)).label("rank"),
            H.company_id, func.max(H.name).label("name"), func.max(H.commune_insee).label("commune_insee"),
            amount.label("amount_eur"), func.count().label("contracts"),
            func.sum(case((H.ours, 1), else_=0)).label("ours"),
        )
        .where(H.counted.is_(True), H.local.is_(True), H.company_id.is_not(None))
        .where(*([H.year.is_not(None)] if by_year else []), *([H.cpv_division.is_not(None)] if by_division else []))
        .where(*([H.territory.is_not(None)] if by_territory else []), *([H.buyer_id.is_not(None)] if by_buyer else []))
        .group_by(*groups)
        .subquery()
    )  # fmt: skip
    columns = ["year", "cpv_division", "territory", "buyer_id", "rank", "company_id", "name", "commune_insee",
               "amount_eur", "contracts", "ours"]  # fmt: skip
    stmt = select(*(ranked.c[name] for name in columns)).where(ranked.c.rank <= TOP)
    session.execute(insert(ImpactTopHolder).from_select(columns, stmt))


def _first(session: Session) -> None:
    first = (
        select(H.company_id, func.min(H.award_date).label("day"))
        .where(H.company_id.is_not(None), H.counted.is_(True), H.award_date.is_not(None))
        .group_by(H.company_id)
        .subquery()
    )
    stmt = select(
        H.company_id, H.contract_id, H.award_date, H.cpv_division, H.buyer_id, H.territory, H.name, H.commune_insee,
        H.share_eur,
    ).join(first, and_(first.c.company_id == H.company_id, first.c.day == H.award_date)).where(
        H.ours.is_(True), H.counted.is_(True)
    )  # fmt: skip
    columns = [
        "company_id", "contract_id", "award_date", "cpv_division", "buyer_id", "territory", "name", "commune_insee",
        "amount_eur",
    ]  # fmt: skip
    session.execute(insert(ImpactFirstContract).from_select(columns, stmt))
