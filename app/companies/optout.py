"""The link in every groupement invitation e-mail that stops them for a company (no account needed): the
company's id signed with the application's key."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from app.companies.models import Company

SALT = "invitation-mail-opt-out"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def opt_out_token(company: Company) -> str:
    return _serializer().dumps(company.id)


def company_for_token(session: Session, token: str) -> Company | None:
    try:
        company_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(company_id, int) or not 0 < company_id < 2**31:
        return None
    return session.get(Company, company_id)


def stop(session: Session, company: Company) -> Company:
    company.invitation_mail_opt_out = True
    session.flush()
    return company
