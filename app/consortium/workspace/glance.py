"""The workspace at a glance, for the groupement page: a link with the count of messages new to the user and, for
the initiator and the mandataire, what each member still has to bring (a template global)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user

from app.consortium.models import Groupement
from app.consortium.vocabulary import MemberRole
from app.consortium.workspace.checklist import missing_lines
from app.consortium.workspace.conversation import unread_count
from app.db import get_session
from app.permissions import may


@dataclass(frozen=True)
class Glance:
    unread: int
    coordinator: bool  # the initiator's or the mandataire's people: they follow every member's pieces
    missing: list[str] = field(default_factory=list)  # « Entreprise : pièce, pièce » per member


def coordinates(groupement: Groupement, user) -> bool:
    """A user of the initiating organisation or of the current mandataire's."""
    organisations = {groupement.organisation_id} | {
        m.company.organisation_id for m in groupement.members if m.current and m.role is MemberRole.MANDATAIRE
    }
    return any(o is not None and user.membership_in(o) is not None for o in organisations)


def workspace_glance(groupement: Groupement) -> Glance | None:
    """None for whoever may not enter the workspace."""
    if not may(current_user, "view_workspace", groupement):
        return None
    session = get_session()
    coordinator = coordinates(groupement, current_user)
    missing = missing_lines(session, groupement) if coordinator else []
    return Glance(unread_count(session, groupement.id, current_user), coordinator, missing)
