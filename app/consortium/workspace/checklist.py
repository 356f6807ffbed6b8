"""The pieces each current member of a groupement must bring, and which are missing.

For every current member that has not declined: the DC2's fields, read from the company's profile (what
``documents.build`` puts in the DC2: SIRET, address, legal form, turnovers, a contact); then the pieces it uploads:
an extrait Kbis of less than three months, the attestation de vigilance URSSAF, the attestation de régularité
fiscale, the attestation d'assurance décennale **only when it performs works** (a row of the adopted proposal whose
requirement is a CPV code of division 45), and its references.

Before « déposé »: moving the groupement to ``SUBMITTED`` is refused with the French list of what is missing,
member by member, unless the person ticks the explicit « Déposer quand même » box on the groupement page; a
groupement filed without its pieces says so in its audit trail (``check_before_submission``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.companies.models import Company
from app.consortium.models import Groupement, GroupementMember
from app.consortium.vocabulary import Answer, MemberRole
from app.consortium.workflow.audit import record
from app.consortium.workspace.models import PieceKind, WorkspacePiece
from app.errors import DomainError

WORKS_DIVISION = "45"
DC2_LABEL = "DC2 complété (profil de l'entreprise)"
DC4_LABEL = "Identification du DC4 complétée (profil de l'entreprise)"  # a sub-contractor is presented by a DC4


@dataclass(frozen=True)
class Item:
    """One line of a member's checklist."""

    key: str  # "dc2" or a PieceKind value
    label: str
    provided: bool
    detail: str = ""  # what the DC2 lacks, or the current file's name
    piece: WorkspacePiece | None = None  # the current file (provided or unticked)
    kind: PieceKind | None = None  # None for the DC2: it is read, not uploaded


@dataclass(frozen=True)
class MemberChecklist:
    member: GroupementMember
    works: bool  # performs works: the décennale is asked of it
    items: tuple[Item, ...]

    @property
    def company(self) -> Company:
        return self.member.company

    @property
    def missing(self) -> list[str]:
        return [item.label for item in self.items if not item.provided]


def dc2_missing(company: Company) -> list[str]:
    """What the company's profile lacks for its DC2, in French; empty when complete."""
    checks = (
        ("SIRET", bool(company.siret)),
        ("adresse", bool(company.address.strip())),  # the commune gives the town
        ("forme juridique", bool(company.legal_form)),
        ("chiffre d'affaires", bool(company.turnovers)),
        (
            "contact (nom, et courriel ou téléphone)",
            bool(company.contact_name and (company.contact_email or company.contact_phone)),
        ),
    )
    return [label for label, present in checks if not present]


def works_companies(groupement: Groupement) -> set[int]:
    """The companies of the adopted proposal that perform works (a requirement of CPV division 45)."""
    proposal = groupement.proposal
    if proposal is None:
        return set()
    return {a.company_id for a in proposal.assignments if a.requirement.startswith(WORKS_DIVISION)}


def pieces_asked(works: bool) -> tuple[PieceKind, ...]:
    asked = (PieceKind.KBIS, PieceKind.URSSAF, PieceKind.TAX, PieceKind.DECENNIAL, PieceKind.REFERENCES)
    return tuple(kind for kind in asked if works or kind is not PieceKind.DECENNIAL)


def current_members(groupement: Groupement) -> list[GroupementMember]:
    """The members that must bring pieces: in the composition, not declined; the mandataire first."""
    members = [m for m in groupement.members if m.current and m.answer is not Answer.DECLINED]
    return sorted(members, key=lambda m: (m.role is not MemberRole.MANDATAIRE, m.id))


def latest_pieces(session: Session, groupement_id: int) -> dict[tuple[int, PieceKind], WorkspacePiece]:
    """Each (company, piece)'s current file: its latest row."""
    stmt = select(WorkspacePiece).where(WorkspacePiece.groupement_id == groupement_id).order_by(WorkspacePiece.id)
    return {(p.company_id, p.kind): p for p in session.scalars(stmt)}


def checklists(session: Session, groupement: Groupement) -> list[MemberChecklist]:
    latest = latest_pieces(session, groupement.id)
    works = works_companies(groupement)
    found = []
    for member in current_members(groupement):
        lacking = dc2_missing(member.company)
        label = DC2_LABEL if member.role.in_groupement else DC4_LABEL
        items = [Item("dc2", label, not lacking, ", ".join(lacking))]
        for kind in pieces_asked(member.company_id in works):
            piece = latest.get((member.company_id, kind))
            provided = piece is not None and piece.provided
            items.append(Item(kind.value, kind.label, provided, piece.file_name if provided else "", piece, kind))
        found.append(MemberChecklist(member, member.company_id in works, tuple(items)))
    return found


def missing_lines(session: Session, groupement: Groupement) -> list[str]:
    """« Plomberie de la Joliette : Extrait Kbis…, … » for each member with something missing."""
    return [
        f"{checklist.company.display_name} : {', '.join(checklist.missing)}"
        for checklist in checklists(session, groupement)
        if checklist.missing
    ]


def check_before_submission(session: Session, groupement: Groupement, user: User | None, confirmed: bool) -> None:
    """Refuse « déposé » while pieces are missing, unless ``confirmed`` (« Déposer quand même »): then the audit
    trail keeps what was missing."""
    lines = missing_lines(session, groupement)
    if not lines:
        return
    if not confirmed:
        raise DomainError(
            "Pièces manquantes : "
            + " ; ".join(lines)
            + ". Déposez-les dans l'espace des partenaires, ou cochez « Déposer quand même » pour déposer sans elles."
        )
    record(groupement, user, "déposé sans toutes les pièces", " ; ".join(lines)[:2000])
