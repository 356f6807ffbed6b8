"""The « retombées » figures, computed once for the dashboard, its downloads and ``flask impact report``: one function
per table, all from the facts (``facts.refresh``), all under the same filters.

Definitions (``docs/IMPACT.md``): the local capture by amount is Σ a(m,t)·local(t) / Σ A(m); by count, the contracts
with at least one local holder / the contracts. The SME shares are built the same way with « SME » for « local »:
a contract counts as won by an SME when one of its holders is one (co-holders included), and its amount through
each SME's share. Amounts are HT, each contract counted once, modifications applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session

from app.impact.models import ImpactContract as C
from app.impact.models import ImpactPlaceRollup as P
from app.impact.models import ImpactRollup as R
from app.impact.models import ImpactShare as H
from app.reference.cpv_labels import cpv_labels

ZERO = Decimal(0)
TOP = 20


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to. ``territory`` keeps the contracts' shares that went to holders there:
    the « local » amount is then what stayed in that territory."""

    date_from: date | None = None
    date_to: date | None = None
    division: str | None = None  # two digits of the CPV code
    territory: str | None = None
    buyer: str | None = None

    def on_contracts(self, stmt: Select, table=C, *, counted: bool | None = True) -> Select:
        """Rows of ``table`` (the contracts, the holders' shares, the first contracts: all carry the dimensions)
        under the filters; ``counted`` None for a table of counted rows only."""
        if counted is not None:
            stmt = stmt.where(table.counted.is_(counted))
        if self.date_from is not None:
            stmt = stmt.where(table.award_date >= self.date_from)
        if self.date_to is not None:
            stmt = stmt.where(table.award_date <= self.date_to)
        if self.division:
            stmt = stmt.where(table.cpv_division == self.division)
        return buyer_filter(stmt, table.buyer_id, self.buyer)

    def quarters(self) -> tuple[int | None, int | None]:
        """The first and last quarters (year × 10 + quarter) of the period, None where it is open."""
        low = self.date_from.year * 10 + (self.date_from.month - 1) // 3 + 1 if self.date_from else None
        high = self.date_to.year * 10 + (self.date_to.month - 1) // 3 + 1 if self.date_to else None
        return low, high

    def on_quarters(self) -> bool:
        """Whether the period starts and ends on whole quarters (or is open): the rollups can answer."""
        starts = self.date_from is None or (self.date_from.day == 1 and self.date_from.month % 3 == 1)
        after = self.date_to + timedelta(days=1) if self.date_to else None
        return starts and (after is None or (after.day == 1 and after.month % 3 == 1))

    def on_shares(self, stmt: Select) -> Select:
        """Local shares of the counted contracts under the filters (in the territory when one is chosen)."""
        stmt = self.on_contracts(stmt, H).where(H.local.is_(True))
        return stmt.where(H.territory == self.territory) if self.territory else stmt


@dataclass(frozen=True)
class Totals:
    contracts: int = 0
    amount_eur: Decimal = ZERO
    local_amount_eur: Decimal = ZERO
    local_contracts: int = 0
    sme_amount_eur: Decimal = ZERO
    sme_contracts: int = 0

    @property
    def local_share_amount(self) -> float | None:
        return _ratio(self.local_amount_eur, self.amount_eur)

    @property
    def local_share_count(self) -> float | None:
        return _ratio(self.local_contracts, self.contracts)

    @property
    def sme_share_amount(self) -> float | None:
        return _ratio(self.sme_amount_eur, self.amount_eur)

    @property
    def sme_share_count(self) -> float | None:
        return _ratio(self.sme_contracts, self.contracts)


@dataclass(frozen=True)
class Headline(Totals):
    unidentified_contracts: int = 0
    without_amount: int = 0
    equal_split_contracts: int = 0
    duplicates: int = 0
    ours_contracts: int = 0
    ours_amount_eur: Decimal = ZERO
    subcontract_amount_eur: Decimal = ZERO
    local_subcontract_amount_eur: Decimal = ZERO
    sources: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Row(Totals):
    key: str = ""
    label: str = ""


def _ratio(part, whole) -> float | None:
    return float(part) / float(whole) if whole else None


