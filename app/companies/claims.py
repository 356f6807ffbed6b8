"""Who speaks for a company. An organisation claims a SIRET of the register; the claim gives no power until it is
verified — by a link sent to the contact address the register holds for that company, or by the CCI operator,
who also decides every contested claim (the company already speaks through another organisation) and may
withdraw a verified one. ``Company.organisation_id`` is set only by a verified claim. Each operation flushes;
the view commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.accounts.models import COMPANY_KINDS, Organisation, User
from app.companies.identifiers import siret_error
from app.companies.models import ClaimEvent, ClaimStatus, Company, CompanyClaim
from app.db import utcnow
from app.errors import DomainError

EVIDENCE_MAX = 2000
REASON_MAX = 1000
RESEND_AFTER = timedelta(minutes=10)  # one verification e-mail per claim per ten minutes


def register_company(session: Session, siret: str) -> Company | None:
    """The register's company with this SIRET (spaces allowed), or None; refuses a malformed SIRET."""
    if (reason := siret_error(siret)) is not None:
        raise DomainError(reason, field="siret")
    return session.scalar(select(Company).where(Company.siret == siret.replace(" ", "")))


def request_claim(
    session: Session, organisation: Organisation, user: User, company: Company, evidence: str, *, max_pending: int
) -> CompanyClaim:
    """A pending claim of ``company`` by ``organisation`` (the one already pending when there is one)."""
    if organisation.kind not in COMPANY_KINDS:
        raise DomainError("Seules les PME et les grands groupes représentent une entreprise.")
    if company.organisation_id == organisation.id:
        raise DomainError("Cette entreprise est déjà rattachée à votre organisation.", field="siret")
    pending = _pending_of(session, organisation.id)
    if existing := next((c for c in pending if c.company_id == company.id), None):
        return existing
    if len(pending) >= max_pending:
        raise DomainError(
            f"Votre organisation a déjà {len(pending)} demandes de rattachement en attente : attendez leur "
            "vérification avant d'en déposer d'autres.",
            field="siret",
        )
    claim = CompanyClaim(
        company=company,
        organisation=organisation,
        requested_by_id=user.id,
        status=ClaimStatus.PENDING,
        evidence=_bounded(evidence, EVIDENCE_MAX, "evidence"),
    )
    session.add(claim)
    _event(claim, user, "demandé", "contestation d'un rattachement existant" if claim.contested else "")
    session.flush()
    return claim


def declare_new(session: Session, company: Company, user: User) -> CompanyClaim:
    """The trail of a company absent from the register, created by its organisation: verified by declaration,
    listed for the operator, who may withdraw it."""
    claim = CompanyClaim(
        company=company,
        organisation_id=company.organisation_id,
        requested_by_id=user.id,
        status=ClaimStatus.VERIFIED,
        method="declared",
        decided_at=utcnow(),
        evidence="Entreprise absente du répertoire, déclarée par l'organisation.",
    )
    session.add(claim)
    _event(claim, user, "déclaré", "")
    session.flush()
    return claim


def send_code(session: Session, claim: CompanyClaim, user: User, *, valid_hours: int) -> str:
    """A new verification link for the register's contact address; returns its secret token (stored hashed)."""
    _check_pending(claim)
    if claim.contested:
        raise DomainError("Cette entreprise est déjà représentée : seule la CCI peut décider de votre demande.")
    address = claim.company.register_email
    if not address:
        raise DomainError(
            "Le répertoire ne connaît pas d'adresse de contact pour cette entreprise : la CCI vérifiera votre demande."
        )
    now = utcnow()
    if claim.code_sent_at is not None and now - claim.code_sent_at < RESEND_AFTER:
        raise DomainError(
            "Un lien vient d'être envoyé à cette adresse : attendez quelques minutes avant d'en redemander un."
        )
    token = secrets.token_urlsafe(32)
    claim.code_hash, claim.code_sent_to, claim.code_sent_at = _hash(token), address, now
    claim.code_expires_at = now + timedelta(hours=valid_hours)
    _event(claim, user, "lien envoyé", masked(address))
    session.flush()
    return token


def claim_for_token(session: Session, token: str) -> CompanyClaim | None:
    """The pending claim whose unexpired verification link carries ``token``, or None."""
    claim = session.scalar(select(CompanyClaim).where(CompanyClaim.code_hash == _hash(token)).with_for_update())
    if claim is None or claim.status is not ClaimStatus.PENDING:
        return None
    if claim.code_expires_at is None or claim.code_expires_at <= utcnow():
        return None
    return claim


def verify_by_link(session: Session, claim: CompanyClaim, user: User) -> CompanyClaim:
    """The link was opened by a member of the claiming organisation: the claim is verified."""
    if user.membership_in(claim.organisation_id) is None:
        raise DomainError("Connectez-vous avec un compte de l'organisation qui a demandé le rattachement.")
    _lock(session, claim.company)
    if claim.contested:
        raise DomainError("Cette entreprise a été rattachée entre-temps à une autre organisation : la CCI décidera.")
    _grant(session, claim, user, "email", f"lien ouvert, envoyé à {masked(claim.code_sent_to or '')}")
    return claim


def approve(session: Session, claim: CompanyClaim, operator: User, reason: str) -> None:
    """The operator verifies the claim; a contested company changes organisation."""
    _check_pending(claim)
    _lock(session, claim.company)
    _grant(session, claim, operator, "operator", _bounded(reason, REASON_MAX, "reason"))


