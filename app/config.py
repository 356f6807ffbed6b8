"""Configuration defaults; every key can be overridden by a ``GROUPEMENT_*`` environment variable."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

DEV_SECRET_KEY = "dev-only-secret-key-never-in-production"  # noqa: S105  (the refused placeholder)


class DefaultConfig:
    SECRET_KEY = DEV_SECRET_KEY
    DATABASE_URL = "sqlite:///instance/groupement.db"
    # Session cookie: not readable by scripts, not sent cross-site, HTTPS only unless told otherwise.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Form messages come from WTForms' own French catalogue, not from Flask-Babel.
    WTF_I18N_ENABLED = False
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Login flood protection (Flask-Limiter). Use redis://… when several processes serve the app.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address and account
    LOGIN_ACCOUNT_RATE_LIMIT = "30 per hour"  # per account, from any address
    LOGIN_RANGE_RATE_LIMIT = "60 per minute"  # per address range (/24, /64), whatever the account
    REGISTER_RATE_LIMIT = "10 per hour"  # new accounts per client address
    CLAIM_RATE_LIMIT = "10 per hour"  # company claims per client address
    RESET_RATE_LIMIT = "5 per hour"  # « mot de passe oublié » requests per client address
    # Number of trusted reverse proxies in front of the app (0: none); their X-Forwarded-For/-Proto are then read.
    PROXY_FIX = 0
    # argon2id cost (RFC 9106 second recommended option: 64 MiB, 3 passes).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    INVITATION_VALID_DAYS = 7
    PASSWORD_RESET_VALID_S = 3600
    CLAIM_CODE_VALID_HOURS = 48
    CLAIMS_PENDING_PER_ORGANISATION = 3
    # Solves: "thread" runs them off the request in a pool of SOLVER_THREADS; "inline" runs them at once.
    SOLVER_RUNNER = "thread"
    SOLVER_THREADS = 1
    SOLVER_WORKERS = 0  # CP-SAT workers per solve; 0: the machine's cores, at most 8
    SOLVER_TIME_LIMIT_S = 10.0
    # Past this many contracts, the « retombées » after a page's upload are recomputed in the background.
    IMPACT_INLINE_LIMIT = 50_000
    # Where people reach the site: every link in a message is built from it, never from the request's Host.
    BASE_URL = "http://127.0.0.1:5000"
    # Outgoing mail: smtp://[user:password@]host[:port][?starttls=true] (smtps:// for TLS from the start).
    # Without it, messages go to the log (their text only in debug: links carry secrets).
    MAIL_URL = ""
    MAIL_FROM = "Groupement <ne-pas-repondre@groupement.local>"
    MAIL_TIMEOUT_S = 5.0  # per connection: one for all the messages of an action
    # The pieces the members of a groupement upload: at most this size each; kept in this folder (outside the web
    # root; empty: ``pieces/`` in the instance folder), named by their SHA-256.
    WORKSPACE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    WORKSPACE_UPLOAD_DIR = ""


class InsecureConfigError(RuntimeError):
    """The application was asked to run in production with development settings."""


def configure(app: Flask, overrides: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env("GROUPEMENT")
    app.config.update(overrides or {})
    _read_instance_secret(app)
    _refuse_development_secret(app)


def _read_instance_secret(app: Flask) -> None:
    """Without GROUPEMENT_SECRET_KEY, use the key ``make run`` generated once in ``instance/secret_key``."""
    key_file = Path(app.instance_path) / "secret_key"
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY and not app.testing and key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()


def _refuse_development_secret(app: Flask) -> None:
    if app.debug or app.testing:
        return
    if app.config["SECRET_KEY"] == DEV_SECRET_KEY or not app.config["SECRET_KEY"]:
        raise InsecureConfigError(
            "donnez à GROUPEMENT_SECRET_KEY une valeur aléatoire et secrète (ou laissez `make run` écrire "
            "instance/secret_key) : la clé de développement est refusée hors mode debug et tests."
        )
