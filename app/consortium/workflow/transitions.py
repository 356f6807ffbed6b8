"""A groupement's life after the solver: adopt a proposal, invite, accept or decline, confirm the mandataire,
then « déposé », « gagné », « perdu » or « abandonné ». Every change is written to the audit trail.

Integrity: each change first locks the groupement row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers) and the mapper's version counter refuses a write made from a stale read, so concurrent accepts,
declines and re-solves cannot interleave into an inconsistent groupement."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.consortium.models import Groupement, GroupementMember, Proposal
from app.consortium.vocabulary import OPEN_STATUSES, Answer, GroupementStatus, MemberRole
from app.consortium.workflow import agreement
from app.consortium.workflow.audit import record
from app.db import utcnow
from app.errors import DomainError

S = GroupementStatus
# Where a person may move a groupement by hand (invitations and confirmation have their own services).
MANUAL_MOVES = {
    S.DRAFT: (S.ABANDONED,),
    S.INVITED: (S.ABANDONED,),
    S.FORMED: (S.SUBMITTED, S.ABANDONED),
    S.SUBMITTED: (S.WON, S.LOST, S.ABANDONED),
    # An outcome recorded from an award notice or the DECP can be corrected by hand (its source stays recorded).
    S.WON: (S.LOST,),
    S.LOST: (S.WON,),
}


def locked(session: Session, groupement_id: int) -> Groupement:
    """The groupement, re-read and locked for the rest of the transaction."""
    groupement = session.scalar(
        select(Groupement)
        .where(Groupement.id == groupement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if groupement is None:
        raise DomainError("Ce groupement n'existe plus.")
    return groupement


def adopt(session: Session, groupement: Groupement, proposal: Proposal, user: User | None) -> None:
    """Make ``proposal`` (of one of the groupement's runs) the groupement's composition."""
    if proposal.run.groupement_id != groupement.id:
        raise DomainError("Cette proposition n'appartient pas à ce groupement.")
    _require(groupement, OPEN_STATUSES)
    groupement.proposal = proposal
    record(groupement, user, "proposition retenue", f"Proposition n° {proposal.rank + 1} retenue.")
    _touch(groupement)


def invite(session: Session, groupement: Groupement, user: User | None) -> list[GroupementMember]:
    """Invite the adopted proposal's companies not invited yet; the initiating company accepts at once.
    Members no longer in the proposal stop being current (their answer stays on record)."""
    _require(groupement, OPEN_STATUSES)
    _require_initiator_speaks(groupement)
    proposal = groupement.proposal
    if proposal is None:
        raise DomainError("Aucune proposition retenue : lancez d'abord le calcul.")
    wanted = {m.company_id: m.role for m in proposal.members}
    existing = {m.company_id: m for m in groupement.members}
    invited = []
    initiator = None
    for member in groupement.members:
        member.current = member.company_id in wanted
        if member.current:
            member.role = wanted[member.company_id]
    for company_id, role in wanted.items():
        if company_id in existing:
            continue
        member = GroupementMember(company_id=company_id, role=role)
        if company_id == groupement.company_id:
            member.answer, member.answered_at, member.answered_by_id = Answer.ACCEPTED, utcnow(), _id(user)
            initiator = member
        groupement.members.append(member)
        invited.append(member)
    groupement.status = S.INVITED
    record(groupement, user, "invitations", f"{len(invited)} entreprise(s) invitée(s).")
    _touch(groupement)
    if initiator is not None:
        agreement.accept_in_force(session, groupement, initiator, user)
    session.flush()
    return invited


def answer(
    session: Session, member: GroupementMember, user: User, accept: bool, split_number: int | None = None
) -> None:
    """An invited company accepts or declines; a decline leaves the groupement waiting for a re-solve. Accepting
    accepts the version of the split in force, ``split_number`` when the member says which one it read."""
    groupement = member.groupement
    if groupement.status is not S.INVITED or not member.current:
        raise DomainError("Cette invitation n'attend plus de réponse.")
    agreement.require_in_force(session, groupement, split_number)
    if accept:
        agreement.accept_in_force(session, groupement, member, user)
    member.answer = Answer.ACCEPTED if accept else Answer.DECLINED
    member.answered_at, member.answered_by_id = utcnow(), user.id
    verb = "accepte" if accept else "refuse"
    action = "invitation acceptée" if accept else "invitation refusée"
    number = agreement.in_force_number(session, groupement)
    read = f" (répartition version {number})" if number else ""
    record(groupement, user, action, f"{member.company.legal_name} {verb} l'invitation{read}.")
    _touch(groupement)


def confirm(session: Session, groupement: Groupement, user: User | None) -> None:
    """Every current member has accepted: the mandataire is confirmed and the groupement is formed."""
    _require(groupement, {S.INVITED})
    _require_initiator_speaks(groupement)
    current = [m for m in groupement.members if m.current]
    waiting = [m.company.legal_name for m in current if m.answer is not Answer.ACCEPTED]
    if waiting:
        raise DomainError("Tous les membres n'ont pas accepté : " + ", ".join(waiting) + ".")
    if stale := [m.company.legal_name for m in current if not _answer_stands(session, m)]:
        raise DomainError(
            "Ces entreprises ont répondu par une organisation qui ne les représente plus : "
            + ", ".join(stale)
            + ". Elles doivent répondre de nouveau."
        )
    if behind := [m.company.legal_name for m in agreement.not_accepting(session, groupement, current)]:
        number = agreement.in_force_number(session, groupement)
        raise DomainError(
            f"La répartition en vigueur (version {number}) n'a pas été acceptée par : " + ", ".join(behind) + "."
        )
    mandataire = next((m for m in current if m.role is MemberRole.MANDATAIRE), None)
    if mandataire is None:
        raise DomainError("Aucun mandataire parmi les membres : recalculez le groupement.")
    groupement.status = S.FORMED
    record(groupement, user, "constitué", f"Mandataire confirmé : {mandataire.company.legal_name}.")
    _touch(groupement)


def move(session: Session, groupement: Groupement, target: GroupementStatus, user: User | None) -> None:
    """« déposé », « gagné », « perdu », « abandonné »."""
    if target not in MANUAL_MOVES.get(groupement.status, ()):
        raise DomainError(f"Passage impossible de « {groupement.status.label} » à « {target.label} ».")
    groupement.status = target
    record(groupement, user, "statut", f"Statut : {target.label}.")
    _touch(groupement)


def _require_initiator_speaks(groupement: Groupement) -> None:
    """The initiating organisation still speaks for the company it formed the groupement around (an operator may
    have withdrawn the link, or approved another organisation's contest)."""
    company, organisation_id = groupement.company, groupement.organisation_id
    if company is not None and organisation_id is not None and company.organisation_id != organisation_id:
        raise DomainError(
            f"{company.legal_name} n'est plus rattachée à votre organisation : ce groupement ne peut plus avancer "
            "en son nom."
        )


def _answer_stands(session: Session, member: GroupementMember) -> bool:
    """An answer holds while the person who gave it still speaks for the company."""
    if member.answered_by_id is None:
        return True
    speaking = member.company.organisation_id
    user = session.get(User, member.answered_by_id)
    return speaking is not None and user is not None and user.membership_in(speaking) is not None


def declined(groupement: Groupement) -> list[GroupementMember]:
    return [m for m in groupement.members if m.current and m.answer is Answer.DECLINED]


def accepted_ids(groupement: Groupement) -> tuple[int, ...]:
    return tuple(m.company_id for m in groupement.members if m.current and m.answer is Answer.ACCEPTED)


def _require(groupement: Groupement, allowed: Collection[GroupementStatus]) -> None:
    if groupement.status not in allowed:
        raise DomainError(f"Impossible : le groupement est « {groupement.status.label} ».")


def _touch(groupement: Groupement) -> None:
    # Any change bumps the version, so that a concurrent writer holding the old one is refused.
    groupement.updated_at = utcnow()


def _id(user: User | None) -> int | None:
    return user.id if user else None
