"""The « retombées » facts: what each contract counts for, rebuilt from the contracts, their holders, the register and
our groupements' split tables; ``refresh`` recomputes those that changed (or all). Definitions: docs/IMPACT.md —
a **local** holder is an establishment of the register (the 92 communes); an **SME**, by the register's size, else the
source's flag; a contract two sources publish (buyer SIREN, date, amount to the euro) counts once: our groupement's
copy, else the preferred source (DECP, eForms, TED, BOAMP)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.awards.models import AwardedContract, ContractHolder, ContractSubcontract, GroupementAward
from app.awards.outcomes import lot_of
from app.companies import register_version
from app.companies.models import Company
from app.companies.sizes import SizeCategory
from app.consortium.models import Assignment, Groupement, GroupementMember
from app.consortium.vocabulary import MemberRole
from app.impact import rollups
from app.impact.models import ImpactContract, ImpactShare, ImpactState
from app.impact.shares import split
from app.reference.territories import TERRITORY_OF
from app.tenders.models import Tender

CHUNK = 2000
PREFERRED = {"decp": 0, "eforms": 1, "ted": 2, "boamp": 3}
ZERO = Decimal(0)


def refresh(session: Session, *, full: bool = False) -> int:
    """Recompute the facts of the contracts that changed (every contract when ``full``, or when the register
    changed: locality and size come from it); how many were recomputed. The caller commits."""
    # The state's row (written by the migration), locked: two refreshes at once (two imports) take turns, so that
    # the rollups, deleted and inserted whole, are never written by both (SQLite serialises writers by itself).
    state = session.get(ImpactState, 1, with_for_update=True) or ImpactState(id=1, last_award_id=0, register_version=0)
    version = register_version.current(session)
    full = full or version != state.register_version
    last_award = session.scalar(select(func.max(GroupementAward.id))) or 0
    # Read before the contracts are: what another import commits meanwhile is after it, for the next refresh.
    through = session.scalar(select(func.max(AwardedContract.updated_at)))
    everything = select(AwardedContract.id).order_by(AwardedContract.id)
    ids = list(session.scalars(everything)) if full else _stale(session, state, last_award, through)
    done = 0
    for chunk in _chunks(ids):
        _rebuild(session, chunk)
        done += len(chunk)
    if done or full:
        rollups.rebuild(session)
    state.contracts_through = through
    state.last_award_id, state.register_version = last_award, version
    session.add(state)
    session.flush()
    return done


def is_stale(session: Session) -> bool:
    """Whether contracts, outcomes or the register changed since the last refresh (three indexed look-ups)."""
    state = session.get(ImpactState, 1)
    latest = session.scalar(select(func.max(AwardedContract.updated_at)))
    if state is None:
        return latest is not None
    last_award = session.scalar(select(func.max(GroupementAward.id))) or 0
    moved = latest is not None and (state.contracts_through is None or latest > state.contracts_through)
    return moved or last_award > state.last_award_id or register_version.current(session) != state.register_version


def _stale(session: Session, state: ImpactState, last_award: int, through) -> list[int]:
    """Contracts changed since the last refresh (a new one too: its ``updated_at`` is its creation), and those with
    an outcome recorded since. The state is written in the refresh's transaction: a refresh that failed left it."""
    changed = select(AwardedContract.id)
    if state.contracts_through is not None:
        changed = changed.where(AwardedContract.updated_at > state.contracts_through)
    if through is not None:
        changed = changed.where(AwardedContract.updated_at <= through)
    found = set(session.scalars(changed))
    if last_award > state.last_award_id:
        awarded = select(GroupementAward.contract_id).where(GroupementAward.id > state.last_award_id)
        found |= set(session.scalars(awarded))
    return sorted(found)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


_CONTRACT_COLUMNS = tuple(
    getattr(AwardedContract, name)
    for name in ("id", "source", "lot_id", "award_date", "cpv", "buyer_id", "buyer_name", "amount_eur")
)


