"""Sessions, CSRF, login rate limiting and HTTP security headers."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Flask, Response, abort, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

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


def _posted_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def login_rate_key() -> str:
    """Failed logins counted per client address and account targeted…"""
    return f"{get_remote_address()}|{_posted_email()}"


def account_rate_key() -> str:
    """…per account, whatever the address (a slow guess from many machines)…"""
    return f"account|{_posted_email()}"


def address_range_key() -> str:
    """…and per address range (/24 in IPv4, /64 in IPv6): spraying many e-mails from one network is slowed."""
    address = get_remote_address()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"range|{address}"
    prefix = 24 if ip.version == 4 else 64
    return f"range|{ipaddress.ip_network(f'{ip}/{prefix}', strict=False)}"


def apply_proxy_fix(app: Flask) -> None:
    """Behind N trusted reverse proxies (``GROUPEMENT_PROXY_FIX=N``), read the client address and scheme from
    their X-Forwarded-* headers; without it every client would share the proxy's address."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


def _load_user(session_id: str):
    """The user of a session cookie ``<id>:<token>``, when the token is still the user's (logout, password change
    and reset replace it)."""
    from app.accounts.models import Membership, User

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or len(user_id) > 18 or not token:
        return None
    # Every page asks the user's organisations (menus, permissions): loaded with the user, in one statement.
    eager = joinedload(User.memberships).joinedload(Membership.organisation)
    user = get_session().get(User, int(user_id), options=[eager])
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


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
    apply_proxy_fix(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
