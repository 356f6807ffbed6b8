"""What the pages read of the contracts: a tender's award, a company's contracts. Template globals (the tender and
company pages call them), registered by the application factory."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.awards.models import AwardedContract, ContractHolder
from app.db import get_session

LIMIT = 50


def contracts_for_tender(tender_id: int) -> list[AwardedContract]:
    stmt = (
        select(AwardedContract)
        .where(AwardedContract.tender_id == tender_id)
        .options(selectinload(AwardedContract.holders))
        .order_by(AwardedContract.lot_id, AwardedContract.id)
    )
    return list(get_session().scalars(stmt.limit(LIMIT)))


def contracts_held(company_id: int) -> list[AwardedContract]:
    """The contracts the company holds (or held before a modification replaced it), the latest first."""
    held = select(ContractHolder.contract_id).where(ContractHolder.company_id == company_id)
    stmt = (
        select(AwardedContract)
        .where(AwardedContract.id.in_(held))
        .options(selectinload(AwardedContract.holders))
        .order_by(AwardedContract.award_date.desc().nulls_last(), AwardedContract.id.desc())
    )
    return list(get_session().scalars(stmt.limit(LIMIT)))
