"""Saving a new version of a groupement's split. The version is refused, with its French reason and the field it
concerns, when it was edited from another version than the one in force (someone saved meanwhile: never merged),
when it names a lot or a work package the split does not have, or breaks a rule of ``plan.problems``. Saved, it is
written to the audit trail and the members who had accepted are asked to confirm again. The view commits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.companies.models import Company
from app.consortium.models import Groupement
from app.consortium.split.current import agreed_split, next_number
from app.consortium.split.models import SplitLine, SplitLotPrice, SplitVersion
from app.consortium.split.plan import Split, line_field, price_field, problems
from app.consortium.workflow import agreement
from app.consortium.workflow.audit import record
from app.db import utcnow
from app.errors import DomainError

STALE = "La répartition a été modifiée entre-temps (version {number} en vigueur) : rechargez la page et recommencez."


def member_names(groupement: Groupement) -> dict[int, str]:
    """Company id → name of the members a split shares the work between: the adopted proposal's."""
    proposal = groupement.proposal
    return {m.company_id: m.company.display_name for m in proposal.members} if proposal else {}


def editable(groupement: Groupement) -> None:
    """Refuse, in French, a split that may not be edited now (DomainError)."""
    if not groupement.status.is_open:
        raise DomainError(f"La répartition ne se modifie plus : le groupement est « {groupement.status.label} ».")
    if groupement.proposal is None:
        raise DomainError("Aucune proposition retenue : lancez d'abord le calcul.")


def save_version(
    session: Session, groupement: Groupement, user: User | None, split: Split, based_on: str
) -> SplitVersion | None:
    """``split`` as the groupement's new version; None when it is the version in force already. ``groupement``
    is locked by the caller (``workflow.transitions.locked``)."""
    editable(groupement)
    base = agreed_split(session, groupement)
    assert base is not None  # editable() checked the proposal
    if based_on != base.token:
        raise DomainError(STALE.format(number=base.number))
    _same_shape(base, split)
    if found := problems(split, member_names(groupement)):
        raise DomainError(found[0].message, field=found[0].field)
    for index, line in enumerate(split.lines):
        if line.subcontractor_id is not None and session.get(Company, line.subcontractor_id) is None:
            where = line_field("st_siret", line.lot_id, _index_in_lot(split, index))
            raise DomainError("Ce sous-traitant n'est pas dans l'annuaire.", field=where)
    if split.prices == base.prices and split.lines == base.lines:
        return None
    version = _version(session, groupement, user, split)
    undefined = [lot_id for lot_id, price in split.prices if price is None]
    detail = f"Répartition version {version.number} enregistrée"
    detail += f" ({len(undefined)} lot(s) au prix à définir)." if undefined else "."
    record(groupement, user, "répartition", detail)
    asked = agreement.ask_again(session, groupement, user)
    if asked:
        names = ", ".join(m.company.legal_name for m in asked)
        record(groupement, user, "répartition à confirmer", f"À confirmer par : {names}.")
    groupement.updated_at = utcnow()  # bumps the groupement's version: a concurrent writer is refused
    session.flush()
    return version


def _version(session: Session, groupement: Groupement, user: User | None, split: Split) -> SplitVersion:
    version = SplitVersion(
        groupement_id=groupement.id,
        number=next_number(session, groupement.id),
        proposal_id=split.proposal_id,
        created_by_id=user.id if user else None,
        prices=[SplitLotPrice(lot_id=lot_id, price_cents=price) for lot_id, price in split.prices],
        lines=[
            SplitLine(
                lot_id=line.lot_id,
                requirement=line.requirement,
                company_id=line.company_id,
                amount_cents=line.amount_cents,
                subcontractor_id=line.subcontractor_id,
                subcontracted_cents=line.subcontracted_cents if line.subcontractor_id is not None else None,
            )
            for line in split.lines
        ],
    )
    session.add(version)
    session.flush()  # the version in force from now on, for the acceptances below
    return version


def _same_shape(base: Split, split: Split) -> None:
    """The same lots and work packages as the version in force: a lot of another tender, or one the groupement
    does not bid for, is refused on its field."""
    known = set(base.lot_ids)
    for lot_id in split.lot_ids:
        if lot_id not in known:
            raise DomainError(
                "Ce lot ne fait pas partie de la répartition de ce groupement.", field=price_field(lot_id)
            )
    if split.proposal_id != base.proposal_id or set(split.lot_ids) != known:
        raise DomainError(STALE.format(number=base.number))
    for lot_id in base.lot_ids:
        if [line.requirement for line in split.lines_of(lot_id)] != [
            line.requirement for line in base.lines_of(lot_id)
        ]:
            raise DomainError(STALE.format(number=base.number))


def _index_in_lot(split: Split, index: int) -> int:
    line = split.lines[index]
    return split.lines_of(line.lot_id).index(line)
