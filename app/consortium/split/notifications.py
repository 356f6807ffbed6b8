"""The e-mail a new version of the split sends: each member asked to confirm it (the users of the organisation that
speaks for it) is told, with the link to the groupement page where it reads its part and accepts. Built after the
commit by the view; ``app.accounts.mail.deliver`` sends it and never raises."""

from __future__ import annotations

from app.accounts.mail import Message, compose, site_url
from app.consortium.models import Groupement, GroupementMember
from app.consortium.vocabulary import Answer


def asked_again(groupement: Groupement) -> list[GroupementMember]:
    """The current members « à confirmer »: they had answered, and a new version sent them back to waiting."""
    return [m for m in groupement.members if m.current and m.answer is Answer.PENDING and m.answered_at is not None]


def to_confirm_messages(groupement: Groupement, number: int) -> list[Message]:
    subject = f"Nouvelle répartition à confirmer : {groupement.tender.title}"[:200]
    link = site_url("consortium.detail", groupement_id=groupement.id)
    messages = []
    for member in asked_again(groupement):
        organisation = member.company.organisation
        people = sorted({m.user.email for m in organisation.memberships if m.user.active}) if organisation else []
        context = {"groupement": groupement, "member": member, "number": number, "link": link}
        messages += [compose(address, "split_to_confirm", subject, **context) for address in people]
    return messages
