"""Sessions, CSRF, login rate limiting and HTTP security headers."""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import joinedload

from app.db import get_session

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def login_rate_key() -> str:
    """Failed logins are counted per client address and per account targeted."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}|{email}"


def _load_user(user_id: str):
    from app.accounts.models import Membership, User

    if not user_id.isdigit():
        return None
    # Every page asks the user's organisations (menus, permissions): loaded with the user, in one statement.
    eager = joinedload(User.memberships).joinedload(Membership.organisation)
    return get_session().get(User, int(user_id), options=[eager])


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _refuse_nul_characters() -> None:
    """U+0000 belongs in no text a person types, and PostgreSQL refuses it in a string: the French 400 page rather
    than a 500 (and the same answer on SQLite). Uploaded files are not form values: they may contain any byte."""
    fields = (*request.args.items(multi=True), *request.form.items(multi=True))
    if any("\x00" in value for _, value in fields):
        abort(400)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
