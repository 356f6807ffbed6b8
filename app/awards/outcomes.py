"""Which tender a contract answers, and what it means for the groupements formed here on it.

A contract is linked to a tender by the notices it names (the tender's notice id, procedure id or publication
number), else by its buyer, CPV and dates. When it names every member of one of our groupements on that lot, the
groupement is « gagné » on it; the others that bid on the lot are « perdu », the winner named. Each outcome is a
``GroupementAward`` row and an audit line with its source; a person may still correct the status by hand."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.awards.models import AwardedContract, GroupementAward
from app.consortium.models import Groupement, Proposal
from app.consortium.vocabulary import GroupementStatus as S
from app.consortium.workflow.audit import record
from app.formatting import number_fr
from app.tenders.models import Tender, TenderLot

DECIDED = (S.FORMED, S.SUBMITTED)  # a bid was made: an award settles it (a status set by hand is left alone)
LINK_WINDOW = timedelta(days=730)  # an award more than two years after the deadline is another procedure


class TenderIndex:
    """The tenders an import may link to, read once: by reference, and by buyer for the fallback."""

    def __init__(self, session: Session) -> None:
        self.by_ref: dict[str, int] = {}
        self.by_buyer: dict[str, list[tuple[int, date | None, frozenset[str]]]] = {}
        rows = session.execute(
            select(
                Tender.id, Tender.notice_id, Tender.procedure_id, Tender.publication_number, Tender.buyer_identifier
            ).add_columns(Tender.deadline_utc)
        )
        cpvs: dict[int, set[str]] = {}
        for tender_id, cpv in session.execute(select(TenderLot.tender_id, TenderLot.main_cpv)):
            if cpv:
                cpvs.setdefault(tender_id, set()).add(cpv[:5])
        for tender_id, notice_id, procedure_id, publication, buyer, deadline in rows:
            for ref in (notice_id, procedure_id, publication):
                if ref:
                    self.by_ref.setdefault(ref.strip().lower(), tender_id)
            if buyer and (siren := re.sub(r"\D", "", buyer)[:9]):
                day = deadline.date() if deadline else None
                self.by_buyer.setdefault(siren, []).append((tender_id, day, frozenset(cpvs.get(tender_id, ()))))

    def tender_for(self, refs: list[str], buyer_id: str | None, cpv: str | None, awarded: date | None) -> int | None:
        for ref in refs:
            if (found := self.by_ref.get(ref.strip().lower())) is not None:
                return found
        if not buyer_id or not cpv or awarded is None:
            return None
        candidates = [
            (deadline, tender_id)
            for tender_id, deadline, codes in self.by_buyer.get(re.sub(r"\D", "", buyer_id)[:9], ())
            if cpv[:5] in codes and deadline is not None and deadline <= awarded <= deadline + LINK_WINDOW
        ]
        return max(candidates)[1] if candidates else None


def record_outcomes(session: Session, contract: AwardedContract) -> list[str]:
    """The groupements on the contract's tender that bid on its lot: won or lost; what was recorded, in French."""
    if contract.tender_id is None:
        return []
    tender = session.get(Tender, contract.tender_id)
    lot = lot_of(tender, contract.lot_id)
    holders = {h.company_id for h in contract.holders if h.company_id is not None}
    said = []
    stmt = (
        select(Groupement)
        .where(Groupement.tender_id == tender.id, Groupement.status.in_(DECIDED))
        .options(selectinload(Groupement.members), selectinload(Groupement.proposal).selectinload(Proposal.assignments))
    )
    for groupement in session.scalars(stmt):
        bid_lots = {a.lot_id for a in groupement.proposal.assignments} if groupement.proposal else None
        if lot is not None and bid_lots is not None and lot.id not in bid_lots:
            continue  # it did not bid on this lot
        members = {m.company_id for m in groupement.members if m.current}
        won = bool(members) and members <= holders
        if _already(session, groupement, contract):
            continue
        session.add(GroupementAward(groupement_id=groupement.id, contract_id=contract.id, won=won))
        said.append(_settle(groupement, contract, lot, won))
    return said


def lot_of(tender: Tender, lot_id: str | None) -> TenderLot | None:
    """The tender's lot an award names (« LOT-0002 », « 2 » and « Lot 2 » are the same); the only lot when it names
    none."""
    if lot_id is None:
        return tender.lots[0] if len(tender.lots) == 1 else None
    wanted = _lot_number(lot_id)
    return next((lot for lot in tender.lots if lot.lot_id == lot_id or _lot_number(lot.lot_id) == wanted), None)


def _lot_number(lot_id: str) -> str:
    digits = re.findall(r"\d+", lot_id)
    return str(int(digits[-1])) if digits else lot_id.strip().lower()


def _already(session: Session, groupement: Groupement, contract: AwardedContract) -> bool:
    stmt = select(GroupementAward.id).where(
        GroupementAward.groupement_id == groupement.id, GroupementAward.contract_id == contract.id
    )
    return session.scalar(stmt) is not None


def _settle(groupement: Groupement, contract: AwardedContract, lot: TenderLot | None, won: bool) -> str:
    where = f"lot {lot.lot_id}" if lot is not None else "le marché"
    source = f"{contract.source} {contract.source_id}"
    if won:
        amount = f", {number_fr(contract.amount_eur)} € HT" if contract.amount_eur is not None else ""
        when = f", le {contract.award_date.isoformat()}" if contract.award_date else ""
        detail = f"Attribution : {where} gagné{amount}{when} (source : {source})."
        groupement.status = S.WON
    else:
        winners = ", ".join(h.name or h.identifier or "?" for h in contract.holders) or "un autre candidat"
        detail = f"Attribution : {where} perdu, attribué à {winners} (source : {source})."
        if groupement.status is not S.WON:  # won on another lot of the same tender: it stays won
            groupement.status = S.LOST
    record(groupement, None, "attribution", detail)
    return f"Groupement n° {groupement.id} : {detail}"