def _rebuild(session: Session, ids: list[int]) -> None:
    contracts = session.execute(select(*_CONTRACT_COLUMNS).where(AwardedContract.id.in_(ids))).all()
    holders = _holders(session, ids)
    subcontracts = _subcontracts(session, ids)
    declared = _split_tables(session, contracts)
    old_keys = set(session.scalars(select(ImpactContract.dedup_key).where(ImpactContract.contract_id.in_(ids))))
    session.execute(delete(ImpactShare).where(ImpactShare.contract_id.in_(ids)))
    session.execute(delete(ImpactContract).where(ImpactContract.contract_id.in_(ids)))
    contract_rows, share_rows = [], []
    for contract in contracts:
        row, shares = _facts(contract, holders.get(contract.id, []), subcontracts.get(contract.id, []), declared)
        contract_rows.append(row)
        share_rows.extend(shares)
    if contract_rows:
        session.connection().execute(insert(ImpactContract.__table__), contract_rows)  # Core executemany
    if share_rows:
        session.connection().execute(insert(ImpactShare.__table__), share_rows)
    _deduplicate(session, {row["dedup_key"] for row in contract_rows} | old_keys)


def _holders(session: Session, ids: list[int]) -> dict[int, list]:
    stmt = (
        select(
            ContractHolder.contract_id,
            ContractHolder.id,
            ContractHolder.company_id,
            ContractHolder.name,
            ContractHolder.identifier,
            ContractHolder.role,
            ContractHolder.sme,
            Company.commune_insee,
            Company.size_category,
            Company.legal_name,
        )
        .outerjoin(Company, Company.id == ContractHolder.company_id)
        .where(ContractHolder.contract_id.in_(ids))
        .order_by(ContractHolder.contract_id, ContractHolder.position)
    )
    found: dict[int, list] = defaultdict(list)
    for row in session.execute(stmt):
        found[row.contract_id].append(row)
    return found


def _subcontracts(session: Session, ids: list[int]) -> dict[int, list]:
    stmt = select(ContractSubcontract.contract_id, ContractSubcontract.amount_eur, ContractSubcontract.company_id)
    found: dict[int, list] = defaultdict(list)
    for row in session.execute(stmt.where(ContractSubcontract.contract_id.in_(ids))):
        found[row.contract_id].append(row)
    return found


@dataclass(frozen=True)
class Split:
    """What the split table of our groupement gives, on the lot it won: the members' work, and the work of the
    sub-contractors it declared (its DC4), counted apart as sub-contracting."""

    members: dict[int, Decimal]
    subcontractors: dict[int, Decimal]


def _split_tables(session: Session, contracts: Iterable) -> dict[int, Split]:
    """For each contract one of our groupements won: its split table on that lot."""
    by_id = {c.id: c for c in contracts}
    wins = session.execute(
        select(GroupementAward.contract_id, Groupement.id, Groupement.proposal_id, Groupement.tender_id)
        .join(Groupement, Groupement.id == GroupementAward.groupement_id)
        .where(GroupementAward.contract_id.in_(by_id), GroupementAward.won.is_(True))
    ).all()
    declared: dict[int, Split] = {}
    for contract_id, groupement_id, proposal_id, tender_id in wins:
        if proposal_id is None:
            continue
        lot = lot_of(session.get(Tender, tender_id), by_id[contract_id].lot_id)
        stmt = select(Assignment.company_id, func.sum(Assignment.amount_eur)).where(
            Assignment.proposal_id == proposal_id
        )
        if lot is not None:
            stmt = stmt.where(Assignment.lot_id == lot.id)
        work = {c: Decimal(amount or 0) for c, amount in session.execute(stmt.group_by(Assignment.company_id))}
        subcontractors = set(
            session.scalars(
                select(GroupementMember.company_id).where(
                    GroupementMember.groupement_id == groupement_id,
                    GroupementMember.role == MemberRole.SUBCONTRACTOR,
                    GroupementMember.current.is_(True),
                )
            )
        )
        declared[contract_id] = Split(
            {c: a for c, a in work.items() if c not in subcontractors},
            {c: a for c, a in work.items() if c in subcontractors},
        )
    return declared


