"""The audit trail: who did what to a groupement, and when. Events are only ever added."""

from __future__ import annotations

from app.accounts.models import User
from app.consortium.models import AuditEvent, Groupement


def record(groupement: Groupement, user: User | None, action: str, detail: str = "") -> AuditEvent:
    """Add an event to the groupement's trail; it is written with the groupement at the next flush."""
    event = AuditEvent(user_id=user.id if user else None, action=action, detail=detail)
    groupement.events.append(event)
    return event