def summed(expression):
    return func.coalesce(func.sum(expression), 0)


def _flag(condition):
    return summed(case((condition, 1), else_=0))


class _Reader:
    """Where figures are read: the facts (any filters), or the rollups (filters on whole quarters). Both give the
    same measures under the same names; ``where`` applies the filters."""

    def __init__(self, table, measures: dict, keys: dict) -> None:
        self.table, self.measures, self.keys = table, measures, keys

    def where(self, stmt: Select, filters: Filters) -> Select:
        if self.table is C:
            return filters.on_contracts(stmt)
        return buyer_filter(on_rollup(stmt, filters, R), R.buyer_id, filters.buyer)


FACTS = _Reader(
    C,
    {
        "contracts": func.count(),
        "amount_eur": summed(C.amount_eur),
        "local_amount_eur": summed(C.local_amount_eur),
        "local_contracts": _flag(C.has_local),
        "sme_amount_eur": summed(C.sme_amount_eur),
        "sme_contracts": _flag(C.has_sme),
        "unidentified": _flag(~C.identified),
        "without_amount": _flag(C.amount_eur == 0),
        "equal_split": _flag(C.split == "equal"),
        "ours": _flag(C.ours),
        "ours_amount_eur": summed(case((C.ours, C.amount_eur), else_=0)),
        "subcontract_amount_eur": summed(C.subcontract_amount_eur),
        "local_subcontract_amount_eur": summed(C.local_subcontract_amount_eur),
    },
    {"year": C.year, "period": C.year * 10 + C.quarter, "division": C.cpv_division, "buyer": C.buyer_id,
     "buyer_name": C.buyer_name, "source": C.source},
)  # fmt: skip
ROLLUP = _Reader(
    R,
    {name: summed(getattr(R, name)) for name in FACTS.measures},  # the same names, summed
    {"year": R.year, "period": R.period, "division": R.cpv_division, "buyer": R.buyer_id,
     "buyer_name": R.buyer_name, "source": R.source},
)  # fmt: skip
TOTALS = ("contracts", "amount_eur", "local_amount_eur", "local_contracts", "sme_amount_eur", "sme_contracts")


def buyer_filter(stmt: Select, column, buyer: str | None) -> Select:
    """A SIRET, or a SIREN for all of the buyer's establishments."""
    if not buyer:
        return stmt
    return stmt.where(column.startswith(buyer, autoescape=True) if len(buyer) == 9 else column == buyer)


def reader(filters: Filters) -> _Reader:
    return ROLLUP if filters.on_quarters() else FACTS


def _totals(values) -> dict:
    return {
        name: Decimal(value) if name.endswith("_eur") else int(value)
        for name, value in zip(TOTALS, values, strict=True)
    }


def _in_territory(session: Session, filters: Filters, key: str | None = None) -> dict:
    """Local amount and count of contracts with a holder in the chosen territory, per ``key`` if given."""
    if filters.on_quarters():
        by_buyer = bool(filters.buyer) or key == "buyer"
        column = {"year": P.year, "period": P.period, "division": P.cpv_division, "buyer": P.buyer_id}.get(key)
        stmt = select(*(() if column is None else (column,)), summed(P.amount_eur), summed(P.contracts))
        stmt = stmt.where(P.level == ("buyer" if by_buyer else "territory"), P.place == filters.territory)
        stmt = buyer_filter(on_rollup(stmt, filters, P), P.buyer_id, filters.buyer)
    else:
        column = {"year": H.year, "period": H.year * 10 + H.quarter, "division": H.cpv_division,
                  "buyer": H.buyer_id}.get(key)  # fmt: skip
        stmt = select(*(() if column is None else (column,)), summed(H.share_eur), func.count(distinct(H.contract_id)))
        stmt = filters.on_shares(stmt)
    if column is None:
        amount, count = session.execute(stmt).one()
        return {None: (Decimal(amount), int(count))}
    return {k: (Decimal(a), int(n)) for k, a, n in session.execute(stmt.group_by(column))}