def reject(session: Session, claim: CompanyClaim, operator: User, reason: str) -> None:
    _check_pending(claim)
    reason = _required_reason(reason)
    claim.status, claim.reason, claim.method = ClaimStatus.REJECTED, reason, "operator"
    claim.decided_at, claim.decided_by_id, claim.code_hash = utcnow(), operator.id, None
    _event(claim, operator, "refusé", reason)
    session.flush()


def cancel(session: Session, claim: CompanyClaim, user: User) -> None:
    _check_pending(claim)
    claim.status, claim.decided_at, claim.code_hash = ClaimStatus.CANCELLED, utcnow(), None
    _event(claim, user, "annulé", "")
    session.flush()


def withdraw(session: Session, company: Company, operator: User, reason: str) -> None:
    """The operator detaches a company from its organisation; the verified claim (or, for a link older than
    claims, a new record of it) is marked withdrawn with the reason."""
    _lock(session, company)
    if company.organisation_id is None:
        raise DomainError("Cette entreprise n'est rattachée à aucune organisation.")
    reason = _required_reason(reason)
    claims = _verified_of(session, company)
    if not claims:
        claim = CompanyClaim(
            company=company, organisation_id=company.organisation_id, status=ClaimStatus.VERIFIED, evidence=""
        )
        session.add(claim)
        claims = [claim]
    for claim in claims:
        claim.status, claim.reason, claim.decided_by_id = ClaimStatus.WITHDRAWN, reason, operator.id
        claim.decided_at = utcnow()
        _event(claim, operator, "retiré", reason)
    company.organisation_id = None
    session.flush()


def _grant(session: Session, claim: CompanyClaim, user: User, method: str, detail: str) -> None:
    company = claim.company
    for previous in _verified_of(session, company):
        previous.status, previous.reason = ClaimStatus.WITHDRAWN, "contestation acceptée par la CCI"
        _event(previous, user, "retiré", f"au profit de {claim.organisation.name}")
    claim.status, claim.method, claim.reason = ClaimStatus.VERIFIED, method, detail
    claim.decided_at, claim.decided_by_id, claim.code_hash = utcnow(), user.id, None
    company.organisation_id = claim.organisation_id
    _event(claim, user, "vérifié", detail)
    session.flush()


def pending_claims(session: Session) -> list[CompanyClaim]:
    """The operator's queue, oldest first, with what it needs to decide."""
    stmt = (
        select(CompanyClaim)
        .where(CompanyClaim.status == ClaimStatus.PENDING)
        .options(joinedload(CompanyClaim.company), joinedload(CompanyClaim.organisation))
        .options(joinedload(CompanyClaim.requested_by), joinedload(CompanyClaim.events))
        .order_by(CompanyClaim.created_at, CompanyClaim.id)
    )
    return list(session.scalars(stmt).unique())


def attached_companies(session: Session, siret: str = "", limit: int = 50) -> list[Company]:
    """Companies that speak through an organisation, newest first; ``siret`` narrows to a SIRET prefix."""
    stmt = select(Company).where(Company.organisation_id.is_not(None)).options(joinedload(Company.organisation))
    if digits := "".join(ch for ch in siret if ch.isdigit())[:14]:
        stmt = stmt.where(Company.siret.startswith(digits))
    return list(session.scalars(stmt.order_by(Company.updated_at.desc(), Company.id.desc()).limit(limit)))


def claims_of(session: Session, organisation_ids: Sequence[int]) -> list[CompanyClaim]:
    """The organisations' pending claims (« my companies » lists them apart: they give no power)."""
    stmt = select(CompanyClaim).where(
        CompanyClaim.organisation_id.in_(organisation_ids), CompanyClaim.status == ClaimStatus.PENDING
    )
    return list(session.scalars(stmt.options(joinedload(CompanyClaim.company)).order_by(CompanyClaim.id)))


def pending_count(session: Session) -> int:
    stmt = select(func.count(CompanyClaim.id)).where(CompanyClaim.status == ClaimStatus.PENDING)
    return session.scalar(stmt) or 0


def masked(address: str) -> str:
    """« c•••@domaine.fr »: enough for the claimer to recognise the address, not to learn it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def _pending_of(session: Session, organisation_id: int) -> list[CompanyClaim]:
    stmt = select(CompanyClaim).where(
        CompanyClaim.organisation_id == organisation_id, CompanyClaim.status == ClaimStatus.PENDING
    )
    return list(session.scalars(stmt))


def _verified_of(session: Session, company: Company) -> list[CompanyClaim]:
    stmt = select(CompanyClaim).where(
        CompanyClaim.company_id == company.id, CompanyClaim.status == ClaimStatus.VERIFIED
    )
    return list(session.scalars(stmt))


def _lock(session: Session, company: Company) -> None:
    """Who speaks for the company is decided one at a time: its row is locked (and re-read) for the rest of the
    transaction, so that a link opened while the operator approves a contest cannot both win."""
    session.scalar(
        select(Company).where(Company.id == company.id).with_for_update().execution_options(populate_existing=True)
    )


def _check_pending(claim: CompanyClaim) -> None:
    if claim.status is not ClaimStatus.PENDING:
        raise DomainError(f"Cette demande n'est plus en attente (elle est {claim.status.label}).")


def _required_reason(reason: str) -> str:
    reason = _bounded(reason, REASON_MAX, "reason")
    if not reason:
        raise DomainError("Indiquez le motif : il est communiqué à l'organisation.", field="reason")
    return reason


def _bounded(text: str, limit: int, field: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(f"Au plus {limit} caractères ({len(text)} saisis).", field=field)
    return text


def _event(claim: CompanyClaim, user: User | None, action: str, detail: str) -> None:
    claim.events.append(ClaimEvent(user_id=user.id if user is not None else None, action=action, detail=detail))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
