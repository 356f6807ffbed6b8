"""The e-mails of a groupement's life: each invited company (its contact address, even without an account, and
the users of the organisation that speaks for it), each answer to the initiator, the groupement constituted.
Built after the commit by the views; ``app.accounts.mail.deliver`` sends them and never raises."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from app.accounts.mail import Message, compose, site_url
from app.companies.models import Company
from app.companies.optout import opt_out_token
from app.consortium.models import Groupement, GroupementMember
from app.consortium.vocabulary import Answer


def _people(company: Company) -> list[str]:
    """The users of the organisation that speaks for the company (verified claims only)."""
    organisation = company.organisation
    if organisation is None:
        return []
    return sorted({m.user.email for m in organisation.memberships if m.user.active})


def invitation_messages(groupement: Groupement, members: Iterable[GroupementMember]) -> list[Message]:
    messages = []
    subject = f"Invitation à un groupement : {groupement.tender.title}"[:200]
    page = site_url("consortium.detail", groupement_id=groupement.id)
    for member in members:
        company = member.company
        if company.id == groupement.company_id:
            continue  # the initiating company accepted at once
        people = _people(company)
        contact = company.contact_email if not company.invitation_mail_opt_out else None
        context = {
            "groupement": groupement,
            "member": member,
            "company": company,
            "opt_out": site_url("claims.opt_out", token=opt_out_token(company)),
        }
        for address in people:
            messages.append(compose(address, "groupement_invitation", subject, link=page, account=True, **context))
        if contact and contact.lower() not in people:
            # Whoever reads the contact address signs up, claims the company (a link comes to this same
            # address) and then answers.
            claim = url_for("claims.new", siret=company.siret)
            link = site_url("accounts.register", next=claim)
            messages.append(compose(contact, "groupement_invitation", subject, link=link, account=False, **context))
    return messages


def answer_message(groupement: Groupement, member: GroupementMember) -> list[Message]:
    initiator = groupement.created_by
    if initiator is None:
        return []
    verb = "accepte" if member.answer is Answer.ACCEPTED else "refuse"
    subject = f"{member.company.legal_name} {verb} votre invitation"[:200]
    link = site_url("consortium.detail", groupement_id=groupement.id)
    return [compose(initiator.email, "groupement_answer", subject, groupement=groupement, member=member, link=link)]


def constituted_messages(groupement: Groupement) -> list[Message]:
    subject = f"Groupement constitué : {groupement.tender.title}"[:200]
    link = site_url("consortium.detail", groupement_id=groupement.id)
    addresses = sorted({a for m in groupement.members if m.current for a in _people(m.company)})
    return [compose(a, "groupement_constituted", subject, groupement=groupement, link=link) for a in addresses]
