"""The « retombées » figures, computed once for the dashboard, its downloads and ``flask impact report``: one function
per table, all from the facts (``facts.refresh``), all under the same filters.

Definitions (``docs/IMPACT.md``): the local capture by amount is Σ a(m,t)·local(t) / Σ A(m); by count, the contracts
with at least one local holder / the contracts. The SME shares are built the same way with « SME » for « local »:
a contract counts as won by an SME when one of its holders is one (co-holders included), and its amount through
each SME's share. Amounts are HT, each contract counted once, modifications applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, case, distinct, func, select
from sqlalchemy.orm import Session

from app.consortium.models import Groupement
from app.consortium.vocabulary import GroupementStatus as S
from app.impact.models import ImpactContract as C
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

    def on_contracts(self, stmt: Select, table=C, *, counted: bool = True) -> Select:
        """Rows of ``table`` (the contracts, or the holders' shares: both carry the dimensions) under the filters."""
        stmt = stmt.where(table.counted.is_(counted))
        if self.date_from is not None:
            stmt = stmt.where(table.award_date >= self.date_from)
        if self.date_to is not None:
            stmt = stmt.where(table.award_date <= self.date_to)
        if self.division:
            stmt = stmt.where(table.cpv_division == self.division)
        if self.buyer:  # a SIRET, or a SIREN for all of the buyer's establishments
            column = table.buyer_id
            stmt = stmt.where(
                column.startswith(self.buyer, autoescape=True) if len(self.buyer) == 9 else column == self.buyer
            )
        return stmt

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


def _totals_columns():
    return (
        func.count(),
        func.coalesce(func.sum(C.amount_eur), 0),
        func.coalesce(func.sum(C.local_amount_eur), 0),
        func.coalesce(func.sum(case((C.has_local, 1), else_=0)), 0),
        func.coalesce(func.sum(C.sme_amount_eur), 0),
        func.coalesce(func.sum(case((C.has_sme, 1), else_=0)), 0),
    )


def _totals(values: Sequence) -> dict:
    count, amount, local, local_count, sme, sme_count = values
    return {
        "contracts": int(count),
        "amount_eur": Decimal(amount),
        "local_amount_eur": Decimal(local),
        "local_contracts": int(local_count),
        "sme_amount_eur": Decimal(sme),
        "sme_contracts": int(sme_count),
    }


def _in_territory(session: Session, filters: Filters, group=None) -> dict:
    """Local amount and count of contracts with a holder in the chosen territory, per group column if given."""
    columns = (func.coalesce(func.sum(H.share_eur), 0), func.count(distinct(H.contract_id)))
    stmt = filters.on_shares(select(*(() if group is None else (group,)), *columns))
    if group is None:
        amount, count = session.execute(stmt).one()
        return {None: (Decimal(amount), int(count))}
    return {key: (Decimal(a), int(n)) for key, a, n in session.execute(stmt.group_by(group))}


def headline(session: Session, filters: Filters) -> Headline:
    stmt = filters.on_contracts(
        select(
            *_totals_columns(),
            func.coalesce(func.sum(case((C.identified, 0), else_=1)), 0),
            func.coalesce(func.sum(case((C.amount_eur == 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((C.split == "equal", 1), else_=0)), 0),
            func.coalesce(func.sum(case((C.ours, 1), else_=0)), 0),
            func.coalesce(func.sum(case((C.ours, C.amount_eur), else_=0)), 0),
            func.coalesce(func.sum(C.subcontract_amount_eur), 0),
            func.coalesce(func.sum(C.local_subcontract_amount_eur), 0),
        )
    )
    values = session.execute(stmt).one()
    totals = _totals(values[:6])
    if filters.territory:
        totals["local_amount_eur"], totals["local_contracts"] = _in_territory(session, filters)[None]
    unidentified, without_amount, equal, ours, ours_amount, sub, local_sub = values[6:]
    sources = session.execute(filters.on_contracts(select(C.source, func.count())).group_by(C.source)).all()
    return Headline(
        **totals,
        unidentified_contracts=int(unidentified),
        without_amount=int(without_amount),
        equal_split_contracts=int(equal),
        duplicates=int(session.scalar(filters.on_contracts(select(func.count()), counted=False)) or 0),
        ours_contracts=int(ours),
        ours_amount_eur=Decimal(ours_amount),
        subcontract_amount_eur=Decimal(sub),
        local_subcontract_amount_eur=Decimal(local_sub),
        sources={source: int(n) for source, n in sources},
    )


def _grouped(session: Session, filters: Filters, group, share_group) -> dict:
    stmt = filters.on_contracts(select(group, *_totals_columns())).group_by(group)
    rows = {key: _totals(values) for key, *values in session.execute(stmt)}
    if filters.territory:
        found = _in_territory(session, filters, share_group)
        for key, row in rows.items():
            row["local_amount_eur"], row["local_contracts"] = found.get(key, (ZERO, 0))
    return rows


def by_year(session: Session, filters: Filters) -> list[Row]:
    rows = _grouped(session, filters, C.year, H.year)
    return [Row(key=str(y) if y else "", label=str(y) if y else "sans date", **rows[y]) for y in _sorted(rows)]


def by_quarter(session: Session, filters: Filters) -> list[Row]:
    period = C.year * 10 + C.quarter
    rows = _grouped(session, filters, period, H.year * 10 + H.quarter)
    return [
        Row(key=f"{p // 10}-T{p % 10}" if p else "", label=f"{p // 10} T{p % 10}" if p else "sans date", **rows[p])
        for p in _sorted(rows)
    ]


def by_division(session: Session, filters: Filters) -> list[Row]:
    rows = _grouped(session, filters, C.cpv_division, H.cpv_division)
    labels = cpv_labels(session, [f"{d}000000" for d in rows if d])
    ordered = sorted(rows, key=lambda d: (-rows[d]["amount_eur"], d or "~"))
    return [Row(key=d or "", label=labels.get(f"{d}000000", "") if d else "sans code CPV", **rows[d]) for d in ordered]


def by_buyer(session: Session, filters: Filters, limit: int = TOP) -> list[Row]:
    rows = _grouped(session, filters, C.buyer_id, H.buyer_id)
    ordered = sorted(rows, key=lambda b: (-rows[b]["amount_eur"], b or "~"))[:limit]
    stmt = select(C.buyer_id, func.max(C.buyer_name)).where(C.buyer_id.in_([b for b in ordered if b]))
    names = dict(session.execute(stmt.group_by(C.buyer_id)).all())
    return [Row(key=b or "", label=names.get(b) or b or "acheteur inconnu", **rows[b]) for b in ordered]


@dataclass(frozen=True)
class Stage:
    label: str
    groupements: int


FUNNEL = (
    ("Proposés", None),
    ("Invités", (S.INVITED, S.FORMED, S.SUBMITTED, S.WON, S.LOST)),
    ("Constitués", (S.FORMED, S.SUBMITTED, S.WON, S.LOST)),
    ("Déposés", (S.SUBMITTED, S.WON, S.LOST)),
    ("Gagnés", (S.WON,)),
)


def funnel(session: Session, filters: Filters) -> list[Stage]:
    """Groupements formed here by the furthest stage they reached (created in the period); a groupement marked
    « gagné » or « perdu » from « constitué » counts as « déposé »: an award settles a bid."""
    stmt = select(Groupement.status, func.count()).where(Groupement.proposal_id.is_not(None))
    if filters.date_from is not None:
        stmt = stmt.where(func.date(Groupement.created_at) >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(func.date(Groupement.created_at) <= filters.date_to)
    counts = dict(session.execute(stmt.group_by(Groupement.status)).all())
    return [
        Stage(label, sum(counts.values()) if statuses is None else sum(counts.get(s, 0) for s in statuses))
        for label, statuses in FUNNEL
    ]


def _sorted(rows: dict) -> list:
    return sorted(rows, key=lambda k: (k is None, k or 0))