def on_rollup(stmt: Select, filters: Filters, table) -> Select:
    """A rollup's rows (``R`` or ``P``: both have the period and the division) under the filters' quarters and
    division."""
    low, high = filters.quarters()
    if low is not None:
        stmt = stmt.where(table.period >= low)
    if high is not None:
        stmt = stmt.where(table.period <= high)
    return stmt.where(table.cpv_division == filters.division) if filters.division else stmt


def headline(session: Session, filters: Filters) -> Headline:
    source = reader(filters)
    values = session.execute(source.where(select(*source.measures.values()), filters)).one()
    found = dict(zip(source.measures, values, strict=True))
    totals = _totals(found[name] for name in TOTALS)
    if filters.territory:
        totals["local_amount_eur"], totals["local_contracts"] = _in_territory(session, filters)[None]
    by_source = select(source.keys["source"], source.measures["contracts"]).group_by(source.keys["source"])
    sources = {name: int(n) for name, n in session.execute(source.where(by_source, filters)) if n}
    return Headline(
        **totals,
        unidentified_contracts=int(found["unidentified"]),
        without_amount=int(found["without_amount"]),
        equal_split_contracts=int(found["equal_split"]),
        duplicates=_duplicates(session, filters),
        ours_contracts=int(found["ours"]),
        ours_amount_eur=Decimal(found["ours_amount_eur"]),
        subcontract_amount_eur=Decimal(found["subcontract_amount_eur"]),
        local_subcontract_amount_eur=Decimal(found["local_subcontract_amount_eur"]),
        sources=sources,
    )


def _duplicates(session: Session, filters: Filters) -> int:
    if filters.on_quarters():
        return int(session.scalar(ROLLUP.where(select(summed(R.duplicates)), filters)) or 0)
    return int(session.scalar(filters.on_contracts(select(func.count()), counted=False)) or 0)


def _grouped(session: Session, filters: Filters, key: str) -> dict:
    source = reader(filters)
    group = source.keys[key]
    stmt = select(group, *(source.measures[name] for name in TOTALS)).group_by(group)
    rows = {k: _totals(values) for k, *values in session.execute(source.where(stmt, filters))}
    rows = {k: row for k, row in rows.items() if row["contracts"]}
    if filters.territory:
        found = _in_territory(session, filters, key)
        for k, row in rows.items():
            row["local_amount_eur"], row["local_contracts"] = found.get(k, (ZERO, 0))
    return rows


def by_year(session: Session, filters: Filters) -> list[Row]:
    rows = _grouped(session, filters, "year")
    return [Row(key=str(y) if y else "", label=str(y) if y else "sans date", **rows[y]) for y in _sorted(rows)]


def by_quarter(session: Session, filters: Filters) -> list[Row]:
    rows = _grouped(session, filters, "period")
    return [
        Row(key=f"{p // 10}-T{p % 10}" if p else "", label=f"{p // 10} T{p % 10}" if p else "sans date", **rows[p])
        for p in _sorted(rows)
    ]


def by_division(session: Session, filters: Filters) -> list[Row]:
    rows = _grouped(session, filters, "division")
    labels = cpv_labels(session, [f"{d}000000" for d in rows if d])
    ordered = sorted(rows, key=lambda d: (-rows[d]["amount_eur"], d or "~"))
    return [Row(key=d or "", label=labels.get(f"{d}000000", "") if d else "sans code CPV", **rows[d]) for d in ordered]


def by_buyer(session: Session, filters: Filters, limit: int = TOP) -> list[Row]:
    rows = _grouped(session, filters, "buyer")
    ordered = sorted(rows, key=lambda b: (-rows[b]["amount_eur"], b or "~"))[:limit]
    source = reader(filters)
    names = select(source.keys["buyer"], func.max(source.keys["buyer_name"]))
    names = names.where(source.keys["buyer"].in_([b for b in ordered if b])).group_by(source.keys["buyer"])
    known = dict(session.execute(names).all())
    return [Row(key=b or "", label=known.get(b) or b or "acheteur inconnu", **rows[b]) for b in ordered]


def _sorted(rows: dict) -> list:
    return sorted(rows, key=lambda k: (k is None, k or 0))