def _facts(contract, holders: list, subcontracts: list, declared: dict) -> tuple[dict, list[dict]]:
    amount = contract.amount_eur if contract.amount_eur is not None else ZERO
    table = declared.get(contract.id, Split({}, {}))
    shares, method = split(amount, [h.company_id for h in holders], table.members)
    day = contract.award_date
    dims = {
        "counted": True,
        "award_date": day,
        "year": day.year if day else None,
        "quarter": (day.month - 1) // 3 + 1 if day else None,
        "cpv_division": contract.cpv[:2] if contract.cpv else None,
        "buyer_id": contract.buyer_id,
    }
    share_rows = []
    for holder, share in zip(holders, shares, strict=True):
        commune = holder.commune_insee if holder.company_id is not None else None
        local = commune in TERRITORY_OF
        share_rows.append(
            {
                "contract_id": contract.id,
                "holder_id": holder.id,
                "company_id": holder.company_id,
                "name": holder.legal_name or holder.name,
                "role": holder.role,
                "commune_insee": commune,
                "territory": TERRITORY_OF.get(commune) if commune else None,
                "local": local,
                "sme": _sme(holder),
                "share_eur": share,
                "ours": contract.id in declared,
                **dims,
            }
        )
    local_amount = sum((r["share_eur"] for r in share_rows if r["local"]), ZERO)
    sme_amount = sum((r["share_eur"] for r in share_rows if r["sme"]), ZERO)
    subcontracted = [s for s in subcontracts if s.amount_eur is not None]
    in_decp = {s.company_id for s in subcontracted}
    dc4 = sum((a for c, a in table.subcontractors.items() if c not in in_decp), ZERO)  # never twice
    row = {
        "contract_id": contract.id,
        "duplicate_of_id": None,
        "dedup_key": _dedup_key(contract),
        "source": contract.source,
        "buyer_name": contract.buyer_name,
        "amount_eur": amount,
        "local_amount_eur": local_amount,
        "sme_amount_eur": sme_amount,
        "has_local": any(r["local"] for r in share_rows),
        "has_sme": any(r["sme"] for r in share_rows),
        "identified": any(h.company_id is not None or h.identifier for h in holders),
        "split": method,
        "ours": contract.id in declared,
        # Declared in the DECP, or in our groupement's DC4 (its sub-contractors are register companies: local).
        "subcontract_amount_eur": sum((s.amount_eur for s in subcontracted), ZERO) + dc4,
        "local_subcontract_amount_eur": sum((s.amount_eur for s in subcontracted if s.company_id), ZERO) + dc4,
        **dims,
    }
    return row, share_rows


def _sme(holder) -> bool | None:
    if holder.company_id is not None and holder.size_category:
        return SizeCategory(holder.size_category).is_sme
    return holder.sme


def _dedup_key(contract) -> str | None:
    siren = "".join(ch for ch in contract.buyer_id or "" if ch.isdigit())[:9]
    if len(siren) != 9 or contract.award_date is None or contract.amount_eur is None:
        return None
    return f"{siren}|{contract.award_date.isoformat()}|{contract.amount_eur.quantize(Decimal(1), ROUND_HALF_UP)}"


def _deduplicate(session: Session, keys: set[str]) -> None:
    """Among the contracts of one key, those that count are the ones of our groupements' awards if any, else those of
    the preferred source present; the others point to the first of them. Only the rows whose standing changes are
    written (most keys name one contract)."""
    keys.discard(None)
    groups: dict[str, list] = defaultdict(list)
    for key_chunk in _chunks(sorted(keys)):
        stmt = select(
            ImpactContract.dedup_key, ImpactContract.contract_id, ImpactContract.source, ImpactContract.counted,
            ImpactContract.duplicate_of_id, ImpactContract.ours,
        ).where(ImpactContract.dedup_key.in_(key_chunk))  # fmt: skip
        for row in session.execute(stmt.order_by(ImpactContract.contract_id)):
            groups[row.dedup_key].append(row)
    changes = []
    for members in groups.values():
        # The copy our groupement's award settled first (it carries the split table), then the preferred source.
        rank = {m.contract_id: (not m.ours, PREFERRED.get(m.source, len(PREFERRED))) for m in members}
        best = min(rank.values())
        kept = next(m.contract_id for m in members if rank[m.contract_id] == best)
        for member in members:
            counted = rank[member.contract_id] == best
            duplicate_of = None if counted else kept
            if (member.counted, member.duplicate_of_id) != (counted, duplicate_of):
                changes.append((member.contract_id, counted, duplicate_of))
    for contract_id, counted, duplicate_of in changes:
        session.execute(
            update(ImpactContract)
            .where(ImpactContract.contract_id == contract_id)
            .values(counted=counted, duplicate_of_id=duplicate_of)
        )
        session.execute(update(ImpactShare).where(ImpactShare.contract_id == contract_id).values(counted=counted))
