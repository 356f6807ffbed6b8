"""The one place that says who may do what. Every view asks ``authorize(action, obj)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import object_session

from app.accounts.models import COMPANY_KINDS, Organisation, OrganisationKind, Role
from app.security import login_manager
from app.visibility import sees_tender

Rule = Callable[[Any, Any], bool]


def _signed_in(user, _obj) -> bool:
    return bool(user.is_authenticated)


def _member_of(user, organisation: Organisation) -> bool:
    return _signed_in(user, None) and user.membership_in(organisation.id) is not None


def _admin_of(user, organisation: Organisation) -> bool:
    membership = user.membership_in(organisation.id) if _signed_in(user, None) else None
    return membership is not None and membership.role is Role.ADMIN


def _operator(user, _obj) -> bool:
    return _signed_in(user, None) and any(m.organisation.kind is OrganisationKind.OPERATOR for m in user.memberships)


def _anyone(_user, _obj) -> bool:
    return True


def _company_member(user, company) -> bool:
    return (
        company.organisation_id is not None
        and _signed_in(user, None)
        and (user.membership_in(company.organisation_id) is not None)
    )


def _company_organisation_member(user, organisation: Organisation) -> bool:
    return _member_of(user, organisation) and organisation.kind in COMPANY_KINDS


def _in_organisation(user, organisation_id: int | None) -> bool:
    return organisation_id is not None and _signed_in(user, None) and user.membership_in(organisation_id) is not None


def _of_kind(user, *kinds: OrganisationKind) -> bool:
    return _signed_in(user, None) and any(m.organisation.kind in kinds for m in user.memberships)


def _invited(user, groupement) -> bool:
    """A user of a company the groupement has invited (whatever its answer)."""
    return any(_in_organisation(user, member.company.organisation_id) for member in groupement.members)


def _partner(user, groupement) -> bool:
    """The initiating organisation's users, and those of a company still in the composition that has not declined:
    the people of the groupement's workspace (a company dropped or that declined no longer reads it)."""
    return _in_organisation(user, groupement.organisation_id) or any(
        member.current and member.answer != "refuse" and _in_organisation(user, member.company.organisation_id)
        for member in groupement.members
    )


def _brings_piece(user, member) -> bool:
    """A company's pieces: its own people bring them; the initiator and the mandataire may bring any member's."""
    groupement = member.groupement
    mandataires = [m.company for m in groupement.members if m.current and m.role == "mandataire"]
    return _partner(user, groupement) and (
        _in_organisation(user, groupement.organisation_id)
        or _in_organisation(user, member.company.organisation_id)
        or any(_in_organisation(user, company.organisation_id) for company in mandataires)
    )


def _sees_tender(user, tender) -> bool:
    """The visibility rule of ``app.visibility``, asked of this tender for the user's organisations."""
    return _signed_in(user, None) and sees_tender(object_session(tender), user.organisation_ids, tender)


RULES: dict[str, Rule] = {
    "view_home": _anyone,
    "view_dashboard": _signed_in,
    "browse_directory": _signed_in,  # tenders, companies and groupements lists
    "view_organisation": lambda u, org: _member_of(u, org) or _operator(u, org),
    "manage_members": _admin_of,
    "view_statistics": _operator,
    "view_company": _signed_in,  # the public part of a profile
    "edit_company": _company_member,
    "create_company": _company_organisation_member,
    # Claiming a register company: a pending request that gives no power until verified (app.companies.claims).
    "claim_company": _company_organisation_member,
    "view_claim": lambda u, claim: _in_organisation(u, claim.organisation_id) or _operator(u, None),
    "review_claims": _operator,  # the queue of pending and contested claims; withdrawing a verified one
    "import_awards": _operator,  # award notices and DECP files: who won, shown to everyone
    "view_impact": _operator,  # the « retombées » of the whole Métropole
    "view_buyer": _signed_in,  # a public buyer's contracts and shares: public data (DECP, award notices)
    # A large group's purchases are its own: its members upload and read them, nobody else (not the operator).
    "manage_purchases": lambda u, org: _member_of(u, org) and org.kind is OrganisationKind.LARGE_GROUP,
    # The MBA pledge is signed for an organisation by its administrators (the operator signs nothing).
    "sign_pledge": lambda u, org: _admin_of(u, org) and org.kind is not OrganisationKind.OPERATOR,
    "manage_account": _signed_in,  # one's own password
    "import_tender": lambda u, _obj: _signed_in(u, None) and bool(u.memberships),
    # Requirements of a lot are edited by the organisation that imported the notice, and by operators.
    "edit_tender": lambda u, tender: (
        _operator(u, None)
        or (
            tender.organisation_id is not None
            and _signed_in(u, None)
            and u.membership_in(tender.organisation_id) is not None
        )
    ),
    "view_tender": _sees_tender,
    # Companies (SMEs, large groups) form groupements; buyers and the operator never do.
    "start_groupement": lambda u, tender: _sees_tender(u, tender) and _of_kind(u, *COMPANY_KINDS),
    "create_consultation": lambda u, _obj: _of_kind(u, OrganisationKind.LARGE_GROUP, OrganisationKind.PUBLIC_BUYER),
    # A groupement is the initiating organisation's: it alone edits it; the invited companies see it. Nobody
    # else, not the buyer of the tender, not the operator, not a competitor.
    "view_groupement": lambda u, g: _in_organisation(u, g.organisation_id) or _invited(u, g),
    "edit_groupement": lambda u, g: _in_organisation(u, g.organisation_id),
    "answer_invitation": lambda u, member: _in_organisation(u, member.company.organisation_id),
    # The partners' workspace (conversation, pieces, their files): ``_partner``; a piece for a member company is
    # brought by that company, the initiator or the mandataire (the target is the ``GroupementMember``).
    "view_workspace": _partner,
    "provide_piece": _brings_piece,
    # The bid pack names every member's amounts: the initiator's; the invited companies' once the groupement is formed.
    "view_documents": lambda u, g: _in_organisation(u, g.organisation_id) or (g.status.is_formed and _invited(u, g)),
    "view_capacity": lambda u, tender: (
        _sees_tender(u, tender) and _of_kind(u, OrganisationKind.PUBLIC_BUYER, OrganisationKind.OPERATOR)
    ),
}


def may(user, action: str, obj: Any = None) -> bool:
    """Whether ``user`` (possibly anonymous) may perform ``action`` on ``obj``."""
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    return rule(user, obj)


def authorize(action: str, obj: Any = None) -> None:
    """Stop the request unless the current user may act: login page for visitors, 403 for others."""
    if may(current_user, action, obj):
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)
