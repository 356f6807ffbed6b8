"""What a company's page reads of the « retombées »: the local partners it shared contracts with (and what went to
them), the contracts it works on as a declared sub-contractor, and its groupements formed here. Template globals,
registered by the application factory; the contracts are public data (DECP and award notices), like those it
holds; the page shows a groupement only to who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased, selectinload

from app.awards.models import AwardedContract, ContractSubcontract
from app.consortium.models import Groupement, GroupementMember
from app.db import get_session
from app.impact.models import ImpactShare

LIMIT = 50


@dataclass(frozen=True)
class Partner:
    company_id: int
    name: str
    contracts: int
    amount_eur: Decimal  # what went to the partner on the contracts shared, those of our groupements left out


@dataclass(frozen=True)
class Subcontracted:
    object: str
    buyer_name: str | None
    amount_eur: Decimal | None
    date: date | None


def local_partners(company_id: int) -> list[Partner]:
    """The local companies that held contracts with this one, the most shared first."""
    mine, theirs = aliased(ImpactShare), aliased(ImpactShare)
    stmt = (
        select(
            theirs.company_id,
            func.max(theirs.name),
            func.count(),
            func.sum(case((theirs.ours, 0), else_=theirs.share_eur)),  # a convention's split is its members' own
        )
        .join(mine, mine.contract_id == theirs.contract_id)
        .where(mine.company_id == company_id, theirs.company_id != company_id, theirs.local.is_(True))
        .where(theirs.counted.is_(True))
        .group_by(theirs.company_id)
        .order_by(func.count().desc(), theirs.company_id)
        .limit(LIMIT)
    )
    return [Partner(cid, name or "", int(n), Decimal(a)) for cid, name, n, a in get_session().execute(stmt)]


def subcontracts_held(company_id: int) -> list[Subcontracted]:
    stmt = (
        select(AwardedContract.object, AwardedContract.buyer_name, ContractSubcontract.amount_eur,
               ContractSubcontract.date)
        .join(AwardedContract, AwardedContract.id == ContractSubcontract.contract_id)
        .where(ContractSubcontract.company_id == company_id)
        .order_by(ContractSubcontract.date.desc().nulls_last(), ContractSubcontract.id.desc())
        .limit(LIMIT)
    )  # fmt: skip
    return [Subcontracted(*row) for row in get_session().execute(stmt)]


def groupements_of(company_id: int) -> list[Groupement]:
    """The groupements formed here that the company is a member of, the latest first (the page shows those the
    reader may see: its own organisation's, or those it was invited to)."""
    stmt = (
        select(Groupement)
        .join(GroupementMember, GroupementMember.groupement_id == Groupement.id)
        .where(GroupementMember.company_id == company_id, GroupementMember.current.is_(True))
        .options(selectinload(Groupement.tender), selectinload(Groupement.members))
        .order_by(Groupement.created_at.desc(), Groupement.id.desc())
        .limit(LIMIT)
    )
    return list(get_session().scalars(stmt))
