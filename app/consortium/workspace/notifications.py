"""The e-mail telling the other partners a message was posted: to the users of every other partner company's
organisation and of the initiating organisation, never to the author. Built after the commit by the view;
``app.accounts.mail.deliver`` sends them and never raises. Its link is built from BASE_URL."""

from __future__ import annotations

from app.accounts.mail import Message, compose, site_url
from app.accounts.models import Organisation, User
from app.consortium.models import Groupement
from app.consortium.workspace.conversation import partner_companies
from app.consortium.workspace.models import WorkspaceMessage

EXCERPT_CHARS = 500


def _people(organisation: Organisation | None) -> set[str]:
    if organisation is None:
        return set()
    return {m.user.email for m in organisation.memberships if m.user.active}


def recipients(groupement: Groupement, author: User) -> list[str]:
    """The addresses of the people of the workspace but the author (the author's colleagues of the same company
    are told too: they did not write it)."""
    organisations = [groupement.organisation, *(c.organisation for c in partner_companies(groupement))]
    addresses = set().union(*(_people(o) for o in organisations))
    return sorted(addresses - {author.email})


def message_posted(groupement: Groupement, message: WorkspaceMessage, author: User) -> list[Message]:
    title = groupement.tender.title
    subject = f"Nouveau message dans le groupement : {title}"[:200]
    writer = (
        message.company.display_name
        if message.company
        else (groupement.organisation.name if groupement.organisation else "")
    )
    body = message.body if len(message.body) <= EXCERPT_CHARS else message.body[:EXCERPT_CHARS].rstrip() + " […]"
    link = site_url("workspace.show", groupement_id=groupement.id) + f"#message-{message.id}"
    context = {"groupement": groupement, "author": author, "writer": writer, "excerpt": body, "link": link}
    return [compose(address, "workspace_message", subject, **context) for address in recipients(groupement, author)]
