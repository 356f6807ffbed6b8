"""« Mot de passe oublié »: a signed link, valid one hour, that serves once.

The token signs the user's id and a fingerprint of their password hash and session token: once the password is
reset (or changed, or the user logs out everywhere) the fingerprint no longer matches and the link is dead.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from app.accounts.models import User

SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}|{user.session_token}".encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_token(session: Session, token: str, *, lock: bool = False) -> User | None:
    """The user a reset link was made for, when it is genuine, less than an hour old and not used yet. ``lock``: the
    user's row stays locked, so that a second use of the link at the same moment waits, then finds it used."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_VALID_S"])
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not 0 < data["u"] < 2**31:
        return None
    user = session.get(User, data["u"], with_for_update=lock, populate_existing=lock)
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        return None
    return user
